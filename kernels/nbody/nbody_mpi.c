/* nbody, MPI (+ OpenMP threads inside each rank when --threads > 1).
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
static void exchange_positions(struct nbody_state *s, MPI_Comm comm)
{
    double *coord[3] = {s->x, s->y, s->z};
    for (int k = 0; k < 3; k++)
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, coord[k], s->counts,
                       s->displs, MPI_DOUBLE, comm);
}

/* Called by every thread of the region; *t is shared and set on return. */
static void diagnostics(const struct parity_ctx *ctx, struct nbody_state *s,
                        double *sum, struct nbody_totals *t, MPI_Comm comm)
{
    int64_t lo = s->lo, hi = s->hi;
    if (ctx->reduce == PARITY_REPRO) {
#pragma omp for schedule(static)
        for (int64_t i = lo; i < hi; i++)
            nbody_diag_rows(s, i, i + 1);
#pragma omp master
        {
            parity_repro_allreduce_sum(s->partials, s->n, NB_DIAG_WIDTH, sum, comm);
            *t = nbody_totals_of(sum);
        }
#pragma omp barrier
        return;
    }
#pragma omp single
    for (int k = 0; k < NB_DIAG_WIDTH; k++)
        sum[k] = 0.0;
#pragma omp for schedule(static) reduction(+ : sum[:NB_DIAG_WIDTH])
    for (int64_t i = lo; i < hi; i++) {
        nbody_diag_rows(s, i, i + 1);
        for (int k = 0; k < NB_DIAG_WIDTH; k++)
            sum[k] += s->partials[i * NB_DIAG_WIDTH + k];
    }
#pragma omp master
    {
        MPI_Allreduce(MPI_IN_PLACE, sum, NB_DIAG_WIDTH, MPI_DOUBLE, MPI_SUM, comm);
        *t = nbody_totals_of(sum);
    }
#pragma omp barrier
}

void nbody_run_mpi(const struct parity_ctx *ctx, void *state)
{
    struct nbody_state *s = state;
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    int64_t n = s->n, lo = s->lo, hi = s->hi, steps = s->steps;
    double sum[NB_DIAG_WIDTH];
#pragma omp parallel
    {
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++)
            nbody_reset(s, i, i + 1, 0);
        /* velocities outside [lo, hi) are reset too: harmless, never read */
#pragma omp for schedule(static)
        for (int64_t i = lo; i < hi; i++)
            nbody_forces(s, i, i + 1, 1);
        diagnostics(ctx, s, sum, &s->start, comm);
        for (int64_t step = 0; step < steps; step++) {
#pragma omp for schedule(static)
            for (int64_t i = lo; i < hi; i++) {
                nbody_kick(s, i, i + 1);
                nbody_drift(s, i, i + 1);
            }
#pragma omp master
            exchange_positions(s, comm);
#pragma omp barrier
#pragma omp for schedule(static)
            for (int64_t i = lo; i < hi; i++) {
                nbody_forces(s, i, i + 1, step == steps - 1);
                nbody_kick(s, i, i + 1);
            }
        }
        diagnostics(ctx, s, sum, &s->end, comm);
    }
}
