/* cg: descriptor, setup, presets, work model, self-check, and the seq and
 * omp modes (thin wrappers around cg_solve, the loop outline in cg.h).
 * Check: the final relative residual is <= tol, and max |u_h - u| <= h^2/8
 * plus the solver's share (twice the exact discretisation error, derived
 * below); the worse of the two ratios is reported against 1. */
#include "cg.h"

#include <parity/partition.h>
#include <parity/repro.h>

#include <float.h>
#include <stdio.h>
#include <stdlib.h>

/* CG takes about 3.1 n iterations here (tol 1e-10): n = 32 -> 96, 576 ->
 * 1772, 1024 -> 3173, 2048 -> 6395.  small: about 0.9 s sequentially on the
 * 2-core Zen 5 VM; medium about 8 s; large about 10 min (for clusters). */
static const struct parity_param cg_params[] = {
    {"n", "interior grid points per side (h = 1/(n+1))", {32, 576, 1024, 4096}, 1, 1 << 20},
    {"tol-exp", "stop when ||r||/||b|| <= 10^-tol_exp", {10, 10, 10, 10}, 1, 14},
    {"max-iters", "iteration cap; 0 = 10 n (reaching it fails the check)", {0, 0, 0, 0}, 0, INT64_C(1) << 32},
};

static const char *const cg_variants[] = {"matrix-free", NULL};
static const char *const cg_variant_help[] = {
    "unpreconditioned CG, 5-point stencil applied row by row",
};

static int64_t cg_max_iters(const struct parity_ctx *ctx)
{
    int64_t cap = parity_param(ctx, "max-iters");
    return cap > 0 ? cap : 10 * parity_param(ctx, "n");
}

/* The largest row block any rank holds, for the memory estimate. */
static int64_t cg_max_rows(const struct parity_ctx *ctx)
{
    int64_t n = parity_param(ctx, "n");
    return (n + ctx->ranks - 1) / ctx->ranks;
}

static void cg_teardown(void *state)
{
    struct cg_state *s = state;
    if (!s)
        return;
    free(s->b); /* one block holds every array (see cg_setup) */
    free(s);
}

int cg_setup(const struct parity_ctx *ctx, void **state)
{
    struct cg_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->n = parity_param(ctx, "n");
    s->max_iters = cg_max_iters(ctx);
    s->tol = pow(10.0, -(double)parity_param(ctx, "tol-exp"));
    s->h = 1.0 / (double)(s->n + 1);
    int64_t r1;
    parity_partition_range(s->n, ctx->ranks, ctx->rank, &s->row0, &r1);
    s->rows = r1 - s->row0;
    size_t grid = (size_t)(s->rows * s->n), n = (size_t)s->n;
    size_t total = 4 * grid + grid + 2 * n + n + (size_t)s->max_iters + 1;
    double *block = calloc(total, sizeof(double)); /* zero halo rows */
    if (!block) {
        free(s);
        return -1;
    }
    s->b = block;
    s->x = s->b + grid;
    s->r = s->x + grid;
    s->ap = s->r + grid;
    s->pbuf = s->ap + grid;
    s->p = s->pbuf + n;
    s->partials = s->pbuf + grid + 2 * n;
    s->history = s->partials + n;
    for (int64_t i = 0; i < s->rows; i++) {
        double y = (double)(s->row0 + i + 1) * s->h, h2 = s->h * s->h;
        for (int64_t j = 0; j < s->n; j++)
            s->b[i * s->n + j] = h2 * cg_rhs((double)(j + 1) * s->h, y);
    }
    *state = s;
    return 0;
}

void cg_begin(struct cg_state *s, double rr0)
{
    s->sc.rr = rr0;
    s->bnorm = sqrt(rr0);
    s->iterations = 0;
    s->history[0] = 1.0;
}

/* The per-iteration row loops, out of line (cg.h says why).  Each fills
 * part[lo..hi) with its rows' partials. */
__attribute__((noinline)) void cg_rows_start(struct cg_state *s, int64_t lo,
                                             int64_t hi, double *part)
{
    for (int64_t i = lo; i < hi; i++)
        part[i] = cg_row_start(s, i);
}

__attribute__((noinline)) void cg_rows_direction(struct cg_state *s, int64_t lo,
                                                 int64_t hi)
{
    int64_t n = s->n;
    for (int64_t i = lo; i < hi; i++)
        cg_row_direction(s->p + i * n, s->r + i * n, s->sc.beta, n);
}

__attribute__((noinline)) void cg_rows_spmv(struct cg_state *s, int64_t lo,
                                            int64_t hi, double *part)
{
    int64_t n = s->n;
    for (int64_t i = lo; i < hi; i++)
        part[i] = cg_row_spmv_dot(s->p + (i - 1) * n, s->p + i * n,
                                  s->p + (i + 1) * n, s->ap + i * n, n);
}

__attribute__((noinline)) void cg_rows_update(struct cg_state *s, int64_t lo,
                                              int64_t hi, double *part)
{
    int64_t n = s->n;
    for (int64_t i = lo; i < hi; i++)
        part[i] = cg_row_update(s->x + i * n, s->r + i * n, s->p + i * n,
                                s->ap + i * n, s->sc.alpha, n);
}

double cg_sum_rows(const struct cg_state *s)
{
    double sum;
    parity_repro_tree_sum(s->partials, s->n, 1, &sum);
    return sum;
}

/* seq and omp: one process holds every row, so a dot product is this
 * process's row partials through the fixed tree (repro) or the sum of its
 * threads' shares (fast), and there is no halo to exchange. */
static double cg_sum_local(const struct parity_ctx *ctx, struct cg_state *s, double local)
{
    return ctx->reduce == PARITY_REPRO ? cg_sum_rows(s) : local;
}

static const struct cg_comm cg_comm_local = {.sum = cg_sum_local};

/* seq, the reference: the outline outside any parallel region, one thread. */
void cg_run_seq(const struct parity_ctx *ctx, void *state)
{
    cg_solve(ctx, state, &cg_comm_local);
}

/* omp: one parallel region around the whole solve (a region per iteration
 * would cost microseconds each); the outline shares the rows. */
void cg_run_omp(const struct parity_ctx *ctx, void *state)
{
#pragma omp parallel
    cg_solve(ctx, state, &cg_comm_local);
}

static int cg_validate(const struct parity_ctx *ctx, char *msg, size_t size)
{
    if (ctx->ranks > parity_param(ctx, "n")) {
        snprintf(msg, size, "cg needs at least one grid row per rank: --n %lld < %d ranks",
                 (long long)parity_param(ctx, "n"), ctx->ranks);
        return -1;
    }
    return 0;
}

static void cg_output(const struct parity_ctx *ctx, void *state,
                      struct parity_output *out)
{
    struct cg_state *s = state;
    int root = ctx->rank == 0;
    out->narrays = 3;
    out->array[0] = (struct parity_out_array){
        .name = "solution", .type = PARITY_F64, .ndims = 2, .dims = {s->n, s->n},
        .offset = {s->row0, 0}, .count = {s->rows, s->n}, .row_step = 1,
        .data = s->x, .stride = s->n,
    };
    out->array[1] = (struct parity_out_array){
        .name = "residual_history", .type = PARITY_F64, .ndims = 1,
        .dims = {s->iterations + 1, 1}, .count = {root ? s->iterations + 1 : 0, 1},
        .row_step = 1, .data = s->history, .stride = 1,
    };
    out->array[2] = (struct parity_out_array){
        .name = "iterations", .type = PARITY_I64, .ndims = 1, .dims = {1, 1},
        .count = {root ? 1 : 0, 1}, .row_step = 1, .data = &s->iterations, .stride = 1,
    };
    out->nscalars = 4;
    out->scalar[0] = (struct parity_out_scalar){"iterations", (double)s->iterations};
    out->scalar[1] = (struct parity_out_scalar){"final_relative_residual",
                                         s->history[s->iterations]};
    out->scalar[2] = (struct parity_out_scalar){"true_relative_residual", s->true_residual};
    out->scalar[3] = (struct parity_out_scalar){"error_max", s->error_max};
}

/* (1) ||r||/||b|| <= tol for CG's own residual; hitting the iteration cap
 * first fails.  (By the stopping rule this ratio lies just below 1 whenever
 * CG converged: it tells "converged", the margin is in (2).)
 * (2) max |x - u| <= h^2/8 + solver term.  u is a quartic in x and in y, so
 * the 5-point stencil's truncation error is exactly -(h^2/12)(u_xxxx +
 * u_yyyy) = 2 h^2 (P + Q) (P = x(1-x), Q = y(1-y); u_xxxx = -24 Q), with no
 * higher terms, and the discrete Laplacian of P Q is exact (quadratic in each
 * variable): -Lap_h(P Q) = 2 (P + Q).  Hence the exact discrete solution is
 * u_h = u - h^2 P Q, max |u_h - u| = h^2/16 at the centre; the bound allows
 * twice that.  The solver term bounds x - u_h = -A^-1 (b - A x): the discrete
 * maximum principle (comparison function x(1-x)/2) gives ||A^-1||_inf <=
 * 1/(8 h^2) for the stencil h^2 A used here, applied to the true residual
 * b - A x recomputed after the solve, plus that evaluation's rounding
 * (<= 6 eps (8 max|x| + max|b|), with max|x| <= 0.1 since max u = 0.044, and
 * |b| <= 5 h^2). */
static void cg_check(const struct parity_ctx *ctx, void *state,
                     struct parity_check *r)
{
    (void)ctx;
    struct cg_state *s = state;
    double h2 = s->h * s->h;
    double rounding = 6.0 * DBL_EPSILON * (8.0 * 0.1 + 5.0 * h2);
    double solver = (s->residual_max + rounding) / (8.0 * h2);
    double res = s->history[s->iterations];
    double worst = 0.0; /* recomputed from x, this process's rows (the driver
                           takes the maximum over ranks) */
    for (int64_t i = 0; i < s->rows; i++)
        worst = fmax(worst, cg_row_error(s, i));
    r->error = fmax(res / s->tol, worst / (h2 / 8.0 + solver));
    r->bound = 1.0;
}

/* Per iteration: SpMV 5 n^2 + p.Ap 2 n^2 + the x and r updates 4 n^2 + r.r
 * 2 n^2 + the direction p = r + beta p 2 n^2 = 15 n^2 (the direction is not
 * updated before the first iteration: counted anyway).  Plus, once per
 * solve, the start (r.r: 2 n^2), the true residual (SpMV, b - Ax and its
 * square: 8 n^2) and the error against u (about 12 n^2): 22 n^2. */
static double cg_flops(const struct parity_ctx *ctx, const void *state)
{
    /* CG's work depends on the iteration count of the run just measured. */
    double n = (double)parity_param(ctx, "n");
    double iterations = state ? (double)((const struct cg_state *)state)->iterations : 0.0;
    return (15.0 * iterations + 22.0) * n * n;
}

/* Memory traffic per iteration, 8-byte values: direction reads r, p and
 * writes p (3); SpMV reads p (neighbour rows from cache) and writes Ap (2);
 * the update reads x, p, r, Ap and writes x, r (6): 88 n^2 bytes.  Once per
 * solve: the start reads b and writes x, r, p (4), the true residual copies
 * x to p (2), then reads p, b and writes Ap (3), the error reads x (1):
 * 80 n^2 bytes. */
static double cg_bytes(const struct parity_ctx *ctx, const void *state)
{
    double n = (double)parity_param(ctx, "n");
    double iterations = state ? (double)((const struct cg_state *)state)->iterations : 0.0;
    return (88.0 * iterations + 80.0) * n * n;
}

/* b, x, r, Ap, p (+ 2 halo rows), row partials, history. */
static double cg_memory(const struct parity_ctx *ctx)
{
    double n = (double)parity_param(ctx, "n"), rows = (double)cg_max_rows(ctx);
    return 8.0 * (5.0 * rows * n + 3.0 * n + (double)cg_max_iters(ctx) + 1.0);
}

static const struct parity_mode_impl kernel_cg_modes[] = {
    {.mode = "seq", .setup = cg_setup, .run = cg_run_seq},
    {.mode = "omp", .setup = cg_setup, .run = cg_run_omp},
    {.mode = "mpi", .setup = cg_setup, .run = cg_run_mpi},
    {.mode = NULL},
};

const struct parity_kernel kernel_cg = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "cg",
    .summary = "conjugate gradient, 2-D Poisson (5-point), manufactured solution",
    .params = cg_params,
    .nparams = sizeof cg_params / sizeof cg_params[0],
    .variants = cg_variants,
    .variant_help = cg_variant_help,
    .outputs = "solution[n][n], residual_history[iterations+1], iterations[1]",
    /* fast sums in another order, and CG's residual sequence amplifies that:
     * measured against repro, residual_history differs by up to 9e-5
     * relative (n = 512; 5e-6 at n = 1024, 4e-9 at n = 32) while the
     * solution agrees to 5e-16.  rtol leaves 10x. */
    .verify = {.rtol = 1e-3, .atol = 1e-12},
    .check_what = "||r||/||b|| <= 10^-tol_exp (before the cap) and max|x - u| <= "
                  "h^2/8 + ||b - Ax||_inf/(8h^2) (exact discretisation error: h^2/16); "
                  "error = the worse ratio, bound 1",
    .flops = cg_flops,
    .bytes = cg_bytes,
    .memory = cg_memory,
    .validate = cg_validate,
    .modes = kernel_cg_modes,
    .output = cg_output,
    .check = cg_check,
    .teardown = cg_teardown,
};
