/* heat, sequential: the reference.  Reset to u0, then `steps` sweeps of the
 * shared row function, alternating between the two grids. */
#include "heat.h"

void heat_run_seq(const struct run_ctx *ctx, void *state)
{
    (void)ctx;
    struct heat_state *s = state;
    double *src = s->grid[0], *dst = s->grid[1];
    for (int64_t i = 0; i < s->rows; i++)
        heat_init_row(s, src, i);
    for (int64_t t = 0; t < s->steps; t++) {
        for (int64_t i = 0; i < s->rows; i++)
            heat_step_local_row(s, dst, src, i);
        double *tmp = src;
        src = dst;
        dst = tmp;
    }
    s->result = src;
    double m = -INFINITY;
    for (int64_t i = 0; i < s->rows; i++) {
        double r = heat_row_max(s, src, i);
        m = r > m ? r : m;
    }
    s->max_value = m;
}
