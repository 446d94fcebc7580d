/* nbody, sequential: the reference.  Kick-drift-kick over all bodies; the
 * diagnostics are summed by nbody_sum_local (fixed tree or left to right). */
#include "nbody.h"

void nbody_run_seq(const struct parity_ctx *ctx, void *state)
{
    struct nbody_state *s = state;
    int64_t n = s->n;
    nbody_reset(s, 0, n, 1);
    nbody_forces(s, 0, n, 1);
    nbody_diag_rows(s, 0, n);
    s->start = nbody_sum_local(ctx, s);
    for (int64_t step = 0; step < s->steps; step++) {
        nbody_kick(s, 0, n);
        nbody_drift(s, 0, n);
        nbody_forces(s, 0, n, step == s->steps - 1);
        nbody_kick(s, 0, n);
    }
    nbody_diag_rows(s, 0, n);
    s->end = nbody_sum_local(ctx, s);
}
