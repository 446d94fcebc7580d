/* cg, sequential: the reference.  Row by row; the dot products are the row
 * partials combined by the fixed tree (repro) or left to right (fast). */
#include "cg.h"

/* The row partials of one dot product, summed per --reduce. */
static double sum_rows(const struct run_ctx *ctx, const struct cg_state *s)
{
    if (ctx->reduce == REDUCE_REPRO)
        return cg_sum_rows(s);
    double sum = 0.0;
    for (int64_t i = 0; i < s->n; i++)
        sum += s->partials[i];
    return sum;
}

void cg_run_seq(const struct run_ctx *ctx, void *state)
{
    struct cg_state *s = state;
    int64_t n = s->n;
    for (int64_t i = 0; i < n; i++)
        s->partials[i] = cg_row_start(s, i);
    cg_begin(s, sum_rows(ctx, s));
    while (cg_continue(s)) {
        if (s->iterations > 0)
            for (int64_t i = 0; i < n; i++)
                cg_row_direction(s->p + i * n, s->r + i * n, s->sc.beta, n);
        for (int64_t i = 0; i < n; i++)
            s->partials[i] = cg_row_spmv_dot(s->p + (i - 1) * n, s->p + i * n,
                                             s->p + (i + 1) * n, s->ap + i * n, n);
        s->sc.alpha = s->sc.rr / sum_rows(ctx, s);
        for (int64_t i = 0; i < n; i++)
            s->partials[i] = cg_row_update(s->x + i * n, s->r + i * n, s->p + i * n,
                                           s->ap + i * n, s->sc.alpha, n);
        cg_record(s, sum_rows(ctx, s));
    }
    double worst = 0.0, worst_res = 0.0, row_res;
    for (int64_t i = 0; i < n; i++)
        cg_row_load_x(s, i);
    for (int64_t i = 0; i < n; i++) {
        s->partials[i] = cg_row_true_residual(s, i, &row_res);
        worst_res = fmax(worst_res, row_res);
        worst = fmax(worst, cg_row_error(s, i));
    }
    s->true_residual = sqrt(sum_rows(ctx, s)) / s->bnorm;
    s->residual_max = worst_res;
    s->error_max = worst;
}
