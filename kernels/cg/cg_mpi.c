/* cg, MPI (+ OpenMP threads inside each rank when --threads > 1).
 * Each rank owns a block of whole grid rows (parity_partition_range(n, ranks, rank),
 * the same partition parity_repro_allgather_partials uses for the n row partials),
 * swaps one halo row of p with each neighbour before the SpMV (non-blocking),
 * and forms every dot product from the row partials: gathered and tree-summed
 * (repro, the same bits as seq) or a local sum and MPI_Allreduce (fast).
 * MPI is called by the master thread only (MPI_THREAD_FUNNELED). */
#include "cg.h"

#include <parity/repro_mpi.h>

#include <mpi.h>

/* The neighbours' edge rows of p into this rank's halo rows. */
static void exchange_halo(const struct parity_ctx *ctx, struct cg_state *s,
                          MPI_Comm comm)
{
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
                         double local, MPI_Comm comm)
{
    if (ctx->reduce == PARITY_REPRO) {
        parity_repro_allgather_partials(s->partials, s->n, 1, comm);
        return cg_sum_rows(s);
    }
    double sum;
    MPI_Allreduce(&local, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
    return sum;
}

void cg_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct cg_state *s = state;
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    int64_t n = s->n, rows = s->rows;
    double *part = s->partials + s->row0; /* this rank's row partials */
    double acc_pap = 0.0, acc_rr = 0.0, worst = 0.0, worst_res = 0.0; /* shared */
#pragma omp parallel
    {
#pragma omp for schedule(static) reduction(+ : acc_rr)
        for (int64_t i = 0; i < rows; i++) {
            part[i] = cg_row_start(s, i);
            acc_rr += part[i];
        }
#pragma omp master
        cg_begin(s, global_sum(ctx, s, acc_rr, comm));
#pragma omp barrier
        while (cg_continue(s)) {
            if (s->iterations > 0) {
#pragma omp for schedule(static)
                for (int64_t i = 0; i < rows; i++)
                    cg_row_direction(s->p + i * n, s->r + i * n, s->sc.beta, n);
            }
#pragma omp master
            exchange_halo(ctx, s, comm);
#pragma omp barrier
#pragma omp for schedule(static) reduction(+ : acc_pap)
            for (int64_t i = 0; i < rows; i++) {
                part[i] = cg_row_spmv_dot(s->p + (i - 1) * n, s->p + i * n,
                                          s->p + (i + 1) * n, s->ap + i * n, n);
                acc_pap += part[i];
            }
#pragma omp master
            {
                s->sc.alpha = s->sc.rr / global_sum(ctx, s, acc_pap, comm);
                acc_rr = 0.0; /* for the next reduction */
            }
#pragma omp barrier
#pragma omp for schedule(static) reduction(+ : acc_rr)
            for (int64_t i = 0; i < rows; i++) {
                part[i] = cg_row_update(s->x + i * n, s->r + i * n, s->p + i * n,
                                        s->ap + i * n, s->sc.alpha, n);
                acc_rr += part[i];
            }
#pragma omp master
            {
                cg_record(s, global_sum(ctx, s, acc_rr, comm));
                acc_pap = 0.0;
            }
#pragma omp barrier
        }
#pragma omp for schedule(static)
        for (int64_t i = 0; i < rows; i++)
            cg_row_load_x(s, i);
#pragma omp master
        {
            exchange_halo(ctx, s, comm);
            acc_rr = 0.0; /* for the true residual */
        }
#pragma omp barrier
#pragma omp for schedule(static) reduction(max : worst, worst_res) reduction(+ : acc_rr)
        for (int64_t i = 0; i < rows; i++) {
            double row_res;
            part[i] = cg_row_true_residual(s, i, &row_res);
            acc_rr += part[i];
            worst_res = fmax(worst_res, row_res);
            worst = fmax(worst, cg_row_error(s, i));
        }
    }
    s->true_residual = sqrt(global_sum(ctx, s, acc_rr, comm)) / s->bnorm;
    double mine[2] = {worst, worst_res}, all[2]; /* max is exact: any order */
    MPI_Allreduce(mine, all, 2, MPI_DOUBLE, MPI_MAX, comm);
    s->error_max = all[0];
    s->residual_max = all[1];
}
