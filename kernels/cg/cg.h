/* cg: unpreconditioned conjugate gradient for -Laplace(u) = f on the unit
 * square (5-point stencil, n x n interior points, h = 1/(n+1), u = 0 on the
 * boundary), with the manufactured solution u = x(1-x) y(1-y) (x^2+y^2).
 * Checked by the final residual and by the discretisation error, which for
 * this u is known exactly: u_h - u = -h^2 x(1-x) y(1-y) (see cg.c).
 * The math lives here once, per grid row; cg_seq.c, cg_omp.c and cg_mpi.c
 * call it on their own rows.  Every dot product is a partial per grid row
 * (the same function of the row in every mode) combined over the n rows by
 * the fixed tree of common/repro, so iterations and bits match in every mode. */
#ifndef PARITY_CG_H
#define PARITY_CG_H

#include <parity/repro.h>
#include <parity/kernel.h>

#include <math.h>
#include <stdint.h>

/* Lanes of a row's dot product: element j goes to lane j % PARITY_REPRO_LANES (32),
 * the lanes are folded by parity_repro_lanes_fold's fixed flat tree.  Vectorises at
 * any width (4 AVX-512 or 8 AVX2 accumulators) and is a pure function of the
 * row, the same bits in every mode and every build. */
#define CG_LANES PARITY_REPRO_LANES

struct cg_state {
    int64_t n;         /* interior points per side */
    int64_t max_iters; /* iteration cap */
    double tol;        /* stop when ||r|| / ||b|| <= tol */
    double h;          /* grid spacing 1/(n+1) */
    int64_t row0;      /* first global grid row of this process */
    int64_t rows;      /* grid rows owned by this process */
    double *b;         /* right-hand side h^2 f, [rows][n] */
    double *x;         /* iterate, [rows][n] */
    double *r;         /* residual b - A x, [rows][n] */
    double *ap;        /* A p, [rows][n] */
    double *pbuf;      /* search direction with a halo row above and below,
                          [rows + 2][n]; zero rows at the global boundary */
    double *p;         /* pbuf + n: the first owned row of p */
    double *partials;  /* one dot-product partial per global grid row, [n] */
    double *history;   /* ||r_k|| / ||b||, [max_iters + 1] */
    double bnorm;      /* ||b||_2 */
    int64_t iterations;      /* iterations taken */
    double true_residual;    /* ||b - A x||_2 / ||b||_2, recomputed after the solve */
    double residual_max;     /* ||b - A x||_inf, for the check's solver term */
    double error_max;        /* max |u_h - u| over the grid */
    struct cg_scalars {      /* state shared by the threads of one iteration */
        double rr;           /* r.r of the current residual */
        double alpha, beta;  /* step length and direction update */
        double acc_pap, acc_rr; /* reduction(+:) targets (fast) */
    } sc;
};

/* The manufactured solution and its right-hand side f = -Laplace(u).
 * With P = x(1-x), Q = y(1-y), S = x^2 + y^2: u = P Q S. */
static inline double cg_exact(double x, double y)
{
    return x * (1.0 - x) * (y * (1.0 - y)) * (x * x + y * y);
}

static inline double cg_rhs(double x, double y)
{
    double px = x * (1.0 - x), qy = y * (1.0 - y), s = x * x + y * y;
    double uxx = qy * (-2.0 * s + 4.0 * x * (1.0 - 2.0 * x) + 2.0 * px);
    double uyy = px * (-2.0 * s + 4.0 * y * (1.0 - 2.0 * y) + 2.0 * qy);
    return -(uxx + uyy);
}

/* Sum of the lanes in the fixed flat tree (overwrites acc). */
static inline double cg_lane_sum(double acc[CG_LANES])
{
    return parity_repro_lanes_fold(acc);
}

/* a . b over one row. */
static inline double cg_row_dot(const double *restrict a,
                                const double *restrict b, int64_t n)
{
    double acc[CG_LANES] = {0};
    int64_t j = 0;
    for (; j + CG_LANES <= n; j += CG_LANES) {
#pragma omp simd
        for (int l = 0; l < CG_LANES; l++)
            acc[l] += a[j + l] * b[j + l];
    }
    for (int l = 0; j < n; j++, l++)
        acc[l] += a[j] * b[j];
    return cg_lane_sum(acc);
}

/* ap = A p on one row (A = the 5-point stencil times h^2: 4 on the diagonal,
 * -1 for each neighbour; zero outside the grid), and returns p . ap over the
 * row.  up/dn are the rows above and below (zero rows at the boundary).
 * 5 flops per point (1 mul, 4 sub) plus 2 for the dot product. */
static inline double cg_row_spmv_dot(const double *restrict up,
                                     const double *restrict p,
                                     const double *restrict dn,
                                     double *restrict ap, int64_t n)
{
    if (n == 1) {
        ap[0] = (4.0 * p[0] - up[0]) - dn[0];
        return p[0] * ap[0];
    }
    ap[0] = ((4.0 * p[0] - up[0]) - dn[0]) - p[1];
    for (int64_t j = 1; j < n - 1; j++)
        ap[j] = (((4.0 * p[j] - up[j]) - dn[j]) - p[j - 1]) - p[j + 1];
    ap[n - 1] = ((4.0 * p[n - 1] - up[n - 1]) - dn[n - 1]) - p[n - 2];
    return cg_row_dot(p, ap, n);
}

/* x += alpha p, r -= alpha ap on one row; returns the new r . r over the
 * row.  6 flops per point. */
static inline double cg_row_update(double *restrict x, double *restrict r,
                                   const double *restrict p,
                                   const double *restrict ap, double alpha,
                                   int64_t n)
{
    double acc[CG_LANES] = {0};
    int64_t j = 0;
    for (; j + CG_LANES <= n; j += CG_LANES) {
#pragma omp simd
        for (int l = 0; l < CG_LANES; l++) {
            x[j + l] += alpha * p[j + l];
            r[j + l] -= alpha * ap[j + l];
            acc[l] += r[j + l] * r[j + l];
        }
    }
    for (int l = 0; j < n; j++, l++) {
        x[j] += alpha * p[j];
        r[j] -= alpha * ap[j];
        acc[l] += r[j] * r[j];
    }
    return cg_lane_sum(acc);
}

/* p = r + beta p on one row.  2 flops per point. */
static inline void cg_row_direction(double *restrict p, const double *restrict r,
                                    double beta, int64_t n)
{
    for (int64_t j = 0; j < n; j++)
        p[j] = r[j] + beta * p[j];
}

/* Start of a solve on local row i: x = 0, r = p = b; returns r . r. */
static inline double cg_row_start(struct cg_state *s, int64_t i)
{
    int64_t n = s->n;
    double *x = s->x + i * n, *r = s->r + i * n, *p = s->p + i * n;
    const double *b = s->b + i * n;
    for (int64_t j = 0; j < n; j++) {
        x[j] = 0.0;
        r[j] = b[j];
        p[j] = b[j];
    }
    return cg_row_dot(r, r, n);
}

/* p = x on local row i, so that A x can be formed with p's halo rows. */
static inline void cg_row_load_x(struct cg_state *s, int64_t i)
{
    for (int64_t j = 0; j < s->n; j++)
        s->p[i * s->n + j] = s->x[i * s->n + j];
}

/* ||b - A x||^2 over local row i, given p = x (halo included): the true
 * residual, independent of the recursively updated r; *maxabs gets
 * max |b - A x| over the row.  Fills ap. */
static inline double cg_row_true_residual(struct cg_state *s, int64_t i,
                                          double *maxabs)
{
    int64_t n = s->n;
    double *ax = s->ap + i * n;
    const double *b = s->b + i * n;
    (void)cg_row_spmv_dot(s->p + (i - 1) * n, s->p + i * n, s->p + (i + 1) * n, ax, n);
    double acc[CG_LANES] = {0}, worst = 0.0;
    int64_t j = 0;
    for (; j + CG_LANES <= n; j += CG_LANES)
        for (int l = 0; l < CG_LANES; l++) {
            double d = b[j + l] - ax[j + l];
            acc[l] += d * d;
            worst = fmax(worst, fabs(d));
        }
    for (int l = 0; j < n; j++, l++) {
        double d = b[j] - ax[j];
        acc[l] += d * d;
        worst = fmax(worst, fabs(d));
    }
    *maxabs = worst;
    return cg_lane_sum(acc);
}

/* max |x - u| over local row i (exact: max does not depend on the order). */
static inline double cg_row_error(const struct cg_state *s, int64_t i)
{
    int64_t n = s->n;
    double y = (double)(s->row0 + i + 1) * s->h, worst = 0.0;
    for (int64_t j = 0; j < n; j++) {
        double e = fabs(s->x[i * n + j] - cg_exact((double)(j + 1) * s->h, y));
        worst = e > worst ? e : worst;
    }
    return worst;
}

/* Records the new residual r.r after iteration k (history, beta) and says
 * whether to go on.  Called by one thread; the same bits in every mode. */
static inline void cg_record(struct cg_state *s, double rr_new)
{
    s->sc.beta = rr_new / s->sc.rr;
    s->sc.rr = rr_new;
    s->iterations++;
    s->history[s->iterations] = sqrt(rr_new) / s->bnorm;
}

/* Go on iterating? (reads only state every thread sees alike) */
static inline int cg_continue(const struct cg_state *s)
{
    return s->iterations < s->max_iters && s->history[s->iterations] > s->tol;
}

/* The row loops of one CG iteration over local rows [lo, hi), out of line in
 * cg.c so that seq (all rows) and each omp thread (its parity_partition_range share)
 * run the same machine code, not copies inlined separately into seq's
 * function and omp's outlined region, which the compiler may optimise
 * differently (cg_mpi.c still inlines the row functions).  Each fills
 * part[lo..hi) with the row partials (repro) and returns their left-to-right
 * sum (fast). */
double cg_rows_start(struct cg_state *s, int64_t lo, int64_t hi, double *part);
void cg_rows_direction(struct cg_state *s, int64_t lo, int64_t hi);
double cg_rows_spmv(struct cg_state *s, int64_t lo, int64_t hi, double *part);
double cg_rows_update(struct cg_state *s, int64_t lo, int64_t hi, double *part);

/* Shared by the three modes (cg.c). */
int cg_setup(const struct parity_ctx *ctx, void **state);
/* After the first r.r: ||b||, history[0], iteration 0. */
void cg_begin(struct cg_state *s, double rr0);
/* Sum of the row partials [0, n) in this process: repro = fixed tree. */
double cg_sum_rows(const struct cg_state *s);
/* Every mode reports its iteration count for the flop and byte model. */

/* The modes' run functions (cg_seq.c, cg_omp.c, cg_mpi.c). */
void cg_run_seq(const struct parity_ctx *ctx, void *state);
void cg_run_omp(const struct parity_ctx *ctx, void *state);
void cg_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
