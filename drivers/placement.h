/* Where every rank and thread actually ran: the CPU each thread was on and
 * its affinity mask, the host of each rank, and whether ranks x threads
 * exceeded the CPUs the job could use on a host (oversubscribed).  Placement
 * is a frequent cause of bad scaling, so every result file records it. */
#ifndef PARITY_PLACEMENT_H
#define PARITY_PLACEMENT_H

#include <hdf5.h>

#define PLACEMENT_HOST_LEN 64
#define PLACEMENT_MASK_LEN 64

struct placement {
    int ranks, threads;
    int *cpu;       /* [ranks][threads]: sched_getcpu() of each thread */
    char *mask;     /* [ranks][threads][MASK_LEN]: affinity as a cpulist "0-3,8" */
    char *host;     /* [ranks][HOST_LEN] */
    int cpus_available;  /* most CPUs any host's ranks may use together */
    int oversubscribed;  /* some host runs more threads than its usable CPUs */
};

/* Collective: every rank samples its threads (inside a parallel region of
 * `threads` threads); rank 0 receives everything.  Returns 0 or -1. */
int placement_collect(int threads, int rank, int ranks, struct placement *p);
/* Rank 0: write /placement (datasets cpu, affinity, host; attributes). */
int placement_write(hid_t file, const struct placement *p);
void placement_free(struct placement *p);

#endif
