/* jacobi1d under MPI (hybrid with --threads > 1): each rank owns a contiguous
 * range of whole repro blocks, exchanges one ghost point with each neighbour
 * before every sweep, and the per-block partial sums are gathered so every
 * rank forms the same fixed tree as seq.  Only this file includes mpi.h. */
#include "jacobi1d.h"

#include <parity/partition.h>
#include <parity/repro_mpi.h>

#include <mpi.h>

int jacobi_setup_mpi(const struct parity_ctx *ctx, void **state)
{
    struct parity_repro_blocks blocks = parity_repro_blocks_for(parity_param(ctx, "n"));
    int64_t b0, b1;
    parity_partition_range(blocks.count, ctx->ranks, ctx->rank, &b0, &b1);
    return jacobi_setup_blocks(ctx, state, b0, b1);
}

/* Ranks with points come first (blocks are dealt in order), so a rank's
 * neighbour exists exactly when points lie beyond its own ends. */
static void jacobi_exchange(struct jacobi_state *s)
{
    MPI_Comm comm = *(MPI_Comm *)s->comm;
    int rank;
    MPI_Comm_rank(comm, &rank);
    int64_t m = s->hi - s->lo;
    int left = m > 0 && s->lo > 0 ? rank - 1 : MPI_PROC_NULL;
    int right = m > 0 && s->hi < s->n ? rank + 1 : MPI_PROC_NULL;
    MPI_Sendrecv(&s->u[1], 1, MPI_DOUBLE, left, 0, &s->u[m + 1], 1, MPI_DOUBLE, right, 0,
                 comm, MPI_STATUS_IGNORE);
    MPI_Sendrecv(&s->u[m], 1, MPI_DOUBLE, right, 1, &s->u[0], 1, MPI_DOUBLE, left, 1,
                 comm, MPI_STATUS_IGNORE);
}

void jacobi_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct jacobi_state *s = state;
    double total[2];
    (void)ctx;
#pragma omp parallel
    jacobi_repetition(s, jacobi_exchange);
    parity_repro_allreduce_sum(s->partials, s->blocks.count, 2, total, *(MPI_Comm *)s->comm);
    jacobi_finish(s, total);
}
