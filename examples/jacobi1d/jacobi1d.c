/* jacobi1d: the descriptor, setup, the seq and omp modes, the self-check and
 * the work model (see jacobi1d.h for the math).  Self-check: the largest
 * |u_i - cos^2(pi h/2)^S sin(pi x_i)| must stay within the rounding of S
 * sweeps, (8 S + 16) eps; a wrong halo or a lost sweep is off by far more. */
#include "jacobi1d.h"

#include <parity/partition.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>

static const struct parity_param jacobi_params[] = {
    {"n", "interior grid points", {10000, 1000000, 10000000, 100000000}, 1, INT64_C(1) << 33},
    {"steps", "Jacobi sweeps per repetition", {50, 100, 100, 100}, 0, 1000000},
};

static const char *const jacobi_variants[] = {"damped", NULL};
static const char *const jacobi_variant_help[] = {"weight 1/2: u += (u[i-1] - 2u[i] + u[i+1])/4"};

static void jacobi_teardown(void *state)
{
    struct jacobi_state *s = state;
    free(s->u0);
    free(s->u < s->v ? s->u : s->v); /* u and v share one allocation */
    free(s->partials);
    free(s);
}

/* This process owns the repro blocks [b0, b1) and their points. */
int jacobi_setup_blocks(const struct parity_ctx *ctx, void **state, int64_t b0, int64_t b1)
{
    struct jacobi_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    *state = s;
    s->n = parity_param(ctx, "n");
    s->steps = parity_param(ctx, "steps");
    s->blocks = parity_repro_blocks_for(s->n);
    s->b0 = b0;
    s->b1 = b1;
    s->lo = b0 * s->blocks.size < s->n ? b0 * s->blocks.size : s->n;
    s->hi = b1 * s->blocks.size < s->n ? b1 * s->blocks.size : s->n;
    s->comm = ctx->mpi_comm;
    int64_t m = s->hi - s->lo;
    double *uv = calloc(2 * (size_t)(m + 2), sizeof(double)); /* ghosts start at 0 */
    s->u0 = malloc((size_t)(m > 0 ? m : 1) * sizeof(double));
    s->partials = calloc(2 * (size_t)s->blocks.count + 2, sizeof(double));
    if (!uv || !s->u0 || !s->partials) {
        free(uv);
        s->u = s->v = NULL;
        return -1;
    }
    s->u = uv;
    s->v = uv + m + 2;
    const double pi = 3.14159265358979323846, h = 1.0 / (double)(s->n + 1);
    for (int64_t i = s->lo; i < s->hi; i++)
        s->u0[i - s->lo] = sin(pi * ((double)(i + 1) * h));
    return 0;
}

static int jacobi_setup(const struct parity_ctx *ctx, void **state)
{
    struct parity_repro_blocks blocks = parity_repro_blocks_for(parity_param(ctx, "n"));
    return jacobi_setup_blocks(ctx, state, 0, blocks.count);
}

void jacobi_finish(struct jacobi_state *s, const double total[2])
{
    s->sum = total[0];
    s->norm = sqrt(total[1]);
}

static void jacobi_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct jacobi_state *s = state;
    double total[2];
    jacobi_repetition(s, NULL);
    parity_repro_tree_sum(s->partials, s->blocks.count, 2, total);
    jacobi_finish(s, total);
}

static void jacobi_run_omp(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct jacobi_state *s = state;
    double total[2];
#pragma omp parallel
    jacobi_repetition(s, NULL);
    parity_repro_tree_sum(s->partials, s->blocks.count, 2, total);
    jacobi_finish(s, total);
}

/* jacobi1d_mpi.c */
int jacobi_setup_mpi(const struct parity_ctx *ctx, void **state);
void jacobi_run_mpi(const struct parity_ctx *ctx, void *state);

static void jacobi_output(const struct parity_ctx *ctx, void *state, struct parity_output *out)
{
    (void)ctx;
    struct jacobi_state *s = state;
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "u", .type = PARITY_F64, .ndims = 1,
        .dims = {s->n, 1}, .offset = {s->lo, 0}, .count = {s->hi - s->lo, 1},
        .row_step = 1, .data = s->u + 1, .stride = 1,
    };
    out->nscalars = 2;
    out->scalar[0] = (struct parity_out_scalar){"sum", s->sum};
    out->scalar[1] = (struct parity_out_scalar){"norm", s->norm};
}

static void jacobi_check(const struct parity_ctx *ctx, void *state, struct parity_check *r)
{
    (void)ctx;
    struct jacobi_state *s = state;
    const double pi = 3.14159265358979323846, h = 1.0 / (double)(s->n + 1);
    double c = cos(0.5 * pi * h), decay = pow(c * c, (double)s->steps), worst = 0.0;
    for (int64_t i = s->lo; i < s->hi; i++) {
        double e = fabs(s->u[1 + i - s->lo] - decay * sin(pi * ((double)(i + 1) * h)));
        worst = e > worst || isnan(e) ? e : worst;
    }
    r->error = worst;
    r->bound = (8.0 * (double)s->steps + 16.0) * DBL_EPSILON;
}

/* Per point and sweep 5 flops ((a - 2b) + c, * 1/4, + b), 16 bytes (read u,
 * write v: neighbours come from cache); the copy of the start and the two
 * sums add 3 flops and 16 bytes per point. */
static double jacobi_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return n * (5.0 * (double)parity_param(ctx, "steps") + 3.0);
}

static double jacobi_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return n * (16.0 * (double)parity_param(ctx, "steps") + 16.0);
}

/* The whole grid on one process (seq, omp); an upper bound under MPI. */
static double jacobi_memory(const struct parity_ctx *ctx)
{
    double n = (double)parity_param(ctx, "n");
    return 8.0 * (3.0 * n + 4.0) +
           16.0 * (double)parity_repro_blocks_for(parity_param(ctx, "n")).count;
}

static const struct parity_mode_impl jacobi_modes[] = {
    {.mode = "seq", .setup = jacobi_setup, .run = jacobi_run_seq},
    {.mode = "omp", .setup = jacobi_setup, .run = jacobi_run_omp},
    {.mode = "mpi", .setup = jacobi_setup_mpi, .run = jacobi_run_mpi},
    {.mode = NULL},
};

static const struct parity_kernel jacobi1d = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "jacobi1d",
    .summary = "damped Jacobi sweeps for -u''=0 in 1-D from u=sin(pi x) (a stencil with halos)",
    .version = JACOBI1D_VERSION,
    .params = jacobi_params,
    .nparams = sizeof jacobi_params / sizeof jacobi_params[0],
    .variants = jacobi_variants,
    .variant_help = jacobi_variant_help,
    .outputs = "u[n]",
    .verify = {.rtol = 1e-12, .atol = 1e-300},
    .check_what = "max |u - cos^2(pi h/2)^steps sin(pi x)| <= (8 steps + 16) eps",
    .flops = jacobi_flops,
    .bytes = jacobi_bytes,
    .memory = jacobi_memory,
    .modes = jacobi_modes,
    .output = jacobi_output,
    .check = jacobi_check,
    .teardown = jacobi_teardown,
};

PARITY_KERNEL_ENTRY(jacobi1d)
