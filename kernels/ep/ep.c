/* ep: descriptor, presets, work model and self-check.
 * Check: for the official NPB classes, sx and sy against the NPB 3.3 values
 * with NPB's own rule (relative error <= 1e-8); for any other M, every
 * statistic the run produces (acceptance rate, each annulus count, sx, sy)
 * within 6 standard deviations of its exact expectation. */
#include "ep.h"

#include <stdlib.h>

/* tiny: 2 batches, ~7 ms per repetition; small: class S, ~0.86 s
 * sequentially on the 2-core Zen 5 development machine; medium: class A
 * (16x S); large: class B (64x S). */
static const struct parity_param ep_params[] = {
    {"m", "log2 of the number of Gaussian pairs (NPB classes: S 24, W 25, A 28, B 30, C 32)",
     {17, 24, 28, 30}, EP_MK, 40},
};

static const char *const ep_variants[] = {"npb", NULL};
static const char *const ep_variant_help[] = {
    "NPB 3.3 EP: NPB's fixed seed 271828183 (--seed is not used), batches of 2^16 pairs",
};

/* NPB 3.3 verification values, from the `verify` section of NPB3.3 EP/ep.f
 * (the same numbers in NPB3.3-SER-C ep.c): sx and sy for each class. */
static const struct {
    int m;
    char letter;
    double sx, sy;
} ep_classes[] = {
    {24, 'S', -3.247834652034740e+3, -6.958407078382297e+3},
    {25, 'W', -2.863319731645753e+3, -6.320053679109499e+3},
    {28, 'A', -4.295875165629892e+3, -1.580732573678431e+4},
    {30, 'B', 4.033815542441498e+4, -2.660669192809235e+4},
    {32, 'C', 4.764367927995374e+4, -8.084072988043731e+4},
    {36, 'D', 1.982481200946593e+5, -1.020596636361769e+5},
    {40, 'E', -5.319717441530e+05, -3.688834557731e+05},
};
#define EP_NCLASSES (int)(sizeof ep_classes / sizeof ep_classes[0])
#define EP_NPB_EPSILON 1.0e-8 /* NPB's verification bound */
#define EP_ZBOUND 6.0         /* standard deviations allowed per statistic */

static int ep_class_index(int m)
{
    for (int i = 0; i < EP_NCLASSES; i++)
        if (ep_classes[i].m == m)
            return i;
    return -1;
}

int ep_setup(const struct parity_ctx *ctx, void **state)
{
    struct ep_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->m = (int)parity_param(ctx, "m");
    s->batches = INT64_C(1) << (s->m - EP_MK);
    s->an = ep_batch_step();
    s->partials = calloc((size_t)s->batches * 2, sizeof(double));
    if (!s->partials) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static void ep_teardown(void *state)
{
    struct ep_state *s = state;
    free(s->partials);
    free(s);
}

double ep_npb_error(const struct ep_state *s)
{
    int c = ep_class_index(s->m);
    if (c < 0)
        return -1.0;
    double ex = fabs((s->sums[0] - ep_classes[c].sx) / ep_classes[c].sx);
    double ey = fabs((s->sums[1] - ep_classes[c].sy) / ep_classes[c].sy);
    return (ex > ey || isnan(ex)) ? ex : ey;
}

/* P(max(|X|,|Y|) < r) for independent standard normals X, Y. */
static double ep_square_cdf(double r)
{
    double p = erf(r / sqrt(2.0));
    return p * p;
}

/* |observed - expected| / sd, with the variance floored at 1 so that a bin
 * expecting ~0 counts may hold one or two without failing. */
static double ep_z(double observed, double expected, double variance)
{
    return fabs(observed - expected) / sqrt(variance > 1.0 ? variance : 1.0);
}

static void ep_zmax_update(double *zmax, double z)
{
    if (isnan(z) || z > *zmax) /* a NaN, once in, stays */
        *zmax = z;
}

/* Of N = 2^m uniform pairs in the square, a fraction pi/4 falls in the unit
 * disc (binomial); annulus l holds each pair with probability
 * pi/4 * (F(l+1) - F(l)), F the square CDF above (the last annulus takes
 * the whole tail); sx and sy are sums of `accepted` standard normals. */
double ep_stat_zmax(const struct ep_state *s)
{
    double n = ldexp(1.0, s->m), p_disc = M_PI / 4.0, accepted = 0.0, zmax = 0.0;
    for (int l = 0; l < EP_NQ; l++) {
        double hi = l + 1 < EP_NQ ? ep_square_cdf(l + 1.0) : 1.0;
        double p = p_disc * (hi - ep_square_cdf((double)l));
        ep_zmax_update(&zmax, ep_z((double)s->counts[l], n * p, n * p * (1.0 - p)));
        accepted += (double)s->counts[l];
    }
    ep_zmax_update(&zmax, ep_z(accepted, n * p_disc, n * p_disc * (1.0 - p_disc)));
    ep_zmax_update(&zmax, ep_z(s->sums[0], 0.0, accepted));
    ep_zmax_update(&zmax, ep_z(s->sums[1], 0.0, accepted));
    return zmax;
}

static void ep_check(const struct parity_ctx *ctx, void *state,
                     struct parity_check *r)
{
    (void)ctx;
    struct ep_state *s = state;
    double npb = ep_npb_error(s);
    if (npb >= 0.0 || isnan(npb)) {
        r->error = npb;
        r->bound = EP_NPB_EPSILON;
    } else {
        r->error = ep_stat_zmax(s);
        r->bound = EP_ZBOUND;
    }
}

static void ep_output(const struct parity_ctx *ctx, void *state,
                      struct parity_output *out)
{
    struct ep_state *s = state;
    /* Every rank holds the whole result; rank 0 writes it. */
    int64_t mine = ctx->rank == 0;
    out->narrays = 2;
    out->array[0] = (struct parity_out_array){
        .name = "sums", .type = PARITY_F64, .ndims = 1, .dims = {2, 1},
        .count = {2 * mine, 1}, .row_step = 1, .data = s->sums, .stride = 1,
    };
    out->array[1] = (struct parity_out_array){
        .name = "counts", .type = PARITY_I64, .ndims = 1, .dims = {EP_NQ, 1},
        .count = {EP_NQ * mine, 1}, .row_step = 1, .data = s->counts, .stride = 1,
    };
    int64_t accepted = 0;
    for (int l = 0; l < EP_NQ; l++)
        accepted += s->counts[l];
    int c = ep_class_index(s->m);
    out->nscalars = 4;
    out->scalar[0] = (struct parity_out_scalar){"sx", s->sums[0]};
    out->scalar[1] = (struct parity_out_scalar){"sy", s->sums[1]};
    out->scalar[2] = (struct parity_out_scalar){"accepted", (double)accepted};
    /* The class letter's ASCII code ('S' = 83, 'A' = 65...), 0 for none. */
    out->scalar[3] = (struct parity_out_scalar){"npb_class", c < 0 ? 0.0 : (double)ep_classes[c].letter};
}

/* Flops per repetition, expected value: 16 per uniform (the split
 * arithmetic of vranlc, truncations not counted), 7 per pair (2x-1 twice,
 * x^2+y^2) and 8 per accepted pair (a fraction pi/4: -2 ln t / t with log as
 * one, sqrt as one, two products, two sums).  NPB itself reports Mop/s =
 * 2^(M+1) / time / 1e6, i.e. uniforms per second. */
static double ep_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double pairs = ldexp(1.0, (int)parity_param(ctx, "m"));
    return pairs * (2.0 * 16.0 + 7.0 + 8.0 * M_PI / 4.0);
}

static double ep_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)ctx;
    (void)state;
    return 0.0;
}

static double ep_memory(const struct parity_ctx *ctx)
{
    double batches = ldexp(1.0, (int)parity_param(ctx, "m") - EP_MK);
    return 16.0 * batches + (double)sizeof(struct ep_state);
}

/* seq and omp: one process; repro sums the partials in the fixed tree. */
static void finish_local(const struct parity_ctx *ctx, struct ep_state *s)
{
    if (ctx->reduce == PARITY_REPRO)
        parity_repro_tree_sum(s->partials, s->batches, 2, s->sums);
    else
        memcpy(s->sums, s->fast, sizeof s->sums);
}

static const struct ep_comm ep_comm_local = {.finish = finish_local};

/* seq, the reference: the outline outside any parallel region, one thread. */
void ep_run_seq(const struct parity_ctx *ctx, void *state)
{
    struct ep_state *s = state;
    ep_compute(ctx, s, 0, s->batches, &ep_comm_local);
}

/* omp: one parallel region; the outline deals out the batches. */
void ep_run_omp(const struct parity_ctx *ctx, void *state)
{
    struct ep_state *s = state;
#pragma omp parallel
    ep_compute(ctx, s, 0, s->batches, &ep_comm_local);
}

static const struct parity_mode_impl kernel_ep_modes[] = {
    {.mode = "seq", .setup = ep_setup, .run = ep_run_seq},
    {.mode = "omp", .setup = ep_setup, .run = ep_run_omp},
    {.mode = "mpi", .setup = ep_setup, .run = ep_run_mpi},
    {.mode = NULL},
};

const struct parity_kernel kernel_ep = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "ep",
    .summary = "NAS EP: Gaussian pairs from the NPB generator, sums and annulus counts",
    .params = ep_params,
    .nparams = sizeof ep_params / sizeof ep_params[0],
    .variants = ep_variants,
    .variant_help = ep_variant_help,
    .outputs = "sums[2] (sx, sy), counts[10] (int64)",
    /* fast: sums of up to 2^m terms of |g| < 12 regrouped; NPB accepts any
     * order within 1e-8 relative, atol covers sums that land near 0. */
    .verify = {.rtol = 1e-8, .atol = 1e-6},
    .check_what = "NPB classes (m = 24 S, 25 W, 28 A, 30 B, 32 C, 36 D, 40 E): "
                  "max relative error of sx, sy vs NPB 3.3 <= 1e-8; other m: "
                  "acceptance rate, annulus counts, sx, sy within 6 sigma of expectation",
    .flops = ep_flops,
    .bytes = ep_bytes,
    .memory = ep_memory,
    .modes = kernel_ep_modes,
    .output = ep_output,
    .check = ep_check,
    .teardown = ep_teardown,
};
