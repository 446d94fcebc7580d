/* mandelbrot, OpenMP threads over rows.  The rows near the real axis cost far
 * more than the edges, so the schedule matters: schedule(runtime) lets
 * OMP_SCHEDULE=static | dynamic,k | guided be compared without rebuilding
 * (libgomp's default when OMP_SCHEDULE is unset is dynamic,1).  With two
 * threads even static balances, because the two halves are mirror images;
 * from three threads on, static gives the middle thread most of the set
 * (2.1x the mean work at 3 threads on the default view).  Each row is
 * written by one thread and counts are integers, so every schedule gives the
 * same bits; reduction(+:) on the int64 total is exact, so --reduce has no
 * effect. */
#include "mandelbrot.h"

void mandel_run_omp(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct mandel_state *s = state;
    const struct mandel_view *v = &s->view;
    int64_t total = 0;
#pragma omp parallel for schedule(runtime) reduction(+ : total)
    for (int64_t i = 0; i < v->height; i++)
        total += mandel_row(i, v, s->counts + i * v->width);
    s->iterations_mine = s->total_iterations = total;
}
