/* `parity run`: one configuration of one kernel, timed, checked and written
 * to one result file.  options.c parses the command line into a run_config;
 * run.c executes it phase by phase. */
#ifndef PARITY_RUN_H
#define PARITY_RUN_H

#include "../kernels/registry.h"
#include "modes.h"

#include <stdio.h>

#define PRESET_CUSTOM (-1)

struct run_config {
    struct parity_ctx ctx;   /* kernel, parameters, mode, threads, reduce... */
    const struct mode_desc *mode;       /* the mode table's row for ctx.mode */
    const struct parity_mode_impl *impl; /* the kernel's implementation of it */
    int preset;           /* PRESET_* or PRESET_CUSTOM when set by hand */
    int reps, warmup;     /* timed and untimed repetitions */
    const char *out_file; /* --out: exact path, or NULL */
    const char *outdir;   /* --outdir: folder for a generated name */
    int overwrite;        /* --overwrite: --out may replace an existing file */
    int store_full;       /* 1: full arrays; 0: only digests and summaries */
    int quiet;            /* no summary line */
    char command_line[4096];
};

/* Parse `parity run KERNEL [options]` (argv[0] = "run").  Returns 0, a
 * negative status after printing one line, or 1 when --help was printed. */
int run_parse(int argc, char **argv, struct run_config *cfg);
void run_usage(FILE *out);

/* 1 when --NAME is one of parity run's own options (a kernel parameter must
 * not take it: getopt would never give it to the kernel). */
int run_option_reserved(const char *name);

/* Execute a parsed run; returns a status (error.h). */
int run_execute(struct run_config *cfg);

/* "tiny", ..., or "custom" */
const char *run_preset_name(const struct run_config *cfg);

#endif
