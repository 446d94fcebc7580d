/* Reproducible reductions: sums whose bits do not depend on how many threads
 * or ranks did the work, nor on the compiler, its flags or the vector width.
 *
 * The global index space [0, n) is cut into fixed blocks whose size depends
 * only on n.  Inside a block, and again when the per-block partials are
 * combined, element k goes to lane k % PARITY_REPRO_LANES (k counted from the start
 * of the block, or from partial 0); each lane is summed in increasing k and
 * the lanes are folded by the fixed flat tree of parity_repro_lanes_fold().  32
 * independent lanes are more than any vector unit needs to hide the add
 * latency (AVX-512: 4 registers of 8), so the lane loop runs as fast as a
 * native `omp simd` reduction, and because the lane count is fixed in the
 * code rather than by the vector width, an SSE2 build, an AVX-512 build and a
 * scalar -O1 build all perform the same additions in the same order.
 * Threads own whole blocks (`omp for` over blocks) and ranks own contiguous
 * block ranges (parity_partition_range over blocks), so every mode performs exactly
 * the same floating-point operations in the same order.
 * Checked by tests/unit/test_repro.c (bits independent of the worker count,
 * lane rule against a plain scalar model) and tests/cli/crossbuild.bats. */
#ifndef PARITY_REPRO_H
#define PARITY_REPRO_H

#include <stdint.h>

/* Blocks are at least this long (so per-block overhead stays negligible) ... */
#define PARITY_REPRO_MIN_BLOCK 2048
/* ... and there are at most this many (so gathering partials stays cheap). */
#define PARITY_REPRO_MAX_BLOCKS 4096

/* Independent accumulators of every reproducible sum.  Part of the result's
 * definition: changing it changes the bits (never the vector width). */
#define PARITY_REPRO_LANES 32

struct parity_repro_blocks {
    int64_t n;     /* length of the index space */
    int64_t size;  /* indices per block (the last block may be shorter) */
    int64_t count; /* number of blocks */
};

/* The block layout for an index space of length n (depends on n only). */
struct parity_repro_blocks parity_repro_blocks_for(int64_t n);

/* Index range [*lo, *hi) of block b. */
static inline void parity_repro_block_range(const struct parity_repro_blocks *blocks,
                                     int64_t b, int64_t *lo, int64_t *hi)
{
    *lo = b * blocks->size;
    *hi = *lo + blocks->size < blocks->n ? *lo + blocks->size : blocks->n;
}

/* The fixed flat tree over the lanes: lane l += lane l + 16, then + 8, + 4,
 * + 2, + 1; returns lane 0.  Each level is one independent vector add, no
 * recursion, and the shape is the same in every build (no -ffast-math, so
 * the compiler may not reassociate it).  Overwrites acc. */
static inline double parity_repro_lanes_fold(double acc[PARITY_REPRO_LANES])
{
    for (int w = PARITY_REPRO_LANES / 2; w >= 1; w /= 2)
        for (int l = 0; l < w; l++)
            acc[l] = acc[l] + acc[l + w];
    return acc[0];
}

/* Sum of x[0..n) by the lane rule (x[k] into lane k % PARITY_REPRO_LANES). */
static inline double parity_repro_sum(const double *x, int64_t n)
{
    double acc[PARITY_REPRO_LANES] = {0};
    int64_t k = 0;
    for (; k + PARITY_REPRO_LANES <= n; k += PARITY_REPRO_LANES) {
#pragma omp simd
        for (int l = 0; l < PARITY_REPRO_LANES; l++)
            acc[l] += x[k + l];
    }
    for (int l = 0; k < n; k++, l++)
        acc[l] += x[k];
    return parity_repro_lanes_fold(acc);
}

/* Combine per-block partials: partials is [count][width], and out[j] is
 * column j summed by the lane rule over the partials' index (the shape
 * depends on count only: any split of the blocks among workers gives the
 * same bits).  Not recursive; count == 0 gives zeros. */
void parity_repro_tree_sum(const double *partials, int64_t count, int width,
                    double *out);

#endif
