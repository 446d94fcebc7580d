/* Where and how a result was made: the root attributes of a result file. */
#ifndef PARITY_PROVENANCE_H
#define PARITY_PROVENANCE_H

#include <parity/kernel.h>

#include <hdf5.h>

#define PROV_LEN 512

struct provenance {
    char parity_version[32];
    char git_commit[64];
    char created_utc[32];        /* ISO 8601, e.g. 2026-11-25T08:15:00Z */
    char hostname[256];
    char cpu_model[PROV_LEN];    /* /proc/cpuinfo "model name" */
    long cores_online;
    char compiler[PROV_LEN];
    char cflags[PROV_LEN];       /* the flags every object was built with */
    char mpi_library[PROV_LEN];  /* first line of MPI_Get_library_version */
    char hdf5_version[32];
    char omp_proc_bind[64], omp_places[PROV_LEN], omp_schedule[64];
    char slurm_job_id[64], slurm_array_task_id[64];
    /* Where the kernel came from, so a campaign tells two builds of a
     * user's kernel apart: "built-in" or "plugin"; for a plugin its file
     * (absolute path), the SHA-256 of that file and the kernel's own version
     * string (all "" for a built-in kernel). */
    char kernel_origin[16];
    char plugin_path[4096];
    char plugin_sha256[65];
    char plugin_version[129];
};

void provenance_collect(struct provenance *p);

/* The kernel_origin and plugin_* fields, for kernel k. */
void provenance_kernel(struct provenance *p, const struct parity_kernel *k);

/* Writes those fields as root attributes of an open result file;
 * returns 0 or -1. */
int provenance_write_kernel(hid_t file, const struct provenance *p);

#endif
