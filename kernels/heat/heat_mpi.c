/* heat, MPI (+ OpenMP threads inside each rank when --threads > 1).
 * The ranks form a 2-D Cartesian grid (MPI_Dims_create, MPI_Cart_create);
 * each owns a balanced block of rows x columns (partition_range, so any rank
 * count works) and, before every step, swaps its edge rows and columns with
 * its four neighbours by non-blocking point-to-point messages.  At the
 * physical boundary the neighbour is MPI_PROC_NULL, so those halo cells keep
 * their zero.  The row function is the same as in seq, so the bits are too. */
#include "heat.h"

#include "../../common/partition.h"

#include <mpi.h>
#include <stdlib.h>

/* The process grid and what one halo exchange needs. */
struct heat_mpi {
    MPI_Comm cart;        /* 2-D non-periodic Cartesian communicator */
    MPI_Datatype column;  /* one interior column of the block: rows doubles, ld apart */
    int north, south;     /* ranks owning the rows above / below (or MPI_PROC_NULL) */
    int west, east;       /* ranks owning the columns left / right (or MPI_PROC_NULL) */
};

/* A message is tagged with the direction it travels, so a halo is never
 * filled from the wrong side even when two neighbours are the same rank. */
enum { TO_NORTH, TO_SOUTH, TO_WEST, TO_EAST };

void heat_mpi_dims(int ranks, int dims[2])
{
    dims[0] = dims[1] = 0;
    MPI_Dims_create(ranks, 2, dims);
}

void heat_mpi_free(void *mpi)
{
    struct heat_mpi *m = mpi;
    if (m->column != MPI_DATATYPE_NULL)
        MPI_Type_free(&m->column);
    if (m->cart != MPI_COMM_NULL)
        MPI_Comm_free(&m->cart);
    free(m);
}

/* The Cartesian grid, this rank's coordinates and its four neighbours. */
static void heat_cart_create(MPI_Comm world, int ranks, struct heat_mpi *m,
                             int dims[2], int coords[2])
{
    int periods[2] = {0, 0}, rank;
    heat_mpi_dims(ranks, dims);
    /* reorder = 0: cart ranks equal world ranks, as the driver reports them. */
    MPI_Cart_create(world, 2, dims, periods, 0, &m->cart);
    MPI_Comm_rank(m->cart, &rank);
    MPI_Cart_coords(m->cart, rank, 2, coords);
    MPI_Cart_shift(m->cart, 0, 1, &m->north, &m->south);
    MPI_Cart_shift(m->cart, 1, 1, &m->west, &m->east);
}

int heat_setup_mpi(const struct run_ctx *ctx, void **state)
{
    struct heat_state *s = calloc(1, sizeof *s);
    struct heat_mpi *m = calloc(1, sizeof *m);
    if (!s || !m) {
        free(s);
        free(m);
        return -1;
    }
    *state = s;
    m->cart = MPI_COMM_NULL;
    m->column = MPI_DATATYPE_NULL;
    int dims[2], coords[2];
    heat_cart_create(*(MPI_Comm *)ctx->mpi_comm, ctx->ranks, m, dims, coords);
    int64_t n = kernel_param(ctx, "n"), r0, r1, c0, c1;
    partition_range(n, dims[0], coords[0], &r0, &r1);
    partition_range(n, dims[1], coords[1], &c0, &c1);
    int rc = heat_alloc(s, n, kernel_param(ctx, "steps"), r0, r1 - r0, c0, c1 - c0);
    s->mpi = m; /* after heat_alloc, which resets the state */
    MPI_Type_vector((int)s->rows, 1, (int)s->ld, MPI_DOUBLE, &m->column);
    MPI_Type_commit(&m->column);
    return rc;
}

/* Fill grid g's halo from the neighbours' edge rows and columns. */
static void heat_exchange(const struct heat_state *s, const struct heat_mpi *m,
                          double *g)
{
    MPI_Request q[8];
    int cols = (int)s->cols;
    int64_t last_row = s->rows - 1, last_col = s->cols - 1;
    MPI_Irecv(heat_at(s, g, -1, 0), cols, MPI_DOUBLE, m->north, TO_SOUTH, m->cart, &q[0]);
    MPI_Irecv(heat_at(s, g, s->rows, 0), cols, MPI_DOUBLE, m->south, TO_NORTH, m->cart, &q[1]);
    MPI_Irecv(heat_at(s, g, 0, -1), 1, m->column, m->west, TO_EAST, m->cart, &q[2]);
    MPI_Irecv(heat_at(s, g, 0, s->cols), 1, m->column, m->east, TO_WEST, m->cart, &q[3]);
    MPI_Isend(heat_at(s, g, 0, 0), cols, MPI_DOUBLE, m->north, TO_NORTH, m->cart, &q[4]);
    MPI_Isend(heat_at(s, g, last_row, 0), cols, MPI_DOUBLE, m->south, TO_SOUTH, m->cart, &q[5]);
    MPI_Isend(heat_at(s, g, 0, 0), 1, m->column, m->west, TO_WEST, m->cart, &q[6]);
    MPI_Isend(heat_at(s, g, 0, last_col), 1, m->column, m->east, TO_EAST, m->cart, &q[7]);
    MPI_Waitall(8, q, MPI_STATUSES_IGNORE);
}

/* One parallel region for the whole run (one thread unless hybrid).  Only
 * the master thread talks to MPI (MPI_THREAD_FUNNELED): the implicit barrier
 * of the previous `omp for` guarantees the block is complete before it
 * sends, and the explicit barrier after keeps the others from reading the
 * halo before it has arrived. */
void heat_run_mpi(const struct run_ctx *ctx, void *state)
{
    (void)ctx;
    struct heat_state *s = state;
    struct heat_mpi *m = s->mpi;
    double mx = -INFINITY;
#pragma omp parallel reduction(max : mx)
    {
        double *src = s->grid[0], *dst = s->grid[1];
#pragma omp for schedule(static)
        for (int64_t i = 0; i < s->rows; i++)
            heat_init_row(s, src, i);
        for (int64_t t = 0; t < s->steps; t++) {
#pragma omp master
            heat_exchange(s, m, src);
#pragma omp barrier
#pragma omp for schedule(static)
            for (int64_t i = 0; i < s->rows; i++)
                heat_step_local_row(s, dst, src, i);
            double *tmp = src;
            src = dst;
            dst = tmp;
        }
#pragma omp for schedule(static) nowait
        for (int64_t i = 0; i < s->rows; i++) {
            double r = heat_row_max(s, src, i);
            mx = r > mx ? r : mx;
        }
#pragma omp single nowait
        s->result = src;
    }
    /* A max does not depend on the order: every rank gets the same bits. */
    MPI_Allreduce(MPI_IN_PLACE, &mx, 1, MPI_DOUBLE, MPI_MAX, m->cart);
    s->max_value = mx;
}
