/* The driver's view of MPI.  Outside --mode mpi MPI is never initialised and
 * every call here is a cheap no-op for a single process, so run.c reads the
 * same for all modes.  Only comm.c includes mpi.h (the result file is written
 * with serial HDF5 on rank 0 and pwrite on every rank, see result_write.h). */
#ifndef PARITY_COMM_H
#define PARITY_COMM_H

#include <stddef.h>
#include <stdint.h>

/* Number of processes a launcher (mpirun, srun, mpiexec) started this one
 * with, from its environment; 0 when no launcher is visible. */
int comm_launcher_size(void);

/* MPI_Init_thread (FUNNELED when threads > 1).  Sets *rank, *ranks and the
 * seconds the initialisation took.  Returns 0 or a negative status. */
int comm_init(int threads, int *rank, int *ranks, double *init_seconds);
void comm_finalize(void);
int comm_active(void);     /* MPI initialised by comm_init */
void *comm_world(void);    /* MPI_Comm * for run_ctx.mpi_comm; NULL if inactive */
int comm_local_size(void); /* processes of this job on this host */

void comm_barrier(void);
double comm_max_double(double x);
uint64_t comm_sum_u64(uint64_t x);
/* Ranks agree on failure: returns 1 on every rank if `failed` on any. */
int comm_any(int failed);
/* Gather n doubles from every rank into all[ranks][n] on rank 0. */
void comm_gather_doubles(const double *mine, int n, double *all);
/* Gather len bytes from every rank into all[ranks][len] on rank 0. */
void comm_gather_bytes(const void *mine, size_t len, void *all);
void comm_bcast_bytes(void *buf, size_t n);
/* End every rank now: for failures that the ranks cannot agree on. */
void comm_abort(int code) __attribute__((noreturn));

#endif
