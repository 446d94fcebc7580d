/* heat, OpenMP threads: one parallel region around the whole time loop (a
 * region per step would cost microseconds each); threads share each sweep's
 * rows statically, and the implicit barrier of `omp for` ends a step before
 * anyone reads its output.  Each thread swaps its own copy of the grid
 * pointers, so no shared variable is written inside the loop.  The temporal
 * variant shares each time block's tiles the same way (heat_temporal.c). */
#include "heat.h"

void heat_run_omp(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct heat_state *s = state;
    double m = -INFINITY;
#pragma omp parallel reduction(max : m)
    {
        double *src = s->grid[0], *dst = s->grid[1];
#pragma omp for schedule(static)
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
#pragma omp for schedule(static)
                for (int64_t i = 0; i < s->rows; i++)
                    heat_step_local_row(s, dst, src, i);
                double *tmp = src;
                src = dst;
                dst = tmp;
            }
        }
#pragma omp for schedule(static) nowait
        for (int64_t i = 0; i < s->rows; i++) {
            double r = heat_row_max(s, src, i);
            m = r > m ? r : m;
        }
#pragma omp single nowait
        s->result = src;
    }
    s->max_value = m;
}
