/* pi: descriptor, presets, work model and self-check.
 * Check: the composite midpoint rule's error is at most h^2/24 * max|f''| =
 * 1/(3 n^2) for f = 4/(1+x^2) (|f''| <= 8), and summing n terms of at most 4
 * adds at most pi * n * eps of rounding.  A lost update (the racy variant)
 * is off by far more than that. */
#include "pi.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

static const struct parity_param pi_params[] = {
    {"n", "number of midpoints", {1000000, 400000000, 2000000000, 20000000000}, 1, INT64_C(1) << 40},
};

static const char *const pi_variants[] = {"midpoint", "racy", NULL};
static const char *const pi_variant_help[] = {
    "blocked sums combined per --reduce",
    "threads add into one shared unsynchronised accumulator (wrong on purpose)",
};

int pi_setup(const struct parity_ctx *ctx, void **state)
{
    struct pi_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->n = parity_param(ctx, "n");
    s->h = 1.0 / (double)s->n;
    s->blocks = parity_repro_blocks_for(s->n);
    s->partials = calloc((size_t)s->blocks.count, sizeof(double));
    if (!s->partials) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static void pi_teardown(void *state)
{
    struct pi_state *s = state;
    free(s->partials);
    free(s);
}

static void pi_output(const struct parity_ctx *ctx, void *state,
                      struct parity_output *out)
{
    struct pi_state *s = state;
    /* Every rank holds the value; rank 0 writes it. */
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "value", .type = PARITY_F64, .ndims = 1,
        .dims = {1, 1}, .count = {ctx->rank == 0 ? 1 : 0, 1},
        .row_step = 1, .data = &s->value, .stride = 1,
    };
    out->nscalars = 1;
    out->scalar[0] = (struct parity_out_scalar){"value", s->value};
}

static void pi_check(const struct parity_ctx *ctx, void *state,
                     struct parity_check *r)
{
    (void)ctx;
    struct pi_state *s = state;
    double n = (double)s->n;
    r->error = fabs(s->value - M_PI);
    r->bound = 1.0 / (3.0 * n * n) + M_PI * n * DBL_EPSILON;
}

/* Per point: (i+0.5)*h, x*x, 1+, 4/, += : 6 flops.  No array traffic. */
static double pi_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    return 6.0 * (double)parity_param(ctx, "n");
}

static double pi_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)ctx;
    (void)state;
    return 0.0;
}

static double pi_memory(const struct parity_ctx *ctx)
{
    return 8.0 * (double)parity_repro_blocks_for(parity_param(ctx, "n")).count;
}

/* seq and omp: one process, so the sums stay local. */
static void sum_blocks_local(const struct parity_ctx *ctx, struct pi_state *s)
{
    (void)ctx;
    parity_repro_tree_sum(s->partials, s->blocks.count, 1, &s->value);
}

static double sum_values_local(const struct parity_ctx *ctx, double local)
{
    (void)ctx;
    return local;
}

static const struct pi_comm pi_comm_local = {
    .sum_blocks = sum_blocks_local, .sum_values = sum_values_local,
};

/* seq, the reference: the outline outside any parallel region, one thread. */
void pi_run_seq(const struct parity_ctx *ctx, void *state)
{
    struct pi_state *s = state;
    pi_compute(ctx, s, 0, s->blocks.count, &pi_comm_local);
}

/* omp: one parallel region; the outline shares the blocks among the team. */
void pi_run_omp(const struct parity_ctx *ctx, void *state)
{
    struct pi_state *s = state;
#pragma omp parallel
    pi_compute(ctx, s, 0, s->blocks.count, &pi_comm_local);
}

static const struct parity_mode_impl kernel_pi_modes[] = {
    {.mode = "seq", .setup = pi_setup, .run = pi_run_seq},
    {.mode = "omp", .setup = pi_setup, .run = pi_run_omp},
    {.mode = "mpi", .setup = pi_setup, .run = pi_run_mpi},
    {.mode = NULL},
};

const struct parity_kernel kernel_pi = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "pi",
    .summary = "midpoint rule for the integral of 4/(1+x^2) on [0,1] (a reduction)",
    .params = pi_params,
    .nparams = sizeof pi_params / sizeof pi_params[0],
    .variants = pi_variants,
    .variant_help = pi_variant_help,
    .outputs = "value[1]",
    .verify = {.rtol = 1e-10, .atol = 0.0}, /* a plain serial loop over 4e8 terms drifts ~1e-12 */
    .check_what = "|value - pi| <= 1/(3 n^2) + pi n eps (midpoint rule bound + rounding)",
    .flops = pi_flops,
    .bytes = pi_bytes,
    .memory = pi_memory,
    .modes = kernel_pi_modes,
    .output = pi_output,
    .check = pi_check,
    .teardown = pi_teardown,
};
