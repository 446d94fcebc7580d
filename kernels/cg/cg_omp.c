/* cg, OpenMP: one parallel region around the whole solve; threads own whole
 * grid rows (`omp for`), and one thread forms the scalars (`single`, whose
 * barrier publishes them).  repro: the row partials go through the fixed
 * tree, so iterations and bits equal seq's; fast: reduction(+:). */
#include "cg.h"

void cg_run_omp(const struct run_ctx *ctx, void *state)
{
    struct cg_state *s = state;
    int64_t n = s->n;
    int repro = ctx->reduce == REDUCE_REPRO;
    double acc_pap = 0.0, acc_rr = 0.0, worst = 0.0, worst_res = 0.0; /* shared */
#pragma omp parallel
    {
#pragma omp for schedule(static) reduction(+ : acc_rr)
        for (int64_t i = 0; i < n; i++) {
            s->partials[i] = cg_row_start(s, i);
            acc_rr += s->partials[i];
        }
#pragma omp single
        cg_begin(s, repro ? cg_sum_rows(s) : acc_rr);
        while (cg_continue(s)) {
            if (s->iterations > 0) {
#pragma omp for schedule(static)
                for (int64_t i = 0; i < n; i++)
                    cg_row_direction(s->p + i * n, s->r + i * n, s->sc.beta, n);
            }
#pragma omp for schedule(static) reduction(+ : acc_pap)
            for (int64_t i = 0; i < n; i++) {
                s->partials[i] = cg_row_spmv_dot(s->p + (i - 1) * n, s->p + i * n,
                                                 s->p + (i + 1) * n, s->ap + i * n, n);
                acc_pap += s->partials[i];
            }
#pragma omp single
            {
                s->sc.alpha = s->sc.rr / (repro ? cg_sum_rows(s) : acc_pap);
                acc_rr = 0.0; /* for the next reduction */
            }
#pragma omp for schedule(static) reduction(+ : acc_rr)
            for (int64_t i = 0; i < n; i++) {
                s->partials[i] = cg_row_update(s->x + i * n, s->r + i * n, s->p + i * n,
                                               s->ap + i * n, s->sc.alpha, n);
                acc_rr += s->partials[i];
            }
#pragma omp single
            {
                cg_record(s, repro ? cg_sum_rows(s) : acc_rr);
                acc_pap = 0.0;
            }
        }
#pragma omp single
        acc_rr = 0.0; /* for the true residual */
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++)
            cg_row_load_x(s, i);
#pragma omp for schedule(static) reduction(max : worst, worst_res) reduction(+ : acc_rr)
        for (int64_t i = 0; i < n; i++) {
            double row_res;
            s->partials[i] = cg_row_true_residual(s, i, &row_res);
            acc_rr += s->partials[i];
            worst_res = fmax(worst_res, row_res);
            worst = fmax(worst, cg_row_error(s, i));
        }
    }
    s->true_residual = sqrt(repro ? cg_sum_rows(s) : acc_rr) / s->bnorm;
    s->residual_max = worst_res;
    s->error_max = worst;
}
