/* ep, MPI (+ OpenMP threads inside each rank when --threads > 1): the hook
 * of the loop outline ep_compute (ep.h) that crosses ranks.  Each rank owns a
 * contiguous range of batches and starts its generator there directly.
 * repro: per-batch partials gathered, every rank forms the same fixed tree;
 * fast: per-rank sums and MPI_Allreduce.  Counts: exact sums.  MPI is called
 * by the master thread only. */
#include "ep.h"

#include <parity/partition.h>
#include <parity/repro_mpi.h>

#include <mpi.h>

static void finish_mpi(const struct parity_ctx *ctx, struct ep_state *s)
{
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    MPI_Allreduce(MPI_IN_PLACE, s->counts, EP_NQ, MPI_INT64_T, MPI_SUM, comm);
    if (ctx->reduce == PARITY_REPRO)
        parity_repro_allreduce_sum(s->partials, s->batches, 2, s->sums, comm);
    else
        MPI_Allreduce(s->fast, s->sums, 2, MPI_DOUBLE, MPI_SUM, comm);
}

static const struct ep_comm ep_comm_mpi = {.finish = finish_mpi};

/* One parallel region (one thread unless hybrid) around the outline. */
void ep_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct ep_state *s = state;
    int64_t b0, b1;
    parity_partition_range(s->batches, ctx->ranks, ctx->rank, &b0, &b1);
#pragma omp parallel
    ep_compute(ctx, s, b0, b1, &ep_comm_mpi);
}
