/* heat, MPI (+ OpenMP threads inside each rank when --threads > 1): the mpi
 * row of heat's mode table (setup, validation, memory model, teardown) and
 * the hooks of the loop outline heat_sweep (heat.h) that cross ranks.
 * The ranks form a 2-D Cartesian grid (MPI_Dims_create, MPI_Cart_create);
 * each owns a balanced block of rows x columns (parity_partition_range, so any rank
 * count works) and, before every step, swaps its edge rows and columns with
 * its four neighbours by non-blocking point-to-point messages.  At the
 * physical boundary the neighbour is MPI_PROC_NULL, so those halo cells keep
 * their zero.  The row function is the same as in seq, so the bits are too.
 *
 * The temporal variant exchanges a halo k = tb_steps deep every k steps and
 * then advances k steps without talking (heat_temporal.c): the block's
 * region starts k - 1 cells into the halo and shrinks by one cell a level,
 * so each rank recomputes, redundantly and with the same operations, the
 * strips its neighbours own.  Why deep halos rather than a per-step
 * exchange at tile edges: a per-step exchange needs every edge tile of
 * every level to wait for a message, which serialises the tile wavefront
 * with the network and brings back a synchronisation per step, the cost
 * temporal blocking is there to remove; the deep halo costs one message
 * per k steps per neighbour and (k - 1) k / 2 extra cells per edge cell, about
 * 1.4 % more updates for a 2048 x 2048 block at k = 8.  Corners come with the
 * second phase of the exchange (columns sent with the halo rows just
 * received), so no diagonal neighbour is needed. */
#include "heat.h"

#include <parity/partition.h>

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

/* The process grid and what one halo exchange needs. */
struct heat_mpi {
    MPI_Comm cart;        /* 2-D non-periodic Cartesian communicator */
    MPI_Datatype column;  /* one interior column of the block: rows doubles, ld apart */
    MPI_Datatype deep_rows; /* temporal: halo rows of interior columns (k x cols) */
    MPI_Datatype deep_cols; /* temporal: k columns of rows + 2k rows (corners too) */
    int north, south;     /* ranks owning the rows above / below (or MPI_PROC_NULL) */
    int west, east;       /* ranks owning the columns left / right (or MPI_PROC_NULL) */
};

/* A message is tagged with the direction it travels, so a halo is never
 * filled from the wrong side even when two neighbours are the same rank. */
enum { TO_NORTH, TO_SOUTH, TO_WEST, TO_EAST };

static void heat_mpi_dims(int ranks, int dims[2])
{
    dims[0] = dims[1] = 0;
    MPI_Dims_create(ranks, 2, dims);
}

static void heat_mpi_free(struct heat_mpi *m)
{
    if (m->column != MPI_DATATYPE_NULL)
        MPI_Type_free(&m->column);
    if (m->deep_rows != MPI_DATATYPE_NULL)
        MPI_Type_free(&m->deep_rows);
    if (m->deep_cols != MPI_DATATYPE_NULL)
        MPI_Type_free(&m->deep_cols);
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

/* Temporal: the halo depth = steps per exchange, at most HEAT_TB_STEPS and
 * no more than the thinnest block (a halo comes from direct neighbours). */
static int64_t heat_mpi_halo(int64_t n, const int dims[2])
{
    int64_t k = HEAT_TB_STEPS;
    k = n / dims[0] < k ? n / dims[0] : k;
    k = n / dims[1] < k ? n / dims[1] : k;
    return k > 1 ? k : 1;
}

int heat_setup_mpi(const struct parity_ctx *ctx, void **state)
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
    m->column = m->deep_rows = m->deep_cols = MPI_DATATYPE_NULL;
    int dims[2], coords[2];
    heat_cart_create(*(MPI_Comm *)ctx->mpi_comm, ctx->ranks, m, dims, coords);
    int64_t n = parity_param(ctx, "n"), r0, r1, c0, c1;
    parity_partition_range(n, dims[0], coords[0], &r0, &r1);
    parity_partition_range(n, dims[1], coords[1], &c0, &c1);
    int temporal = ctx->variant == HEAT_TEMPORAL;
    /* The same k on every rank (from the thinnest block), so all ranks
     * exchange at the same steps. */
    int64_t k = temporal ? heat_mpi_halo(n, dims) : 1;
    int rc = heat_alloc(s, n, parity_param(ctx, "steps"), r0, r1 - r0, c0, c1 - c0, k);
    s->mpi = m; /* after heat_alloc, which resets the state */
    s->variant = ctx->variant;
    s->tb_steps = (int)k;
    MPI_Type_vector((int)s->rows, 1, (int)s->ld, MPI_DOUBLE, &m->column);
    MPI_Type_commit(&m->column);
    if (temporal) {
        MPI_Type_vector((int)k, (int)s->cols, (int)s->ld, MPI_DOUBLE, &m->deep_rows);
        MPI_Type_commit(&m->deep_rows);
        MPI_Type_vector((int)(s->rows + 2 * k), (int)k, (int)s->ld, MPI_DOUBLE, &m->deep_cols);
        MPI_Type_commit(&m->deep_cols);
        s->ext[0] = m->north != MPI_PROC_NULL;
        s->ext[1] = m->south != MPI_PROC_NULL;
        s->ext[2] = m->west != MPI_PROC_NULL;
        s->ext[3] = m->east != MPI_PROC_NULL;
    }
    return rc;
}

/* Every rank needs at least one row and one column: its halo rows must come
 * from its direct neighbours. */
int heat_validate_mpi(const struct parity_ctx *ctx, char *msg, size_t msg_size)
{
    int64_t n = parity_param(ctx, "n");
    int dims[2];
    heat_mpi_dims(ctx->ranks, dims);
    if (dims[0] <= n && dims[1] <= n)
        return 0;
    snprintf(msg, msg_size,
             "heat: %d ranks form a %d x %d process grid, more than the n = %lld "
             "rows or columns: use --n %d or more, or fewer ranks",
             ctx->ranks, dims[0], dims[1], (long long)n,
             dims[0] > dims[1] ? dims[0] : dims[1]);
    return -1;
}

/* The largest block of the process grid, with the temporal variant's deep
 * halo. */
double heat_memory_mpi(const struct parity_ctx *ctx)
{
    int64_t n = parity_param(ctx, "n");
    int dims[2];
    heat_mpi_dims(ctx->ranks, dims);
    int64_t halo = ctx->variant == HEAT_TEMPORAL ? heat_mpi_halo(n, dims) : 1;
    return heat_block_memory(n, dims, halo);
}

void heat_teardown_mpi(void *state)
{
    struct heat_state *s = state;
    if (s->mpi)
        heat_mpi_free(s->mpi);
    heat_free(s);
}

/* Fill grid g's halo from the neighbours' edge rows and columns. */
static void heat_exchange(const struct heat_state *s, double *g)
{
    const struct heat_mpi *m = s->mpi;
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

/* Fill grid g's halo, k = s->halo deep, from the neighbours: first the rows
 * (interior columns), then the columns of all rows + 2k rows, which carries
 * the corners the first phase just brought in. */
static void heat_exchange_deep(const struct heat_state *s, double *g)
{
    const struct heat_mpi *m = s->mpi;
    MPI_Request q[4];
    int64_t k = s->halo;
    MPI_Irecv(heat_at(s, g, -k, 0), 1, m->deep_rows, m->north, TO_SOUTH, m->cart, &q[0]);
    MPI_Irecv(heat_at(s, g, s->rows, 0), 1, m->deep_rows, m->south, TO_NORTH, m->cart, &q[1]);
    MPI_Isend(heat_at(s, g, 0, 0), 1, m->deep_rows, m->north, TO_NORTH, m->cart, &q[2]);
    MPI_Isend(heat_at(s, g, s->rows - k, 0), 1, m->deep_rows, m->south, TO_SOUTH, m->cart, &q[3]);
    MPI_Waitall(4, q, MPI_STATUSES_IGNORE);
    MPI_Irecv(heat_at(s, g, -k, -k), 1, m->deep_cols, m->west, TO_EAST, m->cart, &q[0]);
    MPI_Irecv(heat_at(s, g, -k, s->cols), 1, m->deep_cols, m->east, TO_WEST, m->cart, &q[1]);
    MPI_Isend(heat_at(s, g, -k, 0), 1, m->deep_cols, m->west, TO_WEST, m->cart, &q[2]);
    MPI_Isend(heat_at(s, g, -k, s->cols - k), 1, m->deep_cols, m->east, TO_EAST, m->cart, &q[3]);
    MPI_Waitall(4, q, MPI_STATUSES_IGNORE);
}

/* A max does not depend on the order: every rank gets the same bits. */
static double heat_max_over_ranks(const struct heat_state *s, double local)
{
    const struct heat_mpi *m = s->mpi;
    double all;
    MPI_Allreduce(&local, &all, 1, MPI_DOUBLE, MPI_MAX, m->cart);
    return all;
}

static const struct heat_comm heat_comm_mpi = {
    .halo = heat_exchange, .deep_halo = heat_exchange_deep, .max = heat_max_over_ranks,
};

/* One parallel region for the whole run (one thread unless hybrid).  Only
 * the master thread talks to MPI (MPI_THREAD_FUNNELED): the implicit barrier
 * of the previous `omp for` guarantees the block is complete before it
 * sends, and the outline's barrier after keeps the others from reading the
 * halo before it has arrived. */
void heat_run_mpi(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
#pragma omp parallel
    heat_sweep(state, &heat_comm_mpi);
}
