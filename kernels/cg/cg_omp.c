/* cg, OpenMP: one parallel region around the whole solve; threads own whole
 * grid rows, and one thread forms the scalars (`single`, whose barrier
 * publishes them).  In the iteration, thread t runs cg.c's row loops (the
 * code seq runs) on its parity_partition_range share: `omp for` over the team's
 * nt shares hands each thread exactly one and keeps the barrier and the
 * reduction(+:) of the thread sums.  repro: the row partials go through the fixed
 * tree, so iterations and bits equal seq's; fast: reduction(+:). */
#include "cg.h"

#include <parity/partition.h>

#include <omp.h>

void cg_run_omp(const struct parity_ctx *ctx, void *state)
{
    struct cg_state *s = state;
    int64_t n = s->n;
    int repro = ctx->reduce == PARITY_REPRO;
    double acc_pap = 0.0, acc_rr = 0.0, worst = 0.0, worst_res = 0.0; /* shared */
#pragma omp parallel
    {
        int nt = omp_get_num_threads();
#pragma omp for schedule(static) reduction(+ : acc_rr)
        for (int t = 0; t < nt; t++) {
            int64_t lo, hi;
            parity_partition_range(n, nt, t, &lo, &hi);
            acc_rr += cg_rows_start(s, lo, hi, s->partials);
        }
#pragma omp single
        cg_begin(s, repro ? cg_sum_rows(s) : acc_rr);
        while (cg_continue(s)) {
            if (s->iterations > 0) {
#pragma omp for schedule(static)
                for (int t = 0; t < nt; t++) {
                    int64_t lo, hi;
                    parity_partition_range(n, nt, t, &lo, &hi);
                    cg_rows_direction(s, lo, hi);
                }
            }
#pragma omp for schedule(static) reduction(+ : acc_pap)
            for (int t = 0; t < nt; t++) {
                int64_t lo, hi;
                parity_partition_range(n, nt, t, &lo, &hi);
                acc_pap += cg_rows_spmv(s, lo, hi, s->partials);
            }
#pragma omp single
            {
                s->sc.alpha = s->sc.rr / (repro ? cg_sum_rows(s) : acc_pap);
                acc_rr = 0.0; /* for the next reduction */
            }
#pragma omp for schedule(static) reduction(+ : acc_rr)
            for (int t = 0; t < nt; t++) {
                int64_t lo, hi;
                parity_partition_range(n, nt, t, &lo, &hi);
                acc_rr += cg_rows_update(s, lo, hi, s->partials);
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
