/* Grouping, reference choice and verdicts (see judge.h). */
#include "judge.h"

#include "analysis.h"

#include "../common/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const verdict_names[V_COUNT] = {
    "reference", "bitwise", "within tolerance", "MISMATCH", "NO BASELINE"};

const char *mode_label(const struct result_file *r)
{
    if (strcmp(r->mode, "mpi") == 0 && r->threads > 1)
        return "hybrid";
    return r->mode;
}

static void problem_key(struct judged_run *e)
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

static int cmp_run(const void *pa, const void *pb)
{
    const struct judged_run *a = pa, *b = pb;
    int c = strcmp(a->problem, b->problem);
    if (c) return c;
    if ((c = mode_order(a->meta.mode) - mode_order(b->meta.mode))) return c;
    if (a->meta.ranks != b->meta.ranks) return a->meta.ranks < b->meta.ranks ? -1 : 1;
    if (a->meta.threads != b->meta.threads) return a->meta.threads < b->meta.threads ? -1 : 1;
    if ((c = strcmp(a->meta.reduce, b->meta.reduce))) return -c; /* repro first */
    if ((c = strcmp(a->meta.variant, b->meta.variant))) return c;
    return strcmp(a->meta.path, b->meta.path);
}

static void skip(struct campaign *c)
{
    c->unreadable++;
    files_add(&c->skipped, parity_last_error());
}

int campaign_load(char **paths, int npaths, struct campaign *c)
{
    memset(c, 0, sizeof *c);
    CHECK(files_collect(paths, npaths, &c->files));
    c->run = calloc(c->files.count ? c->files.count : 1, sizeof *c->run);
    if (!c->run) {
        parity_error("out of memory reading %zu result files", c->files.count);
        return PARITY_EFAIL;
    }
    for (size_t i = 0; i < c->files.count; i++) {
        struct judged_run *e = &c->run[c->n];
        if (result_read(c->files.path[i], &e->meta, 0) < 0) {
            skip(c);
            continue;
        }
        problem_key(e);
        e->ref = -1;
        c->n++;
    }
    qsort(c->run, (size_t)c->n, sizeof *c->run, cmp_run);
    return 0;
}

int campaign_group_end(const struct campaign *c, int lo)
{
    int hi = lo + 1;
    while (hi < c->n && strcmp(c->run[hi].problem, c->run[lo].problem) == 0)
        hi++;
    return hi;
}

static int is_seq_repro(const struct result_file *r)
{
    return strcmp(r->mode, "seq") == 0 && strcmp(r->reduce, "repro") == 0;
}

/* The first seq repro run of `variant` in the group [lo, hi), or -1. */
static int first_seq(const struct campaign *c, int lo, int hi, const char *variant)
{
    for (int j = lo; j < hi; j++)
        if (is_seq_repro(&c->run[j].meta) && strcmp(c->run[j].meta.variant, variant) == 0)
            return j;
    return -1;
}

/* The reference for run `i` in the group [lo, hi):
 *  - a seq repro run of a non-default variant (matmul naive, pi racy) is
 *    compared with the default variant's seq run: variants must agree with
 *    it within tolerance (bitwise if they happen to);
 *  - any other run with the first seq repro run of its own variant, else of
 *    the default variant.
 * The first seq repro run of the default variant is the problem's reference. */
static int find_reference(const struct campaign *c, int lo, int hi, int i)
{
    const struct result_file *r = &c->run[i].meta;
    const char *default_variant = r->kernel->variants[0];
    int own = first_seq(c, lo, hi, r->variant);
    int dflt = first_seq(c, lo, hi, default_variant);
    if (is_seq_repro(r) && strcmp(r->variant, default_variant) != 0 && dflt >= 0)
        return dflt;
    return own >= 0 ? own : dflt;
}

static void describe(const struct array_diff *d, const char *name, char *buf,
                     size_t size)
{
    snprintf(buf, size, "%s: %lld of %lld differ, first [%lld], max abs %.3g rel %.3g, %llu ulps",
             name, (long long)d->ndiff, (long long)d->n, (long long)d->first,
             d->max_abs, d->max_rel, (unsigned long long)d->max_ulps);
}

void judge_compare(const struct result_file *ref, const struct result_file *run,
                   int expect_bitwise, struct comparison *out)
{
    const struct verify_policy *pol = &run->kernel->verify;
    out->verdict = V_BITWISE;
    out->detail[0] = '\0';
    out->nonfinite = 0;
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

/* The loaded reference, kept while consecutive runs share it. */
struct ref_cache {
    int index;  /* run index loaded, -1 none */
    int ok;     /* it could be read */
    struct result_file file;
};

static int cache_get(struct campaign *c, struct ref_cache *cache, int ref)
{
    if (cache->index != ref) {
        if (cache->index >= 0 && cache->ok)
            result_free(&cache->file);
        cache->index = ref;
        cache->ok = result_read(c->run[ref].meta.path, &cache->file, 1) == 0;
    }
    return cache->ok;
}

static void judge_one(struct campaign *c, struct ref_cache *cache, int i, int ref)
{
    struct judged_run *e = &c->run[i];
    e->ref = ref;
    memset(&e->cmp, 0, sizeof e->cmp);
    if (ref == i) {
        e->cmp.verdict = V_REFERENCE;
    } else if (ref >= 0) {
        struct result_file run;
        if (!cache_get(c, cache, ref) || result_read(e->meta.path, &run, 1) < 0) {
            skip(c);
            return;
        }
        int expect_bitwise = strcmp(e->meta.reduce, "repro") == 0 &&
                             strcmp(cache->file.variant, e->meta.variant) == 0;
        judge_compare(&cache->file, &run, expect_bitwise, &e->cmp);
        result_free(&run);
    } else {
        e->cmp.verdict = V_NO_BASELINE;
        snprintf(e->cmp.detail, sizeof e->cmp.detail,
                 "no seq --reduce repro run of this problem");
    }
    e->judged = 1;
}

void campaign_judge(struct campaign *c)
{
    struct ref_cache cache = {.index = -1};
    for (int lo = 0, hi; lo < c->n; lo = hi) {
        hi = campaign_group_end(c, lo);
        /* Runs of one problem may need different references (per variant). */
        for (int i = lo; i < hi; i++)
            judge_one(c, &cache, i, find_reference(c, lo, hi, i));
    }
    if (cache.index >= 0 && cache.ok)
        result_free(&cache.file);
}

void campaign_free(struct campaign *c)
{
    for (int i = 0; i < c->n; i++)
        result_free(&c->run[i].meta);
    free(c->run);
    files_free(&c->files);
    files_free(&c->skipped);
    memset(c, 0, sizeof *c);
}
