/* iowait, OpenMP threads: tasks handed out one at a time (dynamic, 1).  While
 * a thread sleeps it holds no core, so k threads take ~ T L / k even when k
 * is far above the core count.  --reduce has nothing to reduce here. */
#include "iowait.h"

void iowait_tasks_omp(struct iowait_state *s)
{
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t i = s->lo; i < s->hi; i++)
        s->values[i - s->lo] = iowait_task(i, s->wait_ms);
}

void iowait_run_omp(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    iowait_tasks_omp(state);
}
