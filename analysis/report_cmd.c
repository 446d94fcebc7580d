/* `parity report PATH [--out DIR]`: the command line (options, the output
 * folder, exit status) around report_build and the writers; the model itself
 * is in report.c.  Checked by tests/cli/report.bats. */
#include "analysis.h"
#include "report.h"

#include "../common/error.h"
#include "../common/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void report_usage(FILE *out)
{
    fputs("usage: parity report PATH [--out DIR]\n"
          "\n"
          "Read every result file under PATH (a campaign folder; runs from several\n"
          "jobs and hosts may be mixed) and write into DIR (default PATH/report/, or\n"
          "FILE_report/ for a single result file):\n"
          "  report.md     per kernel and size: mode, ranks x threads, median time\n"
          "                [min-max], speedup vs seq with a 95 % bootstrap interval,\n"
          "                efficiency, Karp-Flatt serial fraction, GFLOP/s, GB/s,\n"
          "                verdict (as `parity verify`), oversubscription; Amdahl\n"
          "                fits; break-even sizes; what the campaign shows\n"
          "  results.csv   one row per run: every /run attribute, timing, verdict\n"
          "  *.png         speedup and efficiency vs cores, time vs size (gnuplot;\n"
          "                skipped with one line when gnuplot is not installed)\n"
          "and print a short summary: headline speedups and any MISMATCH.\n"
          "\n"
          "Without a seq run a problem's speedups are relative to its smallest\n"
          "parallel run (said so); a single repetition gets no interval.\n"
          "\n"
          "Exit status: 0 report written; 1 written, but some files were unreadable\n"
          "and skipped (each named); 2 bad usage, no readable result file, or DIR\n"
          "cannot be written.  Wrong results do not change it: see `parity verify`.\n",
          out);
}

static int parse_args(int argc, char **argv, const char **path, const char **out)
{
    *path = *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0) {
            if (i + 1 >= argc) {
                parity_error("report: --out needs a folder");
                return PARITY_EUSAGE;
            }
            *out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            parity_error("report: unknown option '%s' (see parity report --help)", argv[i]);
            return PARITY_EUSAGE;
        } else if (*path) {
            parity_error("report: one PATH only (got '%s' and '%s')", *path, argv[i]);
            return PARITY_EUSAGE;
        } else {
            *path = argv[i];
        }
    }
    if (!*path) {
        parity_error("report: no PATH given (see parity report --help)");
        return PARITY_EUSAGE;
    }
    return 0;
}

static int report_write_all(struct report *r)
{
    char file[4200];
    CHECK(make_dirs(r->outdir));
    report_plots(r);
    snprintf(file, sizeof file, "%s/report.md", r->outdir);
    CHECK(report_write_md(r, file));
    snprintf(file, sizeof file, "%s/results.csv", r->outdir);
    CHECK(report_write_csv(r, file));
    return 0;
}

int cmd_report(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        report_usage(stdout);
        return 0;
    }
    const char *path, *out;
    if (parse_args(argc, argv, &path, &out) < 0)
        return 2;
    char outdir[4096];
    struct stat st;
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".h5") == 0)
        len -= 3;
    if (out)
        snprintf(outdir, sizeof outdir, "%s", out);
    else if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) /* one file: FILE_report/ */
        snprintf(outdir, sizeof outdir, "%.*s_report", (int)len, path);
    else
        snprintf(outdir, sizeof outdir, "%s/report", path);
    struct campaign c;
    char *paths[1] = {(char *)path};
    if (campaign_load(paths, 1, &c) < 0)
        return 2;
    if (c.n == 0) {
        parity_error("%s: no readable result files (*.h5)%s", path,
                     c.unreadable ? "" : " under this path");
        campaign_free(&c);
        return 2;
    }
    campaign_judge(&c);
    struct report *r = calloc(1, sizeof *r);
    int rc = r ? 0 : PARITY_EFAIL;
    if (r) {
        r->path = path;
        r->outdir = outdir;
        r->campaign = &c;
        rc = report_build(r);
    }
    if (rc == 0)
        rc = report_write_all(r);
    if (rc == 0)
        report_print_summary(r, stdout);
    if (r)
        report_free(r);
    free(r);
    int skipped = c.unreadable;
    campaign_free(&c);
    if (rc < 0)
        return parity_exit_code(rc) == 1 ? 2 : parity_exit_code(rc);
    return skipped ? 1 : 0;
}
