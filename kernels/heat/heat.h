/* heat: the 2-D heat equation u_t = alpha (u_xx + u_yy) on the unit square,
 * zero (Dirichlet) boundary, n x n interior points, explicit Euler in time
 * with the 5-point stencil:
 *     u' = u + r ((uN + uS) + (uE + uW) - 4u),   r = alpha dt / h^2 = 0.2.
 * Checked against the exact decay of the discrete sin.sin eigenmode (heat.c).
 * The stencil lives here once (heat_step_row), and so does the loop outline
 * of a repetition (heat_sweep, at the end of this header): seq and omp
 * (heat.c) and mpi (heat_mpi.c) are thin wrappers that only say whether
 * threads share the rows and how halos and the maximum cross ranks (struct
 * heat_comm).  The temporal blocking (heat_temporal.c) calls the same row
 * function on its own row segments, so every mode and variant rounds alike. */
#ifndef PARITY_HEAT_H
#define PARITY_HEAT_H

#include <parity/kernel.h>

#include <math.h>
#include <stdint.h>

/* r = alpha dt / h^2.  The scheme is stable for r <= 1/4: then the new value
 * is a convex combination of the old ones (weights 1 - 4r >= 0 and r), so the
 * max norm never grows, and rounding errors are not amplified either. */
#define HEAT_R 0.2

/* Variants: explicit (one sweep per step) and temporal (tiles skewed in
 * time, several steps per pass through memory; heat_temporal.c). */
enum { HEAT_EXPLICIT, HEAT_TEMPORAL };

/* Temporal blocking: up to HEAT_TB_STEPS steps per pass; a tile is
 * HEAT_TB_ROWS rows x HEAT_TB_COLS columns at its first level, so that its
 * two grids' working set, (rows + steps) x (cols + 8 steps) x 16 bytes
 * (about 0.5 MB), stays in a 1 MB L2 cache (measured in heat_temporal.c). */
#define HEAT_TB_STEPS 8
#define HEAT_TB_ROWS 32
#define HEAT_TB_COLS 512

/* One process's part of the problem: a block of interior rows x columns,
 * stored with a halo (ghost cells) `halo` deep on every side.  Rows are
 * padded to a multiple of 8 doubles and every interior row starts on a 64-byte
 * boundary: with ld = cols + 2 the rows of a 4096 grid fell on every
 * alignment and each vector load and store split cache lines (in cache that
 * cost 1.5-2x, measured). */
struct heat_state {
    int64_t n;        /* interior points per side of the global grid */
    int64_t steps;    /* time steps per repetition */
    int64_t row0;     /* global index of this block's first interior row */
    int64_t rows;     /* interior rows in this block */
    int64_t col0;     /* global index of this block's first interior column */
    int64_t cols;     /* interior columns in this block */
    int64_t halo;     /* halo depth: 1, or the time-block depth (temporal MPI) */
    int64_t pad;      /* offset of column 0 in a row: halo rounded up to 8 */
    int64_t ld;       /* local row length: pad + cols + halo rounded up to 8 */
    int variant;      /* HEAT_EXPLICIT or HEAT_TEMPORAL */
    int tb_steps;     /* temporal: steps per pass through memory */
    int64_t tb_rows;  /* temporal: tile rows and columns (HEAT_TB_*; the unit */
    int64_t tb_cols;  /* test makes them tiny to cross many tile edges) */
    double *sine;     /* sin(pi x_i), x_i = (i+1) h, for every global i < n */
    double *grid[2];  /* two (rows + 2 halo) x ld grids (64-byte aligned) that
                         steps alternate between; halo cells on the physical
                         boundary stay zero */
    double *result;   /* the one of the two holding the last run's answer */
    double max_value; /* max over the whole final grid, the same on every rank */
    int ext[4];       /* temporal: 1 where the N, S, W, E neighbour rank exists
                         (its deep halo extends the region); 0 outside MPI */
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

/* Pointer to interior element (i, j) of a local grid (halo at -halo..-1 and
 * rows/cols onwards). */
static inline double *heat_at(const struct heat_state *s, double *g, int64_t i,
                              int64_t j)
{
    return g + (i + s->halo) * s->ld + s->pad + j;
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

/* heat.c: allocation of a block (shared by all modes), freeing it, the
 * memory a block takes, and the exact factor lambda^steps by which the
 * eigenmode decays. */
int heat_alloc(struct heat_state *s, int64_t n, int64_t steps, int64_t row0,
               int64_t rows, int64_t col0, int64_t cols, int64_t halo);
void heat_free(struct heat_state *s);
double heat_block_memory(int64_t n, const int dims[2], int64_t halo);
int heat_setup(const struct parity_ctx *ctx, void **state);
double heat_lambda(int64_t n);
double heat_decay(int64_t n, int64_t steps);

/* heat_temporal.c: advance `levels` (<= s->tb_steps) steps from grid src
 * (the other grid is the scratch one); afterwards the result is in src if
 * levels is even, else in the other grid.  ext[4] (north, south, west,
 * east): 1 where a neighbour rank's deep halo has been received into src,
 * so the region extends levels - 1 cells into it at the first level and
 * shrinks by one each level (redundant overlap, see heat_mpi.c).  Called by
 * every thread of a parallel region (or outside one): tiles are shared out
 * between threads (two phases, see there); it ends with a barrier. */
void heat_temporal_block(const struct heat_state *s, double *src, double *dst,
                         int levels, const int ext[4]);

/* What differs between modes once the rows are shared out.  Hooks are called
 * by the master thread only (MPI_THREAD_FUNNELED); the outline puts a
 * barrier after each. */
struct heat_comm {
    /* NULL outside MPI: fill grid g's halo from the neighbour ranks, one
     * cell deep (explicit) or s->halo deep (temporal). */
    void (*halo)(const struct heat_state *s, double *g);
    void (*deep_halo)(const struct heat_state *s, double *g);
    /* NULL outside MPI: the maximum of `local` over the ranks. */
    double (*max)(const struct heat_state *s, double local);
};

/* The one loop outline of a repetition: reset to u0, `steps` steps
 * alternating between the two grids (explicit: one sweep of rows a step;
 * temporal: tb_steps steps a pass, heat_temporal.c), then the maximum.
 * Called by every thread of a parallel region (omp, hybrid mpi) or outside
 * any (seq, plain mpi): an orphaned `omp for` then runs every row on the one
 * thread and the barriers are no-ops, so seq runs the very loop omp runs.
 * Rows are shared statically; the implicit barrier of `omp for` ends a step
 * before anyone reads its output, and the halo (MPI) is exchanged after it,
 * by the master, before a barrier.  Each thread swaps its own copy of the
 * grid pointers, so no shared variable is written inside the time loop. */
static inline void heat_sweep(struct heat_state *s, const struct heat_comm *comm)
{
    double *src = s->grid[0], *dst = s->grid[1];
#pragma omp master
    s->max_value = -INFINITY; /* the threads' maxima meet here */
#pragma omp for schedule(static)
    for (int64_t i = 0; i < s->rows; i++)
        heat_init_row(s, src, i);
    if (s->variant == HEAT_TEMPORAL) {
        for (int64_t t = 0; t < s->steps; t += s->tb_steps) {
            int levels = (int)(s->steps - t < s->tb_steps ? s->steps - t : s->tb_steps);
            if (comm->deep_halo) {
#pragma omp master
                comm->deep_halo(s, src);
#pragma omp barrier
            }
            heat_temporal_block(s, src, dst, levels, s->ext);
            if (levels % 2) {
                double *tmp = src;
                src = dst;
                dst = tmp;
            }
        }
    } else {
        for (int64_t t = 0; t < s->steps; t++) {
            if (comm->halo) {
#pragma omp master
                comm->halo(s, src);
#pragma omp barrier
            }
#pragma omp for schedule(static)
            for (int64_t i = 0; i < s->rows; i++)
                heat_step_local_row(s, dst, src, i);
            double *tmp = src;
            src = dst;
            dst = tmp;
        }
    }
    double m = -INFINITY;
#pragma omp for schedule(static) nowait
    for (int64_t i = 0; i < s->rows; i++) {
        double r = heat_row_max(s, src, i);
        m = r > m ? r : m;
    }
#pragma omp critical(heat_max) /* max is exact: the order does not matter */
    s->max_value = m > s->max_value ? m : s->max_value;
#pragma omp barrier
#pragma omp master
    {
        if (comm->max)
            s->max_value = comm->max(s, s->max_value);
        s->result = src;
    }
#pragma omp barrier
}

/* The modes' run functions: seq and omp in heat.c, mpi in heat_mpi.c. */
void heat_run_seq(const struct parity_ctx *ctx, void *state);
void heat_run_omp(const struct parity_ctx *ctx, void *state);
void heat_run_mpi(const struct parity_ctx *ctx, void *state);

/* heat_mpi.c: the mpi row of heat's mode table.  Setup on the Cartesian
 * grid; validation and the memory model (they need the process grid's
 * shape, so MPI started); teardown frees the communicator and datatypes. */
int heat_setup_mpi(const struct parity_ctx *ctx, void **state);
int heat_validate_mpi(const struct parity_ctx *ctx, char *msg, size_t msg_size);
double heat_memory_mpi(const struct parity_ctx *ctx);
void heat_teardown_mpi(void *state);

#endif
