/* pi, OpenMP threads.  repro: threads share out whole blocks and the fixed
 * tree combines them, so the bits equal seq's.  fast: each thread runs seq's
 * fast body on its own part, reduction(+:) adds the parts.  racy: every
 * thread adds into one shared accumulator without synchronisation: updates
 * are lost and the answer is wrong, which verify must catch. */
#include "pi.h"

#include <parity/partition.h>

#include <omp.h>

double pi_fast_sum_omp(int64_t lo, int64_t hi, double h)
{
    double sum = 0.0;
#pragma omp parallel reduction(+ : sum)
    {
        int64_t a, b;
        parity_partition_range(hi - lo, omp_get_num_threads(), omp_get_thread_num(), &a, &b);
        sum += pi_range_sum_fast(lo + a, lo + b, h);
    }
    return sum;
}

void pi_run_omp(const struct parity_ctx *ctx, void *state)
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
    if (ctx->reduce == PARITY_REPRO) {
#pragma omp parallel for schedule(static)
        for (int64_t b = 0; b < s->blocks.count; b++) {
            int64_t lo, hi;
            parity_repro_block_range(&s->blocks, b, &lo, &hi);
            s->partials[b] = pi_block_sum(lo, hi, s->h);
        }
        parity_repro_tree_sum(s->partials, s->blocks.count, 1, &s->value);
        return;
    }
    s->value = pi_fast_sum_omp(0, s->n, s->h) * s->h;
}
