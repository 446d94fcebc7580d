/* jacobi1d: damped Jacobi sweeps (weight 1/2) for -u'' = 0 on (0,1) with
 * u(0) = u(1) = 0, i.e. explicit 1-D diffusion with r = 1/4, started from
 * u = sin(pi x).  That start is an exact eigenvector of the discrete sweep:
 * after S sweeps u_i = cos^2(pi h/2)^S sin(pi x_i), the self-check's
 * independent reference.  The math and the loop outline live here once;
 * jacobi1d.c (seq, omp) and jacobi1d_mpi.c (mpi, hybrid) only say who owns
 * which points and how the partial sums are combined. */
#ifndef JACOBI1D_H
#define JACOBI1D_H

#include <parity/kernel.h>
#include <parity/repro.h>

#include <stdint.h>

struct jacobi_state {
    int64_t n, steps;      /* interior points, sweeps per repetition */
    int64_t lo, hi;        /* this process's points [lo, hi) of [0, n) */
    int64_t b0, b1;        /* ... which are the whole repro blocks [b0, b1) */
    struct parity_repro_blocks blocks; /* fixed blocks of [0, n): sums by these */
    double *u0;            /* the start, sin(pi x), for every repetition */
    double *u, *v;         /* current and next sweep, with one ghost cell at
                              each end: u[1 + i - lo] is point i */
    double *partials;      /* [blocks.count][2]: sum of u, sum of u^2 per block */
    double sum, norm;      /* the results: sum of u and its 2-norm */
    void *comm;            /* MPI_Comm * under MPI, else NULL */
};

/* One point of one sweep.  The expression is fixed (no FMA: the Makefile
 * passes -ffp-contract=off), so a point's bits never depend on who computes
 * it: this is what makes every mode agree. */
static inline double jacobi_point(const double *u, int64_t k)
{
    return u[k] + 0.25 * ((u[k - 1] - 2.0 * u[k]) + u[k + 1]);
}

/* Sum of u[0..len) and of u^2, by the lane rule of <parity/repro.h>. */
static inline void jacobi_block_sums(const double *u, int64_t len, double out[2])
{
    double s[PARITY_REPRO_LANES] = {0}, q[PARITY_REPRO_LANES] = {0};
    for (int64_t k = 0; k < len; k++) {
        s[k % PARITY_REPRO_LANES] += u[k];
        q[k % PARITY_REPRO_LANES] += u[k] * u[k];
    }
    out[0] = parity_repro_lanes_fold(s);
    out[1] = parity_repro_lanes_fold(q);
}

/* Fills the ghost cells from the neighbours (MPI); NULL when there are none. */
typedef void (*jacobi_exchange_fn)(struct jacobi_state *s);

/* One repetition on this process's points: the outline every mode runs.
 * Inside a parallel region (omp, hybrid) each `omp for` shares its loop among
 * the team; called outside one (seq) the same loops run on one thread.  MPI is
 * called by the master thread only (MPI_THREAD_FUNNELED). */
static inline void jacobi_repetition(struct jacobi_state *s, jacobi_exchange_fn exchange)
{
    int64_t m = s->hi - s->lo;
#pragma omp for schedule(static)
    for (int64_t k = 1; k <= m; k++)
        s->u[k] = s->u0[k - 1];
    for (int64_t step = 0; step < s->steps; step++) {
#pragma omp master
        if (exchange)
            exchange(s);
#pragma omp barrier
        const double *u = s->u;
        double *v = s->v;
#pragma omp for schedule(static)
        for (int64_t k = 1; k <= m; k++)
            v[k] = jacobi_point(u, k);
#pragma omp single
        {
            s->v = s->u;
            s->u = v;
        }
    }
#pragma omp for schedule(static)
    for (int64_t b = s->b0; b < s->b1; b++) {
        int64_t lo, hi;
        parity_repro_block_range(&s->blocks, b, &lo, &hi);
        jacobi_block_sums(s->u + 1 + (lo - s->lo), hi - lo, s->partials + 2 * b);
    }
}

/* jacobi1d.c */
int jacobi_setup_blocks(const struct parity_ctx *ctx, void **state, int64_t b0, int64_t b1);
void jacobi_finish(struct jacobi_state *s, const double total[2]);

#endif
