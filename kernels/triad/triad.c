/* triad: descriptor, presets, work model and self-check.
 * Check: every a[i] must equal (i mod 1021) + 3 (i mod 1019), computed here
 * in integer arithmetic, independently of the sweep.  The inputs are small
 * integers, so the floating-point triad is exact and the bound is 0: a
 * missed element (setup fills a with NaN), a wrong index or a wrong formula
 * fails it. */
#include "triad.h"

#include <parity/partition.h>

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* small: 2^25 elements = 3 arrays x 256 MiB (each 8x the 32 MiB L3; STREAM
 * asks for >= 4x), 30 sweeps ~ 1 s sequentially here (23 GB/s).  tiny stays
 * in cache: a test size, not a bandwidth measurement. */
static const struct parity_param triad_params[] = {
    {"n", "elements per array (3 float64 arrays)",
     {100000, INT64_C(1) << 25, INT64_C(1) << 27, INT64_C(1) << 30}, 1, INT64_C(1) << 40},
    {"steps", "sweeps per repetition", {10, 30, 20, 100}, 1, INT64_C(1) << 30},
};

static const char *const triad_variants[] = {"stream", NULL};
static const char *const triad_variant_help[] = {
    "a[i] = b[i] + 3 c[i], plain loop (compiler-vectorised, ordinary stores)",
};

static void triad_teardown(void *state)
{
    struct triad_state *s = state;
    free(s->a);
    free(s->b);
    free(s->c);
    free(s);
}

static double *triad_alloc(int64_t count)
{
    size_t bytes = ((size_t)(count > 0 ? count : 1) * sizeof(double) + 63) & ~(size_t)63;
    return aligned_alloc(64, bytes);
}

/* Fill the local range with the threads that will sweep it, each its own
 * part (the same partition as triad_sweeps): on NUMA machines the pages
 * land next to the core that uses them.  a starts as NaN, so an element that
 * no sweep wrote fails the check. */
static void triad_fill(const struct parity_ctx *ctx, struct triad_state *s)
{
    int64_t count = s->hi - s->lo;
    int threads = ctx->threads; /* 1 in seq (options.c) */
#pragma omp parallel num_threads(threads)
    {
        int64_t lo, hi;
        parity_partition_range(count, omp_get_num_threads(), omp_get_thread_num(), &lo, &hi);
        for (int64_t i = lo; i < hi; i++) {
            s->a[i] = NAN;
            s->b[i] = triad_b(s->lo + i);
            s->c[i] = triad_c(s->lo + i);
        }
    }
}

int triad_setup(const struct parity_ctx *ctx, void **state)
{
    struct triad_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    *state = s;
    s->n = parity_param(ctx, "n");
    s->steps = parity_param(ctx, "steps");
    /* Outside MPI ranks = 1: the whole range. */
    parity_partition_range(s->n, ctx->ranks, ctx->rank, &s->lo, &s->hi);
    s->a = triad_alloc(s->hi - s->lo);
    s->b = triad_alloc(s->hi - s->lo);
    s->c = triad_alloc(s->hi - s->lo);
    if (!s->a || !s->b || !s->c)
        return -1; /* the driver tears down the partial state */
    triad_fill(ctx, s);
    return 0;
}

static void triad_output(const struct parity_ctx *ctx, void *state,
                         struct parity_output *out)
{
    (void)ctx;
    struct triad_state *s = state;
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "a", .type = PARITY_F64, .ndims = 1, .dims = {s->n, 1},
        .offset = {s->lo, 0}, .count = {s->hi - s->lo, 1}, .row_step = 1,
        .data = s->a, .stride = 1,
    };
    out->nscalars = 0;
}

/* max |a[i] - closed form| over this process's elements; NaN stays NaN. */
static void triad_check(const struct parity_ctx *ctx, void *state, struct parity_check *r)
{
    (void)ctx;
    struct triad_state *s = state;
    double err = 0.0;
    for (int64_t i = s->lo; i < s->hi; i++) {
        int64_t exact = i % 1021 + 3 * (i % 1019);
        double d = fabs(s->a[i - s->lo] - (double)exact);
        err = (d > err || isnan(d)) ? d : err;
    }
    r->error = err;
    r->bound = 0.0;
}

/* Per element per sweep: one multiply, one add. */
static double triad_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    return 2.0 * (double)parity_param(ctx, "n") * (double)parity_param(ctx, "steps");
}

/* STREAM's convention: 24 bytes per element per sweep (read b, read c,
 * write a).  Not counted: the write-allocate read of a's cache line before
 * it is written (ordinary stores), which makes the real DRAM traffic 32
 * bytes; heat's model (16 bytes a point) leaves it out the same way. */
static double triad_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    return 24.0 * (double)parity_param(ctx, "n") * (double)parity_param(ctx, "steps");
}

/* Three arrays of this process's (largest) block. */
static double triad_memory(const struct parity_ctx *ctx)
{
    int64_t n = parity_param(ctx, "n");
    return 3.0 * 8.0 * (double)((n + ctx->ranks - 1) / ctx->ranks);
}

/* seq, the reference: the outline outside any parallel region. */
void triad_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    triad_sweeps(state);
}

/* omp, and mpi (each rank its own block, from setup): one parallel region of
 * the threads that filled the arrays, around all sweeps. */
void triad_run_team(const struct parity_ctx *ctx, void *state)
{
#pragma omp parallel num_threads(ctx->threads)
    triad_sweeps(state);
}

static const struct parity_mode_impl kernel_triad_modes[] = {
    {.mode = "seq", .setup = triad_setup, .run = triad_run_seq},
    {.mode = "omp", .setup = triad_setup, .run = triad_run_team},
    {.mode = "mpi", .setup = triad_setup, .run = triad_run_team},
    {.mode = NULL},
};

const struct parity_kernel kernel_triad = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "triad",
    .summary = "STREAM triad a = b + s c over float64 arrays (sustainable memory bandwidth)",
    .params = triad_params,
    .nparams = sizeof triad_params / sizeof triad_params[0],
    .variants = triad_variants,
    .variant_help = triad_variant_help,
    .outputs = "a[n]",
    .verify = {.rtol = 0.0, .atol = 0.0}, /* exact in every mode */
    .check_what = "every a[i] == (i mod 1021) + 3 (i mod 1019) exactly (integer closed form)",
    .flops = triad_flops,
    .bytes = triad_bytes,
    .memory = triad_memory,
    .modes = kernel_triad_modes,
    .output = triad_output,
    .check = triad_check,
    .teardown = triad_teardown,
};
