/* pi, MPI (+ OpenMP threads inside each rank when --threads > 1): the hooks
 * of the loop outline pi_compute (pi.h) that cross ranks.  Each rank owns a
 * contiguous range of blocks.  repro: the per-block partials are gathered and
 * every rank forms the same fixed tree; fast and racy: MPI_Allreduce of the
 * ranks' values.  MPI is called by the master thread only. */
#include "pi.h"

#include <parity/repro_mpi.h>

#include <mpi.h>

static void sum_blocks_mpi(const struct parity_ctx *ctx, struct pi_state *s)
{
    parity_repro_allreduce_sum(s->partials, s->blocks.count, 1, &s->value,
                               *(MPI_Comm *)ctx->mpi_comm);
}

static double sum_values_mpi(const struct parity_ctx *ctx, double local)
{
    double sum;
    MPI_Allreduce(&local, &sum, 1, MPI_DOUBLE, MPI_SUM, *(MPI_Comm *)ctx->mpi_comm);
    return sum;
}

static const struct pi_comm pi_comm_mpi = {
    .sum_blocks = sum_blocks_mpi, .sum_values = sum_values_mpi,
};

/* One parallel region (one thread unless hybrid) around the outline. */
void pi_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct pi_state *s = state;
    int64_t b0, b1;
    parity_partition_range(s->blocks.count, ctx->ranks, ctx->rank, &b0, &b1);
#pragma omp parallel
    pi_compute(ctx, s, b0, b1, &pi_comm_mpi);
}
