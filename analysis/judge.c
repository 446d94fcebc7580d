/* Grouping, reference choice and verdicts (see judge.h). */
#include "judge.h"

#include "analysis.h"

#include "../common/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const verdict_names[V_COUNT] = {
    "reference", "bitwise", "within tolerance", "MISMATCH", "NO BASELINE", "DAMAGED"};

const char *mode_label(const struct result_file *r)
{
    if (strcmp(r->mode, "mpi") == 0 && r->threads > 1)
        return "hybrid";
    return r->mode;
}

/* "kernel k=v ...": the kernel's name and the /run attributes its facts
 * name as problem keys (its parameters and seed, for every built-in kernel). */
static void problem_key(struct judged_run *e)
{
    const struct result_file *r = &e->meta;
    size_t used = (size_t)snprintf(e->problem, sizeof e->problem, "%s", r->facts.name);
    for (int i = 0; i < r->facts.nkeys && used < sizeof e->problem; i++)
        used += (size_t)snprintf(e->problem + used, sizeof e->problem - used, " %s=%s",
                                 r->facts.key[i], r->key_value[i]);
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
        if (is_seq_repro(&c->run[j].meta) && !c->run[j].damaged &&
            strcmp(c->run[j].meta.variant, variant) == 0)
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
    const char *default_variant = r->facts.variant[0];
    int own = first_seq(c, lo, hi, r->variant);
    int dflt = first_seq(c, lo, hi, default_variant);
    if (is_seq_repro(r) && strcmp(r->variant, default_variant) != 0 && dflt >= 0)
        return dflt;
    return own >= 0 ? own : dflt;
}

/* Must a repro run of variant `run` be bitwise the reference's `ref`?  Yes
 * for the same variant, and for a variant the kernel declares to do the
 * default's arithmetic in another order (verify_policy.bitwise_variants). */
static int same_arithmetic(const struct kernel_facts *k, const char *ref, const char *run)
{
    if (strcmp(ref, run) == 0)
        return 1;
    if (strcmp(ref, k->variant[0]) != 0)
        return 0;
    for (int i = 0; i < k->nbitwise; i++)
        if (strcmp(k->bitwise[i], run) == 0)
            return 1;
    return 0;
}

static void describe(const struct array_diff *d, const char *name, char *buf,
                     size_t size)
{
    snprintf(buf, size, "%s: %lld of %lld differ, first [%lld], max abs %.3g rel %.3g, %llu ulps",
             name, (long long)d->ndiff, (long long)d->n, (long long)d->first,
             d->max_abs, d->max_rel, (unsigned long long)d->max_ulps);
}

static const struct result_array *find_array(const struct result_file *r, const char *name)
{
    for (int j = 0; j < r->narrays; j++)
        if (strcmp(r->array[j].name, name) == 0)
            return &r->array[j];
    return NULL;
}

static void mismatch(struct comparison *out, const char *name, const char *what)
{
    out->verdict = V_MISMATCH;
    snprintf(out->detail, sizeof out->detail, "%s: %s", name, what);
}

/* Same name set, shape (not only element count) and type. */
static int same_layout(const struct result_file *ref, const struct result_file *run,
                       struct comparison *out)
{
    for (int i = 0; i < ref->narrays; i++)
        if (!find_array(run, ref->array[i].name)) {
            mismatch(out, ref->array[i].name, "missing from this run (the reference has it)");
            return 0;
        }
    for (int i = 0; i < run->narrays; i++) {
        const struct result_array *a = &run->array[i], *b = find_array(ref, a->name);
        if (!b) {
            mismatch(out, a->name, "not in the reference");
            return 0;
        }
        if (a->present && b->present &&
            (a->ndims != b->ndims || a->dims[0] != b->dims[0] || a->dims[1] != b->dims[1] ||
             a->is_int != b->is_int)) {
            char what[160];
            snprintf(what, sizeof what, "shape or type differs (%s[%lld][%lld] vs reference %s[%lld][%lld])",
                     a->is_int ? "int64" : "float64", (long long)a->dims[0], (long long)a->dims[1],
                     b->is_int ? "int64" : "float64", (long long)b->dims[0], (long long)b->dims[1]);
            mismatch(out, a->name, what);
            return 0;
        }
    }
    return 1;
}

void judge_compare(const struct result_file *ref, const struct result_file *run,
                   int expect_bitwise, struct comparison *out)
{
    const struct kernel_facts *pol = &run->facts;
    out->verdict = V_BITWISE;
    out->detail[0] = '\0';
    out->nonfinite = 0;
    if (!same_layout(ref, run, out))
        return;
    for (int i = 0; i < run->narrays; i++) {
        const struct result_array *a = &run->array[i], *b = find_array(ref, a->name);
        if (!a->present || !b->present) { /* --store digest: digests only */
            if (a->digest != b->digest) {
                mismatch(out, a->name, "digests differ (stored as digest only, no element detail)");
                return;
            }
            continue;
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
    enum read_fault fault; /* why not */
    struct result_file file;
};

static int cache_get(struct campaign *c, struct ref_cache *cache, int ref)
{
    if (cache->index != ref) {
        if (cache->index >= 0 && cache->ok)
            result_free(&cache->file);
        cache->index = ref;
        cache->ok = result_read(c->run[ref].meta.path, &cache->file, 1) == 0;
        cache->fault = cache->file.fault;
    }
    return cache->ok;
}

/* A run whose own file is damaged: a verdict of its own (redo the file),
 * and counted with the unreadable files so report and compare fail too. */
static void mark_damaged(struct campaign *c, int i)
{
    struct judged_run *e = &c->run[i];
    e->damaged = e->judged = 1;
    e->cmp.verdict = V_DAMAGED;
    snprintf(e->cmp.detail, sizeof e->cmp.detail, "%s; redo this file", parity_last_error());
    c->damaged++;
    skip(c);
}

/* 0 judged (or skipped as unreadable), 1 its reference turned out damaged:
 * find another one and judge again. */
static int judge_one(struct campaign *c, struct ref_cache *cache, int i, int ref)
{
    struct judged_run *e = &c->run[i];
    e->ref = ref;
    memset(&e->cmp, 0, sizeof e->cmp);
    if (ref >= 0 && !cache_get(c, cache, ref)) {
        if (cache->fault != READ_DAMAGED) {
            skip(c);
            return 0;
        }
        mark_damaged(c, ref);
        return ref != i;
    }
    if (ref == i) {
        e->cmp.verdict = V_REFERENCE;
    } else if (ref >= 0) {
        struct result_file run;
        if (result_read(e->meta.path, &run, 1) < 0) {
            if (run.fault == READ_DAMAGED)
                mark_damaged(c, i);
            else
                skip(c);
            return 0;
        }
        int expect_bitwise = strcmp(e->meta.reduce, "repro") == 0 &&
                             same_arithmetic(&e->meta.facts, cache->file.variant,
                                             e->meta.variant);
        judge_compare(&cache->file, &run, expect_bitwise, &e->cmp);
        result_free(&run);
    } else {
        e->cmp.verdict = V_NO_BASELINE;
        snprintf(e->cmp.detail, sizeof e->cmp.detail,
                 "no seq --reduce repro run of this problem");
    }
    e->judged = 1;
    return 0;
}

void campaign_judge(struct campaign *c)
{
    struct ref_cache cache = {.index = -1};
    for (int lo = 0, hi; lo < c->n; lo = hi) {
        hi = campaign_group_end(c, lo);
        /* Runs of one problem may need different references (per variant);
         * a damaged reference is replaced by the next (each run once). */
        for (int i = lo; i < hi; i++)
            while (!c->run[i].damaged && judge_one(c, &cache, i, find_reference(c, lo, hi, i)))
                ;
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
