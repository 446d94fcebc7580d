/* cg, sequential: the reference.  The row loops of cg.c over all rows; the
 * dot products are the row partials combined by the fixed tree (repro) or
 * left to right (fast). */
#include "cg.h"

/* One dot product: the row partials through the fixed tree (repro), or the
 * rows' left-to-right sum the row loop returned (fast). */
static double dot(const struct parity_ctx *ctx, const struct cg_state *s, double fast)
{
    return ctx->reduce == PARITY_REPRO ? cg_sum_rows(s) : fast;
}

void cg_run_seq(const struct parity_ctx *ctx, void *state)
{
    struct cg_state *s = state;
    int64_t n = s->n;
    cg_begin(s, dot(ctx, s, cg_rows_start(s, 0, n, s->partials)));
    while (cg_continue(s)) {
        if (s->iterations > 0)
            cg_rows_direction(s, 0, n);
        s->sc.alpha = s->sc.rr / dot(ctx, s, cg_rows_spmv(s, 0, n, s->partials));
        cg_record(s, dot(ctx, s, cg_rows_update(s, 0, n, s->partials)));
    }
    double worst = 0.0, worst_res = 0.0, row_res;
    for (int64_t i = 0; i < n; i++)
        cg_row_load_x(s, i);
    for (int64_t i = 0; i < n; i++) {
        s->partials[i] = cg_row_true_residual(s, i, &row_res);
        worst_res = fmax(worst_res, row_res);
        worst = fmax(worst, cg_row_error(s, i));
    }
    double fast = 0.0;
    for (int64_t i = 0; i < n; i++)
        fast += s->partials[i];
    s->true_residual = sqrt(dot(ctx, s, fast)) / s->bnorm;
    s->residual_max = worst_res;
    s->error_max = worst;
}
