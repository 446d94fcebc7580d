/* triad, MPI (+ OpenMP threads inside each rank when --threads > 1).  Each
 * rank sweeps its own contiguous block of the global index space
 * (parity_partition_range in setup); a sweep needs no data from other ranks, so a
 * repetition has no communication: the driver's barrier starts the ranks
 * together and the slowest rank's time is the run's, so GB/s is the whole
 * machine's (or cluster's) aggregate bandwidth. */
#include "triad.h"

#include <mpi.h>

void triad_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct triad_state *s = state;
    if (ctx->threads > 1)
        triad_sweeps_omp(s, ctx->threads);
    else
        for (int64_t t = 0; t < s->steps; t++)
            triad_sweep(s->a, s->b, s->c, s->hi - s->lo);
}
