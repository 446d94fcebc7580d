/* heat: the 2-D heat equation u_t = alpha (u_xx + u_yy) on the unit square,
 * zero (Dirichlet) boundary, n x n interior points, explicit Euler in time
 * with the 5-point stencil:
 *     u' = u + r ((uN + uS) + (uE + uW) - 4u),   r = alpha dt / h^2 = 0.2.
 * Checked against the exact decay of the discrete sin.sin eigenmode (heat.c).
 * The stencil lives here once (heat_step_row); heat_seq.c, heat_omp.c and
 * heat_mpi.c call it on their own rows, so every mode rounds alike. */
#ifndef PARITY_HEAT_H
#define PARITY_HEAT_H

#include "../kernel.h"

#include <math.h>
#include <stdint.h>

/* r = alpha dt / h^2.  The scheme is stable for r <= 1/4: then the new value
 * is a convex combination of the old ones (weights 1 - 4r >= 0 and r), so the
 * max norm never grows, and rounding errors are not amplified either. */
#define HEAT_R 0.2

/* One process's part of the problem: a block of interior rows x columns,
 * stored with a one-cell halo (ghost cells) on every side. */
struct heat_state {
    int64_t n;        /* interior points per side of the global grid */
    int64_t steps;    /* time steps per repetition */
    int64_t row0;     /* global index of this block's first interior row */
    int64_t rows;     /* interior rows in this block */
    int64_t col0;     /* global index of this block's first interior column */
    int64_t cols;     /* interior columns in this block */
    int64_t ld;       /* local row length including the halo: cols + 2 */
    double *sine;     /* sin(pi x_i), x_i = (i+1) h, for every global i < n */
    double *grid[2];  /* two (rows+2) x ld grids that steps alternate between;
                         halo cells on the physical boundary stay zero */
    double *result;   /* the one of the two holding the last run's answer */
    double max_value; /* max over the whole final grid, the same on every rank */
    void *mpi;        /* heat_mpi.c's communicator and datatypes; NULL outside MPI */
};

/* One time step of one row: out[j] for j in [0, cols), from the row above
 * (up), the row itself (mid) and the row below (down).  Pointers are to the
 * first interior element, so mid[-1] and mid[cols] are the west/east halo.
 * The one place the update is written: every mode calls it on its own rows
 * with the same association order, and -ffp-contract=off keeps the compiler
 * from fusing it differently in vector body and scalar remainder. */
static inline void heat_step_row(double *restrict out, const double *restrict up,
                                 const double *restrict mid,
                                 const double *restrict down, int64_t cols, double r)
{
    for (int64_t j = 0; j < cols; j++)
        out[j] = mid[j] + r * (((up[j] + down[j]) + (mid[j + 1] + mid[j - 1])) -
                               4.0 * mid[j]);
}

/* Pointer to interior element (i, j) of a local grid (halo at -1 and rows/cols). */
static inline double *heat_at(const struct heat_state *s, double *g, int64_t i,
                              int64_t j)
{
    return g + (i + 1) * s->ld + (j + 1);
}

/* Local interior row i of a grid: u0 (sine products) for the block's columns. */
static inline void heat_init_row(const struct heat_state *s, double *g, int64_t i)
{
    double si = s->sine[s->row0 + i];
    double *row = heat_at(s, g, i, 0);
    for (int64_t j = 0; j < s->cols; j++)
        row[j] = si * s->sine[s->col0 + j];
}

/* Step local interior row i from src into dst. */
static inline void heat_step_local_row(const struct heat_state *s, double *dst,
                                       double *src, int64_t i)
{
    heat_step_row(heat_at(s, dst, i, 0), heat_at(s, src, i - 1, 0),
                  heat_at(s, src, i, 0), heat_at(s, src, i + 1, 0), s->cols, HEAT_R);
}

/* Largest value of local interior row i. */
static inline double heat_row_max(const struct heat_state *s, double *g, int64_t i)
{
    const double *row = heat_at(s, g, i, 0);
    double m = -INFINITY;
    for (int64_t j = 0; j < s->cols; j++)
        m = row[j] > m ? row[j] : m;
    return m;
}

/* heat.c: allocation of a block (shared by all modes) and the exact factor
 * lambda^steps by which the eigenmode decays. */
int heat_alloc(struct heat_state *s, int64_t n, int64_t steps, int64_t row0,
               int64_t rows, int64_t col0, int64_t cols);
int heat_setup(const struct run_ctx *ctx, void **state);
double heat_lambda(int64_t n);
double heat_decay(int64_t n, int64_t steps);

/* The modes' run functions (heat_seq.c, heat_omp.c, heat_mpi.c). */
void heat_run_seq(const struct run_ctx *ctx, void *state);
void heat_run_omp(const struct run_ctx *ctx, void *state);
void heat_run_mpi(const struct run_ctx *ctx, void *state);

/* heat_mpi.c: setup on the Cartesian grid, the process grid's shape (for
 * validation and the memory model; needs MPI started), and freeing s->mpi. */
int heat_setup_mpi(const struct run_ctx *ctx, void **state);
void heat_mpi_dims(int ranks, int dims[2]);
void heat_mpi_free(void *mpi);

#endif
