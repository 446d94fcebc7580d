/* The mode table (see modes.h). */
#include "modes.h"

#include <string.h>

const struct mode_desc mode_table[] = {
    {"seq", "the sequential reference: one process, one thread", 1, 0, 0},
    {"omp", "OpenMP threads in one process (--threads N)", 0, 0, 1},
    {"mpi", "one process per rank (mpirun -np P or srun -n P); hybrid with --threads > 1",
     0, 1, 1},
    {NULL, NULL, 0, 0, 0},
};

const struct mode_desc *mode_find(const char *name)
{
    for (const struct mode_desc *m = mode_table; m->name; m++)
        if (strcmp(m->name, name) == 0)
            return m;
    return NULL;
}
