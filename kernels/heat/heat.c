/* heat: descriptor, presets, work model, self-check, and the seq and omp
 * modes (thin wrappers around heat_sweep, the loop outline in heat.h; the
 * mpi mode's hooks are in heat_mpi.c, which this file never calls).
 *
 * Check: u0(i,j) = sin(pi x_i) sin(pi y_j) is an eigenvector of the discrete
 * operator A: one step multiplies it by lambda = 1 - 8 r sin^2(pi h/2), so
 * after S steps u = lambda^S u0 up to rounding.  error = max |u - lambda^S
 * u0| over this process's points; bound = 4 (S + 4) eps.  Why (max norm,
 * |u| <= 1, eps = DBL_EPSILON):
 *   - one step rounds 6 operations (4u is exact); with |u| <= M the worst
 *     case is 16 M eps/2 in the difference, 0.2 x that after r*, plus the
 *     last two roundings: <= 2.9 eps M per point and step;
 *   - r <= 1/4 makes a step a convex combination (weights 1-4r, r, r, r, r),
 *     so ||A|| = 1 in the max norm: earlier errors are carried, never
 *     amplified, and S steps add <= 2.9 S eps;
 *   - the computed u0 differs from the exact mode by d, |d| <= 4 eps (sin
 *     of a mirrored argument, then the product); A^S d - lambda^S d <= 8 eps;
 *   - lambda^S = exp(S log1p(-x)): its error S |log lambda| c eps lambda^S
 *     is <= c eps / e whatever S is, <= 6 eps in all (n = 1 is the worst).
 * Total <= 2.9 S eps + 14 eps <= 4 (S + 4) eps.  Measured (this machine):
 * tiny 2.2e-16 (bound 4.8e-14), n 37 / 11 steps 2.2e-16 (1.3e-14), small
 * 1.7e-15 (3.1e-13), medium 8.9e-15 (8.9e-13): about 1 % of the bound.  The
 * largest preset's bound is 3.6e-12, so one value off by 1e-8 fails the
 * check (tests/unit/test_heat.c does exactly that). */
#include "heat.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct parity_param heat_params[] = {
    {"n", "interior grid points per side (h = 1/(n+1))",
     {64, 2048, 4096, 16384}, 1, INT64_C(1) << 20},
    {"steps", "explicit time steps (r = alpha dt/h^2 = 0.2)",
     {50, 350, 1000, 4000}, 0, INT64_C(1) << 30},
};

static const char *const heat_variants[] = {"explicit", "temporal", NULL};
static const char *const heat_bitwise_variants[] = {"temporal", NULL};
static const char *const heat_variant_help[] = {
    "forward Euler, 5-point stencil, one row function shared by all modes",
    "the same steps, bitwise, in tiles skewed in time: 8 steps per pass through memory",
};

/* sin(pi x_i) for every global i: computed once, identically in every mode
 * and on every rank, so u0 has the same bits everywhere.  The argument is
 * mirrored into (0, pi/2] (sin(pi - x) = sin x): there an argument rounding
 * error moves sin by at most 0.56 x that error instead of pi x it near pi,
 * and the vector is exactly symmetric. */
static void heat_sine_init(double *sine, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t k = i + 1 <= n - i ? i + 1 : n - i;
        sine[i] = sin(M_PI * (double)k / (double)(n + 1));
    }
}

static int64_t round8(int64_t x)
{
    return (x + 7) / 8 * 8;
}

/* Grids start zero (halo cells on the physical boundary stay so), 64-byte
 * aligned; with pad and ld multiples of 8 doubles every row is too. */
static double *heat_grid_alloc(size_t cells)
{
    double *g = aligned_alloc(64, cells * sizeof(double));
    if (g)
        memset(g, 0, cells * sizeof(double));
    return g;
}

int heat_alloc(struct heat_state *s, int64_t n, int64_t steps, int64_t row0,
               int64_t rows, int64_t col0, int64_t cols, int64_t halo)
{
    int64_t pad = round8(halo);
    *s = (struct heat_state){.n = n, .steps = steps, .row0 = row0, .rows = rows,
                             .col0 = col0, .cols = cols, .halo = halo, .pad = pad,
                             .ld = round8(pad + cols + halo), .tb_steps = 1,
                             .tb_rows = HEAT_TB_ROWS, .tb_cols = HEAT_TB_COLS};
    size_t cells = (size_t)(rows + 2 * halo) * (size_t)s->ld;
    s->sine = malloc((size_t)n * sizeof(double));
    s->grid[0] = heat_grid_alloc(cells);
    s->grid[1] = heat_grid_alloc(cells);
    if (!s->sine || !s->grid[0] || !s->grid[1])
        return -1;
    heat_sine_init(s->sine, n);
    s->result = s->grid[0];
    return 0;
}

/* The block's arrays and the state itself (heat_teardown_mpi first frees
 * what only MPI has). */
void heat_free(struct heat_state *s)
{
    free(s->sine);
    free(s->grid[0]);
    free(s->grid[1]);
    free(s);
}

static void heat_teardown(void *state)
{
    heat_free(state);
}

/* seq and omp: one block, the whole grid. */
int heat_setup(const struct parity_ctx *ctx, void **state)
{
    struct heat_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    *state = s;
    int64_t n = parity_param(ctx, "n");
    int rc = heat_alloc(s, n, parity_param(ctx, "steps"), 0, n, 0, n, 1);
    s->variant = ctx->variant;
    s->tb_steps = ctx->variant == HEAT_TEMPORAL ? HEAT_TB_STEPS : 1;
    return rc;
}

/* seq and omp: the whole grid in one process, nothing crosses ranks. */
static const struct heat_comm heat_comm_local = {0};

/* seq, the reference: the outline outside any parallel region, one thread. */
void heat_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    heat_sweep(state, &heat_comm_local);
}

/* omp: one parallel region around the whole time loop (a region per step
 * would cost microseconds each); the outline shares the rows. */
void heat_run_omp(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
#pragma omp parallel
    heat_sweep(state, &heat_comm_local);
}

double heat_lambda(int64_t n)
{
    double s = sin(M_PI / (2.0 * (double)(n + 1)));
    return 1.0 - 8.0 * HEAT_R * s * s;
}

/* lambda^steps, accurate to a few eps for any number of steps (see top). */
double heat_decay(int64_t n, int64_t steps)
{
    double s = sin(M_PI / (2.0 * (double)(n + 1)));
    return exp((double)steps * log1p(-8.0 * HEAT_R * s * s));
}

static void heat_output(const struct parity_ctx *ctx, void *state,
                        struct parity_output *out)
{
    (void)ctx;
    struct heat_state *s = state;
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "grid", .type = PARITY_F64, .ndims = 2,
        .dims = {s->n, s->n}, .offset = {s->row0, s->col0},
        .count = {s->rows, s->cols}, .row_step = 1,
        .data = heat_at(s, s->result, 0, 0), .stride = s->ld,
    };
    out->nscalars = 1;
    out->scalar[0] = (struct parity_out_scalar){"max_value", s->max_value};
}

/* max |u - lambda^S u0| over this process's points; a NaN stays NaN. */
static void heat_check(const struct parity_ctx *ctx, void *state,
                       struct parity_check *r)
{
    (void)ctx;
    struct heat_state *s = state;
    double decay = heat_decay(s->n, s->steps), err = 0.0;
    for (int64_t i = 0; i < s->rows; i++) {
        const double *u = heat_at(s, s->result, i, 0);
        double si = s->sine[s->row0 + i];
        for (int64_t j = 0; j < s->cols; j++) {
            double d = fabs(u[j] - decay * (si * s->sine[s->col0 + j]));
            err = (d > err || isnan(d)) ? d : err;
        }
    }
    r->error = err;
    r->bound = 4.0 * ((double)s->steps + 4.0) * DBL_EPSILON;
}

/* Per point per step: uN+uS, uE+uW, their sum, 4*u, the difference, r*, u+
 * = 7 flops (the row max at the end is comparisons, not counted). */
static double heat_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return 7.0 * n * n * (double)parity_param(ctx, "steps");
}

/* Effective traffic 16 bytes per point per step: read u once (the rows above
 * and below are reused from cache), write u'.  Write-allocate makes the real
 * DRAM traffic up to 24 bytes when the grid is larger than the caches.  The
 * timed repetition also resets the grid to u0 (8 bytes written a point) and
 * takes the max of the result (8 bytes read): counted too, as one more
 * step's 16 bytes (at 60 steps they are 1/61 of the time; leaving them out
 * undercounted the rate by that much).  The temporal variant is counted
 * exactly like explicit (it moves fewer bytes: that is its point), so the
 * two rates compare the same work. */
static double heat_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return 16.0 * n * n * ((double)parity_param(ctx, "steps") + 1.0);
}

/* Two grids with halo (and row padding) for the largest block of a dims[0] x
 * dims[1] process grid, plus the sine vector. */
double heat_block_memory(int64_t n, const int dims[2], int64_t halo)
{
    double rows = (double)((n + dims[0] - 1) / dims[0] + 2 * halo);
    double cols = (double)round8(round8(halo) + (n + dims[1] - 1) / dims[1] + halo);
    return 2.0 * 8.0 * rows * cols + 8.0 * (double)n;
}

/* seq and omp: one block, the whole grid, halo 1. */
static double heat_memory(const struct parity_ctx *ctx)
{
    static const int one[2] = {1, 1};
    return heat_block_memory(parity_param(ctx, "n"), one, 1);
}

/* The mpi row brings its own setup, validation (the process grid must fit
 * the grid), memory model (per block, deep halos) and teardown (the
 * communicator): nothing shared tests the mode. */
static const struct parity_mode_impl kernel_heat_modes[] = {
    {.mode = "seq", .setup = heat_setup, .run = heat_run_seq},
    {.mode = "omp", .setup = heat_setup, .run = heat_run_omp},
    {.mode = "mpi", .setup = heat_setup_mpi, .run = heat_run_mpi,
     .validate = heat_validate_mpi, .memory = heat_memory_mpi,
     .teardown = heat_teardown_mpi},
    {.mode = NULL},
};

const struct parity_kernel kernel_heat = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "heat",
    .summary = "2-D heat equation, explicit 5-point stencil, zero boundary (a memory-bound sweep)",
    .params = heat_params,
    .nparams = sizeof heat_params / sizeof heat_params[0],
    .variants = heat_variants,
    .variant_help = heat_variant_help,
    .outputs = "grid[n][n]",
    /* temporal updates every point with heat_step_row, in the same order per
     * point: verify holds it to explicit's bits. */
    .verify = {.rtol = 1e-12, .atol = 1e-15, .bitwise_variants = heat_bitwise_variants},
    .check_what = "max |u - lambda^S u0| <= 4 (S+4) eps: decay of the sin.sin eigenmode, "
                  "lambda = 1 - 8 r sin^2(pi h/2)",
    .flops = heat_flops,
    .bytes = heat_bytes,
    .memory = heat_memory,
    .modes = kernel_heat_modes,
    .output = heat_output,
    .check = heat_check,
    .teardown = heat_teardown,
};
