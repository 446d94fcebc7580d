/* Fixed-shape pairwise summation (see repro.h). */
#include "repro.h"

struct repro_blocks repro_blocks_for(int64_t n)
{
    struct repro_blocks blocks = {.n = n, .size = REPRO_MIN_BLOCK};
    if ((n + blocks.size - 1) / blocks.size > REPRO_MAX_BLOCKS)
        blocks.size = (n + REPRO_MAX_BLOCKS - 1) / REPRO_MAX_BLOCKS;
    blocks.count = n > 0 ? (n + blocks.size - 1) / blocks.size : 0;
    return blocks;
}

/* The tree splits [0, count) at count/2 at every level.  That is a property of
 * count alone, which is what makes the result independent of the workers. */
static void tree_sum(const double *p, int64_t count, int width, double *out)
{
    if (count == 1) {
        for (int j = 0; j < width; j++)
            out[j] = p[j];
        return;
    }
    int64_t half = count / 2;
    double left[width], right[width];
    tree_sum(p, half, width, left);
    tree_sum(p + half * width, count - half, width, right);
    for (int j = 0; j < width; j++)
        out[j] = left[j] + right[j];
}

void repro_tree_sum(const double *partials, int64_t count, int width,
                    double *out)
{
    if (count <= 0) {
        for (int j = 0; j < width; j++)
            out[j] = 0.0;
        return;
    }
    tree_sum(partials, count, width, out);
}
