/* Fixed-shape combination of per-block partials (see repro.h): the lane rule
 * over the block index, column by column.  Checked in tests/unit/test_repro.c
 * against a plain scalar model of the rule. */
#include <parity/repro.h>

struct parity_repro_blocks parity_repro_blocks_for(int64_t n)
{
    struct parity_repro_blocks blocks = {.n = n, .size = PARITY_REPRO_MIN_BLOCK};
    if ((n + blocks.size - 1) / blocks.size > PARITY_REPRO_MAX_BLOCKS)
        blocks.size = (n + PARITY_REPRO_MAX_BLOCKS - 1) / PARITY_REPRO_MAX_BLOCKS;
    blocks.count = n > 0 ? (n + blocks.size - 1) / blocks.size : 0;
    return blocks;
}

void parity_repro_tree_sum(const double *partials, int64_t count, int width,
                    double *out)
{
    if (width == 1) { /* the common case: contiguous, vectorised */
        out[0] = parity_repro_sum(partials, count > 0 ? count : 0);
        return;
    }
    for (int j = 0; j < width; j++) {
        double acc[PARITY_REPRO_LANES] = {0};
        for (int64_t b = 0; b < count; b++)
            acc[b % PARITY_REPRO_LANES] += partials[b * width + j];
        out[j] = parity_repro_lanes_fold(acc);
    }
}
