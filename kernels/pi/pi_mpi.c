/* pi, MPI (+ OpenMP threads inside each rank when --threads > 1).
 * Each rank owns a contiguous range of blocks.  repro: the per-block partials
 * are gathered and every rank forms the same fixed tree; fast: seq's fast
 * body on each thread's part (pi_fast_sum_omp), then MPI_Allreduce. */
#include "pi.h"

#include <parity/partition.h>
#include <parity/repro_mpi.h>

#include <mpi.h>

void pi_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct pi_state *s = state;
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    int64_t b0, b1;
    parity_partition_range(s->blocks.count, ctx->ranks, ctx->rank, &b0, &b1);
    /* The index range of blocks [b0, b1), for the non-repro paths. */
    int64_t lo = b0 * s->blocks.size;
    int64_t hi = b1 * s->blocks.size < s->n ? b1 * s->blocks.size : s->n;

    if (ctx->variant == PI_RACY) {
        volatile double shared = 0.0;
#pragma omp parallel for schedule(static)
        for (int64_t i = lo; i < hi; i++)
            shared += pi_term(i, s->h);
        double local = shared * s->h;
        MPI_Allreduce(&local, &s->value, 1, MPI_DOUBLE, MPI_SUM, comm);
        return;
    }
    if (ctx->reduce == PARITY_REPRO) {
#pragma omp parallel for schedule(static)
        for (int64_t b = b0; b < b1; b++) {
            int64_t blo, bhi;
            parity_repro_block_range(&s->blocks, b, &blo, &bhi);
            s->partials[b] = pi_block_sum(blo, bhi, s->h);
        }
        parity_repro_allreduce_sum(s->partials, s->blocks.count, 1, &s->value, comm);
        return;
    }
    double local = pi_fast_sum_omp(lo, hi, s->h) * s->h;
    MPI_Allreduce(&local, &s->value, 1, MPI_DOUBLE, MPI_SUM, comm);
}
