/* Gathering per-block partials across ranks (see repro_mpi.h). */
#include <parity/repro_mpi.h>

#include <parity/partition.h>
#include <parity/repro.h>

#include <stdlib.h>

int parity_repro_allgather_partials(double *partials, int64_t count, int width,
                             MPI_Comm comm)
{
    int size;
    MPI_Comm_size(comm, &size);
    int *counts = malloc(2 * sizeof(int) * (size_t)size);
    if (!counts)
        return MPI_ERR_NO_MEM;
    int *displs = counts + size;
    for (int r = 0; r < size; r++) {
        int64_t lo, hi;
        parity_partition_range(count, size, r, &lo, &hi);
        counts[r] = (int)((hi - lo) * width);
        displs[r] = (int)(lo * width);
    }
    int rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, partials,
                            counts, displs, MPI_DOUBLE, comm);
    free(counts);
    return rc;
}

int parity_repro_allreduce_sum(double *partials, int64_t count, int width,
                        double *out, MPI_Comm comm)
{
    int rc = parity_repro_allgather_partials(partials, count, width, comm);
    if (rc == MPI_SUCCESS)
        parity_repro_tree_sum(partials, count, width, out);
    return rc;
}
