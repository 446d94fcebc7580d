/* `parity compare OLD NEW`: the same configurations (kernel, parameters,
 * seed, mode, ranks, threads, reduce, variant) in two campaigns.
 *   results  identical (digests equal, else every element's bits), within
 *            the kernel's tolerance (not under --reduce repro), or DIFFERENT
 *   timing   slower / faster when the medians differ by more than the
 *            threshold AND a two-sided Mann-Whitney U test on the
 *            repetitions (runs of one configuration pooled) gives p < alpha;
 *            else same
 * Configurations found on one side only are listed.  Exit 0 when every
 * matched result is identical (or within tolerance where allowed) and
 * nothing got slower; 1 otherwise or when nothing matched; 2 bad usage or
 * unreadable input. */
#include "analysis.h"
#include "judge.h"
#include "format.h"
#include "table.h"

#include "../common/error.h"
#include "../common/numparse.h"
#include "../common/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };
enum timing { T_SAME, T_SLOWER, T_FASTER, T_UNKNOWN };
static const char *const timing_names[] = {"same", "SLOWER", "faster", "no timing"};

struct options {
    const char *old_path, *new_path;
    double threshold; /* relative change, 0.05 */
    double alpha;
    enum format format;
};

/* Runs [lo, hi) of one side with the same configuration. */
struct config {
    const struct campaign *c;
    int lo, hi;
    char key[700];
};

struct match {
    struct config old, new;
    struct comparison result; /* of NEW against OLD */
    double old_median, new_median, change;
    int old_reps, new_reps;
    struct mwu_result test;
    enum timing timing;
};

static void config_key(const struct judged_run *e, char *buf, size_t size)
{
    const struct result_file *m = &e->meta;
    snprintf(buf, size, "%s|%s|%lld|%lld|%s|%s", e->problem, m->mode, (long long)m->ranks,
             (long long)m->threads, m->reduce, m->variant);
}

static int configs(const struct campaign *c, struct config **out)
{
    *out = calloc((size_t)(c->n ? c->n : 1), sizeof **out);
    int n = 0;
    for (int i = 0; *out && i < c->n; i++) {
        char key[700];
        config_key(&c->run[i], key, sizeof key);
        if (n > 0 && strcmp((*out)[n - 1].key, key) == 0) {
            (*out)[n - 1].hi = i + 1;
            continue;
        }
        (*out)[n] = (struct config){c, i, i + 1, ""};
        snprintf((*out)[n].key, sizeof (*out)[n].key, "%s", key);
        n++;
    }
    return n;
}

/* ---- results -------------------------------------------------------------- */

static int same_digests(const struct result_file *a, const struct result_file *b)
{
    if (a->digest != b->digest || a->narrays != b->narrays)
        return 0;
    for (int i = 0; i < a->narrays; i++)
        if (strcmp(a->array[i].name, b->array[i].name) || a->array[i].digest != b->array[i].digest)
            return 0;
    return 1;
}

/* Every NEW run of the configuration against the first OLD run: digests,
 * and the arrays element by element (as verify) where they are stored.
 * Returns -1 when a file could not be read. */
static int compare_results(struct match *m)
{
    const struct result_file *ref_meta = &m->old.c->run[m->old.lo].meta;
    struct result_file ref;
    int loaded = 0, rc = 0;
    m->result = (struct comparison){.verdict = V_BITWISE};
    for (int i = m->new.lo; i < m->new.hi; i++) {
        const struct result_file *meta = &m->new.c->run[i].meta;
        /* Equal digests settle it when no arrays are stored; stored arrays
         * are compared anyway, so data that no longer matches its digest
         * (a damaged file) is caught too. */
        if (same_digests(ref_meta, meta) &&
            (strcmp(meta->store, "full") != 0 || strcmp(ref_meta->store, "full") != 0))
            continue;
        if (!loaded && result_read(ref_meta->path, &ref, 1) < 0) {
            rc = -1;
            break;
        }
        loaded = 1;
        struct result_file run;
        if (result_read(meta->path, &run, 1) < 0) {
            rc = -1;
            break;
        }
        struct comparison c;
        judge_compare(&ref, &run, strcmp(meta->reduce, "repro") == 0, &c);
        result_free(&run);
        if (c.verdict == V_BITWISE && !same_digests(ref_meta, meta)) {
            c.verdict = V_MISMATCH; /* equal elements, different digests */
            snprintf(c.detail, sizeof c.detail, "digests differ although the stored elements "
                                                "are equal (a damaged file?)");
        }
        if (c.verdict > m->result.verdict)
            m->result = c;
    }
    if (loaded)
        result_free(&ref);
    return rc;
}

static const char *result_name(enum verdict v)
{
    return v == V_BITWISE ? "identical" : v == V_TOLERANCE ? "within tolerance" : "DIFFERENT";
}

/* ---- timing ----------------------------------------------------------------- */

static double *pooled_walls(const struct config *cf, int *n)
{
    int total = 0;
    for (int i = cf->lo; i < cf->hi; i++)
        total += cf->c->run[i].meta.nreps;
    double *w = malloc(sizeof(double) * (size_t)(total ? total : 1));
    *n = 0;
    for (int i = cf->lo; w && i < cf->hi; i++) {
        const struct result_file *m = &cf->c->run[i].meta;
        memcpy(w + *n, m->wall, sizeof(double) * (size_t)m->nreps);
        *n += m->nreps;
    }
    return w;
}

static void compare_timing(struct match *m, const struct options *o)
{
    double *a = pooled_walls(&m->old, &m->old_reps), *b = pooled_walls(&m->new, &m->new_reps);
    m->timing = T_UNKNOWN;
    m->old_median = m->new_median = m->change = NAN;
    m->test = (struct mwu_result){NAN, NAN, NAN, 0};
    if (a && b && m->old_reps > 0 && m->new_reps > 0) {
        m->old_median = stats_median(a, (size_t)m->old_reps);
        m->new_median = stats_median(b, (size_t)m->new_reps);
        m->change = m->new_median / m->old_median - 1;
        stats_mann_whitney(b, (size_t)m->new_reps, a, (size_t)m->old_reps, &m->test);
        m->timing = T_SAME;
        if (fabs(m->change) > o->threshold && m->test.p < o->alpha)
            m->timing = m->change > 0 ? T_SLOWER : T_FASTER;
    }
    free(a);
    free(b);
}

/* ---- output -------------------------------------------------------------------- */

static const struct result_file *meta_of(const struct config *cf)
{
    return &cf->c->run[cf->lo].meta;
}

static const char *problem_of(const struct config *cf)
{
    return cf->c->run[cf->lo].problem;
}

/* The timing verdict, and why a large change is not flagged when the
 * repetitions are too few for the test to ever reach alpha. */
static void timing_note(const struct match *m, const struct options *o, char *buf, size_t size)
{
    if (m->timing == T_SAME && fabs(m->change) > o->threshold && m->test.p_min >= o->alpha)
        snprintf(buf, size, "same (%d vs %d repetitions cannot reach p < %g)", m->old_reps,
                 m->new_reps, o->alpha);
    else
        snprintf(buf, size, "%s", timing_names[m->timing]);
}

static void print_table(const struct match *ms, int n, const struct options *o)
{
    struct table t = {.ncols = 11, .align = "llllllrrrrl"};
    table_row(&t, "problem", "mode", "ranks×threads", "reduce", "variant", "result",
              "old median", "new median", "change", "p", "timing");
    for (int i = 0; i < n; i++) {
        const struct match *m = &ms[i];
        const struct result_file *r = meta_of(&m->new);
        char shape[32], a[32], b[32], change[32], p[32], timing[128];
        snprintf(shape, sizeof shape, "%lld×%lld", (long long)r->ranks, (long long)r->threads);
        fmt_seconds(a, sizeof a, m->old_median);
        fmt_seconds(b, sizeof b, m->new_median);
        snprintf(change, sizeof change, "%+.1f%%", 100 * m->change);
        snprintf(p, sizeof p, "%.3g", m->test.p);
        timing_note(m, o, timing, sizeof timing);
        table_row(&t, problem_of(&m->new), r->mode, shape, r->reduce, r->variant,
                  result_name(m->result.verdict), a, b, change, p, timing);
    }
    table_print(&t, stdout, 0);
    table_free(&t);
    for (int i = 0; i < n; i++)
        if (ms[i].result.verdict != V_BITWISE && ms[i].result.detail[0])
            printf("%s %s %s %lld×%lld: %s\n", result_name(ms[i].result.verdict),
                   problem_of(&ms[i].new), meta_of(&ms[i].new)->mode,
                   (long long)meta_of(&ms[i].new)->ranks, (long long)meta_of(&ms[i].new)->threads,
                   ms[i].result.detail);
}

static void csv_config(const struct config *cf, const char *in)
{
    const struct result_file *r = meta_of(cf);
    csv_field(stdout, in, 0);
    csv_field(stdout, problem_of(cf), 0);
    printf("%s,%s,%lld,%lld,%s,%s,", r->facts.name, r->mode, (long long)r->ranks,
           (long long)r->threads, r->reduce, r->variant);
}

static void print_csv(const struct match *ms, int n, const struct config *only_old, int nold,
                      const struct config *only_new, int nnew)
{
    puts("in,problem,kernel,mode,ranks,threads,reduce,variant,result,result_detail,"
         "old_reps,new_reps,old_median_s,new_median_s,change,u,p_value,timing");
    for (int i = 0; i < n; i++) {
        const struct match *m = &ms[i];
        csv_config(&m->new, "both");
        csv_field(stdout, result_name(m->result.verdict), 0);
        csv_field(stdout, m->result.detail, 0);
        printf("%d,%d,%.9g,%.9g,%.6g,%g,%.6g,", m->old_reps, m->new_reps, m->old_median,
               m->new_median, m->change, m->test.u, m->test.p);
        csv_field(stdout, timing_names[m->timing], 1);
    }
    for (int i = 0; i < nold; i++) {
        csv_config(&only_old[i], "old");
        puts(",,,,,,,,,,");
    }
    for (int i = 0; i < nnew; i++) {
        csv_config(&only_new[i], "new");
        puts(",,,,,,,,,,");
    }
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void json_number(double v)
{
    if (isfinite(v))
        printf("%.9g", v);
    else
        fputs("null", stdout);
}

static void json_config(const struct config *cf)
{
    const struct result_file *r = meta_of(cf);
    fputs("{\"problem\": ", stdout);
    json_string(problem_of(cf));
    printf(", \"kernel\": \"%s\", \"mode\": \"%s\", \"ranks\": %lld, \"threads\": %lld, "
           "\"reduce\": \"%s\", \"variant\": ",
           r->facts.name, r->mode, (long long)r->ranks, (long long)r->threads, r->reduce);
    json_string(r->variant);
}

static void json_match(const struct match *m)
{
    json_config(&m->new);
    printf(", \"result\": \"%s\", \"result_detail\": ", result_name(m->result.verdict));
    json_string(m->result.detail);
    printf(", \"old_reps\": %d, \"new_reps\": %d, \"old_median_s\": ", m->old_reps, m->new_reps);
    json_number(m->old_median);
    fputs(", \"new_median_s\": ", stdout);
    json_number(m->new_median);
    fputs(", \"change\": ", stdout);
    json_number(m->change);
    fputs(", \"u\": ", stdout);
    json_number(m->test.u);
    fputs(", \"p_value\": ", stdout);
    json_number(m->test.p);
    printf(", \"timing\": \"%s\"}", timing_names[m->timing]);
}

struct totals {
    int count[V_COUNT], timing[4];
};

static void print_json(const struct match *ms, int n, const struct config *only_old, int nold,
                       const struct config *only_new, int nnew, const struct options *o,
                       const struct totals *t, int status)
{
    fputs("{\"old\": ", stdout);
    json_string(o->old_path);
    fputs(", \"new\": ", stdout);
    json_string(o->new_path);
    printf(", \"threshold\": %g, \"alpha\": %g, \"test\": \"Mann-Whitney U, two-sided\",\n"
           " \"matched\": [",
           o->threshold, o->alpha);
    for (int i = 0; i < n; i++) {
        fputs(i ? ",\n  " : "\n  ", stdout);
        json_match(&ms[i]);
    }
    fputs("],\n \"only_old\": [", stdout);
    for (int i = 0; i < nold; i++) {
        fputs(i ? ", " : "", stdout);
        json_config(&only_old[i]);
        putchar('}');
    }
    fputs("],\n \"only_new\": [", stdout);
    for (int i = 0; i < nnew; i++) {
        fputs(i ? ", " : "", stdout);
        json_config(&only_new[i]);
        putchar('}');
    }
    printf("],\n \"summary\": {\"matched\": %d, \"identical\": %d, \"within_tolerance\": %d, "
           "\"different\": %d, \"slower\": %d, \"faster\": %d, \"same\": %d, \"only_old\": %d, "
           "\"only_new\": %d, \"exit\": %d}}\n",
           n, t->count[V_BITWISE], t->count[V_TOLERANCE], t->count[V_MISMATCH],
           t->timing[T_SLOWER], t->timing[T_FASTER], t->timing[T_SAME], nold, nnew, status);
}

/* Only-on-one-side configurations, one line each; a whole problem missing
 * is said once. */
static void print_only(const char *side, const struct config *only, int n,
                       const struct campaign *other)
{
    for (int i = 0; i < n; i++) {
        const char *problem = problem_of(&only[i]);
        int whole = 1;
        for (int j = 0; j < other->n && whole; j++)
            whole = strcmp(other->run[j].problem, problem) != 0;
        if (whole) {
            if (i > 0 && strcmp(problem_of(&only[i - 1]), problem) == 0)
                continue;
            printf("only in %s: problem %s\n", side, problem);
            continue;
        }
        const struct result_file *r = meta_of(&only[i]);
        printf("only in %s: %s %s %lld×%lld %s %s\n", side, problem, r->mode,
               (long long)r->ranks, (long long)r->threads, r->reduce, r->variant);
    }
}

/* ---- the command ------------------------------------------------------------------ */

static void compare_usage(FILE *out)
{
    fputs("usage: parity compare OLD NEW [--threshold PCT] [--alpha A] [--format table|csv|json]\n"
          "\n"
          "OLD and NEW: two campaigns (folders or files).  Runs are matched by\n"
          "configuration: kernel, parameters, seed, mode, ranks, threads, reduce,\n"
          "variant.  For each configuration in both:\n"
          "  result  identical (digests, else element by element as verify does),\n"
          "          within tolerance (allowed for --reduce fast), or DIFFERENT\n"
          "  timing  SLOWER / faster when the median time changed by more than\n"
          "          --threshold percent (default 5) and a two-sided Mann-Whitney U\n"
          "          test on the repetitions gives p < --alpha (default 0.05); else same.\n"
          "          Runs of one configuration on one side are pooled.  Fewer than 4\n"
          "          repetitions a side can never reach p < 0.05.\n"
          "Configurations present on one side only are listed.\n"
          "\n"
          "Exit status: 0 every result matches and nothing got slower; 1 a result\n"
          "differs, something got slower, or nothing matched; 2 bad usage or\n"
          "unreadable input.\n",
          out);
}

static int parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){.threshold = 0.05, .alpha = 0.05, .format = FMT_TABLE};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
        if (strcmp(a, "--threshold") == 0 || strcmp(a, "--alpha") == 0 ||
            strcmp(a, "--format") == 0) {
            if (!v) {
                parity_error("compare: %s needs a value", a);
                return PARITY_EUSAGE;
            }
            i++;
            if (strcmp(a, "--format") == 0) {
                if (strcmp(v, "table") && strcmp(v, "csv") && strcmp(v, "json")) {
                    parity_error("compare: --format '%s': use table, csv or json", v);
                    return PARITY_EUSAGE;
                }
                o->format = v[0] == 't' ? FMT_TABLE : v[0] == 'c' ? FMT_CSV : FMT_JSON;
            } else if (parse_double(v, &d) < 0 || d < 0 || (a[2] == 'a' && !(d > 0 && d < 1))) {
                parity_error("compare: %s '%s': %s", a, v,
                             a[2] == 'a' ? "a probability between 0 and 1" : "a percentage >= 0");
                return PARITY_EUSAGE;
            } else if (a[2] == 'a') {
                o->alpha = d;
            } else {
                o->threshold = d / 100;
            }
        } else if (a[0] == '-' && a[1]) {
            parity_error("compare: unknown option '%s' (see parity compare --help)", a);
            return PARITY_EUSAGE;
        } else if (!o->old_path) {
            o->old_path = a;
        } else if (!o->new_path) {
            o->new_path = a;
        } else {
            parity_error("compare: two campaigns only, OLD and NEW (extra '%s')", a);
            return PARITY_EUSAGE;
        }
    }
    if (!o->new_path) {
        parity_error("compare: needs two campaigns, OLD and NEW (see parity compare --help)");
        return PARITY_EUSAGE;
    }
    return 0;
}

static int load_side(const char *path, struct campaign *c)
{
    char *p[1] = {(char *)path};
    if (campaign_load(p, 1, c) < 0)
        return -1;
    if (c->n == 0 && c->unreadable == 0) {
        parity_error("%s: no result files (*.h5)", path);
        campaign_free(c);
        return -1;
    }
    return 0;
}

/* Both sides' configurations, matched by key. */
struct matching {
    struct config *old, *new;      /* all configurations of each side */
    int nold_all, nnew_all;
    struct match *match;
    int n;
    struct config *only_old, *only_new;
    int nold, nnew;
    struct totals t;
};

static int find_config(const struct config *list, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].key, key) == 0)
            return i;
    return -1;
}

/* Match the configurations, compare results and timing of each match.
 * Returns the number of files that could not be read. */
static int match_all(const struct campaign *old, const struct campaign *new,
                     const struct options *o, struct matching *mt)
{
    memset(mt, 0, sizeof *mt);
    mt->nold_all = configs(old, &mt->old);
    mt->nnew_all = configs(new, &mt->new);
    mt->match = calloc((size_t)(mt->nold_all + 1), sizeof *mt->match);
    mt->only_old = calloc((size_t)(mt->nold_all + 1), sizeof *mt->only_old);
    mt->only_new = calloc((size_t)(mt->nnew_all + 1), sizeof *mt->only_new);
    int unreadable = 0;
    if (!mt->old || !mt->new || !mt->match || !mt->only_old || !mt->only_new)
        return 0;
    for (int i = 0; i < mt->nold_all; i++) {
        int j = find_config(mt->new, mt->nnew_all, mt->old[i].key);
        if (j < 0) {
            mt->only_old[mt->nold++] = mt->old[i];
            continue;
        }
        struct match *m = &mt->match[mt->n];
        m->old = mt->old[i];
        m->new = mt->new[j];
        if (compare_results(m) < 0) {
            unreadable++;
            continue;
        }
        compare_timing(m, o);
        mt->t.count[m->result.verdict]++;
        mt->t.timing[m->timing]++;
        mt->n++;
    }
    for (int j = 0; j < mt->nnew_all; j++)
        if (find_config(mt->old, mt->nold_all, mt->new[j].key) < 0)
            mt->only_new[mt->nnew++] = mt->new[j];
    return unreadable;
}

static void matching_free(struct matching *mt)
{
    free(mt->old);
    free(mt->new);
    free(mt->match);
    free(mt->only_old);
    free(mt->only_new);
}

static void print_text(const struct matching *mt, const struct options *o,
                       const struct campaign *old, const struct campaign *new, int unreadable)
{
    const struct totals *t = &mt->t;
    printf("compare: OLD %s (%d runs), NEW %s (%d runs); timing: Mann-Whitney U, "
           "two-sided, flagged beyond %g %% at p < %g\n",
           o->old_path, old->n, o->new_path, new->n, 100 * o->threshold, o->alpha);
    if (mt->n)
        print_table(mt->match, mt->n, o);
    print_only("OLD", mt->only_old, mt->nold, new);
    print_only("NEW", mt->only_new, mt->nnew, old);
    printf("compare: %d matched: %d identical, %d within tolerance, %d DIFFERENT; "
           "timing: %d slower, %d faster, %d same; %d only in OLD, %d only in NEW%s%s\n",
           mt->n, t->count[V_BITWISE], t->count[V_TOLERANCE], t->count[V_MISMATCH],
           t->timing[T_SLOWER], t->timing[T_FASTER], t->timing[T_SAME], mt->nold, mt->nnew,
           unreadable ? "; unreadable files skipped" : "",
           mt->n == 0 ? "; no configuration in both" : "");
}

int cmd_compare(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        compare_usage(stdout);
        return 0;
    }
    struct options o;
    if (parse_options(argc, argv, &o) < 0)
        return 2;
    struct campaign old, new;
    if (load_side(o.old_path, &old) < 0)
        return 2;
    if (load_side(o.new_path, &new) < 0) {
        campaign_free(&old);
        return 2;
    }
    struct matching mt;
    int unreadable = old.unreadable + new.unreadable + match_all(&old, &new, &o, &mt);
    const struct totals *t = &mt.t;
    int status = unreadable ? 2 : (mt.n == 0 || t->count[V_MISMATCH] || t->timing[T_SLOWER]) ? 1 : 0;
    if (o.format == FMT_CSV)
        print_csv(mt.match, mt.n, mt.only_old, mt.nold, mt.only_new, mt.nnew);
    else if (o.format == FMT_JSON)
        print_json(mt.match, mt.n, mt.only_old, mt.nold, mt.only_new, mt.nnew, &o, t, status);
    else
        print_text(&mt, &o, &old, &new, unreadable);
    matching_free(&mt);
    campaign_free(&old);
    campaign_free(&new);
    return status;
}
