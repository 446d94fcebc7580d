/* matmul, MPI (+ OpenMP threads inside each rank when --threads > 1).
 * Each rank owns a balanced block of rows of A and C (matmul_rank_rows, in
 * setup: single rows, uneven is fine; blas: whole row groups) and needs all
 * of B.  Rank 0 generated B in setup and broadcasts it in every repetition,
 * so the distribution cost is part of the measured time, as it would be for
 * a B that was not already everywhere.  Then the loop outline matmul_compute
 * (matmul.h) on the local rows.  MPI is only called outside parallel regions
 * (MPI_THREAD_FUNNELED suffices). */
#include "matmul.h"

#include <mpi.h>

void matmul_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct matmul_state *s = state;
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    /* n <= 46340 (the parameter's range), so n*n fits an int count. */
    MPI_Bcast(s->b, (int)(s->n * s->n), MPI_DOUBLE, 0, comm);
    /* One thread a rank unless hybrid: then no team is started at all. */
#pragma omp parallel num_threads(ctx->threads) if (ctx->threads > 1)
    matmul_compute(ctx, s);
    /* Row 0 is always rank 0's (parity_partition_range gives it the first rows);
     * one 8-byte broadcast makes the summary scalar the same everywhere. */
    if (ctx->rank == 0)
        s->c00 = s->c[0];
    MPI_Bcast(&s->c00, 1, MPI_DOUBLE, 0, comm);
}
