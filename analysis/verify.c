/* `parity verify PATH...`: judge every run against the sequential reference
 * of its problem (judge.h: grouping by problem, reference choice, the
 * verdicts reference / bitwise / within tolerance / MISMATCH / NO BASELINE /
 * DAMAGED) and print one verdict per run, plus failed self-checks, NaN/Inf,
 * oversubscription and fast-math builds.  Exit 0 all good, 1 otherwise
 * (including a damaged file: redo it), 2 for input that cannot be read. */
#include "analysis.h"
#include "judge.h"

#include "../common/error.h"
#include "../common/h5util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct totals {
    int count[V_COUNT];
    int check_failed, nonfinite, fast_math;
    int show_nodes; /* some run's ranks sat on several hosts: a nodes column */
};

static void print_row(const struct judged_run *e, const char *verdict, const char *detail,
                      int show_nodes)
{
    const struct result_file *r = &e->meta;
    char shown[1200];
    parity_escape(detail, shown, sizeof shown); /* details quote file names */
    char nodes[24] = "?"; /* hosts of the ranks, from /placement */
    if (r->spread.nodes > 0)
        snprintf(nodes, sizeof nodes, "%lld", (long long)r->spread.nodes);
    printf("  %-4s %3lld %3lld", r->mode, (long long)r->ranks, (long long)r->threads);
    if (show_nodes)
        printf(" %5s", nodes);
    printf("  %-6s %-10s %-17s %s\n", r->reduce, r->variant, verdict, shown);
}

/* One row: the verdict, then what else is wrong with the run. */
static void report_run(const struct judged_run *e, struct totals *t)
{
    const struct result_file *r = &e->meta;
    const struct comparison *c = &e->cmp;
    char extra[600] = "";
    t->count[c->verdict]++;
    if (!r->check_passed) {
        t->check_failed++;
        snprintf(extra, sizeof extra, "%sself-check FAILED (error %.3g > bound %.3g)",
                 c->detail[0] ? "; " : "", r->check_error, r->check_bound);
    }
    if (c->nonfinite) {
        t->nonfinite++;
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, "%s%lld NaN/Inf", c->detail[0] || n ? "; " : "",
                 (long long)c->nonfinite);
    }
    if (r->oversubscribed) {
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, "%soversubscribed (%lld x %lld on %lld CPUs)",
                 c->detail[0] || n ? "; " : "", (long long)r->ranks, (long long)r->threads,
                 (long long)r->cpus_available);
    }
    if (strstr(r->cflags, "-ffast-math") || strstr(r->cflags, "-Ofast")) {
        t->fast_math++;
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, "%sWARNING built with fast-math",
                 c->detail[0] || n ? "; " : "");
    }
    char detail[1200];
    snprintf(detail, sizeof detail, "%s%s", c->detail, extra);
    print_row(e, verdict_names[c->verdict], detail, t->show_nodes);
}

static void verify_group(const struct campaign *c, int lo, int hi, struct totals *t)
{
    printf("%s\n", c->run[lo].problem);
    printf("  %-4s %3s %3s", "mode", "p", "t");
    if (t->show_nodes)
        printf(" %5s", "nodes");
    printf("  %-6s %-10s %-17s %s\n", "reduce", "variant", "verdict", "detail");
    for (int i = lo; i < hi; i++)
        if (c->run[i].judged)
            report_run(&c->run[i], t);
}

static void verify_usage(FILE *out)
{
    fputs("usage: parity verify PATH...\n"
          "\n"
          "Compare every parallel run with the sequential run of the same problem\n"
          "(kernel, parameters, seed).  PATH: result files or folders (searched\n"
          "recursively for *.h5).  Verdicts: bitwise, within tolerance (accepted for\n"
          "--reduce fast and non-default variants), MISMATCH (with the number of\n"
          "differing elements, the first index and the worst error; a missing array\n"
          "or a different shape is one too), NO BASELINE, DAMAGED (the file's stored\n"
          "data does not match its digest, or is unreadable: redo that run; a damaged\n"
          "reference is replaced by the next seq run).  Also reports failed\n"
          "self-checks, NaN/Inf and fast-math builds.  A campaign's quarantine/\n"
          "folder (damaged files moved there by jobs/sweep.sh) is skipped.  A nodes\n"
          "column (distinct hosts of the ranks, from /placement) appears when some\n"
          "run's ranks sat on several hosts.\n"
          "\n"
          "Exit status: 0 everything matched; 1 a mismatch, damaged file, failed\n"
          "self-check, NaN/Inf or missing baseline; 2 bad usage or a file that cannot\n"
          "be read (not a result file, truncated, permissions, newer schema).\n",
          out);
}

int cmd_verify(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        verify_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    struct campaign c;
    if (campaign_load(argv + 1, argc - 1, &c) < 0)
        return 2;
    if (c.n == 0 && c.unreadable == 0)
        parity_error("no result files (*.h5) under the given path(s)");
    campaign_judge(&c);
    struct totals t = {0};
    for (int i = 0; i < c.n; i++)
        t.show_nodes |= c.run[i].meta.spread.nodes > 1;
    for (int lo = 0, hi; lo < c.n; lo = hi) {
        hi = campaign_group_end(&c, lo);
        verify_group(&c, lo, hi, &t);
    }
    int unreadable = c.unreadable - c.damaged;
    printf("verify: %d run(s): %d reference, %d bitwise, %d within tolerance, %d MISMATCH, "
           "%d without baseline, %d DAMAGED; %d self-check(s) failed, %d with NaN/Inf, "
           "%d unreadable\n",
           c.n, t.count[V_REFERENCE], t.count[V_BITWISE], t.count[V_TOLERANCE],
           t.count[V_MISMATCH], t.count[V_NO_BASELINE], t.count[V_DAMAGED], t.check_failed,
           t.nonfinite, unreadable);
    int n = c.n;
    campaign_free(&c);
    if (unreadable || n == 0)
        return 2;
    return t.count[V_MISMATCH] || t.count[V_NO_BASELINE] || t.count[V_DAMAGED] ||
                   t.check_failed || t.nonfinite
               ? 1 : 0;
}
