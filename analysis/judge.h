/* Judging runs against their sequential reference: reading a campaign,
 * grouping runs by problem (kernel, parameters, seed), choosing each run's
 * reference and comparing their arrays into a verdict.  `parity verify`
 * prints these verdicts; `parity report` and `parity compare` reuse them.
 *   reference         the seq repro run the others are compared with
 *   bitwise           digests and every element's bits equal
 *   within tolerance  not bitwise, every element within atol + rtol*|ref|
 *                     (accepted for --reduce fast and other variants)
 *   MISMATCH          anything else, including non-bitwise under repro
 *   NO BASELINE       no sequential run of the problem to compare with
 *   DAMAGED           the file itself is damaged (its stored data does not
 *                     match its digest, a dataset is unreadable): redo it;
 *                     a damaged reference is not used, the next one is */
#ifndef PARITY_JUDGE_H
#define PARITY_JUDGE_H

#include "files.h"
#include "result_read.h"

enum verdict { V_REFERENCE, V_BITWISE, V_TOLERANCE, V_MISMATCH, V_NO_BASELINE, V_DAMAGED,
               V_COUNT };
extern const char *const verdict_names[V_COUNT];

/* How one run's result compares with another's. */
struct comparison {
    enum verdict verdict;
    char detail[512];   /* what differs (empty when bitwise) */
    int64_t nonfinite;  /* NaN/Inf elements in the run's arrays */
};

/* One result file of a campaign and its verdict. */
struct judged_run {
    struct result_file meta; /* arrays not loaded */
    char problem[512];       /* "kernel p=v ... seed=s": runs comparable with each other */
    int ref;                 /* index of its reference run, -1 if none */
    int judged;              /* 0: its arrays or its reference's were unreadable */
    int damaged;             /* its file is damaged (verdict DAMAGED; never a reference) */
    struct comparison cmp;   /* verdict (valid when judged) */
};

struct campaign {
    struct judged_run *run; /* sorted: problem, mode, ranks, threads, reduce, variant, path */
    int n;
    int unreadable;         /* files skipped, each named on stderr by result_read,
                               including the damaged ones */
    int damaged;            /* of those, runs judged DAMAGED */
    struct path_list skipped; /* for each: "PATH: what is wrong" */
    struct path_list files; /* every *.h5 found */
};

/* Read every result file under the paths (arrays not loaded) and sort them.
 * Unreadable files are named on stderr, counted and skipped.  Returns 0, or
 * PARITY_EUSAGE when a path does not exist. */
int campaign_load(char **paths, int npaths, struct campaign *c);
/* Give every run its reference and verdict (loads the arrays run by run). */
void campaign_judge(struct campaign *c);
void campaign_free(struct campaign *c);

/* Indexes [lo, hi) of the problem group that starts at lo. */
int campaign_group_end(const struct campaign *c, int lo);

/* Compare every array of `run` with `ref` (both loaded), over the arrays of
 * both (one missing on either side is a MISMATCH): bitwise, within the
 * kernel's tolerance, or MISMATCH (expect_bitwise: anything non-bitwise is a
 * MISMATCH; so is a different shape, even with as many elements). */
void judge_compare(const struct result_file *ref, const struct result_file *run,
                   int expect_bitwise, struct comparison *out);

/* "seq", "omp", "mpi" or "hybrid" (mpi with threads). */
const char *mode_label(const struct result_file *r);

#endif
