/* `parity verify PATH...`: group runs by problem (kernel, parameters, seed),
 * compare each run with the sequential reference of its problem, and print
 * one verdict per run:
 *   reference         the seq repro run of the default variant
 *   bitwise           digests and every element's bits equal
 *   within tolerance  not bitwise, every element within atol + rtol*|ref|
 *                     (accepted for --reduce fast and other variants)
 *   MISMATCH          anything else, including non-bitwise under repro
 *   NO BASELINE       no sequential run of the problem to compare with
 * plus failed self-checks and NaN/Inf.  Exit 0 all good, 1 otherwise, 2 for
 * unreadable input. */
#include "analysis.h"
#include "files.h"
#include "result_read.h"

#include "../common/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum verdict { V_REFERENCE, V_BITWISE, V_TOLERANCE, V_MISMATCH, V_NO_BASELINE, V_COUNT };
static const char *const verdict_names[V_COUNT] = {
    "reference", "bitwise", "within tolerance", "MISMATCH", "NO BASELINE"};

struct entry {
    struct result_file meta; /* arrays not loaded */
    char problem[512];       /* kernel and parameters */
};

static void problem_key(struct entry *e)
{
    const struct result_file *r = &e->meta;
    size_t used = (size_t)snprintf(e->problem, sizeof e->problem, "%s", r->kernel->name);
    for (int i = 0; i < r->kernel->nparams && used < sizeof e->problem; i++)
        used += (size_t)snprintf(e->problem + used, sizeof e->problem - used, " %s=%lld",
                                 r->kernel->params[i].name, (long long)r->param[i]);
    if (used < sizeof e->problem)
        snprintf(e->problem + used, sizeof e->problem - used, " seed=%lld",
                 (long long)r->seed);
}

static int mode_order(const char *mode)
{
    return strcmp(mode, "seq") == 0 ? 0 : strcmp(mode, "omp") == 0 ? 1 : 2;
}

static int cmp_entry(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int c = strcmp(a->problem, b->problem);
    if (c) return c;
    if ((c = mode_order(a->meta.mode) - mode_order(b->meta.mode))) return c;
    if (a->meta.ranks != b->meta.ranks) return a->meta.ranks < b->meta.ranks ? -1 : 1;
    if (a->meta.threads != b->meta.threads) return a->meta.threads < b->meta.threads ? -1 : 1;
    if ((c = strcmp(a->meta.reduce, b->meta.reduce))) return -c; /* repro first */
    if ((c = strcmp(a->meta.variant, b->meta.variant))) return c;
    return strcmp(a->meta.path, b->meta.path);
}

static int is_seq_repro(const struct result_file *r)
{
    return strcmp(r->mode, "seq") == 0 && strcmp(r->reduce, "repro") == 0;
}

/* The reference for run `i` in the group [lo, hi):
 *  - a seq repro run of a non-default variant (matmul naive, pi racy) is
 *    compared with the default variant's seq run: variants must agree with
 *    it within tolerance (bitwise if they happen to);
 *  - any other run with the first seq repro run of its own variant, else of
 *    the default variant.
 * The first seq repro run of the default variant is the problem's reference. */
static int first_seq(struct entry *e, int lo, int hi, const char *variant)
{
    for (int j = lo; j < hi; j++)
        if (is_seq_repro(&e[j].meta) && strcmp(e[j].meta.variant, variant) == 0)
            return j;
    return -1;
}

static int find_reference(struct entry *e, int lo, int hi, int i)
{
    const struct result_file *r = &e[i].meta;
    const char *default_variant = r->kernel->variants[0];
    int own = first_seq(e, lo, hi, r->variant);
    int dflt = first_seq(e, lo, hi, default_variant);
    if (is_seq_repro(r) && strcmp(r->variant, default_variant) != 0 && dflt >= 0)
        return dflt;
    return own >= 0 ? own : dflt;
}

struct comparison {
    enum verdict verdict;
    char detail[512];
    int64_t nonfinite;
};

static void describe(const struct array_diff *d, const char *name, char *buf,
                     size_t size)
{
    snprintf(buf, size, "%s: %lld of %lld differ, first [%lld], max abs %.3g rel %.3g, %llu ulps",
             name, (long long)d->ndiff, (long long)d->n, (long long)d->first,
             d->max_abs, d->max_rel, (unsigned long long)d->max_ulps);
}

/* Compare every array of `run` with `ref` (both loaded). */
static void compare(const struct result_file *ref, const struct result_file *run,
                    int expect_bitwise, struct comparison *out)
{
    const struct verify_policy *pol = &run->kernel->verify;
    out->verdict = V_BITWISE;
    out->detail[0] = '\0';
    for (int i = 0; i < run->narrays; i++) {
        const struct result_array *a = &run->array[i], *b = NULL;
        for (int j = 0; j < ref->narrays; j++)
            if (strcmp(ref->array[j].name, a->name) == 0)
                b = &ref->array[j];
        if (!b) {
            out->verdict = V_MISMATCH;
            snprintf(out->detail, sizeof out->detail, "%s: not in the reference", a->name);
            return;
        }
        if (!a->present || !b->present) { /* --store digest: digests only */
            if (a->digest != b->digest) {
                out->verdict = V_MISMATCH;
                snprintf(out->detail, sizeof out->detail,
                         "%s: digests differ (stored as digest only, no element detail)", a->name);
                return;
            }
            continue;
        }
        if (a->n != b->n || a->is_int != b->is_int) {
            out->verdict = V_MISMATCH;
            snprintf(out->detail, sizeof out->detail, "%s: shape or type differs", a->name);
            return;
        }
        struct array_diff d;
        if (a->is_int)
            diff_i64(b->i64, a->i64, a->n, &d);
        else
            diff_f64(b->f64, a->f64, a->n, pol->rtol, pol->atol, &d);
        out->nonfinite += d.nonfinite;
        if (d.ndiff == 0 && a->digest == b->digest)
            continue;
        enum verdict v = (d.nbeyond > 0 || expect_bitwise) ? V_MISMATCH : V_TOLERANCE;
        if (v > out->verdict || (v == out->verdict && !out->detail[0])) {
            out->verdict = v;
            describe(&d, a->name, out->detail, sizeof out->detail);
            if (v == V_MISMATCH && d.nbeyond == 0)
                strncat(out->detail, " (repro runs must be bitwise)",
                        sizeof out->detail - strlen(out->detail) - 1);
        }
    }
}

struct totals {
    int count[V_COUNT];
    int check_failed, nonfinite, fast_math, unreadable;
};

static void print_row(const struct entry *e, const char *verdict, const char *detail)
{
    const struct result_file *r = &e->meta;
    printf("  %-4s %3lld %3lld  %-6s %-10s %-17s %s\n", r->mode, (long long)r->ranks,
           (long long)r->threads, r->reduce, r->variant, verdict, detail);
}

static void judge(struct entry *e, int lo, int hi, int i, struct result_file *ref_loaded,
                  int ref_index, struct totals *t)
{
    struct result_file *r = &e[i].meta;
    struct comparison c = {.verdict = V_NO_BASELINE};
    char extra[600] = "";
    if (ref_index == i) {
        c.verdict = V_REFERENCE;
    } else if (ref_index >= 0) {
        struct result_file run;
        if (result_read(r->path, &run, 1) < 0) {
            t->unreadable++;
            return;
        }
        int expect_bitwise = strcmp(r->reduce, "repro") == 0 &&
                             strcmp(ref_loaded->variant, r->variant) == 0;
        compare(ref_loaded, &run, expect_bitwise, &c);
        result_free(&run);
    } else {
        snprintf(c.detail, sizeof c.detail, "no seq --reduce repro run of this problem");
    }
    (void)lo;
    (void)hi;
    t->count[c.verdict]++;
    if (!r->check_passed) {
        t->check_failed++;
        snprintf(extra, sizeof extra, "%sself-check FAILED (error %.3g > bound %.3g)",
                 c.detail[0] ? "; " : "", r->check_error, r->check_bound);
    }
    if (c.nonfinite) {
        t->nonfinite++;
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, "%s%lld NaN/Inf", c.detail[0] || n ? "; " : "",
                 (long long)c.nonfinite);
    }
    if (r->oversubscribed) {
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, "%soversubscribed (%lld x %lld on %lld CPUs)",
                 c.detail[0] || n ? "; " : "", (long long)r->ranks, (long long)r->threads,
                 (long long)r->cpus_available);
    }
    if (strstr(r->cflags, "-ffast-math") || strstr(r->cflags, "-Ofast")) {
        t->fast_math++;
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, "%sWARNING built with fast-math",
                 c.detail[0] || n ? "; " : "");
    }
    char detail[1200];
    snprintf(detail, sizeof detail, "%s%s", c.detail, extra);
    print_row(&e[i], verdict_names[c.verdict], detail);
}

static void verify_group(struct entry *e, int lo, int hi, struct totals *t)
{
    printf("%s\n", e[lo].problem);
    printf("  %-4s %3s %3s  %-6s %-10s %-17s %s\n", "mode", "p", "t", "reduce", "variant",
           "verdict", "detail");
    /* Runs of one problem may need different references (per variant). */
    for (int i = lo; i < hi; i++) {
        int ref = find_reference(e, lo, hi, i);
        struct result_file loaded;
        if (ref >= 0 && ref != i && result_read(e[ref].meta.path, &loaded, 1) < 0) {
            t->unreadable++;
            continue;
        }
        judge(e, lo, hi, i, &loaded, ref, t);
        if (ref >= 0 && ref != i)
            result_free(&loaded);
    }
}

static void verify_usage(FILE *out)
{
    fputs("usage: parity verify PATH...\n"
          "\n"
          "Compare every parallel run with the sequential run of the same problem\n"
          "(kernel, parameters, seed).  PATH: result files or folders (searched\n"
          "recursively for *.h5).  Verdicts: bitwise, within tolerance (accepted for\n"
          "--reduce fast and non-default variants), MISMATCH (with the number of\n"
          "differing elements, the first index and the worst error), NO BASELINE.\n"
          "Also reports failed self-checks, NaN/Inf and fast-math builds.\n"
          "\n"
          "Exit status: 0 everything matched; 1 a mismatch, failed self-check, NaN/Inf\n"
          "or missing baseline; 2 bad usage or an unreadable file.\n",
          out);
}

int cmd_verify(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        verify_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    struct path_list files;
    if (files_collect(argv + 1, argc - 1, &files) < 0)
        return 2;
    struct totals t = {0};
    struct entry *e = calloc(files.count ? files.count : 1, sizeof *e);
    int n = 0;
    for (size_t i = 0; e && i < files.count; i++) {
        if (result_read(files.path[i], &e[n].meta, 0) < 0) {
            t.unreadable++;
            continue;
        }
        problem_key(&e[n]);
        n++;
    }
    if (n == 0 && t.unreadable == 0)
        parity_error("no result files (*.h5) under the given path(s)");
    qsort(e, (size_t)n, sizeof *e, cmp_entry);
    for (int lo = 0, hi; lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && strcmp(e[hi].problem, e[lo].problem) == 0; hi++)
            ;
        verify_group(e, lo, hi, &t);
    }
    printf("verify: %d run(s): %d reference, %d bitwise, %d within tolerance, %d MISMATCH, "
           "%d without baseline; %d self-check(s) failed, %d with NaN/Inf, %d unreadable\n",
           n, t.count[V_REFERENCE], t.count[V_BITWISE], t.count[V_TOLERANCE],
           t.count[V_MISMATCH], t.count[V_NO_BASELINE], t.check_failed, t.nonfinite,
           t.unreadable);
    for (int i = 0; i < n; i++)
        result_free(&e[i].meta);
    free(e);
    files_free(&files);
    if (t.unreadable || n == 0)
        return 2;
    return t.count[V_MISMATCH] || t.count[V_NO_BASELINE] || t.check_failed || t.nonfinite
               ? 1 : 0;
}
