/* mandelbrot, sequential: the reference.  Rows in order, one after another.
 * No reductions (the total is an integer sum), so --reduce has no effect. */
#include "mandelbrot.h"

void mandel_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct mandel_state *s = state;
    const struct mandel_view *v = &s->view;
    int64_t total = 0;
    for (int64_t i = 0; i < v->height; i++)
        total += mandel_row(i, v, s->counts + i * v->width);
    s->iterations_mine = s->total_iterations = total;
}
