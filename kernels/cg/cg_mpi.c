/* cg, MPI (+ OpenMP threads inside each rank when --threads > 1): the hooks
 * of the loop outline cg_solve (cg.h) that cross ranks.  Each rank owns a
 * block of whole grid rows (parity_partition_range(n, ranks, rank), the same
 * partition parity_repro_allgather_partials uses for the n row partials),
 * swaps one halo row of p with each neighbour before the SpMV (non-blocking),
 * and forms every dot product from the row partials: gathered and tree-summed
 * (repro, the same bits as seq) or a local sum and MPI_Allreduce (fast).
 * MPI is called by the master thread only (MPI_THREAD_FUNNELED): the
 * outline calls these hooks under `omp master`, followed by a barrier. */
#include "cg.h"

#include <parity/repro_mpi.h>

#include <mpi.h>

/* The neighbours' edge rows of p into this rank's halo rows. */
static void exchange_halo(const struct parity_ctx *ctx, struct cg_state *s)
{
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    int n = (int)s->n;
    int up = ctx->rank > 0 ? ctx->rank - 1 : MPI_PROC_NULL;
    int dn = ctx->rank < ctx->ranks - 1 ? ctx->rank + 1 : MPI_PROC_NULL;
    MPI_Request req[4];
    /* tag 0 travels down the grid, tag 1 up */
    MPI_Irecv(s->p - n, n, MPI_DOUBLE, up, 0, comm, &req[0]);
    MPI_Irecv(s->p + s->rows * n, n, MPI_DOUBLE, dn, 1, comm, &req[1]);
    MPI_Isend(s->p, n, MPI_DOUBLE, up, 1, comm, &req[2]);
    MPI_Isend(s->p + (s->rows - 1) * n, n, MPI_DOUBLE, dn, 0, comm, &req[3]);
    MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
}

/* One dot product over all ranks from this rank's row partials (repro) or
 * its local sum (fast).  Master thread only. */
static double global_sum(const struct parity_ctx *ctx, struct cg_state *s,
                         double local)
{
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    if (ctx->reduce == PARITY_REPRO) {
        parity_repro_allgather_partials(s->partials, s->n, 1, comm);
        return cg_sum_rows(s);
    }
    double sum;
    MPI_Allreduce(&local, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
    return sum;
}

/* The two maxima of the error check over all ranks (exact: any order). */
static void max_over_ranks(const struct parity_ctx *ctx, struct cg_state *s, double v[2])
{
    (void)s;
    MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_DOUBLE, MPI_MAX, *(MPI_Comm *)ctx->mpi_comm);
}

static const struct cg_comm cg_comm_mpi = {
    .sum = global_sum, .halo = exchange_halo, .max2 = max_over_ranks,
};

/* One parallel region for the whole solve (one thread unless hybrid). */
void cg_run_mpi(const struct parity_ctx *ctx, void *state)
{
#pragma omp parallel
    cg_solve(ctx, state, &cg_comm_mpi);
}
