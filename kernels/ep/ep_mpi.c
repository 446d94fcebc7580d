/* ep, MPI (+ OpenMP threads inside each rank when --threads > 1).  Each rank
 * owns a contiguous range of batches and starts its generator there
 * directly.  repro: per-batch partials gathered, every rank forms the same
 * fixed tree; fast: per-rank sums and MPI_Allreduce.  Counts: exact sums. */
#include "ep.h"

#include <parity/partition.h>
#include <parity/repro_mpi.h>

#include <mpi.h>
#include <string.h>

void ep_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct ep_state *s = state;
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    int64_t b0, b1;
    parity_partition_range(s->batches, ctx->ranks, ctx->rank, &b0, &b1);
    double local[2] = {0.0, 0.0};
    memset(s->counts, 0, sizeof s->counts);
    ep_batches_omp(s, b0, b1, ctx->reduce, local, s->counts);
    MPI_Allreduce(MPI_IN_PLACE, s->counts, EP_NQ, MPI_INT64_T, MPI_SUM, comm);
    if (ctx->reduce == PARITY_REPRO)
        parity_repro_allreduce_sum(s->partials, s->batches, 2, s->sums, comm);
    else
        MPI_Allreduce(local, s->sums, 2, MPI_DOUBLE, MPI_SUM, comm);
}
