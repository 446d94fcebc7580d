/* triad, OpenMP threads: one parallel region around all sweeps; each thread
 * always sweeps the same part (parity_partition_range), the part it first touched
 * in setup, so its pages are local to it on NUMA machines.  A barrier ends
 * each sweep, as STREAM's timing of whole sweeps does.  No reduction: repro
 * and fast run the same code and give the same bits. */
#include "triad.h"

#include <parity/partition.h>

#include <omp.h>

void triad_sweeps_omp(struct triad_state *s, int threads)
{
    int64_t count = s->hi - s->lo;
#pragma omp parallel num_threads(threads)
    {
        int64_t lo, hi;
        parity_partition_range(count, omp_get_num_threads(), omp_get_thread_num(), &lo, &hi);
        for (int64_t t = 0; t < s->steps; t++) {
            triad_sweep(s->a + lo, s->b + lo, s->c + lo, hi - lo);
#pragma omp barrier
        }
    }
}

void triad_run_omp(const struct parity_ctx *ctx, void *state)
{
    triad_sweeps_omp(state, ctx->threads);
}
