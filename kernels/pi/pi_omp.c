/* pi, OpenMP threads.  repro: threads share out whole blocks and the fixed
 * tree combines them, so the bits equal seq's.  fast: reduction(+:).  racy:
 * every thread adds into one shared accumulator without synchronisation:
 * updates are lost and the answer is wrong, which verify must catch. */
#include "pi.h"

void pi_run_omp(const struct run_ctx *ctx, void *state)
{
    struct pi_state *s = state;
    if (ctx->variant == PI_RACY) {
        /* volatile keeps every += a separate load and store, as a naive
         * shared counter in real code would be: the race is the point. */
        volatile double shared = 0.0;
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < s->n; i++)
            shared += pi_term(i, s->h);
        s->value = shared * s->h;
        return;
    }
    if (ctx->reduce == REDUCE_REPRO) {
#pragma omp parallel for schedule(static)
        for (int64_t b = 0; b < s->blocks.count; b++) {
            int64_t lo, hi;
            repro_block_range(&s->blocks, b, &lo, &hi);
            s->partials[b] = pi_block_sum(lo, hi, s->h);
        }
        repro_tree_sum(s->partials, s->blocks.count, 1, &s->value);
        return;
    }
    double sum = 0.0;
#pragma omp parallel for simd schedule(static) reduction(+ : sum)
    for (int64_t i = 0; i < s->n; i++)
        sum += pi_term(i, s->h);
    s->value = sum * s->h;
}
