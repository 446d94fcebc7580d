/* ep, OpenMP threads: one parallel region, batches dealt out statically.
 * repro: one partial per batch and the fixed tree over batches, so the bits
 * equal seq's at any thread count; fast: a running sum per thread,
 * reduction(+:).  Counts are integers: exact in any order. */
#include "ep.h"

#include <parity/repro.h>

#include <string.h>

void ep_batches_omp(struct ep_state *s, int64_t b0, int64_t b1,
                    enum parity_reduce reduce, double sums[2], int64_t counts[EP_NQ])
{
    double sx = 0.0, sy = 0.0;
    int64_t q[EP_NQ] = {0};
#pragma omp parallel reduction(+ : sx, sy, q)
    {
        double run[2] = {0.0, 0.0}; /* this thread's running sums (fast) */
#pragma omp for schedule(static)
        for (int64_t k = b0; k < b1; k++) {
            if (reduce == PARITY_REPRO) {
                double *p = &s->partials[2 * k];
                p[0] = p[1] = 0.0;
                ep_batch(k, s->an, p, q);
            } else {
                ep_batch(k, s->an, run, q);
            }
        }
        sx += run[0];
        sy += run[1];
    }
    sums[0] += sx;
    sums[1] += sy;
    for (int l = 0; l < EP_NQ; l++)
        counts[l] += q[l];
}

void ep_run_omp(const struct parity_ctx *ctx, void *state)
{
    struct ep_state *s = state;
    double fast[2] = {0.0, 0.0};
    memset(s->counts, 0, sizeof s->counts);
    ep_batches_omp(s, 0, s->batches, ctx->reduce, fast, s->counts);
    if (ctx->reduce == PARITY_REPRO)
        parity_repro_tree_sum(s->partials, s->batches, 2, s->sums);
    else
        memcpy(s->sums, fast, sizeof fast);
}
