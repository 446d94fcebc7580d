/* cg: unpreconditioned conjugate gradient for -Laplace(u) = f on the unit
 * square (5-point stencil, n x n interior points, h = 1/(n+1), u = 0 on the
 * boundary), with the manufactured solution u = x(1-x) y(1-y) (x^2+y^2).
 * Checked by the final residual and by the discretisation error, which for
 * this u is known exactly: u_h - u = -h^2 x(1-x) y(1-y) (see cg.c).
 * The math lives here once, per grid row, and so does the loop outline: the
 * order of a solve's steps is written once, in cg_solve() at the end of this
 * header.  seq and omp (cg.c) and mpi (cg_mpi.c) are thin wrappers that only
 * say whether threads share the rows (a parallel region around cg_solve, or
 * none) and how partial sums and halos cross ranks (struct cg_comm).  Every
 * dot product is a partial per grid row (the same function of the row in
 * every mode) combined over the n rows by the fixed tree of common/repro, so
 * iterations and bits match in every mode. */
#ifndef PARITY_CG_H
#define PARITY_CG_H

#include <parity/repro.h>
#include <parity/kernel.h>

#include <parity/partition.h>

#include <math.h>
#include <omp.h>
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
        double worst_err, worst_res; /* the threads' maxima after the solve */
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
 * cg.c so that every mode's threads (each on its parity_partition_range
 * share) run the same machine code, not copies inlined separately into seq's
 * function and the modes' outlined regions, which the compiler may optimise
 * differently.  Each fills
 * part[lo..hi) with the row partials. */
void cg_rows_start(struct cg_state *s, int64_t lo, int64_t hi, double *part);
void cg_rows_direction(struct cg_state *s, int64_t lo, int64_t hi);
void cg_rows_spmv(struct cg_state *s, int64_t lo, int64_t hi, double *part);
void cg_rows_update(struct cg_state *s, int64_t lo, int64_t hi, double *part);

/* Shared by the three modes (cg.c). */
int cg_setup(const struct parity_ctx *ctx, void **state);
/* After the first r.r: ||b||, history[0], iteration 0. */
void cg_begin(struct cg_state *s, double rr0);
/* Sum of the row partials [0, n) in this process: repro = fixed tree. */
double cg_sum_rows(const struct cg_state *s);

/* What differs between modes once the rows are shared out: how a dot
 * product's partials are combined over processes, and the halo.  Hooks are
 * called by the master thread only (MPI_THREAD_FUNNELED), and the outline
 * puts a barrier after each. */
struct cg_comm {
    /* A dot product over the whole grid from this process's row partials in
     * s->partials (repro) or their sum by cg_sum_shares (fast). */
    double (*sum)(const struct parity_ctx *ctx, struct cg_state *s, double local);
    /* NULL outside MPI: the neighbours' edge rows of p into its halo rows. */
    void (*halo)(const struct parity_ctx *ctx, struct cg_state *s);
    /* NULL outside MPI: v[0], v[1] = their maxima over processes. */
    void (*max2)(const struct parity_ctx *ctx, struct cg_state *s, double v[2]);
};

/* This process's fast sum of its row partials: each of the nt thread shares
 * left to right from 0.0, then the shares in thread order, which is what
 * reduction(+:) over the threads' sums gives for one or two threads.  Done
 * by one thread, so three or more threads give the same bits on every run
 * (reduction(+:) adds the threads' sums in the order they finish, and CG
 * amplifies that: omp 3 threads under fast gave a new digest every run).
 * O(rows) adds per dot product against O(rows n) flops of row work.  Under
 * repro the tree sums the partials and this is not needed. */
static inline double cg_sum_shares(const struct parity_ctx *ctx,
                                   const struct cg_state *s, int nt)
{
    if (ctx->reduce == PARITY_REPRO)
        return 0.0;
    const double *part = s->partials + s->row0;
    double sum = 0.0;
    for (int t = 0; t < nt; t++) {
        int64_t lo, hi;
        parity_partition_range(s->rows, nt, t, &lo, &hi);
        double share = 0.0;
        for (int64_t i = lo; i < hi; i++)
            share += part[i];
        sum += share;
    }
    return sum;
}

/* The one loop outline of a solve: start, iterate until converged or capped,
 * then the true residual and the error.  Called by every thread of a
 * parallel region (omp, hybrid mpi) or outside any (seq, plain mpi): there
 * each orphaned `omp for` runs all its iterations on the one thread and the
 * barriers are no-ops, which is how one source gives seq and omp (PRK does
 * the same).  Threads own whole rows: `omp for` over the nt shares hands
 * thread t exactly its parity_partition_range share of this process's rows
 * (so omp 1 thread and mpi 1 rank run seq's loops) and ends with the
 * barrier that makes the step's output visible.  Every step leaves one
 * partial per row in s->partials; the master combines them (cg_sum_shares,
 * comm->sum) and publishes the scalars before a barrier. */
static inline void cg_solve(const struct parity_ctx *ctx, struct cg_state *s,
                            const struct cg_comm *comm)
{
    int nt = omp_get_num_threads();
    int64_t rows = s->rows;
    double *part = s->partials + s->row0; /* this process's row partials */
#pragma omp master
    s->sc.worst_err = s->sc.worst_res = 0.0;
#pragma omp for schedule(static)
    for (int t = 0; t < nt; t++) {
        int64_t lo, hi;
        parity_partition_range(rows, nt, t, &lo, &hi);
        cg_rows_start(s, lo, hi, part);
    }
#pragma omp master
    cg_begin(s, comm->sum(ctx, s, cg_sum_shares(ctx, s, nt)));
#pragma omp barrier
    while (cg_continue(s)) {
        if (s->iterations > 0) {
#pragma omp for schedule(static)
            for (int t = 0; t < nt; t++) {
                int64_t lo, hi;
                parity_partition_range(rows, nt, t, &lo, &hi);
                cg_rows_direction(s, lo, hi);
            }
        }
        if (comm->halo) {
#pragma omp master
            comm->halo(ctx, s);
#pragma omp barrier
        }
#pragma omp for schedule(static)
        for (int t = 0; t < nt; t++) {
            int64_t lo, hi;
            parity_partition_range(rows, nt, t, &lo, &hi);
            cg_rows_spmv(s, lo, hi, part);
        }
#pragma omp master
        s->sc.alpha = s->sc.rr / comm->sum(ctx, s, cg_sum_shares(ctx, s, nt));
#pragma omp barrier
#pragma omp for schedule(static)
        for (int t = 0; t < nt; t++) {
            int64_t lo, hi;
            parity_partition_range(rows, nt, t, &lo, &hi);
            cg_rows_update(s, lo, hi, part);
        }
#pragma omp master
        cg_record(s, comm->sum(ctx, s, cg_sum_shares(ctx, s, nt)));
#pragma omp barrier
    }
    /* The true residual b - A x, recomputed from x through p's halo. */
#pragma omp for schedule(static)
    for (int t = 0; t < nt; t++) {
        int64_t lo, hi;
        parity_partition_range(rows, nt, t, &lo, &hi);
        for (int64_t i = lo; i < hi; i++)
            cg_row_load_x(s, i);
    }
    if (comm->halo) {
#pragma omp master
        comm->halo(ctx, s);
#pragma omp barrier
    }
#pragma omp for schedule(static)
    for (int t = 0; t < nt; t++) {
        int64_t lo, hi;
        parity_partition_range(rows, nt, t, &lo, &hi);
        double worst = 0.0, worst_res = 0.0, row_res;
        for (int64_t i = lo; i < hi; i++) {
            part[i] = cg_row_true_residual(s, i, &row_res);
            worst_res = fmax(worst_res, row_res);
            worst = fmax(worst, cg_row_error(s, i));
        }
#pragma omp critical(cg_worst) /* max is exact: the order does not matter */
        {
            s->sc.worst_err = fmax(s->sc.worst_err, worst);
            s->sc.worst_res = fmax(s->sc.worst_res, worst_res);
        }
    }
#pragma omp master
    {
        s->true_residual = sqrt(comm->sum(ctx, s, cg_sum_shares(ctx, s, nt))) / s->bnorm;
        double v[2] = {s->sc.worst_err, s->sc.worst_res};
        if (comm->max2)
            comm->max2(ctx, s, v);
        s->error_max = v[0];
        s->residual_max = v[1];
    }
#pragma omp barrier
}

/* The modes' run functions: seq and omp in cg.c, mpi in cg_mpi.c. */
void cg_run_seq(const struct parity_ctx *ctx, void *state);
void cg_run_omp(const struct parity_ctx *ctx, void *state);
void cg_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
