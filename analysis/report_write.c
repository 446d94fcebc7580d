/* Writing a report: report.md (tables padded so the raw text reads in a
 * terminal too), results.csv (one row per run) and the terminal summary. */
#include "format.h"
#include "report.h"
#include "table.h"

#include "../common/error.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PARITY_VERSION
#define PARITY_VERSION "0.0.0"
#endif

/* ---- formatting ------------------------------------------------------------ */

static void fmt_speedup(char *buf, size_t size, const struct report *r, int i)
{
    const struct report_row *w = &r->row[i];
    char p[16], lo[16], hi[16];
    fmt_ratio(p, sizeof p, w->speedup.point);
    fmt_ratio(lo, sizeof lo, w->speedup.lo);
    fmt_ratio(hi, sizeof hi, w->speedup.hi);
    if (w->base == i)
        snprintf(buf, size, "1 (baseline)");
    else if (isfinite(w->speedup.point) && w->speedup.valid)
        snprintf(buf, size, "%s [%s, %s]", p, lo, hi);
    else
        snprintf(buf, size, "%s", p);
}

/* ---- report.md ---------------------------------------------------------------- */

static int exists_in(const struct report *r, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", r->outdir, name);
    return access(path, R_OK) == 0;
}

static void md_header(const struct report *r, FILE *f)
{
    const struct campaign *c = r->campaign;
    char first[32] = "", last[32] = "";
    for (int i = 0; i < c->n; i++) {
        const char *t = c->run[i].meta.created_utc;
        if (!first[0] || strcmp(t, first) < 0) snprintf(first, sizeof first, "%s", t);
        if (strcmp(t, last) > 0) snprintf(last, sizeof last, "%s", t);
    }
    fprintf(f, "# parity report: `%s`\n\n", r->path);
    fprintf(f, "%d run%s (%d problem%s) from %d host%s, made %s to %s, on ", c->n,
            c->n == 1 ? "" : "s", r->nproblems, r->nproblems == 1 ? "" : "s", r->nhosts,
            r->nhosts == 1 ? "" : "s", first, last);
    if (r->nmachines == 1)
        fprintf(f, "%s (%s).  \n", r->machine[0], r->machine_hosts[0]);
    else
        for (int k = 0; k < r->nmachines; k++)
            fprintf(f, "%s**m%d** = %s (%s)%s", k ? "; " : "", k + 1, r->machine[k],
                    r->machine_hosts[k], k + 1 == r->nmachines ? ".  \n" : "");
    if (r->nmpi > 0)
        fprintf(f, "MPI runs made with %s.  \n", r->mpi_libraries);
    fprintf(f, "Written by `parity report` %s. Per run: `parity info FILE.h5`; every number "
               "below is also in `results.csv`.\n",
            PARITY_VERSION);
    if (c->unreadable)
        fprintf(f, "\n**%d file%s skipped (unreadable)**, listed under *Skipped files*.\n",
                c->unreadable, c->unreadable == 1 ? "" : "s");
    if (r->plot_status[0])
        fprintf(f, "\n*%s*\n", r->plot_status);
    if (r->plots_cut)
        fprintf(f, "\n*%d plot(s) show only their first %d lines and left the others out; "
                   "every run is in the tables below and in results.csv.*\n",
                r->plots_cut, REPORT_PLOT_LINES);
}

static void md_findings(const struct report *r, FILE *f)
{
    fputs("\n## What this campaign shows\n\n", f);
    for (int i = 0; i < r->nfindings; i++)
        fprintf(f, "- %s\n", r->findings[i]);
    if (r->nnot_shown) {
        fputs("\nNot shown by this campaign's data:\n\n", f);
        for (int i = 0; i < r->nnot_shown; i++)
            fprintf(f, "- %s\n", r->not_shown[i]);
    }
}

static void problem_table(const struct report *r, int k, FILE *f)
{
    const struct report_problem *p = &r->problem[k];
    struct table t = {.ncols = 10, .align = "llrrrrrrll"};
    char sp[64];
    snprintf(sp, sizeof sp, "speedup vs %s [95 %% CI]", strcmp(p->base_what, "seq") ? "base" : "seq");
    table_row(&t, "mode", "ranks×threads", "median time [min–max]", sp, "efficiency",
              "Karp–Flatt e", "GFLOP/s", "GB/s", "verdict", "notes");
    for (int i = p->lo; i < p->hi; i++) {
        const struct report_row *w = &r->row[i];
        const struct result_file *m = &w->run->meta;
        char time[128], a[32], b[32], c[32], s[64], eff[32], kf[32], gf[32], gb[32];
        fmt_seconds(a, sizeof a, w->median);
        fmt_seconds(b, sizeof b, w->min);
        fmt_seconds(c, sizeof c, w->max);
        snprintf(time, sizeof time, "%s [%s–%s]", a, b, c);
        fmt_speedup(s, sizeof s, r, i);
        fmt_num(eff, sizeof eff, "%.0f %%", 100 * w->efficiency);
        fmt_num(kf, sizeof kf, "%.3f", w->karp_flatt);
        fmt_num(gf, sizeof gf, "%.3g", m->gflops);
        fmt_num(gb, sizeof gb, "%.3g", m->gbytes_per_s);
        const char *verdict = w->run->judged ? verdict_names[w->run->cmp.verdict] : "unreadable";
        table_row(&t, w->label, w->shape, time, s, eff, kf, gf, gb, verdict, w->note);
    }
    table_print(&t, f, 1);
    table_free(&t);
}

static void md_problem(const struct report *r, int k, FILE *f)
{
    const struct report_problem *p = &r->problem[k];
    char work[32];
    fmt_size(work, sizeof work, p->work);
    fprintf(f, "\n### %s\n\n", p->title);
    fprintf(f, "Work per repetition: %s %s (kernel model). Speedup against %s.\n\n", work,
            p->work_is_bytes ? "GB" : "GFLOP", p->base_what);
    problem_table(r, k, f);
    char name[300];
    snprintf(name, sizeof name, "%s_speedup.png", p->slug);
    if (exists_in(r, name)) {
        fprintf(f, "\n![speedup vs cores, %s](%s)\n", p->title, name);
        fprintf(f, "![efficiency vs cores, %s](%s_efficiency.png)\n", p->title, p->slug);
    }
}

static void md_fits(const struct report *r, const struct result_file *kernel_of, FILE *f)
{
    struct table t = {.ncols = 7, .align = "llrrrrr"};
    table_row(&t, "problem", "mode", "points", "serial fraction f", "fit rms error",
              "speedup at 2P", "at 10P");
    for (int i = 0; i < r->nfits; i++) {
        const struct report_fit *fit = &r->fit[i];
        if (strcmp(r->row[r->problem[fit->problem].lo].run->meta.facts.name, kernel_of->facts.name) != 0)
            continue;
        char n[32], fs[48], rms[32], s2[48] = "—", s10[48] = "—";
        snprintf(n, sizeof n, "%d (P = %d)", fit->npoints, fit->pmax);
        fmt_num(fs, sizeof fs, "%.4f", fit->f);
        fmt_num(rms, sizeof rms, "%.1f %%", 100 * fit->rms);
        if (fit->f >= 1) { /* clamped: no run beat seq, Amdahl has nothing to say */
            snprintf(fs, sizeof fs, "1 (no speedup)");
            snprintf(rms, sizeof rms, "—");
        } else {
            snprintf(s2, sizeof s2, "%.2f (%d cores)", fit->s2, 2 * fit->pmax);
            snprintf(s10, sizeof s10, "%.2f (%d cores)", fit->s10, 10 * fit->pmax);
        }
        table_row(&t, r->problem[fit->problem].title, fit->label, n, fs, rms, s2, s10);
    }
    if (t.nrows > 1) {
        fputs("\n### Amdahl fit\n\n", f);
        fputs("Serial fraction f fitted to the speedups within the cores (correct, not "
              "oversubscribed runs); P is the largest core count measured. From a single "
              "core count the fit is that run's Karp–Flatt e.\n\n", f);
        table_print(&t, f, 1);
    }
    table_free(&t);
}

static void md_breakeven(const struct report *r, int si, FILE *f)
{
    const struct report_series *s = &r->series[si];
    fprintf(f, "\n### Time vs size and break-even: %s\n\n", s->title);
    char name[300];
    snprintf(name, sizeof name, "%s_time.png", s->slug);
    if (exists_in(r, name))
        fprintf(f, "![time vs %s, %s](%s)\n\n", s->axis, s->title, name);
    struct table t = {.ncols = 8, .align = "lrrrrrrr"};
    table_row(&t, "mode ranks×threads", "speedup smallest → largest", "break-even (interpolated)",
              "overhead o per rep (fit)", "b (fit)", "break-even (fit)", "start-up (init)",
              "sizes");
    int any = 0;
    for (int b = 0; b < r->nbe; b++) {
        const struct report_breakeven *be = &r->be[b];
        if (be->series != si)
            continue;
        any = 1;
        char sp[64], c[128], o[48], sl[32], mc[48], init[32], n[16], x[32];
        char s0[16], s1[16];
        fmt_ratio(s0, sizeof s0, 1 / be->ratio_small);
        fmt_ratio(s1, sizeof s1, 1 / be->ratio_large);
        snprintf(sp, sizeof sp, "%s → %s", s0, s1);
        fmt_size(x, sizeof x, be->beats_at_all == 1   ? be->crossing
                              : be->beats_at_all == 2 ? be->size_small
                                                      : be->size_large);
        if (be->beats_at_all == 1)
            snprintf(c, sizeof c, "%s ≈ %s", strchr(s->axis, ' ') ? "size" : s->axis, x);
        else if (be->beats_at_all == 2)
            snprintf(c, sizeof c, "below %s (faster at the smallest)", x);
        else
            snprintf(c, sizeof c, "none up to %s", x);
        if (isfinite(be->slower_again)) {
            fmt_size(x, sizeof x, be->slower_again);
            snprintf(c + strlen(c), sizeof c - strlen(c), " (slower again at %s)", x);
        }
        fmt_seconds(x, sizeof x, be->overhead);
        if (be->overhead > 0)
            snprintf(o, sizeof o, "%s", x);
        else
            snprintf(o, sizeof o, "none (%s)", x);
        fmt_num(sl, sizeof sl, "%.3f", be->slope);
        fmt_size(mc, sizeof mc, be->model_crossing);
        fmt_seconds(init, sizeof init, be->init_seconds);
        snprintf(n, sizeof n, "%d", be->npoints);
        table_row(&t, be->config, sp, c, o, sl, mc, init, n);
    }
    if (any)
        table_print(&t, f, 1);
    else
        fputs("No parallel configuration was run at two or more of these sizes.\n", f);
    table_free(&t);
}

static void md_verification(const struct report *r, FILE *f)
{
    int count[V_COUNT] = {0}, failed = 0;
    for (int i = 0; i < r->nrows; i++) {
        count[r->row[i].run->cmp.verdict] += r->row[i].run->judged;
        failed += !r->row[i].run->meta.check_passed;
    }
    fprintf(f, "\n## Verification\n\n%d reference, %d bitwise, %d within tolerance, "
               "%d MISMATCH, %d without baseline; %d self-check(s) failed "
               "(`parity verify %s` for the full listing).\n",
            count[V_REFERENCE], count[V_BITWISE], count[V_TOLERANCE], count[V_MISMATCH],
            count[V_NO_BASELINE], failed, r->path);
    for (int i = 0; i < r->nrows; i++) {
        const struct report_row *w = &r->row[i];
        if (w->run->cmp.verdict != V_MISMATCH && w->run->meta.check_passed)
            continue;
        fprintf(f, "- **%s** `%s` %s %s variant %s --reduce %s: %s%s%s\n",
                verdict_names[w->run->cmp.verdict], r->problem[w->problem].title, w->label, w->shape,
                w->run->meta.variant, w->run->meta.reduce, w->run->cmp.detail,
                w->run->cmp.detail[0] && !w->run->meta.check_passed ? "; " : "",
                w->run->meta.check_passed ? "" : "self-check FAILED");
    }
}

static void md_methods(FILE *f)
{
    fputs("\n## How the numbers are made\n\n"
          "- **Time**: median of the timed repetitions (after the warm-ups), [fastest–slowest]; "
          "a repetition's time is the slowest rank's.\n"
          "- **Speedup** = median seq time / median run time, against the seq run of the same "
          "problem (same host first, then same variant and reduction). **95 % interval**: "
          "percentile bootstrap — both runs' repetitions resampled with replacement 10000 "
          "times from a fixed seed (the same data give the same report), the ratio of the "
          "resampled medians each time, its 2.5 % and 97.5 % quantiles. With 3 repetitions "
          "that is about [min seq / max run, max seq / min run]. A single repetition gets "
          "no interval. A problem without a seq run is measured against its parallel run "
          "with the fewest cores (said above its table), efficiency scaled by those cores.\n"
          "- **Efficiency** = speedup / (ranks × threads).\n"
          "- **Karp–Flatt** serial fraction e = (1/S − 1/p) / (1 − 1/p), p = ranks × threads "
          "(seq baseline, p > 1). Growing e with p means overhead, not a fixed serial part.\n"
          "- **Amdahl fit**: least squares of 1/S − 1/p = f (1 − 1/p) through the origin over "
          "the correct runs within the cores; predicted speedup 1 / (f + (1 − f)/P).\n"
          "- **Break-even**: T_run / T_seq per size, interpolated linearly on log–log axes "
          "between the last size where the run is slower and the first where it is faster. "
          "Fit: T_run = b · T_seq + o (least squares on relative errors): o is the parallel "
          "overhead per repetition (fork/join, messages), b the share of the seq time left "
          "once the work is shared; break-even where T_seq = o / (1 − b). Start-up "
          "(`/timing` init_seconds: MPI_Init, first thread team) is paid once per run, outside "
          "the timed repetitions.\n"
          "- **GFLOP/s, GB/s**: the kernel's work model over the median repetition.\n"
          "- **Verdict**: as `parity verify` (bitwise, within tolerance, MISMATCH).\n"
          "- **Oversubscribed**: ranks × threads above the CPUs the run could use (its "
          "affinity, `/placement`). Oversubscribed runs are left out of the Amdahl fit; "
          "runs with wrong answers out of fits and plots.\n",
          f);
}

int report_write_md(const struct report *r, const char *file)
{
    FILE *f = fopen(file, "w");
    if (!f) {
        parity_error("%s: cannot write: %s", file, strerror(errno));
        return PARITY_EUSAGE;
    }
    md_header(r, f);
    md_findings(r, f);
    const struct kernel_facts *kernel = NULL;
    for (int k = 0; k < r->nproblems; k++) {
        const struct result_file *m = &r->row[r->problem[k].lo].run->meta;
        if (!kernel || strcmp(m->facts.name, kernel->name) != 0) {
            if (kernel)
                md_fits(r, &r->row[r->problem[k - 1].lo].run->meta, f);
            kernel = &m->facts;
            fprintf(f, "\n## %s — %s\n", kernel->name, kernel->summary);
        }
        md_problem(r, k, f);
        int si = r->problem[k].series;
        if (si >= 0 && r->series[si].problem[r->series[si].nproblems - 1] == k)
            md_breakeven(r, si, f);
    }
    if (kernel)
        md_fits(r, &r->row[r->problem[r->nproblems - 1].lo].run->meta, f);
    md_verification(r, f);
    if (r->campaign->unreadable) {
        fputs("\n## Skipped files\n\n", f);
        for (size_t i = 0; i < r->campaign->skipped.count; i++)
            fprintf(f, "- %s\n", r->campaign->skipped.path[i]);
    }
    md_methods(f);
    if (fclose(f) != 0) {
        parity_error("%s: cannot write: %s", file, strerror(errno));
        return PARITY_EUSAGE;
    }
    return 0;
}

/* ---- results.csv ---------------------------------------------------------------- */

static void csv_num(FILE *f, const char *fmt, double v)
{
    char buf[64] = "";
    if (isfinite(v))
        snprintf(buf, sizeof buf, fmt, v);
    csv_field(f, buf, 0);
}

/* The /run attribute names of every file: the common ones first, in the
 * schema's order, then kernel parameters as they first appear. */
static int run_attr_names(const struct report *r, const char *names[], int max)
{
    static const char *const common[] = {"kernel", "mode", "ranks", "threads", "reduce",
                                         "variant", "preset", "seed", "reps", "warmup", "store"};
    int n = 0;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        names[n++] = common[i];
    for (int i = 0; i < r->nrows; i++) {
        const struct result_file *m = &r->row[i].run->meta;
        for (int a = 0; a < m->nrun_attrs && n < max; a++) {
            int seen = 0;
            for (int k = 0; k < n && !seen; k++)
                seen = strcmp(names[k], m->run_attr[a].name) == 0;
            if (!seen)
                names[n++] = m->run_attr[a].name;
        }
    }
    return n;
}

static const char *run_attr_value(const struct result_file *m, const char *name)
{
    for (int a = 0; a < m->nrun_attrs; a++)
        if (strcmp(m->run_attr[a].name, name) == 0)
            return m->run_attr[a].value;
    return "";
}

static void csv_row(const struct report *r, int i, const char *names[], int nnames, FILE *f)
{
    const struct report_row *w = &r->row[i];
    const struct result_file *m = &w->run->meta;
    char buf[64];
    csv_field(f, m->path, 0);
    csv_field(f, m->hostname, 0);
    csv_field(f, m->cpu_model, 0);
    csv_field(f, m->slurm_job_id, 0);
    csv_field(f, m->created_utc, 0);
    csv_field(f, m->git_commit, 0);
    csv_num(f, "%.0f", (double)m->cores_online);
    csv_num(f, "%.0f", (double)m->cpus_available);
    csv_num(f, "%.0f", (double)m->oversubscribed);
    csv_num(f, "%.0f", m->spread.nodes > 0 ? (double)m->spread.nodes : NAN);
    csv_field(f, m->spread.mpi_library, 0);
    for (int k = 0; k < nnames; k++)
        csv_field(f, run_attr_value(m, names[k]), 0);
    csv_num(f, "%.0f", (double)m->nreps);
    csv_num(f, "%.9g", w->median);
    csv_num(f, "%.9g", w->min);
    csv_num(f, "%.9g", w->max);
    csv_num(f, "%.9g", stats_mean(m->wall, (size_t)m->nreps));
    csv_num(f, "%.9g", stats_stddev(m->wall, (size_t)m->nreps));
    csv_num(f, "%.9g", m->init_seconds);
    csv_num(f, "%.6g", m->gflops);
    csv_num(f, "%.6g", m->gbytes_per_s);
    csv_num(f, "%.6g", w->speedup.point);
    csv_num(f, "%.6g", w->speedup.valid ? w->speedup.lo : NAN);
    csv_num(f, "%.6g", w->speedup.valid ? w->speedup.hi : NAN);
    csv_field(f, w->base >= 0 ? r->row[w->base].run->meta.path : "", 0);
    csv_num(f, "%.6g", w->efficiency);
    csv_num(f, "%.6g", w->karp_flatt);
    csv_field(f, w->run->judged ? verdict_names[w->run->cmp.verdict] : "unreadable", 0);
    csv_field(f, w->run->cmp.detail, 0);
    snprintf(buf, sizeof buf, "%d", m->check_passed);
    csv_field(f, buf, 0);
    csv_num(f, "%.6g", m->check_error);
    csv_field(f, w->note, 1);
}

int report_write_csv(const struct report *r, const char *file)
{
    FILE *f = fopen(file, "w");
    if (!f) {
        parity_error("%s: cannot write: %s", file, strerror(errno));
        return PARITY_EUSAGE;
    }
    const char *names[64];
    int nnames = run_attr_names(r, names, 64);
    static const char *const before[] = {"file", "hostname", "cpu_model", "slurm_job_id",
                                         "created_utc", "git_commit", "cores_online",
                                         "cpus_available", "oversubscribed", "nodes",
                                         "mpi_library"};
    static const char *const after[] = {
        "nreps", "median_s", "min_s", "max_s", "mean_s", "stddev_s", "init_s", "gflops",
        "gbytes_per_s", "speedup", "speedup_lo95", "speedup_hi95", "speedup_baseline",
        "efficiency", "karp_flatt", "verdict", "verdict_detail", "check_passed",
        "check_error", "notes"};
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
        csv_field(f, before[i], 0);
    for (int k = 0; k < nnames; k++)
        csv_field(f, names[k], 0);
    for (size_t i = 0; i < sizeof after / sizeof after[0]; i++)
        csv_field(f, after[i], i + 1 == sizeof after / sizeof after[0]);
    for (int i = 0; i < r->nrows; i++)
        csv_row(r, i, names, nnames, f);
    if (fclose(f) != 0) {
        parity_error("%s: cannot write: %s", file, strerror(errno));
        return PARITY_EUSAGE;
    }
    return 0;
}

/* ---- the terminal summary --------------------------------------------------------- */

/* Per kernel, its largest problem: the best correct run of each line. */
static void summary_headline(const struct report *r, struct table *t)
{
    for (int k = 0; k < r->nproblems; k++) {
        const struct report_problem *p = &r->problem[k];
        if (k + 1 < r->nproblems &&
            strcmp(r->row[r->problem[k + 1].lo].run->meta.facts.name,
                   r->row[p->lo].run->meta.facts.name) == 0)
            continue; /* not the kernel's largest */
        int shown = 0;
        for (int i = p->lo; i < p->hi; i++) {
            const struct report_row *w = &r->row[i];
            if (w->wrong || !isfinite(w->speedup.point) || w->base == i)
                continue;
            int best = 1;
            for (int j = p->lo; j < p->hi && best; j++)
                best = j == i || r->row[j].wrong || strcmp(r->row[j].label, w->label) != 0 ||
                       !(r->row[j].speedup.point > w->speedup.point) || r->row[j].base == j;
            if (!best)
                continue;
            char time[32], s[64];
            fmt_seconds(time, sizeof time, w->median);
            fmt_speedup(s, sizeof s, r, i);
            table_row(t, shown++ ? "" : p->title, w->label, w->shape, time, s,
                      w->run->meta.oversubscribed ? "oversubscribed" : "");
        }
    }
}

void report_print_summary(const struct report *r, FILE *out)
{
    fprintf(out, "report: %d run(s), %d problem(s), %d host(s) -> %s/report.md "
                 "(+ results.csv, %d plot(s))\n",
            r->nrows, r->nproblems, r->nhosts, r->outdir, r->nplots);
    struct table t = {.ncols = 6, .align = "lllrrl"};
    table_row(&t, "problem (largest of each kernel)", "mode", "ranks×threads", "median",
              "speedup [95 % CI]", "");
    summary_headline(r, &t);
    if (t.nrows > 1)
        table_print(&t, out, 0);
    table_free(&t);
    for (int b = 0; b < r->nbe; b++) {
        const struct report_breakeven *be = &r->be[b];
        if (be->beats_at_all != 1)
            continue;
        char x[32];
        fmt_size(x, sizeof x, be->crossing);
        const char *axis = r->series[be->series].axis;
        fprintf(out, "  break-even: %s %s beats seq from %s ≈ %s\n", r->series[be->series].title,
                be->config, strchr(axis, ' ') ? "size" : axis, x);
    }
    for (int i = 0; i < r->nrows; i++) {
        const struct report_row *w = &r->row[i];
        if (w->run->cmp.verdict == V_MISMATCH)
            fprintf(out, "  MISMATCH: %s %s %s variant %s: %s\n", r->problem[w->problem].title,
                    w->label, w->shape, w->run->meta.variant, w->run->cmp.detail);
    }
    for (size_t i = 0; i < r->campaign->skipped.count; i++)
        fprintf(out, "  skipped (unreadable): %s\n", r->campaign->skipped.path[i]);
    if (r->plot_status[0])
        fprintf(out, "  %s\n", r->plot_status);
    if (r->plots_cut)
        fprintf(out, "  %d plot(s) show only their first %d lines (the others are left out)\n",
                r->plots_cut, REPORT_PLOT_LINES);
}
