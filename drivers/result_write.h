/* Writing one result file (HDF5 schema version 2, see README "Result files").
 *
 * Only rank 0 ever calls HDF5 (serial sec2 driver), so a failure inside HDF5
 * is one process's failure, never a collective call left half-done:
 *  0. result_prepare (before computing): path, folder writable, free space;
 *  1. result_create: rank 0 creates the file under its temporary name with
 *     the /result datasets' space allocated (contiguous, not filled);
 *  2. result_write_blocks: every rank pwrite()s its block of each array at
 *     the offsets rank 0 broadcast, then fsyncs;
 *  3. result_write_metadata: rank 0 adds provenance, /run, /timing, /metrics,
 *     digests and /check, fsyncs, renames into place and fsyncs the folder.
 * The caller agrees on failure across ranks after every step. */
#ifndef PARITY_RESULT_WRITE_H
#define PARITY_RESULT_WRITE_H

#include "placement.h"
#include "provenance.h"
#include "run.h"

#include <stddef.h>
#include <stdint.h>

/* 2: the file describes its kernel (/kernel: summary, parameters, variants,
 * verify policy, problem keys), so any parity can judge it (analysis/facts.h). */
#define RESULT_SCHEMA_VERSION 2

/* Everything measured about a run, gathered on rank 0. */
struct run_record {
    const struct run_config *cfg;
    struct provenance prov;
    const double *wall;      /* [reps] seconds, max over ranks */
    const double *rank_wall; /* [reps][ranks] seconds */
    double init_seconds;     /* MPI_Init / first thread team start-up */
    double write_seconds;    /* step 2 (the arrays), slowest rank */
    double median_seconds, gflops, gbytes_per_s;
    const struct parity_output *out;
    uint64_t digest[PARITY_MAX_ARRAYS]; /* per array, over the global array */
    uint64_t digest_all;                /* of all arrays together */
    struct parity_check check;          /* error = max over ranks */
    int check_passed;
    struct placement placement;         /* where every rank and thread ran */
};

/* 1 once an HDF5 file failed to close: HDF5 must not be shut down then (it
 * would close the file again and crash), see main.c. */
extern int result_hdf5_unsafe;

/* The file size a run will write (with room for metadata): from the arrays
 * in `out`, or before computing (out = NULL) from the kernel's documented
 * outputs ("grid[n][n]"). */
double result_estimate_bytes(const struct run_config *cfg, const struct parity_output *out);

/* Rank 0, before computing: the final path (--out, or generated in --outdir,
 * created if needed), refusing a path past PATH_MAX, an existing --out
 * without --overwrite, an unwritable folder or one without `bytes` free. */
int result_prepare(const struct run_config *cfg, double bytes, char *path, size_t size);

/* Rank 0: free space again, with the exact size known after computing. */
int result_check_space(const char *path, double bytes);

/* Rank 0: create tmp_path with the arrays' space;
 * offsets[i] = byte offset of array i in the file, -1 when not stored. */
int result_create(const char *tmp_path, const struct run_config *cfg,
                  const struct parity_output *out, int64_t *offsets);

/* Every rank: write its block of every array and fsync. */
int result_write_blocks(const char *tmp_path, const struct parity_output *out,
                        const int64_t *offsets, int rank);

/* Rank 0: add everything else, fsync, rename tmp_path to path (never over an
 * existing file unless --overwrite), fsync the folder. */
int result_write_metadata(const char *tmp_path, const char *path,
                          const struct run_record *rec);

#endif
