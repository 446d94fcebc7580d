/* "What this campaign shows": the five things parity exists to make
 * visible, each stated only when the campaign's numbers support it, with
 * those numbers; the others are listed as not shown, with why.
 *   waiting   a run with more workers than CPUs beat what the CPUs could give
 *   stops     CPU-bound work: no gain past the core count
 *   slower    an oversubscribed run slower, beyond noise, than within the cores
 *   breakeven a parallel run slower than seq at a small size
 *   caught    a wrong parallel answer flagged MISMATCH
 * Nothing here knows a kernel by name. */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void finding(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void not_shown(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void finding(struct report *r, const char *fmt, ...)
{
    if (r->nfindings >= (int)(sizeof r->findings / sizeof r->findings[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->findings[r->nfindings++], sizeof r->findings[0], fmt, ap);
    va_end(ap);
}

static void not_shown(struct report *r, const char *fmt, ...)
{
    if (r->nnot_shown >= (int)(sizeof r->not_shown / sizeof r->not_shown[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->not_shown[r->nnot_shown++], sizeof r->not_shown[0], fmt, ap);
    va_end(ap);
}

/* A row whose speedup vs seq can be used as evidence. */
static int usable(const struct report_row *w)
{
    return w->base_seq && !w->wrong && isfinite(w->speedup.point) &&
           strcmp(w->run->meta.mode, "seq") != 0;
}

static double lower(const struct report_row *w) { return w->speedup.lo; }
static double upper(const struct report_row *w) { return w->speedup.hi; }

static const char *ptitle(const struct report *r, const struct report_row *w)
{
    return r->problem[w->problem].title;
}

static void speedup_text(char *buf, size_t size, const struct report_row *w)
{
    char p[16], lo[16], hi[16];
    fmt_ratio(p, sizeof p, w->speedup.point);
    fmt_ratio(lo, sizeof lo, w->speedup.lo);
    fmt_ratio(hi, sizeof hi, w->speedup.hi);
    if (w->speedup.valid)
        snprintf(buf, size, "%s× (95 %% CI %s–%s)", p, lo, hi);
    else
        snprintf(buf, size, "%s× (no interval)", p);
}

/* The best row within the cores of problem k to hold row o against: of the
 * same line if there is one (omp 1x2 for omp 1x4), else of the same mode
 * (mpi 2x1 for hybrid 2x2), else any; -1 if none. */
static int best_within(const struct report *r, int k, const struct report_row *o)
{
    int best = -1, best_match = -1;
    for (int i = r->problem[k].lo; i < r->problem[k].hi; i++) {
        const struct report_row *w = &r->row[i];
        if (!usable(w) || w->run->meta.oversubscribed)
            continue;
        int match = !o ? 0 : strcmp(w->label, o->label) == 0 ? 2
                         : strcmp(w->run->meta.mode, o->run->meta.mode) == 0;
        if (match > best_match || (match == best_match && w->speedup.point > r->row[best].speedup.point)) {
            best = i;
            best_match = match;
        }
    }
    return best;
}

/* Waiting work: more workers than CPUs, and faster than the CPUs alone could
 * make it (lower end of the interval above the CPU count). */
static int waiting_problem(const struct report *r, int k, int *which)
{
    *which = -1;
    for (int i = r->problem[k].lo; i < r->problem[k].hi; i++) {
        const struct report_row *w = &r->row[i];
        if (usable(w) && w->run->meta.oversubscribed && w->run->meta.cpus_available > 0 &&
            lower(w) > (double)w->run->meta.cpus_available &&
            (*which < 0 || w->speedup.point > r->row[*which].speedup.point))
            *which = i;
    }
    return *which >= 0;
}

static void find_waiting(struct report *r, int *any_over)
{
    int best = -1;
    for (int k = 0; k < r->nproblems; k++) {
        int i;
        for (int j = r->problem[k].lo; j < r->problem[k].hi; j++)
            *any_over |= (int)r->row[j].run->meta.oversubscribed;
        if (waiting_problem(r, k, &i) && (best < 0 || r->row[i].speedup.point > r->row[best].speedup.point))
            best = i;
    }
    if (best < 0) {
        not_shown(r, "waiting work gaining from threads past the core count: %s",
                  *any_over ? "no run with more workers than CPUs beat what its CPUs could give"
                            : "no run used more workers than CPUs");
        return;
    }
    const struct report_row *w = &r->row[best];
    char s[96];
    speedup_text(s, sizeof s, w);
    finding(r, "**Waiting work speeds up past the core count.** `%s`: %s %s (%d workers on "
               "%lld CPUs) ran %s faster than seq — more than %lld cores can give, so its "
               "tasks spend their time waiting, and workers past the core count overlap the "
               "waits (concurrency, not parallelism).",
            ptitle(r, w), w->label, w->shape, w->cores, (long long)w->run->meta.cpus_available, s,
            (long long)w->run->meta.cpus_available);
}

/* Examples for "stops" and "slower": pairs of an oversubscribed row and
 * the best row within the cores to hold it against. */
struct over_pairs {
    int stop_in, stop_over, stop_same; /* sped up within, no gain past */
    int slow_in, slow_over;            /* slower past the cores, beyond noise */
    int seen;                          /* any usable oversubscribed row */
};

static void consider_pair(const struct report *r, int b, int i, struct over_pairs *x)
{
    const struct report_row *in = &r->row[b], *o = &r->row[i];
    /* stops: the example is one line (omp 1x2 and 1x4) if any, largest problem */
    int same = strcmp(in->label, o->label) == 0;
    if (lower(in) > 1 && o->speedup.point <= upper(in) &&
        (same > x->stop_same ||
         (same == x->stop_same &&
          r->problem[o->problem].work >= r->problem[r->row[x->stop_in].problem].work))) {
        x->stop_in = b;
        x->stop_over = i;
        x->stop_same = same;
    }
    /* slower: disjoint intervals (or 10 % without intervals); the largest drop */
    int slower = in->speedup.valid && o->speedup.valid
                     ? upper(o) < lower(in)
                     : o->speedup.point < 0.9 * in->speedup.point;
    if (slower && (x->slow_in < 0 || in->speedup.point / o->speedup.point >
                                         r->row[x->slow_in].speedup.point /
                                             r->row[x->slow_over].speedup.point)) {
        x->slow_in = b;
        x->slow_over = i;
    }
}

static void scan_oversubscribed(const struct report *r, struct over_pairs *x)
{
    *x = (struct over_pairs){-1, -1, -1, -1, -1, 0};
    for (int k = 0; k < r->nproblems; k++) {
        int w8;
        if (waiting_problem(r, k, &w8))
            continue;
        for (int i = r->problem[k].lo; i < r->problem[k].hi; i++) {
            const struct report_row *o = &r->row[i];
            if (!usable(o) || !o->run->meta.oversubscribed)
                continue;
            x->seen = 1;
            int b = best_within(r, k, o);
            if (b >= 0)
                consider_pair(r, b, i, x);
        }
    }
}

/* Within the cores it sped up (beyond noise); past them no more, and maybe
 * less. */
static void find_stops_and_slower(struct report *r)
{
    struct over_pairs x;
    scan_oversubscribed(r, &x);
    char a[96], b[96];
    if (x.stop_in >= 0) {
        const struct report_row *in = &r->row[x.stop_in], *o = &r->row[x.stop_over];
        speedup_text(a, sizeof a, in);
        speedup_text(b, sizeof b, o);
        finding(r, "**CPU-bound work stops at the core count.** `%s`: %s %s reached %s on %lld "
                   "CPUs; %s %s, with more workers (%d) than CPUs, got %s — no gain past the cores.",
                ptitle(r, in), in->label, in->shape, a, (long long)in->run->meta.cpus_available,
                o->label, o->shape, o->cores, b);
    } else {
        not_shown(r, "CPU-bound work stopping at the core count: %s",
                  x.seen ? "no problem both sped up within its cores (beyond noise) and "
                           "stayed there past them"
                         : "needs runs of one problem within and past the core count");
    }
    if (x.slow_in >= 0) {
        const struct report_row *in = &r->row[x.slow_in], *o = &r->row[x.slow_over];
        char t1[32], t2[32];
        fmt_seconds(t1, sizeof t1, o->median);
        fmt_seconds(t2, sizeof t2, in->median);
        speedup_text(a, sizeof a, o);
        speedup_text(b, sizeof b, in);
        finding(r, "**Oversubscribed CPU-bound runs get slower.** `%s`: %s %s (%d workers on "
                   "%lld CPUs) took %s per repetition, %s, against %s, %s, for %s %s within the "
                   "cores: the workers time-share the cores and wait for each other.",
                ptitle(r, o), o->label, o->shape, o->cores, (long long)o->run->meta.cpus_available,
                t1, a, t2, b, in->label, in->shape);
    } else {
        not_shown(r, "oversubscribed runs getting slower: %s",
                  x.seen ? "no oversubscribed run was slower, beyond noise, than the best "
                           "run within the cores"
                         : "no run used more workers than CPUs");
    }
}

static void size_text(char *buf, size_t size, const struct report *r, int series, double v)
{
    char n[32];
    fmt_size(n, sizeof n, v);
    const char *axis = r->series[series].axis;
    if (strchr(axis, ' '))
        snprintf(buf, size, "%s %s", n, strstr(axis, "GB") ? "GB" : "GFLOP");
    else
        snprintf(buf, size, "%s=%s", axis, n);
}

static void find_breakeven(struct report *r)
{
    int best = -1;
    for (int b = 0; b < r->nbe; b++)
        if (r->be[b].beats_at_all == 1 &&
            (best < 0 || r->be[b].ratio_small > r->be[best].ratio_small))
            best = b;
    if (best >= 0) {
        const struct report_breakeven *be = &r->be[best];
        char s0[112], s1[112], c[112], m[300] = "", o[32];
        size_text(s0, sizeof s0, r, be->series, be->size_small);
        size_text(s1, sizeof s1, r, be->series, be->size_large);
        size_text(c, sizeof c, r, be->series, be->crossing);
        if (isfinite(be->model_crossing)) {
            fmt_seconds(o, sizeof o, be->overhead);
            char mc[112];
            size_text(mc, sizeof mc, r, be->series, be->model_crossing);
            snprintf(m, sizeof m, "; the fit puts the overhead at %s per repetition", o);
            snprintf(m + strlen(m), sizeof m - strlen(m), ", break-even %s", mc);
        }
        char q0[16], q1[16];
        fmt_ratio(q0, sizeof q0, 1 / be->ratio_small);
        fmt_ratio(q1, sizeof q1, 1 / be->ratio_large);
        finding(r, "**Small problems are slower in parallel.** `%s`: %s runs at %s× the speed of seq "
                   "at %s and %s× at %s; it breaks even at %s (interpolated%s). Below "
                   "that size the parallel overhead costs more than the work it shares.",
                r->series[be->series].title, be->config, q0, s0, q1, s1, c, m);
        return;
    }
    /* No crossing: say what the sizes did show. */
    int never = -1, always = 0;
    for (int b = 0; b < r->nbe; b++) {
        always += r->be[b].beats_at_all == 2;
        if (r->be[b].beats_at_all == 0 && never < 0)
            never = b;
    }
    if (never >= 0) {
        const struct report_breakeven *be = &r->be[never];
        char s1[112];
        size_text(s1, sizeof s1, r, be->series, be->size_large);
        not_shown(r, "a break-even size: `%s` %s was still slower than seq at the largest size "
                     "(%.2f× at %s) — a larger size or a quieter machine is needed",
                  r->series[be->series].title, be->config, 1 / be->ratio_large, s1);
    } else if (always) {
        not_shown(r, "a break-even size: the parallel runs beat seq at every size measured; "
                     "smaller sizes would show where they stop paying");
    } else {
        not_shown(r, "a break-even size: needs one kernel at several sizes, in seq and in "
                     "parallel");
    }
}

static void find_caught(struct report *r)
{
    int bad = -1, nbit = 0, ntol = 0, nmis = 0;
    for (int i = 0; i < r->nrows; i++) {
        const struct judged_run *j = r->row[i].run;
        nbit += j->cmp.verdict == V_BITWISE;
        ntol += j->cmp.verdict == V_TOLERANCE;
        if (j->cmp.verdict == V_MISMATCH && nmis++ == 0)
            bad = i;
    }
    if (bad >= 0) {
        const struct report_row *w = &r->row[bad];
        const struct result_file *m = &w->run->meta;
        finding(r, "**A wrong parallel answer is caught.** `%s` %s %s (variant %s, --reduce "
                   "%s): verify says MISMATCH (%s)%s. %d run(s) in all are MISMATCH; %d other "
                   "parallel run(s) are bitwise equal to seq and %d within tolerance.",
                ptitle(r, w), w->label, w->shape, m->variant, m->reduce, w->run->cmp.detail,
                m->check_passed ? "" : " and its own self-check failed", nmis, nbit, ntol);
    } else {
        not_shown(r, "a wrong parallel answer being caught: no run gave a wrong answer");
        finding(r, "**Every parallel answer matches seq:** %d bitwise, %d within tolerance, "
                   "no MISMATCH.", nbit, ntol);
    }
}

/* Timings from a busy machine: say so, the intervals show it too. */
static void find_noise(struct report *r)
{
    int noisy = 0, n = 0;
    for (int i = 0; i < r->nrows; i++) {
        const struct report_row *w = &r->row[i];
        if (w->run->meta.nreps < 2)
            continue;
        n++;
        noisy += w->max > 1.5 * w->min;
    }
    if (noisy * 4 >= n && noisy > 0)
        finding(r, "*Caveat:* in %d of %d runs the slowest repetition took over 1.5× the "
                   "fastest — the machine was busy or frequency-scaling; read speedups with "
                   "their intervals.", noisy, n);
}

void report_findings(struct report *r)
{
    int any_over = 0;
    find_waiting(r, &any_over);
    find_stops_and_slower(r);
    find_breakeven(r);
    find_caught(r);
    find_noise(r);
}
