/* Writing one result file (HDF5 schema version 1, see README "Result files").
 *
 * Two phases, so that per-rank strings never have to agree across ranks:
 *  1. result_write_arrays: every rank, collectively through MPI-IO, creates the
 *     file under its temporary name and writes its block of each /result array.
 *  2. result_write_metadata: rank 0 alone reopens it and adds provenance, /run,
 *     /timing, /metrics, digests and /check, then renames it into place. */
#ifndef PARITY_RESULT_WRITE_H
#define PARITY_RESULT_WRITE_H

#include "placement.h"
#include "provenance.h"
#include "run.h"

#include <stddef.h>
#include <stdint.h>

#define RESULT_SCHEMA_VERSION 1

/* Everything measured about a run, gathered on rank 0. */
struct run_record {
    const struct run_config *cfg;
    struct provenance prov;
    const double *wall;      /* [reps] seconds, max over ranks */
    const double *rank_wall; /* [reps][ranks] seconds */
    double init_seconds;     /* MPI_Init / first thread team start-up */
    double write_seconds;    /* phase 1 (the arrays) */
    double median_seconds, gflops, gbytes_per_s;
    const struct kernel_output *out;
    uint64_t digest[KERNEL_MAX_ARRAYS]; /* per array, over the global array */
    uint64_t digest_all;                /* of all arrays together */
    struct check_result check;          /* error = max over ranks */
    int check_passed;
    struct placement placement;         /* where every rank and thread ran */
};

/* Rank 0: the final path of this run's file (--out, or generated in --outdir,
 * which is created if needed). */
int result_path(const struct run_config *cfg, char *path, size_t size);

/* All ranks, collectively: create `tmp_path` and write the arrays (only the
 * file itself when --store digest). */
int result_write_arrays(const char *tmp_path, const struct run_config *cfg,
                        const struct kernel_output *out);

/* Rank 0: add everything else and rename tmp_path to path. */
int result_write_metadata(const char *tmp_path, const char *path,
                          const struct run_record *rec);

#endif
