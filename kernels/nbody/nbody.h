/* nbody: direct O(N^2) softened gravity (G = 1) on a Plummer sphere, advanced
 * by kick-drift-kick leapfrog.  Checked by conservation: total momentum to
 * rounding, total energy within leapfrog's O(dt^2) bounded error.
 * The math lives here once, and so does the loop outline of a repetition
 * (nbody_integrate, at the end of this header): seq and omp (nbody.c) and
 * mpi (nbody_mpi.c) are thin wrappers that only say whether threads share
 * the bodies and how positions and diagnostic sums cross ranks (struct
 * nbody_comm).  The force on body i is summed over all j in one fixed
 * order, so every decomposition gives the same bits. */
#ifndef PARITY_NBODY_H
#define PARITY_NBODY_H

#include <parity/kernel.h>

#include <parity/partition.h>

#include <math.h>
#include <omp.h>
#include <stdint.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Time step and softening length in Henon units (G = M = 1, E = -1/4,
 * crossing time 2 sqrt 2).  With eps = 0.05 a pair bound inside the softened
 * core (period >= 2 pi sqrt(eps^3 / (2 m)), 0.56 at N = 128) takes hundreds
 * of steps per orbit, and the leapfrog energy error stays near 1e-7 (see
 * nbody_energy_bound).  Overridable at compile time for experiments only:
 * the self-check's constants were measured with these values. */
#ifndef NBODY_DT
#define NBODY_DT 1e-3
#endif
#ifndef NBODY_EPS
#define NBODY_EPS 0.05
#endif

/* Lanes of the force sum: the fixed order of j is "lane j % 8 in increasing
 * j, then the 8 lanes in a fixed tree", which vectorises and is the same
 * arithmetic in every mode.  (struct nbody_lanes and nbody_lane_sum assume 8.) */
#define NBODY_LANES 8

/* Per-body diagnostics, summed reproducibly (one partial row per body). */
enum nbody_diag {
    NB_KINETIC,  /* m v^2 / 2 */
    NB_POTENTIAL, /* -m/2 sum_{j != i} m / sqrt(r^2 + eps^2) */
    NB_PX, NB_PY, NB_PZ, /* m v */
    NB_ABS_P,    /* m |v|, the scale of momentum rounding */
    NB_DIAG_WIDTH
};

/* Conserved quantities at one instant (identical on every rank). */
struct nbody_totals {
    double energy;   /* kinetic + potential */
    double p[3];     /* total momentum */
    double abs_p;    /* sum of m |v| */
};

struct nbody_state {
    int64_t n;            /* number of bodies */
    int64_t steps;        /* leapfrog steps per repetition */
    int64_t lo, hi;       /* this process's bodies [lo, hi) */
    double m;             /* mass of every body, 1/n */
    double *x, *y, *z;    /* positions of all n bodies (this step) */
    double *vx, *vy, *vz; /* velocities, rows [lo, hi) meaningful */
    double *ax, *ay, *az; /* accelerations, rows [lo, hi) */
    double *pot;          /* sum_{j != i} m / sqrt(r^2 + eps^2), rows [lo, hi) */
    double *x0, *y0, *z0, *vx0, *vy0, *vz0; /* initial conditions, all n */
    double *partials;     /* [n][NB_DIAG_WIDTH] per-body diagnostics */
    double *pos_out, *vel_out; /* [hi-lo][3] output copies, filled by output */
    struct nbody_totals start, end; /* conserved quantities before / after */
    int *counts, *displs; /* Allgatherv layout of the bodies (mpi only) */
};

/* Four doubles (GCC/Clang vector extension, one AVX register); the eight
 * lanes are two of them. */
typedef double nbody_v4 __attribute__((vector_size(4 * sizeof(double))));

/* *inv = 1/sqrt(*r2) lane by lane.  sqrt and division are correctly rounded
 * in every path, so the bits equal the scalar code's; the intrinsic is only
 * there because sqrt() may set errno and then GCC will not vectorise it.
 * (Pointers, not values: a vector argument's ABI depends on -mavx.) */
static inline void nbody_rsqrt4(nbody_v4 *inv, const nbody_v4 *r2)
{
    nbody_v4 root;
#if defined(__AVX__)
    root = (nbody_v4)_mm256_sqrt_pd((__m256d)*r2);
#else
    for (int l = 0; l < 4; l++)
        root[l] = sqrt((*r2)[l]);
#endif
    *inv = 1.0 / root;
}

/* Running sums of one body's force, lane l (0..7) in v[l / 4][l % 4]
 * holding the pairs with j % 8 == l. */
struct nbody_lanes {
    nbody_v4 ax[2], ay[2], az[2]; /* acceleration components */
    nbody_v4 pot[2];              /* sum_{j != i} m / sqrt(r^2 + eps^2) */
};

/* Pair (i, j) into lane l: 3 sub, 3 mul + 3 add (r^2 + eps^2), sqrt, div,
 * 2 mul (inv^3), 1 mul (m inv^3), 3 mul + 3 add (accumulate) = 20 flops;
 * the potential adds 2 more where it is wanted. */
static inline void nbody_pair(struct nbody_lanes *acc, int l, const double xi[3],
                              double xj, double yj, double zj, double m,
                              int self, int want_pot)
{
    const double eps2 = NBODY_EPS * NBODY_EPS;
    double dx = xj - xi[0], dy = yj - xi[1], dz = zj - xi[2];
    double r2 = dx * dx + dy * dy + dz * dz + eps2;
    double inv = 1.0 / sqrt(r2);
    double s = m * (inv * inv * inv);
    acc->ax[l / 4][l % 4] += s * dx;
    acc->ay[l / 4][l % 4] += s * dy;
    acc->az[l / 4][l % 4] += s * dz;
    if (want_pot && !self)
        acc->pot[l / 4][l % 4] += m * inv;
}

/* Eight pairs (i, j..j+7) at once: the same operations as nbody_pair. */
static inline void nbody_pairs8(struct nbody_lanes *acc, const double xi[3],
                                const double *x, const double *y,
                                const double *z, double m, int want_pot)
{
    const double eps2 = NBODY_EPS * NBODY_EPS;
    for (int h = 0; h < 2; h++) {
        nbody_v4 xj, yj, zj;
        __builtin_memcpy(&xj, x + 4 * h, sizeof xj);
        __builtin_memcpy(&yj, y + 4 * h, sizeof yj);
        __builtin_memcpy(&zj, z + 4 * h, sizeof zj);
        nbody_v4 dx = xj - xi[0], dy = yj - xi[1], dz = zj - xi[2];
        nbody_v4 r2 = dx * dx + dy * dy + dz * dz + eps2;
        nbody_v4 inv;
        nbody_rsqrt4(&inv, &r2);
        nbody_v4 s = m * (inv * inv * inv);
        acc->ax[h] += s * dx;
        acc->ay[h] += s * dy;
        acc->az[h] += s * dz;
        if (want_pot)
            acc->pot[h] += m * inv;
    }
}

/* Sum of the eight lanes in a fixed tree. */
static inline double nbody_lane_sum(const nbody_v4 v[2])
{
    return ((v[0][0] + v[0][1]) + (v[0][2] + v[0][3])) +
           ((v[1][0] + v[1][1]) + (v[1][2] + v[1][3]));
}

/* Acceleration on body i from every body j = 0..n-1, j in lane j % 8, lanes
 * combined in a fixed tree: one summation order, the same in every mode.
 * With want_pot also *pot = sum_{j != i} m / sqrt(r^2 + eps^2).  The self
 * pair adds exactly +0.0 to the acceleration (dx = 0), is skipped in the
 * potential, and its block of eight goes through the scalar path (same
 * arithmetic per lane) so that the vector path needs no mask. */
static inline void nbody_accel(int64_t i, int64_t n, const double *restrict x,
                               const double *restrict y, const double *restrict z,
                               double m, int want_pot, double a[3], double *pot)
{
    struct nbody_lanes acc;
    __builtin_memset(&acc, 0, sizeof acc);
    const double xi[3] = {x[i], y[i], z[i]};
    int64_t j = 0;
    for (; j + NBODY_LANES <= n; j += NBODY_LANES) {
        if (i >= j && i < j + NBODY_LANES)
            for (int l = 0; l < NBODY_LANES; l++)
                nbody_pair(&acc, l, xi, x[j + l], y[j + l], z[j + l], m,
                           j + l == i, want_pot);
        else
            nbody_pairs8(&acc, xi, x + j, y + j, z + j, m, want_pot);
    }
    for (int l = 0; j < n; j++, l++)
        nbody_pair(&acc, l, xi, x[j], y[j], z[j], m, j == i, want_pot);
    a[0] = nbody_lane_sum(acc.ax);
    a[1] = nbody_lane_sum(acc.ay);
    a[2] = nbody_lane_sum(acc.az);
    if (want_pot)
        *pot = nbody_lane_sum(acc.pot);
}

/* Accelerations (and potentials) of bodies [lo, hi). */
static inline void nbody_forces(struct nbody_state *s, int64_t lo, int64_t hi,
                                int want_pot)
{
    for (int64_t i = lo; i < hi; i++) {
        double a[3];
        nbody_accel(i, s->n, s->x, s->y, s->z, s->m, want_pot, a, &s->pot[i]);
        s->ax[i] = a[0];
        s->ay[i] = a[1];
        s->az[i] = a[2];
    }
}

/* Half kick v += dt/2 a for bodies [lo, hi). */
static inline void nbody_kick(struct nbody_state *s, int64_t lo, int64_t hi)
{
    const double h = 0.5 * NBODY_DT;
    for (int64_t i = lo; i < hi; i++) {
        s->vx[i] += h * s->ax[i];
        s->vy[i] += h * s->ay[i];
        s->vz[i] += h * s->az[i];
    }
}

/* Drift x += dt v for bodies [lo, hi). */
static inline void nbody_drift(struct nbody_state *s, int64_t lo, int64_t hi)
{
    for (int64_t i = lo; i < hi; i++) {
        s->x[i] += NBODY_DT * s->vx[i];
        s->y[i] += NBODY_DT * s->vy[i];
        s->z[i] += NBODY_DT * s->vz[i];
    }
}

/* Back to the initial conditions: every repetition integrates the same orbit. */
static inline void nbody_reset(struct nbody_state *s, int64_t lo, int64_t hi,
                               int all_positions)
{
    int64_t plo = all_positions ? 0 : lo, phi = all_positions ? s->n : hi;
    for (int64_t i = plo; i < phi; i++) {
        s->x[i] = s->x0[i];
        s->y[i] = s->y0[i];
        s->z[i] = s->z0[i];
    }
    for (int64_t i = lo; i < hi; i++) {
        s->vx[i] = s->vx0[i];
        s->vy[i] = s->vy0[i];
        s->vz[i] = s->vz0[i];
    }
}

/* Diagnostic partials of bodies [lo, hi) (needs pot from nbody_forces). */
static inline void nbody_diag_rows(struct nbody_state *s, int64_t lo, int64_t hi)
{
    for (int64_t i = lo; i < hi; i++) {
        double vx = s->vx[i], vy = s->vy[i], vz = s->vz[i];
        double v2 = vx * vx + vy * vy + vz * vz;
        double *p = s->partials + i * NB_DIAG_WIDTH;
        p[NB_KINETIC] = 0.5 * s->m * v2;
        p[NB_POTENTIAL] = -0.5 * s->m * s->pot[i];
        p[NB_PX] = s->m * vx;
        p[NB_PY] = s->m * vy;
        p[NB_PZ] = s->m * vz;
        p[NB_ABS_P] = s->m * sqrt(v2);
    }
}

/* The totals from the summed partials. */
static inline struct nbody_totals nbody_totals_of(const double sum[NB_DIAG_WIDTH])
{
    struct nbody_totals t = {
        .energy = sum[NB_KINETIC] + sum[NB_POTENTIAL],
        .p = {sum[NB_PX], sum[NB_PY], sum[NB_PZ]},
        .abs_p = sum[NB_ABS_P],
    };
    return t;
}

/* Shared by the three modes (nbody.c). */
int nbody_setup(const struct parity_ctx *ctx, void **state);
/* Totals of the partial rows of all n bodies in this process (seq, omp):
 * repro = fixed tree, fast = left to right. */
struct nbody_totals nbody_sum_local(const struct parity_ctx *ctx,
                                    const struct nbody_state *s);

/* What differs between modes once the bodies are shared out.  Hooks are
 * called by the master thread only (MPI_THREAD_FUNNELED); the outline puts
 * a barrier after each. */
struct nbody_comm {
    /* NULL outside MPI: every process gets every body's new position. */
    void (*positions)(const struct parity_ctx *ctx, struct nbody_state *s);
    /* The totals over all bodies from this process's partial rows in
     * s->partials (repro) or their sum `local` by nbody_sum_shares (fast). */
    struct nbody_totals (*sum)(const struct parity_ctx *ctx, struct nbody_state *s,
                               double local[NB_DIAG_WIDTH]);
};

/* This process's fast sum of its partial rows [lo, hi): each of the nt
 * thread shares left to right from 0.0, then the shares in thread order,
 * which is what reduction(+:) over the threads' sums gives for one or two
 * threads, and the same bits on every run for three or more (reduction(+:)
 * adds the threads' sums in the order they finish).  O(n) adds, once per
 * repetition's diagnostics.  Unused under repro. */
static inline void nbody_sum_shares(const struct parity_ctx *ctx,
                                    const struct nbody_state *s, int nt,
                                    double sum[NB_DIAG_WIDTH])
{
    for (int k = 0; k < NB_DIAG_WIDTH; k++)
        sum[k] = 0.0;
    if (ctx->reduce == PARITY_REPRO)
        return;
    for (int t = 0; t < nt; t++) {
        int64_t lo, hi;
        parity_partition_range(s->hi - s->lo, nt, t, &lo, &hi);
        double share[NB_DIAG_WIDTH] = {0};
        for (int64_t i = s->lo + lo; i < s->lo + hi; i++)
            for (int k = 0; k < NB_DIAG_WIDTH; k++)
                share[k] += s->partials[i * NB_DIAG_WIDTH + k];
        for (int k = 0; k < NB_DIAG_WIDTH; k++)
            sum[k] += share[k];
    }
}

/* Diagnostics of this process's bodies, combined into *t per comm. */
static inline void nbody_diagnostics(const struct parity_ctx *ctx, struct nbody_state *s,
                                     const struct nbody_comm *comm, struct nbody_totals *t)
{
#pragma omp for schedule(static)
    for (int64_t i = s->lo; i < s->hi; i++)
        nbody_diag_rows(s, i, i + 1);
#pragma omp master
    {
        double local[NB_DIAG_WIDTH];
        nbody_sum_shares(ctx, s, omp_get_num_threads(), local);
        *t = comm->sum(ctx, s, local);
    }
#pragma omp barrier
}

/* The one loop outline of a repetition: reset to the initial conditions,
 * forces and diagnostics, `steps` kick-drift-kick steps, diagnostics.
 * Called by every thread of a parallel region (omp, hybrid mpi) or outside
 * any (seq, plain mpi): an orphaned `omp for` then runs every body on the
 * one thread and the barriers are no-ops, so seq runs the loop omp runs.
 * Each process advances its bodies [lo, hi), shared statically between its
 * threads; the implicit barrier of `omp for` ends a phase before the next
 * reads it (forces need every position), and under MPI the master then
 * gathers the positions before a barrier. */
static inline void nbody_integrate(const struct parity_ctx *ctx, struct nbody_state *s,
                                   const struct nbody_comm *comm)
{
    int64_t n = s->n, lo = s->lo, hi = s->hi, steps = s->steps;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++)
        nbody_reset(s, i, i + 1, 0); /* velocities outside [lo, hi): never read */
#pragma omp for schedule(static)
    for (int64_t i = lo; i < hi; i++)
        nbody_forces(s, i, i + 1, 1);
    nbody_diagnostics(ctx, s, comm, &s->start);
    for (int64_t step = 0; step < steps; step++) {
#pragma omp for schedule(static)
        for (int64_t i = lo; i < hi; i++) {
            nbody_kick(s, i, i + 1);
            nbody_drift(s, i, i + 1);
        }
        if (comm->positions) {
#pragma omp master
            comm->positions(ctx, s);
#pragma omp barrier
        }
#pragma omp for schedule(static)
        for (int64_t i = lo; i < hi; i++) {
            nbody_forces(s, i, i + 1, step == steps - 1);
            nbody_kick(s, i, i + 1);
        }
    }
    nbody_diagnostics(ctx, s, comm, &s->end);
}

/* The modes' run functions: seq and omp in nbody.c, mpi in nbody_mpi.c. */
void nbody_run_seq(const struct parity_ctx *ctx, void *state);
void nbody_run_omp(const struct parity_ctx *ctx, void *state);
void nbody_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
