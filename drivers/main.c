/* parity: run numeric kernels sequentially, with OpenMP threads and with MPI
 * processes; store every run in HDF5; prove the parallel results equal the
 * sequential ones.  This file only dispatches to the subcommands. */
#include "../analysis/analysis.h"
#include "../common/error.h"
#include "../common/h5util.h"
#include "kernel_facts.h"
#include "result_write.h"
#include "run.h"
#include "subcommands.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PARITY_VERSION
#define PARITY_VERSION "0.0.0"
#endif
#ifndef PARITY_GIT_COMMIT
#define PARITY_GIT_COMMIT "unknown"
#endif

static void usage(FILE *out)
{
    fputs("usage: parity COMMAND [options]\n"
          "\n"
          "  list [KERNEL]          kernels, presets, parameters, verification policy\n"
          "  run KERNEL [options]   run one configuration, write one HDF5 result file\n"
          "  verify PATH...         compare every parallel run with its sequential run\n"
          "  report PATH            tables, plots, report.md and CSV of a campaign\n"
          "  compare OLD NEW        same results? faster or slower beyond noise?\n"
          "  info FILE.h5           one result file, human-readable\n"
          "\n"
          "  parity COMMAND --help  options of one command\n"
          "  parity --version       version and git commit\n"
          "\n"
          "Exit status: 0 success; 1 a check or verification failed; 2 bad usage or\n"
          "unreadable input.\n",
          out);
}

static int cmd_run(int argc, char **argv)
{
    static struct run_config cfg;
    int rc = run_parse(argc, argv, &cfg);
    if (rc == 1)
        return 0;
    if (rc < 0)
        return parity_exit_code(rc);
    return parity_exit_code(run_execute(&cfg));
}

/* HDF5's own exit handler closes files still open; after a close that
 * failed (a full disk, say) that second close crashes in H5F_term_package.
 * So parity shuts HDF5 down itself, and skips it after such a failure: the
 * kernel reclaims the memory and the temporary file is already removed. */
static void close_hdf5(void)
{
    if (!result_hdf5_unsafe)
        H5close();
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    H5dont_atexit(); /* before anything starts HDF5, see close_hdf5() */
    atexit(close_hdf5);
    h5_quiet();
    /* Schema 1 files do not describe their kernel: the analysis takes it
     * from this binary's tables, through this hook (analysis/facts.h). */
    analysis_set_builtin_facts(builtin_kernel_facts);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("parity %s (git %s)\n", PARITY_VERSION, PARITY_GIT_COMMIT);
        return 0;
    }
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    parity_error("unknown command '%s' (see parity --help)", cmd);
    return 2;
}
