/* iowait, sequential: the reference.  One task after another, so every wait
 * blocks everything behind it: time ~ T L. */
#include "iowait.h"

void iowait_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct iowait_state *s = state;
    for (int64_t i = s->lo; i < s->hi; i++)
        s->values[i - s->lo] = iowait_task(i, s->wait_ms);
}
