/* mandelbrot, MPI (+ OpenMP threads over each rank's rows when --threads > 1):
 * the loop outline mandel_render (mandelbrot.h) on this rank's rows, and the
 * collective check.  Rows are dealt cyclically (rank r: rows r, r+P, ...), which spreads the
 * costly rows near the real axis evenly.  A repetition has no communication,
 * so /timing/rank_wall shows each rank's own compute time (the balance the
 * deal achieved); the check hook, the one collective step after the timed
 * repetitions, sums the iteration count and exchanges rows with the one rank
 * that holds all of this rank's mirrors. */
#include "mandelbrot.h"

#include <mpi.h>
#include <stdlib.h>

void mandel_run_mpi(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct mandel_state *s = state;
    int64_t total = 0;
#pragma omp parallel reduction(+ : total)
    total += mandel_render(s);
    s->iterations_mine = total; /* the image's total: in mandel_check_mpi */
}

/* This rank's rows plus the check's receive buffer of at most max(1 MiB,
 * one row), allocated at any rank count (the partner may be this rank). */
double mandel_memory_mpi(const struct parity_ctx *ctx)
{
    return mandel_memory(ctx) + 8.0 * (double)parity_param(ctx, "width") + 1048576.0;
}

/* Rows per message: about 1 MiB, at least one row. */
static int64_t chunk_rows(int64_t width)
{
    int64_t rows = (INT64_C(1) << 17) / width;
    return rows > 0 ? rows : 1;
}

/* Send my rows, chunk by chunk, to the partner holding their mirrors and
 * compare with the partner's rows coming back (mandel_mirror_chunk says
 * which of mine they mirror).  The partner may be this rank itself (P = 1,
 * or H-1-r = r mod P); Sendrecv with oneself is fine. */
static int64_t mirror_mismatches_mpi(const struct mandel_state *s, MPI_Comm comm,
                                     int partner)
{
    int64_t n = s->rows_mine, w = s->view.width, step = chunk_rows(w);
    int64_t *recv = malloc(sizeof(int64_t) * (size_t)(step * w));
    if (!recv)
        MPI_Abort(comm, 1);
    int64_t bad = 0;
    for (int64_t a = 0; a < n; a += step) {
        int64_t c = n - a < step ? n - a : step;
        MPI_Sendrecv(s->counts + a * w, (int)(c * w), MPI_INT64_T, partner, 0,
                     recv, (int)(c * w), MPI_INT64_T, partner, 0, comm,
                     MPI_STATUS_IGNORE);
        bad += mandel_mirror_chunk(s, a, c, recv);
    }
    free(recv);
    return bad;
}

void mandel_check_mpi(const struct parity_ctx *ctx, void *state,
                      struct parity_check *r)
{
    struct mandel_state *s = state;
    MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;
    int partner = mandel_mirror_part(s->view.height, ctx->ranks, ctx->rank);
    int64_t bad = mirror_mismatches_mpi(s, comm, partner) +
                  mandel_known_mismatches(s, 0, s->rows_mine);
    /* Every rank reports the whole image's mismatches, and gets the whole
     * image's iteration count for the output.  Integer sums: exact in any
     * order, so --reduce has no effect here. */
    int64_t mine[2] = {bad, s->iterations_mine}, all[2];
    MPI_Allreduce(mine, all, 2, MPI_INT64_T, MPI_SUM, comm);
    s->total_iterations = all[1];
    r->error = (double)all[0];
    r->bound = 0.0;
}
