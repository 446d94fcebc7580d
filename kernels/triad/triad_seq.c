/* triad, sequential: the reference.  `steps` sweeps over all elements. */
#include "triad.h"

void triad_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct triad_state *s = state;
    for (int64_t t = 0; t < s->steps; t++)
        triad_sweep(s->a, s->b, s->c, s->hi - s->lo);
}
