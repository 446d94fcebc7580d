/* matmul, OpenMP threads: one parallel region; each thread computes a
 * balanced block of whole MR-row groups of C with its own packing buffers.
 * Every element's fma chain is the sequential one, so the bits equal seq's
 * at any thread count; no reduction is involved (repro and fast coincide). */
#include "matmul.h"

#include <omp.h>

void matmul_compute_omp(const struct parity_ctx *ctx, struct matmul_state *s)
{
#pragma omp parallel num_threads(ctx->threads)
    {
        /* nt <= ctx->threads = s->nwork, so work[t] exists. */
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int64_t lo, hi;
        matmul_thread_rows(ctx->variant, s->rows, nt, t, &lo, &hi);
        matmul_rows(ctx->variant, s, lo, hi, &s->work[t]);
    }
}

void matmul_run_omp(const struct parity_ctx *ctx, void *state)
{
    struct matmul_state *s = state;
    matmul_compute_omp(ctx, s);
    s->c00 = s->c[0];
}
