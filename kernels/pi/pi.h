/* pi: the midpoint rule for the integral of 4/(1+x^2) over [0,1], which is
 * pi.  Checked against M_PI within the rule's error bound plus rounding.
 * The math lives here once; pi_seq.c, pi_omp.c and pi_mpi.c call it on their
 * own ranges of blocks. */
#ifndef PARITY_PI_H
#define PARITY_PI_H

#include "../../common/repro.h"
#include "../kernel.h"

#include <stdint.h>

enum pi_variant { PI_MIDPOINT, PI_RACY };

struct pi_state {
    int64_t n;                  /* number of midpoints */
    double h;                   /* 1/n, the width of one interval */
    struct repro_blocks blocks; /* fixed blocks of [0, n) */
    double *partials;           /* one partial sum per block (repro) */
    double value;               /* the result: approximately pi */
};

static inline double pi_term(int64_t i, double h)
{
    double x = ((double)i + 0.5) * h;
    return 4.0 / (1.0 + x * x);
}

/* Sum of terms lo..hi-1, times h.  Eight interleaved accumulators (combined
 * in a fixed order) let the compiler vectorise the divisions while the result
 * stays a pure function of (lo, hi): every mode calls this same body. */
static inline double pi_block_sum(int64_t lo, int64_t hi, double h)
{
    double acc[8] = {0};
    int64_t i = lo;
    for (; i + 8 <= hi; i += 8)
        for (int j = 0; j < 8; j++)
            acc[j] += pi_term(i + j, h);
    for (int j = 0; i < hi; i++, j++)
        acc[j] += pi_term(i, h);
    return (((acc[0] + acc[1]) + (acc[2] + acc[3])) +
            ((acc[4] + acc[5]) + (acc[6] + acc[7]))) * h;
}

/* Shared by the three modes (pi.c). */
int pi_setup(const struct run_ctx *ctx, void **state);

/* The modes' run functions (pi_seq.c, pi_omp.c, pi_mpi.c). */
void pi_run_seq(const struct run_ctx *ctx, void *state);
void pi_run_omp(const struct run_ctx *ctx, void *state);
void pi_run_mpi(const struct run_ctx *ctx, void *state);

#endif
