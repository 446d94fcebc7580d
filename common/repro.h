/* Reproducible reductions: sums whose bits do not depend on how many threads
 * or ranks did the work.
 *
 * The global index space [0, n) is cut into fixed blocks whose size depends
 * only on n.  Each block is summed left to right by whoever owns it, giving
 * one partial per block (or `width` partials, for kernels that reduce several
 * quantities at once).  The partials are then combined by repro_tree_sum(),
 * whose shape depends only on the number of blocks.  Threads own whole blocks
 * (`omp for` over blocks) and ranks own contiguous block ranges
 * (partition_range over blocks), so every mode performs exactly the same
 * floating-point operations in the same order. */
#ifndef PARITY_REPRO_H
#define PARITY_REPRO_H

#include <stdint.h>

/* Blocks are at least this long (so per-block overhead stays negligible) ... */
#define REPRO_MIN_BLOCK 2048
/* ... and there are at most this many (so gathering partials stays cheap). */
#define REPRO_MAX_BLOCKS 4096

struct repro_blocks {
    int64_t n;     /* length of the index space */
    int64_t size;  /* indices per block (the last block may be shorter) */
    int64_t count; /* number of blocks */
};

/* The block layout for an index space of length n (depends on n only). */
struct repro_blocks repro_blocks_for(int64_t n);

/* Index range [*lo, *hi) of block b. */
static inline void repro_block_range(const struct repro_blocks *blocks,
                                     int64_t b, int64_t *lo, int64_t *hi)
{
    *lo = b * blocks->size;
    *hi = *lo + blocks->size < blocks->n ? *lo + blocks->size : blocks->n;
}

/* Sum partials[0..count) in a fixed pairwise tree.  `width` independent sums
 * are formed at once from partials laid out [count][width]; out[width]. */
void repro_tree_sum(const double *partials, int64_t count, int width,
                    double *out);

#endif
