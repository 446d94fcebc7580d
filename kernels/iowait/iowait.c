/* iowait: descriptor, presets, work model and self-check.
 * Check: every value equals its closed form (i+1) J (J+1) / 2 exactly
 * (integers below 2^53: no rounding anywhere), so the bound is 0.  There is
 * no reduction, so --reduce repro and fast run the same code. */
#include "iowait.h"

#include <parity/partition.h>

#include <math.h>
#include <stdlib.h>

/* Sequential time ~ T L: tiny 16 ms per repetition, small 0.65 s, medium
 * 2.6 s, large 10 s; with k threads ~ T L / k. */
static const struct parity_param iowait_params[] = {
    {"tasks", "number of tasks T", {8, 64, 256, 1024}, 1, INT64_C(1) << 20},
    {"wait-ms", "milliseconds each task waits (like I/O) before computing", {1, 10, 10, 10}, 0, 10000},
};

static const char *const iowait_variants[] = {"sleep", NULL};
static const char *const iowait_variant_help[] = {
    "nanosleep for the wait, then a short exact series",
};

int iowait_setup(const struct parity_ctx *ctx, void **state)
{
    struct iowait_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->tasks = parity_param(ctx, "tasks");
    s->wait_ms = parity_param(ctx, "wait-ms");
    /* Outside MPI ranks = 1 and rank = 0: all tasks. */
    parity_partition_range(s->tasks, ctx->ranks, ctx->rank, &s->lo, &s->hi);
    s->values = calloc((size_t)(s->hi - s->lo) + 1, sizeof(double));
    if (!s->values) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static void iowait_teardown(void *state)
{
    struct iowait_state *s = state;
    free(s->values);
    free(s);
}

static void iowait_output(const struct parity_ctx *ctx, void *state,
                          struct parity_output *out)
{
    struct iowait_state *s = state;
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "values", .type = PARITY_F64, .ndims = 1, .dims = {s->tasks, 1},
        .offset = {s->lo, 0}, .count = {s->hi - s->lo, 1}, .row_step = 1,
        .data = s->values, .stride = 1,
    };
    /* The sequential waiting time: concurrency achieved = ideal / wall. */
    out->nscalars = 1;
    out->scalar[0] = (struct parity_out_scalar){
        "ideal_seconds", (double)s->tasks * (double)parity_param(ctx, "wait-ms") / 1000.0};
}

static void iowait_check(const struct parity_ctx *ctx, void *state,
                         struct parity_check *r)
{
    (void)ctx;
    struct iowait_state *s = state;
    r->error = 0.0;
    for (int64_t i = s->lo; i < s->hi; i++) {
        double e = fabs(s->values[i - s->lo] - iowait_closed_form(i));
        if (isnan(e) || e > r->error) /* a NaN, once in, stays */
            r->error = e;
    }
    r->bound = 0.0;
}

/* Per task: J multiplies and J adds (the int-to-double conversions not
 * counted); the wait is not work.  No array traffic worth a model. */
static double iowait_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    return 2.0 * IOWAIT_TERMS * (double)parity_param(ctx, "tasks");
}

static double iowait_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)ctx;
    (void)state;
    return 0.0;
}

static double iowait_memory(const struct parity_ctx *ctx)
{
    int64_t tasks = parity_param(ctx, "tasks"), ranks = ctx->ranks > 0 ? ctx->ranks : 1;
    return 8.0 * (double)((tasks + ranks - 1) / ranks + 1) + (double)sizeof(struct iowait_state);
}

/* seq, the reference: the outline outside any parallel region. */
void iowait_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    iowait_tasks(state);
}

/* omp, and mpi (each rank its own tasks, from setup): one parallel region;
 * the outline hands out the tasks. */
void iowait_run_team(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
#pragma omp parallel
    iowait_tasks(state);
}

static const struct parity_mode_impl kernel_iowait_modes[] = {
    {.mode = "seq", .setup = iowait_setup, .run = iowait_run_seq},
    {.mode = "omp", .setup = iowait_setup, .run = iowait_run_team},
    {.mode = "mpi", .setup = iowait_setup, .run = iowait_run_team},
    {.mode = NULL},
};

const struct parity_kernel kernel_iowait = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "iowait",
    .summary = "T tasks that each wait L ms (like I/O) then compute a short series: concurrency",
    .params = iowait_params,
    .nparams = sizeof iowait_params / sizeof iowait_params[0],
    .variants = iowait_variants,
    .variant_help = iowait_variant_help,
    .outputs = "values[tasks]",
    .verify = {.rtol = 0.0, .atol = 0.0}, /* exact in every mode: no reduction */
    .check_what = "every value == (i+1) J (J+1) / 2 exactly, J = 500 (error = max abs difference)",
    .flops = iowait_flops,
    .bytes = iowait_bytes,
    .memory = iowait_memory,
    .modes = kernel_iowait_modes,
    .output = iowait_output,
    .check = iowait_check,
    .teardown = iowait_teardown,
};
