/* pi: the midpoint rule for the integral of 4/(1+x^2) over [0,1], which is
 * pi.  Checked against M_PI within the rule's error bound plus rounding.
 * The math lives here once and so does the loop outline, pi_compute() at the
 * end of this header: seq and omp (pi.c) and mpi (pi_mpi.c) are thin wrappers
 * that only say whether threads share the blocks (a parallel region around
 * pi_compute, or none) and how sums cross ranks (struct pi_comm). */
#ifndef PARITY_PI_H
#define PARITY_PI_H

#include <parity/repro.h>
#include <parity/kernel.h>

#include <parity/partition.h>

#include <omp.h>
#include <stdint.h>

enum pi_variant { PI_MIDPOINT, PI_RACY };

struct pi_state {
    int64_t n;                  /* number of midpoints */
    double h;                   /* 1/n, the width of one interval */
    struct parity_repro_blocks blocks; /* fixed blocks of [0, n) */
    double *partials;           /* one partial sum per block (repro) */
    double value;               /* the result: approximately pi */
    double fast_sum;            /* fast: the threads' sums, added by atomics; 0
                                   between runs */
    volatile double racy_sum;   /* racy: the one unsynchronised accumulator; 0
                                   between runs */
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

/* racy: terms lo..hi-1 of this thread's share (an orphaned `omp for`)
 * added into s->racy_sum without synchronisation.  Out of line in pi_omp.c so
 * that a race report names that file (races.bats looks for it). */
void pi_racy_add(struct pi_state *s, int64_t lo, int64_t hi);

/* How the sums cross ranks: nothing for seq and omp (pi.c), MPI for mpi
 * (pi_mpi.c).  Called by the master thread only (MPI_THREAD_FUNNELED). */
struct pi_comm {
    /* repro: the partials of blocks [b0, b1) are this process's; sets value
     * to the fixed tree over all blocks. */
    void (*sum_blocks)(const struct parity_ctx *ctx, struct pi_state *s);
    /* fast and racy: this process's value -> the sum over processes. */
    double (*sum_values)(const struct parity_ctx *ctx, double local);
};

/* The loop outline, written once: this process owns blocks [b0, b1) (all of
 * them for seq and omp).  Uses orphaned `omp for`, so it runs serially when
 * called outside a parallel region (seq) and shares the blocks among the team
 * when called inside one (omp, mpi with threads).
 *   repro: each block's pi_block_sum into partials, then comm->sum_blocks;
 *   fast:  each thread pi_range_sum_fast on its parity_partition_range part,
 *          the thread sums added by atomics from 0.0 (what reduction(+:) does,
 *          so 1 and 2 threads give seq's bits), times h, then comm->sum_values;
 *   racy:  pi_racy_add, times h, then comm->sum_values. */
static inline void pi_compute(const struct parity_ctx *ctx, struct pi_state *s,
                              int64_t b0, int64_t b1, const struct pi_comm *comm)
{
    int64_t lo = b0 * s->blocks.size;
    int64_t hi = b1 * s->blocks.size < s->n ? b1 * s->blocks.size : s->n;
    if (ctx->variant != PI_RACY && ctx->reduce == PARITY_REPRO) {
#pragma omp for schedule(static)
        for (int64_t b = b0; b < b1; b++) {
            int64_t blo, bhi;
            parity_repro_block_range(&s->blocks, b, &blo, &bhi);
            s->partials[b] = pi_block_sum(blo, bhi, s->h);
        }
        /* The for's barrier has every partial; no barrier after: the caller's
         * parallel region ends here, and its barrier publishes value. */
#pragma omp master
        comm->sum_blocks(ctx, s);
        return;
    }
    /* fast_sum and racy_sum are 0 on entry (calloc in setup, reset below
     * after each use): no barrier to zero them first. */
    if (ctx->variant == PI_RACY) {
        pi_racy_add(s, lo, hi);
    } else {
        int64_t a, b;
        parity_partition_range(hi - lo, omp_get_num_threads(), omp_get_thread_num(), &a, &b);
        double part = pi_range_sum_fast(lo + a, lo + b, s->h);
#pragma omp atomic
        s->fast_sum += part;
#pragma omp barrier
    }
#pragma omp master
    {
        double local = ctx->variant == PI_RACY ? s->racy_sum : s->fast_sum;
        s->racy_sum = s->fast_sum = 0.0;
        s->value = comm->sum_values(ctx, local * s->h);
    }
}

/* Shared by the three modes (pi.c). */
int pi_setup(const struct parity_ctx *ctx, void **state);

/* The modes' run functions (pi.c, pi_mpi.c). */
void pi_run_seq(const struct parity_ctx *ctx, void *state);
void pi_run_omp(const struct parity_ctx *ctx, void *state);
void pi_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
