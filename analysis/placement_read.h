/* Where a run ran, read back from a result file: how many hosts its ranks
 * sat on (the distinct names in /placement/host) and which MPI library ran
 * it (root attribute mpi_library).  Tested by tests/slurm/multinode.bats
 * (1, 2 and 3 hosts) and tests/cli/mpich.bats (Open MPI and MPICH). */
#ifndef PARITY_PLACEMENT_READ_H
#define PARITY_PLACEMENT_READ_H

#include <hdf5.h>
#include <stdint.h>

struct run_spread {
    int64_t nodes;          /* distinct hosts of the ranks; 0 when not readable */
    char mpi_library[96];   /* "Open MPI v4.1.4", "MPICH Version: 4.0.2"; "" unknown */
};

/* Fill `s` from an open result file.  Never fails: what cannot be read is
 * left unknown (nodes 0, empty library), as in files from other tools. */
void placement_read(hid_t file, struct run_spread *s);

#endif
