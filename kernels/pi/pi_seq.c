/* pi, sequential: the reference.  repro: blocks in order, then the fixed
 * tree; fast: one left-to-right pass over the blocks' sums. */
#include "pi.h"

void pi_run_seq(const struct run_ctx *ctx, void *state)
{
    struct pi_state *s = state;
    if (ctx->variant == PI_RACY) {
        /* One accumulator, one thread: nothing to race with, so correct. */
        double sum = 0.0;
        for (int64_t i = 0; i < s->n; i++)
            sum += pi_term(i, s->h);
        s->value = sum * s->h;
        return;
    }
    double sum = 0.0;
    for (int64_t b = 0; b < s->blocks.count; b++) {
        int64_t lo, hi;
        repro_block_range(&s->blocks, b, &lo, &hi);
        s->partials[b] = pi_block_sum(lo, hi, s->h);
        sum += s->partials[b];
    }
    if (ctx->reduce == REDUCE_REPRO)
        repro_tree_sum(s->partials, s->blocks.count, 1, &s->value);
    else
        s->value = sum;
}
