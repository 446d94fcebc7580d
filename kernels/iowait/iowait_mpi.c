/* iowait, MPI (+ OpenMP threads inside each rank when --threads > 1): each
 * rank takes a contiguous range of tasks (fixed in setup) and works through
 * it like iowait_omp.c.  Nothing is exchanged: each rank writes its own
 * block of values. */
#include "iowait.h"

void iowait_run_mpi(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    iowait_tasks_omp(state);
}
