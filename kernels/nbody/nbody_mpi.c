/* nbody, MPI (+ OpenMP threads inside each rank when --threads > 1): the
 * hooks of the loop outline nbody_integrate (nbody.h) that cross ranks.
 * Each rank owns a block of bodies (parity_partition_range, uneven is fine), keeps
 * every position, and after each drift the blocks of x, y, z are exchanged
 * with MPI_Allgatherv.  Diagnostics: one partial row per body (a repro block
 * of one body, so parity_repro_allgather_partials' partition of the n rows is this
 * rank's block of bodies at any rank count), gathered and tree-summed
 * (repro), or a local sum and MPI_Allreduce (fast).  MPI is called by the
 * master thread only (MPI_THREAD_FUNNELED). */
#include "nbody.h"

#include <parity/repro_mpi.h>

#include <mpi.h>

/* Every rank gets every body's new position. */
static void exchange_positions(const struct parity_ctx *ctx, struct nbody_state *s)
{
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    double *coord[3] = {s->x, s->y, s->z};
    for (int k = 0; k < 3; k++)
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, coord[k], s->counts,
                       s->displs, MPI_DOUBLE, comm);
}

/* The totals over all ranks: every body's partial row gathered and summed
 * in the fixed tree (repro), or the ranks' local sums added by MPI (fast). */
static struct nbody_totals sum_over_ranks(const struct parity_ctx *ctx,
                                          struct nbody_state *s,
                                          double local[NB_DIAG_WIDTH])
{
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    double sum[NB_DIAG_WIDTH];
    if (ctx->reduce == PARITY_REPRO)
        parity_repro_allreduce_sum(s->partials, s->n, NB_DIAG_WIDTH, sum, comm);
    else
        MPI_Allreduce(local, sum, NB_DIAG_WIDTH, MPI_DOUBLE, MPI_SUM, comm);
    return nbody_totals_of(sum);
}

static const struct nbody_comm nbody_comm_mpi = {
    .positions = exchange_positions, .sum = sum_over_ranks,
};

/* One parallel region for the whole run (one thread unless hybrid). */
void nbody_run_mpi(const struct parity_ctx *ctx, void *state)
{
#pragma omp parallel
    nbody_integrate(ctx, state, &nbody_comm_mpi);
}
