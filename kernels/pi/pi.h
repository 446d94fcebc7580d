/* pi: the midpoint rule for the integral of 4/(1+x^2) over [0,1], which is
 * pi.  Checked against M_PI within the rule's error bound plus rounding.
 * The math lives here once; pi_seq.c, pi_omp.c and pi_mpi.c call it on their
 * own ranges of blocks. */
#ifndef PARITY_PI_H
#define PARITY_PI_H

#include <parity/repro.h>
#include <parity/kernel.h>

#include <stdint.h>

enum pi_variant { PI_MIDPOINT, PI_RACY };

struct pi_state {
    int64_t n;                  /* number of midpoints */
    double h;                   /* 1/n, the width of one interval */
    struct parity_repro_blocks blocks; /* fixed blocks of [0, n) */
    double *partials;           /* one partial sum per block (repro) */
    double value;               /* the result: approximately pi */
};

static inline double pi_term(int64_t i, double h)
{
    double x = ((double)i + 0.5) * h;
    return 4.0 / (1.0 + x * x);
}

/* Sum of terms lo..hi-1, times h, by the lane rule of common/repro.h: term
 * lo + k into lane k % PARITY_REPRO_LANES, lanes folded in the fixed flat tree.
 * The 32 lanes vectorise like a native `omp simd` reduction (the divisions
 * pipeline across 4 AVX-512 or 8 AVX2 registers), while the result stays a
 * pure function of (lo, hi), the same bits in every mode and every build:
 * every mode calls this same body for --reduce repro. */
static inline double pi_block_sum(int64_t lo, int64_t hi, double h)
{
    double acc[PARITY_REPRO_LANES] = {0};
    int64_t i = lo;
    for (; i + PARITY_REPRO_LANES <= hi; i += PARITY_REPRO_LANES) {
#pragma omp simd
        for (int l = 0; l < PARITY_REPRO_LANES; l++)
            acc[l] += pi_term(i + l, h);
    }
    for (int l = 0; i < hi; i++, l++)
        acc[l] += pi_term(i, h);
    return parity_repro_lanes_fold(acc) * h;
}

/* Sum of terms lo..hi-1 (not yet times h) as the compiler's native `omp simd`
 * reduction orders it: the --reduce fast body.  seq calls it on [0, n), each
 * omp thread and each rank on its own part, so a fast run differs from seq
 * fast only in how the parts' sums are added, never in the loop. */
static inline double pi_range_sum_fast(int64_t lo, int64_t hi, double h)
{
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = lo; i < hi; i++)
        sum += pi_term(i, h);
    return sum;
}

/* Terms lo..hi-1 summed by the calling team: each thread takes its
 * parity_partition_range part through pi_range_sum_fast, the thread sums are then
 * added by reduction(+:) (fast: any order).  Called outside a parallel
 * region it opens one (pi_omp.c). */
double pi_fast_sum_omp(int64_t lo, int64_t hi, double h);

/* Shared by the three modes (pi.c). */
int pi_setup(const struct parity_ctx *ctx, void **state);

/* The modes' run functions (pi_seq.c, pi_omp.c, pi_mpi.c). */
void pi_run_seq(const struct parity_ctx *ctx, void *state);
void pi_run_omp(const struct parity_ctx *ctx, void *state);
void pi_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
