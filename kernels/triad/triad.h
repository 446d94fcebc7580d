/* triad: the STREAM triad a[i] = b[i] + s c[i] over n float64 elements,
 * `steps` sweeps per repetition: the machine's sustainable memory bandwidth,
 * the yardstick for the memory-bound kernels (heat, cg).  Checked element by
 * element against the closed form (triad.c).  The sweep lives here once;
 * triad_seq.c, triad_omp.c and triad_mpi.c call it on their own ranges. */
#ifndef PARITY_TRIAD_H
#define PARITY_TRIAD_H

#include <parity/kernel.h>

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

/* `steps` sweeps of the local range by the current OpenMP team's threads,
 * each on its own fixed part (triad_omp.c; omp mode and hybrid MPI). */
void triad_sweeps_omp(struct triad_state *s, int threads);

/* The modes' run functions. */
void triad_run_seq(const struct parity_ctx *ctx, void *state);
void triad_run_omp(const struct parity_ctx *ctx, void *state);
void triad_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
