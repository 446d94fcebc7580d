/* MPI half of the reproducible reductions (see repro.h): every rank holds the
 * partials of its own block range; after parity_repro_allgather_partials every rank
 * holds all of them, and parity_repro_tree_sum gives every rank the same bits. */
#ifndef PARITY_REPRO_MPI_H
#define PARITY_REPRO_MPI_H

#include <mpi.h>
#include <stdint.h>

/* partials is [count][width] on every rank; on entry rank r has filled the
 * rows of its range parity_partition_range(count, size, r); on return all rows are
 * filled.  Returns an MPI error code. */
int parity_repro_allgather_partials(double *partials, int64_t count, int width,
                             MPI_Comm comm);

/* Convenience: gather, then tree-sum into out[width] on every rank. */
int parity_repro_allreduce_sum(double *partials, int64_t count, int width,
                        double *out, MPI_Comm comm);

#endif
