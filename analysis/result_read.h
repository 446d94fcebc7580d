/* Reading a parity result file back (schema versions 1 and 2).  Used by
 * verify, info, report and compare.  What the judge needs to know about the
 * kernel comes from the file (schema 2) or, for schema 1, from the built-in
 * tables through the hook of facts.h: never from a kernel header. */
#ifndef PARITY_RESULT_READ_H
#define PARITY_RESULT_READ_H

#include "facts.h"
#include "placement_read.h"

#include <stdint.h>

struct result_array {
    char name[64];
    int is_int;          /* int64 elements (else float64) */
    int present;         /* dataset stored (--store full) and loaded */
    int ndims;
    int64_t dims[2];
    int64_t n;           /* number of elements */
    double *f64;         /* loaded elements (one of these two) */
    int64_t *i64;
    uint64_t digest;
};

#define RESULT_MAX_RUN_ATTRS 32
/* Arrays in one file (the kernel API's limit is 6; a newer parity's more). */
#define RESULT_MAX_ARRAYS 16

/* Why a file could not be read.  The sweep's resume redoes only DAMAGED
 * files (and keeps them, in quarantine); a file that cannot be read HERE may
 * well be good (no permission, a newer schema, an unknown kernel, a missing
 * HDF5 filter plugin) and must never be replaced or removed. */
enum read_fault {
    READ_OK = 0,
    READ_DAMAGED,   /* not HDF5, truncated, corrupt, incomplete or inconsistent */
    READ_ELSEWHERE, /* cannot be read here; may be good elsewhere */
};

/* One /run attribute as text (for tables and CSV that list every one). */
struct run_attr {
    char name[48];
    char value[96];
};

struct result_file {
    char path[4096];
    enum read_fault fault;       /* why result_read failed (READ_OK if it did not) */
    int64_t schema;              /* schema_version: 1 or 2 */
    struct kernel_facts facts;   /* the kernel: the file's /kernel, or built-in (v1) */
    char mode[16], reduce[16], variant[64], preset[32], store[16];
    int64_t ranks, threads, seed, reps, warmup;
    int64_t param[FACTS_MAX_PARAMS]; /* in the order of facts.param */
    char key_value[FACTS_MAX_KEYS][64]; /* facts.key's /run values, as text */
    char hostname[256], created_utc[32], cflags[512], git_commit[64];
    char cpu_model[128], slurm_job_id[32];
    int64_t cores_online;
    uint64_t digest;
    int narrays;
    struct result_array array[RESULT_MAX_ARRAYS];
    int check_passed;
    double check_error, check_bound;
    char check_what[512];
    int nreps;
    double *wall;        /* [reps] seconds */
    double median_seconds, init_seconds, gflops, gbytes_per_s;
    int64_t cpus_available; /* /placement: CPUs the job could use on a host */
    int64_t oversubscribed; /* ranks x threads exceeded them */
    struct run_spread spread; /* hosts of the ranks (nodes), MPI library */
    int nrun_attrs;         /* every /run attribute, in name order, as text */
    struct run_attr run_attr[RESULT_MAX_RUN_ATTRS];
};

/* Read `path`; with load_arrays the /result datasets are loaded too.
 * Returns 0, or PARITY_EUSAGE after one line saying what is wrong, with
 * r->fault saying whether the file is damaged or cannot be read here.
 * Files are opened read-only; where file locking fails (NFS without a lock
 * daemon) they are opened without locks, said once on stderr: result files
 * are written whole and renamed into place, so a reader needs no lock. */
int result_read(const char *path, struct result_file *r, int load_arrays);
void result_free(struct result_file *r);

#endif
