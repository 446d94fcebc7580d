/* nbody, OpenMP: one parallel region around the whole time loop, `omp for`
 * over bodies (each body's force is the same function of all positions, so
 * the bits equal seq's).  Diagnostics: repro sums the per-body rows in the
 * fixed tree inside a single; fast uses reduction(+:). */
#include "nbody.h"

/* Called by every thread of the region; *t is shared and set on return. */
static void diagnostics(const struct parity_ctx *ctx, struct nbody_state *s,
                        double *sum, struct nbody_totals *t)
{
    if (ctx->reduce == PARITY_REPRO) {
#pragma omp for schedule(static)
        for (int64_t i = 0; i < s->n; i++)
            nbody_diag_rows(s, i, i + 1);
#pragma omp single
        *t = nbody_sum_local(ctx, s);
        return;
    }
#pragma omp single
    for (int k = 0; k < NB_DIAG_WIDTH; k++)
        sum[k] = 0.0;
#pragma omp for schedule(static) reduction(+ : sum[:NB_DIAG_WIDTH])
    for (int64_t i = 0; i < s->n; i++) {
        nbody_diag_rows(s, i, i + 1);
        for (int k = 0; k < NB_DIAG_WIDTH; k++)
            sum[k] += s->partials[i * NB_DIAG_WIDTH + k];
    }
#pragma omp single
    *t = nbody_totals_of(sum);
}

void nbody_run_omp(const struct parity_ctx *ctx, void *state)
{
    struct nbody_state *s = state;
    int64_t n = s->n, steps = s->steps;
    double sum[NB_DIAG_WIDTH];
#pragma omp parallel
    {
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++)
            nbody_reset(s, i, i + 1, 0);
        /* (barrier) the forces need every position reset */
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++)
            nbody_forces(s, i, i + 1, 1);
        diagnostics(ctx, s, sum, &s->start);
        for (int64_t step = 0; step < steps; step++) {
#pragma omp for schedule(static)
            for (int64_t i = 0; i < n; i++) {
                nbody_kick(s, i, i + 1);
                nbody_drift(s, i, i + 1);
            }
#pragma omp for schedule(static)
            for (int64_t i = 0; i < n; i++) {
                nbody_forces(s, i, i + 1, step == steps - 1);
                nbody_kick(s, i, i + 1);
            }
        }
        diagnostics(ctx, s, sum, &s->end);
    }
}
