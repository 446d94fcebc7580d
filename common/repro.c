/* Fixed-shape combination of per-block partials (see repro.h): the lane rule
 * over the block index, column by column.  Checked in tests/unit/test_repro.c
 * against a plain scalar model of the rule. */
#include "repro.h"

struct repro_blocks repro_blocks_for(int64_t n)
{
    struct repro_blocks blocks = {.n = n, .size = REPRO_MIN_BLOCK};
    if ((n + blocks.size - 1) / blocks.size > REPRO_MAX_BLOCKS)
        blocks.size = (n + REPRO_MAX_BLOCKS - 1) / REPRO_MAX_BLOCKS;
    blocks.count = n > 0 ? (n + blocks.size - 1) / blocks.size : 0;
    return blocks;
}

void repro_tree_sum(const double *partials, int64_t count, int width,
                    double *out)
{
    if (width == 1) { /* the common case: contiguous, vectorised */
        out[0] = repro_sum(partials, count > 0 ? count : 0);
        return;
    }
    for (int j = 0; j < width; j++) {
        double acc[REPRO_LANES] = {0};
        for (int64_t b = 0; b < count; b++)
            acc[b % REPRO_LANES] += partials[b * width + j];
        out[j] = repro_lanes_fold(acc);
    }
}
