/* heat, sequential: the reference.  Reset to u0, then `steps` sweeps of the
 * shared row function, alternating between the two grids; or, for the
 * temporal variant, the same steps tb_steps at a time (heat_temporal.c). */
#include "heat.h"

void heat_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct heat_state *s = state;
    double *src = s->grid[0], *dst = s->grid[1];
    for (int64_t i = 0; i < s->rows; i++)
        heat_init_row(s, src, i);
    if (s->variant == HEAT_TEMPORAL) {
        static const int inside[4] = {0, 0, 0, 0};
        for (int64_t t = 0; t < s->steps; t += s->tb_steps) {
            int levels = (int)(s->steps - t < s->tb_steps ? s->steps - t : s->tb_steps);
            heat_temporal_block(s, src, dst, levels, inside);
            if (levels % 2) {
                double *tmp = src;
                src = dst;
                dst = tmp;
            }
        }
    } else {
        for (int64_t t = 0; t < s->steps; t++) {
            for (int64_t i = 0; i < s->rows; i++)
                heat_step_local_row(s, dst, src, i);
            double *tmp = src;
            src = dst;
            dst = tmp;
        }
    }
    s->result = src;
    double m = -INFINITY;
    for (int64_t i = 0; i < s->rows; i++) {
        double r = heat_row_max(s, src, i);
        m = r > m ? r : m;
    }
    s->max_value = m;
}
