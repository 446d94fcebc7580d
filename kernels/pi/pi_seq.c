/* pi, sequential: the reference.  repro: pi_block_sum over the blocks in
 * order, then the fixed lane tree over the partials; fast: the native simd
 * reduction pi_range_sum_fast over [0, n), the body every fast mode runs. */
#include "pi.h"

void pi_run_seq(const struct parity_ctx *ctx, void *state)
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
    if (ctx->reduce == PARITY_REPRO) {
        for (int64_t b = 0; b < s->blocks.count; b++) {
            int64_t lo, hi;
            parity_repro_block_range(&s->blocks, b, &lo, &hi);
            s->partials[b] = pi_block_sum(lo, hi, s->h);
        }
        parity_repro_tree_sum(s->partials, s->blocks.count, 1, &s->value);
        return;
    }
    s->value = pi_range_sum_fast(0, s->n, s->h) * s->h;
}
