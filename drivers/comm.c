/* MPI wrappers for the driver (see comm.h). */
#include "comm.h"

#include "../common/error.h"
#include "../common/timer.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

static int active;
static MPI_Comm world = MPI_COMM_NULL;

int comm_launcher_size(void)
{
    /* Open MPI's mpirun, PMIx (srun --mpi=pmix, prrte), PMI-1/2 (MPICH's
     * hydra, srun --mpi=pmi2), and plain Slurm steps. */
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE",
                                       "PMI_SIZE", "MPI_LOCALNRANKS", NULL};
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v && atoi(v) > 0)
            return atoi(v);
    }
    if (getenv("PMIX_RANK") || getenv("PMI_RANK"))
        return 1;
    if (getenv("SLURM_STEP_ID") && getenv("SLURM_NTASKS"))
        return atoi(getenv("SLURM_NTASKS"));
    return 0;
}

int comm_init(int threads, int *rank, int *ranks, double *init_seconds)
{
    int wanted = threads > 1 ? MPI_THREAD_FUNNELED : MPI_THREAD_SINGLE;
    int provided;
    double t0 = timer_now();
    if (MPI_Init_thread(NULL, NULL, wanted, &provided) != MPI_SUCCESS) {
        parity_error("MPI_Init_thread failed");
        return PARITY_EFAIL;
    }
    *init_seconds = timer_now() - t0;
    active = 1;
    world = MPI_COMM_WORLD;
    /* An MPI failure ends the whole job with MPI's message rather than
     * leaving ranks waiting in a collective (the default, made explicit). */
    MPI_Comm_set_errhandler(world, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_rank(world, rank);
    MPI_Comm_size(world, ranks);
    if (provided < wanted) {
        if (*rank == 0)
            parity_error("the MPI library gives thread level %d, hybrid runs need "
                         "MPI_THREAD_FUNNELED (%d)", provided, wanted);
        return PARITY_EUSAGE;
    }
    return PARITY_OK;
}

void comm_finalize(void)
{
    if (active)
        MPI_Finalize();
    active = 0;
}

int comm_active(void) { return active; }
void *comm_world(void) { return active ? &world : NULL; }

int comm_local_size(void)
{
    if (!active)
        return 1;
    MPI_Comm local;
    int size = 1;
    if (MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL,
                            &local) == MPI_SUCCESS) {
        MPI_Comm_size(local, &size);
        MPI_Comm_free(&local);
    }
    return size;
}

void comm_barrier(void)
{
    if (active)
        MPI_Barrier(world);
}

double comm_max_double(double x)
{
    double r = x;
    if (active)
        MPI_Allreduce(&x, &r, 1, MPI_DOUBLE, MPI_MAX, world);
    return r;
}

uint64_t comm_sum_u64(uint64_t x)
{
    uint64_t r = x;
    if (active)
        MPI_Allreduce(&x, &r, 1, MPI_UINT64_T, MPI_SUM, world);
    return r;
}

int comm_any(int failed)
{
    int r = failed != 0;
    int mine = r;
    if (active)
        MPI_Allreduce(&mine, &r, 1, MPI_INT, MPI_MAX, world);
    return r;
}

void comm_gather_doubles(const double *mine, int n, double *all)
{
    if (active)
        MPI_Gather(mine, n, MPI_DOUBLE, all, n, MPI_DOUBLE, 0, world);
    else
        memcpy(all, mine, sizeof(double) * (size_t)n);
}

void comm_gather_bytes(const void *mine, size_t len, void *all)
{
    if (active)
        MPI_Gather(mine, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE, 0, world);
    else
        memcpy(all, mine, len);
}

void comm_bcast_bytes(void *buf, size_t n)
{
    if (active)
        MPI_Bcast(buf, (int)n, MPI_BYTE, 0, world);
}

void comm_abort(int code)
{
    if (active)
        MPI_Abort(world, code);
    exit(code);
}
