/* triad: the STREAM triad a[i] = b[i] + s c[i] over n float64 elements,
 * `steps` sweeps per repetition: the machine's sustainable memory bandwidth,
 * the yardstick for the memory-bound kernels (heat, cg).  Checked element by
 * element against the closed form (triad.c).  The sweep lives here once and
 * so does the loop outline, triad_sweeps() below: seq calls it outside any
 * parallel region, omp and mpi inside one (triad.c).  A rank's block is
 * chosen in setup and a sweep needs nothing from other ranks, so mpi has no
 * hooks: the driver's barrier starts the ranks together and the slowest
 * rank's time is the run's (GB/s is the aggregate bandwidth). */
#ifndef PARITY_TRIAD_H
#define PARITY_TRIAD_H

#include <parity/kernel.h>

#include <parity/partition.h>

#include <omp.h>
#include <stdint.h>

/* The scalar s.  Inputs are small integers (triad_b, triad_c), so b + s c is
 * an exact integer below 2^53: every mode, vectorised or not, computes
 * exactly the closed form, and the self-check's bound is 0. */
#define TRIAD_S 3.0

/* One process's part: the global elements [lo, hi). */
struct triad_state {
    int64_t n;       /* global number of elements */
    int64_t steps;   /* sweeps per repetition */
    int64_t lo, hi;  /* this process's global index range */
    double *a;       /* hi - lo results, a[0] is global element lo */
    double *b, *c;   /* hi - lo inputs each */
};

/* The inputs as functions of the global index: two different periods (both
 * prime), so an element read from the wrong index gives a wrong a[i]. */
static inline double triad_b(int64_t i) { return (double)(i % 1021); }
static inline double triad_c(int64_t i) { return (double)(i % 1019); }

/* One sweep over `count` elements: read b and c, write a (24 bytes an
 * element as STREAM counts them).  restrict: the arrays never overlap, so
 * GCC vectorises it; one body for every mode. */
static inline void triad_sweep(double *restrict a, const double *restrict b,
                               const double *restrict c, int64_t count)
{
    for (int64_t i = 0; i < count; i++)
        a[i] = b[i] + TRIAD_S * c[i];
}

/* Shared by the three modes (triad.c): allocate and fill this process's
 * range, with the threads that will sweep it (first touch). */
int triad_setup(const struct parity_ctx *ctx, void **state);

/* The loop outline: `steps` sweeps of the local range, each thread of the
 * calling team always on the same part (parity_partition_range), the part it
 * first touched in setup, so its pages are local to it on NUMA machines.  A
 * barrier ends each sweep, as STREAM's timing of whole sweeps does.  Outside
 * a parallel region (seq) the one part is the whole range and the barrier is
 * a no-op.  No reduction: repro and fast run the same code, the same bits. */
static inline void triad_sweeps(struct triad_state *s)
{
    int64_t lo, hi;
    parity_partition_range(s->hi - s->lo, omp_get_num_threads(), omp_get_thread_num(), &lo, &hi);
    for (int64_t t = 0; t < s->steps; t++) {
        triad_sweep(s->a + lo, s->b + lo, s->c + lo, hi - lo);
#pragma omp barrier
    }
}

/* The run functions (triad.c): seq, and the team of ctx->threads that omp
 * and mpi (one thread a rank unless hybrid) share. */
void triad_run_seq(const struct parity_ctx *ctx, void *state);
void triad_run_team(const struct parity_ctx *ctx, void *state);

#endif
