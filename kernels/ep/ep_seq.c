/* ep, sequential: the reference.  repro: one partial per batch, then the
 * fixed tree; fast: one running (sx, sy) over all batches in order, which is
 * NPB's own serial summation. */
#include "ep.h"

#include <parity/repro.h>

#include <string.h>

void ep_run_seq(const struct parity_ctx *ctx, void *state)
{
    struct ep_state *s = state;
    double run[2] = {0.0, 0.0};
    memset(s->counts, 0, sizeof s->counts);
    for (int64_t k = 0; k < s->batches; k++) {
        if (ctx->reduce == PARITY_REPRO) {
            double *p = &s->partials[2 * k];
            p[0] = p[1] = 0.0;
            ep_batch(k, s->an, p, s->counts);
        } else {
            ep_batch(k, s->an, run, s->counts);
        }
    }
    if (ctx->reduce == PARITY_REPRO)
        parity_repro_tree_sum(s->partials, s->batches, 2, s->sums);
    else
        memcpy(s->sums, run, sizeof run);
}
