/* nbody: descriptor, initial conditions, presets, work model and self-check.
 * Check: total momentum drifts by rounding only (the pair forces cancel
 * exactly, see nbody_check), and the relative energy error of leapfrog stays
 * within a bound measured for this dt and softening (nbody_energy_bound). */
#include "nbody.h"

#include <parity/partition.h>
#include <parity/repro.h>

#include <float.h>
#include <stdlib.h>
#include <string.h>

/* |E_end - E_start| / |E_start| allowed.  Leapfrog is symplectic: its energy
 * error oscillates with amplitude ~ dt^2 times the squared frequency of the
 * fastest motion, and does not grow secularly.  Here that is a pair passing
 * through the softened core (tidal frequency^2 <= m / eps^3, m = 1/N), so the
 * error scales as dt^2 / (N eps^3); encounters come with random signs, hence
 * 1/N and not N^0.  Measured |dE/E| N eps^3 / dt^2 for N = 128..8192 and
 * 10..3000 steps (5-20 seeds per case, 1-3 for the long runs), with eps =
 * 0.01, 0.02 and 0.05: at most 0.015.  The bound takes 0.15 (10x).  For very large
 * N the smooth field's own error takes over; its stationary fluctuation,
 * summed over N bodies of random phase, is estimated generously as
 * dt^2 / sqrt(N) (below the encounters' term in every measured case).  One
 * body moved by 0.01 at N = 128 fails it 14x (see the unit test). */
static double nbody_energy_bound(int64_t n)
{
    double dt2 = NBODY_DT * NBODY_DT, eps3 = NBODY_EPS * NBODY_EPS * NBODY_EPS;
    return 0.15 * dt2 / ((double)n * eps3) + dt2 / sqrt((double)n);
}

/* small: about 1 s sequentially on the 2-core Zen 5 VM (13-14 GFLOP/s);
 * medium about 20 s; large about 5 min sequentially. */
static const struct parity_param nbody_params[] = {
    {"n", "number of bodies", {128, 4096, 16384, 65536}, 2, INT64_C(1) << 22},
    {"steps", "leapfrog steps (dt = 1e-3, Henon units)", {10, 40, 50, 50}, 1, 1000000},
};

static const char *const nbody_variants[] = {"direct", NULL};
static const char *const nbody_variant_help[] = {
    "all N^2 pairs, one fixed summation order per body",
};

/* splitmix64 (Steele, Lea, Flood 2014): a counter-based stream per body, so
 * any process can generate any body without generating the others. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform on (0, 1), never 0 or 1. */
static double unit(uint64_t *state)
{
    return ((double)(splitmix64(state) >> 11) + 0.5) * 0x1.0p-53;
}

/* A vector of length r in a uniformly random direction. */
static void isotropic(double r, uint64_t *state, double out[3])
{
    double cz = 1.0 - 2.0 * unit(state);
    double phi = 2.0 * M_PI * unit(state);
    double rxy = r * sqrt(1.0 - cz * cz);
    out[0] = rxy * cos(phi);
    out[1] = rxy * sin(phi);
    out[2] = r * cz;
}

/* Body i of a Plummer sphere (Aarseth, Henon & Wielen 1974), radius from the
 * inverse cumulative mass (cut at r = 10), speed by von Neumann rejection from
 * q^2 (1 - q^2)^(7/2), then scaled to Henon units (E = -1/4). */
static void plummer_body(uint64_t seed, int64_t i, double pos[3], double vel[3])
{
    uint64_t state = seed;
    state = splitmix64(&state) ^ (uint64_t)i;
    (void)splitmix64(&state);
    double r;
    do
        r = 1.0 / sqrt(pow(unit(&state), -2.0 / 3.0) - 1.0);
    while (r > 10.0);
    double q, g;
    do {
        q = unit(&state);
        g = 0.1 * unit(&state);
    } while (g > q * q * pow(1.0 - q * q, 3.5));
    double speed = q * M_SQRT2 * pow(1.0 + r * r, -0.25);
    isotropic(r * (3.0 * M_PI / 16.0), &state, pos);
    isotropic(speed * sqrt(16.0 / (3.0 * M_PI)), &state, vel);
}

/* All n bodies, then shifted to rest at the origin: centre of mass and mean
 * velocity come from a reproducible sum, so every process shifts alike. */
static void initial_conditions(struct nbody_state *s, uint64_t seed)
{
    for (int64_t i = 0; i < s->n; i++) {
        double p[3], v[3];
        plummer_body(seed, i, p, v);
        s->x0[i] = p[0], s->y0[i] = p[1], s->z0[i] = p[2];
        s->vx0[i] = v[0], s->vy0[i] = v[1], s->vz0[i] = v[2];
        double *row = s->partials + i * NB_DIAG_WIDTH; /* 6 columns reused */
        row[0] = p[0], row[1] = p[1], row[2] = p[2];
        row[3] = v[0], row[4] = v[1], row[5] = v[2];
    }
    double mean[NB_DIAG_WIDTH];
    parity_repro_tree_sum(s->partials, s->n, NB_DIAG_WIDTH, mean);
    for (int k = 0; k < 6; k++)
        mean[k] /= (double)s->n; /* equal masses: mean = centre */
    for (int64_t i = 0; i < s->n; i++) {
        s->x0[i] -= mean[0], s->y0[i] -= mean[1], s->z0[i] -= mean[2];
        s->vx0[i] -= mean[3], s->vy0[i] -= mean[4], s->vz0[i] -= mean[5];
    }
}

static void nbody_teardown(void *state)
{
    struct nbody_state *s = state;
    if (!s)
        return;
    free(s->x); /* one block holds every array (see nbody_setup) */
    free(s->counts);
    free(s);
}

/* Doubles per body held by every process: positions, velocities,
 * accelerations, potential (10), initial conditions (6), partials (6),
 * output copies (6). */
#define NBODY_DOUBLES_PER_BODY 28

int nbody_setup(const struct parity_ctx *ctx, void **state)
{
    struct nbody_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->n = parity_param(ctx, "n");
    s->steps = parity_param(ctx, "steps");
    s->m = 1.0 / (double)s->n;
    parity_partition_range(s->n, ctx->ranks, ctx->rank, &s->lo, &s->hi);
    size_t n = (size_t)s->n;
    double *block = malloc(NBODY_DOUBLES_PER_BODY * n * sizeof(double));
    s->counts = malloc(2 * (size_t)ctx->ranks * sizeof(int));
    if (!block || !s->counts) {
        free(block);
        nbody_teardown(s);
        return -1;
    }
    double **arrays[] = {&s->x, &s->y, &s->z, &s->vx, &s->vy, &s->vz, &s->ax,
                         &s->ay, &s->az, &s->pot, &s->x0, &s->y0, &s->z0,
                         &s->vx0, &s->vy0, &s->vz0};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        *arrays[k] = block + k * n;
    s->partials = block + 16 * n;
    s->pos_out = block + 22 * n;
    s->vel_out = block + 25 * n;
    s->displs = s->counts + ctx->ranks;
    for (int r = 0; r < ctx->ranks; r++) {
        int64_t lo, hi;
        parity_partition_range(s->n, ctx->ranks, r, &lo, &hi);
        s->counts[r] = (int)(hi - lo);
        s->displs[r] = (int)lo;
    }
    initial_conditions(s, ctx->seed);
    *state = s;
    return 0;
}

struct nbody_totals nbody_sum_local(const struct parity_ctx *ctx,
                                    const struct nbody_state *s)
{
    double sum[NB_DIAG_WIDTH] = {0};
    if (ctx->reduce == PARITY_REPRO) {
        parity_repro_tree_sum(s->partials, s->n, NB_DIAG_WIDTH, sum);
    } else {
        for (int64_t i = 0; i < s->n; i++)
            for (int k = 0; k < NB_DIAG_WIDTH; k++)
                sum[k] += s->partials[i * NB_DIAG_WIDTH + k];
    }
    return nbody_totals_of(sum);
}

static void nbody_output(const struct parity_ctx *ctx, void *state,
                         struct parity_output *out)
{
    (void)ctx;
    struct nbody_state *s = state;
    int64_t rows = s->hi - s->lo;
    for (int64_t i = s->lo; i < s->hi; i++) {
        double *p = s->pos_out + 3 * (i - s->lo), *v = s->vel_out + 3 * (i - s->lo);
        p[0] = s->x[i], p[1] = s->y[i], p[2] = s->z[i];
        v[0] = s->vx[i], v[1] = s->vy[i], v[2] = s->vz[i];
    }
    out->narrays = 2;
    out->array[0] = (struct parity_out_array){
        .name = "pos", .type = PARITY_F64, .ndims = 2, .dims = {s->n, 3},
        .offset = {s->lo, 0}, .count = {rows, 3}, .row_step = 1,
        .data = s->pos_out, .stride = 3,
    };
    out->array[1] = out->array[0];
    out->array[1].name = "vel";
    out->array[1].data = s->vel_out;
    double dp[3];
    for (int k = 0; k < 3; k++)
        dp[k] = s->end.p[k] - s->start.p[k];
    out->nscalars = 4;
    out->scalar[0] = (struct parity_out_scalar){"energy_start", s->start.energy};
    out->scalar[1] = (struct parity_out_scalar){"energy_end", s->end.energy};
    out->scalar[2] = (struct parity_out_scalar){
        "energy_drift", fabs(s->end.energy - s->start.energy) / fabs(s->start.energy)};
    out->scalar[3] = (struct parity_out_scalar){
        "momentum_drift", sqrt(dp[0] * dp[0] + dp[1] * dp[1] + dp[2] * dp[2])};
}

/* Momentum: the term for pair (i, j) is computed from the same bits as the
 * one for (j, i), negated (equal masses), so the forces cancel exactly and
 * only rounding moves the total.  Per step: each a_i is a sum of n terms of
 * size at most m kappa / eps^2 (kappa = 2/(3 sqrt 3), the maximum of
 * r / (r^2 + eps^2)^(3/2) times eps^2), so sum_i m |rounding of a_i| <=
 * n eps_mach kappa / eps^2 (n m = 1), applied for dt per step; the two half
 * kicks round each m v by at most eps_mach m |v| / 2 and add h a's rounding.
 * Hence |dP| <= steps eps_mach ((n + 2) dt kappa / eps^2 + 2 A), with A twice
 * the larger of sum m |v| at start and end (speeds vary during the run).
 * Energy: see nbody_energy_bound.  The check reports the worse of the two
 * ratios, error / bound, against 1. */
static void nbody_check(const struct parity_ctx *ctx, void *state,
                        struct parity_check *r)
{
    (void)ctx;
    struct nbody_state *s = state;
    double dp[3];
    for (int k = 0; k < 3; k++)
        dp[k] = s->end.p[k] - s->start.p[k];
    double drift_p = sqrt(dp[0] * dp[0] + dp[1] * dp[1] + dp[2] * dp[2]);
    double kappa = 2.0 / (3.0 * sqrt(3.0));
    double a = 2.0 * fmax(s->start.abs_p, s->end.abs_p);
    double bound_p = (double)s->steps * DBL_EPSILON *
                     ((double)(s->n + 2) * NBODY_DT * kappa / (NBODY_EPS * NBODY_EPS) +
                      2.0 * a);
    double drift_e = fabs(s->end.energy - s->start.energy) / fabs(s->start.energy);
    r->error = fmax(drift_p / bound_p, drift_e / nbody_energy_bound(s->n));
    r->bound = 1.0;
}

/* Per force evaluation 20 flops per pair (nbody_accel) over all n^2 pairs
 * (the self pair is computed too and adds exactly 0); steps + 1 evaluations
 * per repetition.  The O(n) kicks, drifts and diagnostics are left out. */
static double nbody_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return 20.0 * n * n * (double)(parity_param(ctx, "steps") + 1);
}

/* Memory traffic per step: the force loops re-read the positions from cache,
 * so memory sees each array once: forces read x,y,z and write a (48 n bytes),
 * two half kicks read v,a and write v (144 n), the drift reads x,v and writes
 * x (72 n): 264 n bytes per step. */
static double nbody_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return 264.0 * n * (double)parity_param(ctx, "steps");
}

static double nbody_memory(const struct parity_ctx *ctx)
{
    return 8.0 * NBODY_DOUBLES_PER_BODY * (double)parity_param(ctx, "n") +
           8.0 * ctx->ranks;
}

/* seq and omp: every body in one process; the totals are its partial rows
 * through the fixed tree (repro) or the threads' shares' sum (fast). */
static struct nbody_totals nbody_sum_here(const struct parity_ctx *ctx,
                                          struct nbody_state *s,
                                          double local[NB_DIAG_WIDTH])
{
    if (ctx->reduce == PARITY_REPRO)
        return nbody_sum_local(ctx, s);
    return nbody_totals_of(local);
}

static const struct nbody_comm nbody_comm_local = {.sum = nbody_sum_here};

/* seq, the reference: the outline outside any parallel region, one thread. */
void nbody_run_seq(const struct parity_ctx *ctx, void *state)
{
    nbody_integrate(ctx, state, &nbody_comm_local);
}

/* omp: one parallel region around the whole time loop; the outline shares
 * the bodies. */
void nbody_run_omp(const struct parity_ctx *ctx, void *state)
{
#pragma omp parallel
    nbody_integrate(ctx, state, &nbody_comm_local);
}

static const struct parity_mode_impl kernel_nbody_modes[] = {
    {.mode = "seq", .setup = nbody_setup, .run = nbody_run_seq},
    {.mode = "omp", .setup = nbody_setup, .run = nbody_run_omp},
    {.mode = "mpi", .setup = nbody_setup, .run = nbody_run_mpi},
    {.mode = NULL},
};

const struct parity_kernel kernel_nbody = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "nbody",
    .summary = "direct O(N^2) softened gravity on a Plummer sphere, leapfrog steps",
    .params = nbody_params,
    .nparams = sizeof nbody_params / sizeof nbody_params[0],
    .variants = nbody_variants,
    .variant_help = nbody_variant_help,
    .outputs = "pos[n][3], vel[n][3]",
    /* pos and vel are bitwise under fast too: fast only changes how the
     * diagnostics are summed. */
    .verify = {.rtol = 1e-12, .atol = 0.0},
    .check_what = "momentum drift <= its rounding bound and |dE/E| <= "
                  "0.15 dt^2/(N eps^3) + dt^2/sqrt(N) (leapfrog, dt = 1e-3, eps = 0.05); "
                  "error = the worse ratio, bound 1",
    .flops = nbody_flops,
    .bytes = nbody_bytes,
    .memory = nbody_memory,
    .modes = kernel_nbody_modes,
    .output = nbody_output,
    .check = nbody_check,
    .teardown = nbody_teardown,
};
