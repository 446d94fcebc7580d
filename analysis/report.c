/* The report model: read a campaign, judge it like verify, and derive per
 * run: median time, speedup vs seq with a bootstrap interval, efficiency,
 * Karp-Flatt; per problem and mode: an Amdahl fit; per series of sizes: the
 * break-even size.  The command line is report_cmd.c; writers are
 * report_write.c and report_plot.c, the "What this campaign shows" findings
 * report_findings.c. */
#include "analysis.h"
#include "report.h"

#include "../common/error.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- rows ---------------------------------------------------------------- */

static int is_default_variant(const struct result_file *m)
{
    return strcmp(m->variant, m->facts.variant[0]) == 0;
}

static void row_label(const struct result_file *m, char *buf, size_t size)
{
    const char *mode = mode_label(m);
    int n = snprintf(buf, size, "%s", mode);
    if (strcmp(mode, "hybrid") == 0)
        n += snprintf(buf + n, size - (size_t)n, " t=%lld", (long long)m->threads);
    if (strcmp(m->reduce, "repro") != 0)
        n += snprintf(buf + n, size - (size_t)n, " %s", m->reduce);
    if (!is_default_variant(m))
        snprintf(buf + n, size - (size_t)n, " %s", m->variant);
}

static int row_is_seq(const struct report_row *w)
{
    return strcmp(w->run->meta.mode, "seq") == 0;
}

/* The seq run a row's speedup is measured against: a correct one on the
 * same kind of machine first, then same variant, same host, same reduction,
 * then the default variant under repro. */
static int pick_seq_base(const struct report *r, int lo, int hi, int i)
{
    const struct result_file *m = &r->row[i].run->meta;
    int best = -1, best_score = -1;
    for (int j = lo; j < hi; j++) {
        const struct result_file *s = &r->row[j].run->meta;
        if (!row_is_seq(&r->row[j]) || s->nreps < 1)
            continue;
        int score = 64 * !r->row[j].wrong + 32 * (r->row[j].machine == r->row[i].machine) +
                    8 * (strcmp(s->variant, m->variant) == 0) +
                    4 * (strcmp(s->hostname, m->hostname) == 0) +
                    2 * (strcmp(s->reduce, m->reduce) == 0) +
                    (is_default_variant(s) && strcmp(s->reduce, "repro") == 0);
        if (score > best_score) {
            best = j;
            best_score = score;
        }
    }
    return best;
}

/* Without a seq run: the parallel run with the fewest cores, same machine
 * and same line preferred. */
static int pick_parallel_base(const struct report *r, int lo, int hi, int i)
{
    const struct report_row *w = &r->row[i];
    int best = -1;
    double best_key = INFINITY;
    for (int j = lo; j < hi; j++) {
        const struct report_row *c = &r->row[j];
        if (c->run->meta.nreps < 1 || c->wrong)
            continue;
        double key = c->cores * 4.0 + 2 * (c->machine != w->machine) +
                     (strcmp(c->label, w->label) != 0);
        if (key < best_key) {
            best = j;
            best_key = key;
        }
    }
    return best;
}

static void add_note(struct report_row *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_note(struct report_row *w, const char *fmt, ...)
{
    size_t n = strlen(w->note);
    if (n && n + 2 < sizeof w->note) {
        strcpy(w->note + n, "; ");
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->note + n, sizeof w->note - n, fmt, ap);
    va_end(ap);
}

/* "MPICH" from "MPICH Version: 4.0.2", "Open MPI" from "Open MPI v4.1.4". */
static void mpi_short_name(const char *lib, char *buf, size_t size)
{
    size_t n = strcspn(lib, " :,");
    if (strncmp(lib, "Open MPI", 8) == 0)
        n = 8;
    snprintf(buf, size, "%.*s", (int)n, lib);
}

/* Cores used are ranks x threads wherever they sit: efficiency and speedup
 * are per core, one node or several.  Runs on several nodes, and MPI runs
 * when the campaign mixes MPI libraries, are lines of their own. */
static void row_init(struct report_row *w, const struct judged_run *run, int with_machine,
                     int with_mpi)
{
    const struct result_file *m = &run->meta;
    w->run = run;
    w->cores = (int)(m->ranks * m->threads);
    row_label(m, w->label, sizeof w->label);
    if (m->spread.nodes > 1) {
        size_t n = strlen(w->label);
        snprintf(w->label + n, sizeof w->label - n, " on %lld nodes", (long long)m->spread.nodes);
    }
    if (with_mpi && strcmp(m->mode, "mpi") == 0 && m->spread.mpi_library[0]) {
        char name[32];
        size_t n = strlen(w->label);
        mpi_short_name(m->spread.mpi_library, name, sizeof name);
        snprintf(w->label + n, sizeof w->label - n, " (%s)", name);
    }
    if (with_machine) { /* different machines are different lines and fits */
        size_t n = strlen(w->label);
        snprintf(w->label + n, sizeof w->label - n, " @m%d", w->machine + 1);
    }
    snprintf(w->shape, sizeof w->shape, "%lld×%lld", (long long)m->ranks, (long long)m->threads);
    w->median = stats_median(m->wall, (size_t)m->nreps);
    w->min = stats_min(m->wall, (size_t)m->nreps);
    w->max = stats_max(m->wall, (size_t)m->nreps);
    w->base = -1;
    w->speedup = (struct interval){NAN, NAN, NAN, 0};
    w->efficiency = w->karp_flatt = NAN;
    w->wrong = run->cmp.verdict == V_MISMATCH || !m->check_passed || run->cmp.nonfinite;
}

static void row_speedup(struct report *r, int i, int base, int base_seq)
{
    struct report_row *w = &r->row[i], *b = &r->row[base];
    w->base = base;
    w->base_seq = base_seq;
    w->base_cores = b->cores;
    if (base == i) {
        w->speedup = (struct interval){1, 1, 1, 0};
    } else {
        const struct result_file *bm = &b->run->meta, *m = &w->run->meta;
        stats_ratio_interval(bm->wall, (size_t)bm->nreps, m->wall, (size_t)m->nreps,
                             REPORT_LEVEL, STATS_BOOTSTRAP_RESAMPLES, &w->speedup);
        if (!w->speedup.valid)
            add_note(w, "%s: no interval", m->nreps < 2 ? "1 repetition" : "1 baseline repetition");
    }
    w->efficiency = w->speedup.point * w->base_cores / w->cores;
    if (base_seq && w->cores > 1)
        w->karp_flatt = stats_karp_flatt(w->speedup.point, w->cores);
    if (b->machine != w->machine)
        add_note(w, "baseline ran on another kind of machine (m%d)", b->machine + 1);
}

static void row_notes(struct report_row *w, int several_hosts)
{
    const struct result_file *m = &w->run->meta;
    if (several_hosts && m->spread.nodes <= 1) /* several nodes: the label says so */
        add_note(w, "on %s", m->hostname);
    if (m->oversubscribed)
        add_note(w, "oversubscribed: %d on %lld CPUs", w->cores, (long long)m->cpus_available);
    if (!m->check_passed)
        add_note(w, "self-check FAILED");
    if (w->run->cmp.nonfinite)
        add_note(w, "%lld NaN/Inf", (long long)w->run->cmp.nonfinite);
}

/* ---- problems and series ------------------------------------------------- */

/* Work per repetition from the kernel's model, as the run recorded it
 * (rate x median time: cg's work depends on its iterations): GFLOP, else
 * GB; 0 if neither. */
static double problem_work(const struct result_file *m, int *is_bytes)
{
    double f = m->gflops * m->median_seconds;
    *is_bytes = 0;
    if (f > 0)
        return f;
    double b = m->gbytes_per_s * m->median_seconds;
    *is_bytes = b > 0;
    return b > 0 ? b : 0;
}

static void problem_names(struct report_problem *p, const struct result_file *m,
                          const char *key)
{
    snprintf(p->title, sizeof p->title, "%s", key);
    size_t n = (size_t)snprintf(p->slug, sizeof p->slug, "%s", m->facts.name);
    for (int i = 0; i < m->facts.nparams && n < sizeof p->slug; i++)
        n += (size_t)snprintf(p->slug + n, sizeof p->slug - n, "_%s%lld",
                              m->facts.param[i], (long long)m->param[i]);
    if (n < sizeof p->slug)
        snprintf(p->slug + n, sizeof p->slug - n, "_seed%lld", (long long)m->seed);
    for (char *c = p->slug; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-'))
            *c = '-';
}

static const struct result_file *problem_meta(const struct report *r, const struct report_problem *p)
{
    return &r->row[p->lo].run->meta;
}

static const struct report *sorting; /* qsort has no context argument */

static int cmp_problem(const void *pa, const void *pb)
{
    const struct report *r = sorting;
    const struct report_problem *a = pa, *b = pb;
    const struct result_file *x = problem_meta(r, a), *y = problem_meta(r, b);
    int c = strcmp(x->facts.name, y->facts.name);
    if (c) return c;
    if (x->seed != y->seed) return x->seed < y->seed ? -1 : 1;
    if (a->work != b->work) return a->work < b->work ? -1 : 1;
    return strcmp(a->title, b->title);
}

static int build_problems(struct report *r)
{
    struct campaign *c = r->campaign;
    r->problem = calloc((size_t)(c->n ? c->n : 1), sizeof *r->problem);
    if (!r->problem)
        return PARITY_EFAIL;
    for (int lo = 0, hi; lo < c->n; lo = hi) {
        hi = campaign_group_end(c, lo);
        struct report_problem *p = &r->problem[r->nproblems++];
        p->lo = lo;
        p->hi = hi;
        p->series = -1;
        const struct result_file *m = &c->run[lo].meta;
        p->work = problem_work(m, &p->work_is_bytes);
        problem_names(p, m, c->run[lo].problem);
        p->cpus = (int)m->cpus_available;
        for (int i = lo; i < hi; i++)
            if (c->run[i].meta.cpus_available != m->cpus_available)
                p->cpus = 0;
    }
    sorting = r;
    qsort(r->problem, (size_t)r->nproblems, sizeof *r->problem, cmp_problem);
    for (int k = 0; k < r->nproblems; k++)
        for (int i = r->problem[k].lo; i < r->problem[k].hi; i++)
            r->row[i].problem = k;
    return 0;
}

/* Problems [a, b) of one kernel and seed form a series: the size axis is the
 * one parameter that varies, or the kernel's work model when several do. */
static void build_series_axis(struct report *r, struct report_series *s)
{
    const struct result_file *m0 = problem_meta(r, &r->problem[s->problem[0]]);
    int varying = -1, nvarying = 0;
    for (int k = 0; k < m0->facts.nparams; k++)
        for (int j = 1; j < s->nproblems; j++)
            if (problem_meta(r, &r->problem[s->problem[j]])->param[k] != m0->param[k]) {
                varying = k;
                nvarying++;
                break;
            }
    int is_bytes = 0;
    problem_work(m0, &is_bytes);
    if (nvarying == 1)
        snprintf(s->axis, sizeof s->axis, "%s", m0->facts.param[varying]);
    if (nvarying == 1)
        snprintf(s->axis_label, sizeof s->axis_label, "%s (%s)",
                 m0->facts.param[varying], m0->facts.param_help[varying]);
    else
        snprintf(s->axis, sizeof s->axis, "work per repetition (%s, kernel model)",
                 is_bytes ? "GB" : "GFLOP");
    for (int j = 0; j < s->nproblems; j++) {
        struct report_problem *p = &r->problem[s->problem[j]];
        p->size = nvarying == 1 ? (double)problem_meta(r, p)->param[varying] : p->work;
    }
    snprintf(s->slug, sizeof s->slug, "%s_seed%lld", m0->facts.name, (long long)m0->seed);
    snprintf(s->title, sizeof s->title, "%s seed=%lld", m0->facts.name, (long long)m0->seed);
}

static int build_series(struct report *r)
{
    r->series = calloc((size_t)(r->nproblems ? r->nproblems : 1), sizeof *r->series);
    if (!r->series)
        return PARITY_EFAIL;
    for (int a = 0, b; a < r->nproblems; a = b) {
        const struct result_file *m = problem_meta(r, &r->problem[a]);
        for (b = a + 1; b < r->nproblems; b++) {
            const struct result_file *n = problem_meta(r, &r->problem[b]);
            if (strcmp(n->facts.name, m->facts.name) != 0 || n->seed != m->seed)
                break;
        }
        for (int k = a; k < b; k++)
            r->problem[k].size = r->problem[k].work;
        if (b - a < 2)
            continue;
        struct report_series *s = &r->series[r->nseries];
        if (!(s->problem = calloc((size_t)(b - a), sizeof *s->problem)))
            return PARITY_EFAIL;
        for (int k = a; k < b; k++) {
            s->problem[s->nproblems++] = k;
            r->problem[k].series = r->nseries;
        }
        build_series_axis(r, s);
        r->nseries++;
    }
    return 0;
}

/* ---- fits ---------------------------------------------------------------- */

static int fit_point(const struct report_row *w)
{
    return !row_is_seq(w) && w->base_seq && !w->wrong && !w->run->meta.oversubscribed &&
           isfinite(w->speedup.point) && w->cores > 1;
}

static void build_fits(struct report *r)
{
    r->fit = calloc((size_t)(r->nrows ? r->nrows : 1), sizeof *r->fit);
    double *p = malloc(sizeof(double) * (size_t)(r->nrows ? r->nrows : 1));
    double *s = malloc(sizeof(double) * (size_t)(r->nrows ? r->nrows : 1));
    for (int k = 0; r->fit && p && s && k < r->nproblems; k++) {
        const struct report_problem *pr = &r->problem[k];
        for (int i = pr->lo; i < pr->hi; i++) {
            if (!fit_point(&r->row[i]))
                continue;
            int seen = 0; /* one fit per label: skip labels fitted already */
            for (int j = pr->lo; j < i; j++)
                seen |= fit_point(&r->row[j]) && strcmp(r->row[j].label, r->row[i].label) == 0;
            if (seen)
                continue;
            struct report_fit *f = &r->fit[r->nfits];
            int n = 0;
            f->pmax = 0;
            for (int j = i; j < pr->hi; j++)
                if (fit_point(&r->row[j]) && strcmp(r->row[j].label, r->row[i].label) == 0) {
                    p[n] = r->row[j].cores;
                    s[n++] = r->row[j].speedup.point;
                    f->pmax = r->row[j].cores > f->pmax ? r->row[j].cores : f->pmax;
                }
            f->problem = k;
            snprintf(f->label, sizeof f->label, "%s", r->row[i].label);
            f->npoints = n;
            f->f = stats_amdahl_fit(p, s, (size_t)n, &f->rms);
            f->s2 = stats_amdahl_speedup(f->f, 2.0 * f->pmax);
            f->s10 = stats_amdahl_speedup(f->f, 10.0 * f->pmax);
            r->nfits++;
        }
    }
    free(p);
    free(s);
}

/* ---- break-even ------------------------------------------------------------ */

static int matching_row(const struct report *r, const struct report_problem *p,
                        const char *config)
{
    for (int i = p->lo; i < p->hi; i++) {
        const struct report_row *w = &r->row[i];
        char c[128];
        snprintf(c, sizeof c, "%s %s", w->label, w->shape);
        if (!row_is_seq(w) && w->base_seq && !w->wrong && w->speedup.point > 0 &&
            strcmp(c, config) == 0)
            return i;
    }
    return -1;
}

/* Size where b T_seq + o = T_seq, along the seq times of the points. */
static double model_crossing(const double *size, const double *tseq, int n, double b, double o)
{
    if (!(o > 0) || !(b < 1))
        return NAN;
    double t = o / (1 - b);
    int k = -1;
    for (int j = 0; j + 1 < n && k < 0; j++)
        if ((tseq[j] - t) * (tseq[j + 1] - t) <= 0)
            k = j;
    if (k < 0) /* outside the measured times: extend the end segment */
        k = t < tseq[0] ? 0 : n - 2;
    return stats_loglog_crossing(size[k], tseq[k], size[k + 1], tseq[k + 1], t);
}

static void breakeven_one(struct report *r, int si, const char *config)
{
    const struct report_series *s = &r->series[si];
    double size[64], ratio[64], tseq[64], tpar[64], w[64], init[64];
    int n = 0;
    for (int j = 0; j < s->nproblems; j++) {
        const struct report_problem *p = &r->problem[s->problem[j]];
        int i = matching_row(r, p, config);
        if (i < 0)
            continue;
        const struct report_row *row = &r->row[i];
        size[n] = p->size;
        ratio[n] = 1 / row->speedup.point;
        tseq[n] = r->row[row->base].median;
        tpar[n] = row->median;
        w[n] = 1 / (tpar[n] * tpar[n]); /* relative errors: every size counts */
        init[n++] = row->run->meta.init_seconds;
    }
    if (n < 2)
        return;
    struct report_breakeven *be = &r->be[r->nbe++];
    snprintf(be->config, sizeof be->config, "%s", config);
    be->series = si;
    be->npoints = n;
    be->size_small = size[0];
    be->size_large = size[n - 1];
    be->ratio_small = ratio[0];
    be->ratio_large = ratio[n - 1];
    /* The smallest size at which it beats seq, and whether a larger one
     * is slower again (noise, or a cache effect). */
    int first_fast = -1;
    for (int k = 0; k < n && first_fast < 0; k++)
        if (ratio[k] < 1)
            first_fast = k;
    be->crossing = be->slower_again = NAN;
    be->beats_at_all = first_fast < 0 ? 0 : first_fast == 0 ? 2 : 1;
    if (be->beats_at_all == 1)
        be->crossing = stats_loglog_crossing(size[first_fast - 1], ratio[first_fast - 1],
                                             size[first_fast], ratio[first_fast], 1);
    for (int k = first_fast + 1; first_fast >= 0 && k < n; k++)
        if (ratio[k] >= 1 && !isfinite(be->slower_again))
            be->slower_again = size[k];
    be->init_seconds = stats_median(init, (size_t)n);
    be->overhead = be->slope = be->model_crossing = NAN;
    if (stats_linfit(tseq, tpar, w, (size_t)n, &be->slope, &be->overhead) == 0)
        be->model_crossing = model_crossing(size, tseq, n, be->slope, be->overhead);
}

static void build_breakeven(struct report *r)
{
    r->be = calloc((size_t)(r->nrows ? r->nrows : 1), sizeof *r->be);
    for (int si = 0; r->be && si < r->nseries; si++) {
        const struct report_series *s = &r->series[si];
        /* Every parallel configuration seen anywhere in the series, once. */
        for (int j = 0; j < s->nproblems; j++) {
            const struct report_problem *p = &r->problem[s->problem[j]];
            for (int i = p->lo; i < p->hi; i++) {
                char config[128];
                snprintf(config, sizeof config, "%s %s", r->row[i].label, r->row[i].shape);
                if (row_is_seq(&r->row[i]))
                    continue;
                int seen = 0;
                for (int b = 0; b < r->nbe; b++)
                    seen |= r->be[b].series == si && strcmp(r->be[b].config, config) == 0;
                if (!seen)
                    breakeven_one(r, si, config);
            }
        }
    }
}

/* ---- the whole model ------------------------------------------------------- */

/* Machines: runs on the same CPU model with the same number of CPUs online
 * are interchangeable (the nodes of one cluster partition); lines and fits
 * are kept apart only when the campaign spans several kinds. */
static int machine_of(struct report *r, const struct result_file *m)
{
    char key[200];
    snprintf(key, sizeof key, "%s, %lld CPUs online", m->cpu_model[0] ? m->cpu_model : "CPU unknown",
             (long long)m->cores_online);
    for (int k = 0; k < r->nmachines; k++)
        if (strcmp(r->machine[k], key) == 0)
            return k;
    int k = r->nmachines++; /* room for one per run: build_machines */
    snprintf(r->machine[k], sizeof r->machine[k], "%s", key);
    return k;
}

static int build_machines(struct report *r)
{
    const struct campaign *c = r->campaign;
    size_t n = (size_t)(c->n ? c->n : 1);
    size_t *used = calloc(n, sizeof *used);
    int *nhosts = calloc(n, sizeof *nhosts);
    r->machine = calloc(n, sizeof *r->machine);
    r->machine_hosts = calloc(n, sizeof *r->machine_hosts);
    if (!used || !nhosts || !r->machine || !r->machine_hosts) {
        free(used);
        free(nhosts);
        parity_error("out of memory for the machines of %d runs", c->n);
        return PARITY_EFAIL;
    }
    for (int i = 0; i < c->n; i++) {
        const struct result_file *m = &c->run[i].meta;
        r->row[i].machine = machine_of(r, m);
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(c->run[j].meta.hostname, m->hostname) == 0;
        if (seen)
            continue;
        r->nhosts++;
        int k = r->row[i].machine;
        char *h = r->machine_hosts[k];
        size_t size = sizeof r->machine_hosts[k];
        if (++nhosts[k] <= 4 && used[k] < size)
            used[k] += (size_t)snprintf(h + used[k], size - used[k], "%s%s", used[k] ? ", " : "",
                                        m->hostname);
        else if (nhosts[k] == 5 && used[k] < size)
            used[k] += (size_t)snprintf(h + used[k], size - used[k], ", ...");
    }
    free(used);
    free(nhosts);
    return 0;
}

/* The MPI libraries that ran the campaign's mpi-mode runs (provenance). */
static void build_mpi_libraries(struct report *r)
{
    const struct campaign *c = r->campaign;
    size_t used = 0;
    for (int i = 0; i < c->n; i++) {
        const char *lib = c->run[i].meta.spread.mpi_library;
        if (strcmp(c->run[i].meta.mode, "mpi") != 0 || !lib[0])
            continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(c->run[j].meta.mode, "mpi") == 0 &&
                   strcmp(c->run[j].meta.spread.mpi_library, lib) == 0;
        if (seen)
            continue;
        r->nmpi++;
        if (used < sizeof r->mpi_libraries)
            used += (size_t)snprintf(r->mpi_libraries + used, sizeof r->mpi_libraries - used,
                                     "%s%s", used ? "; " : "", lib);
    }
}

int report_build(struct report *r)
{
    struct campaign *c = r->campaign;
    r->nrows = c->n;
    r->row = calloc((size_t)(c->n ? c->n : 1), sizeof *r->row);
    if (!r->row)
        return PARITY_EFAIL;
    CHECK(build_machines(r));
    build_mpi_libraries(r);
    for (int i = 0; i < c->n; i++)
        row_init(&r->row[i], &c->run[i], r->nmachines > 1, r->nmpi > 1);
    CHECK(build_problems(r));
    for (int k = 0; k < r->nproblems; k++) {
        struct report_problem *p = &r->problem[k];
        int any_seq = 0;
        for (int i = p->lo; i < p->hi; i++)
            any_seq |= row_is_seq(&r->row[i]);
        for (int i = p->lo; i < p->hi; i++) {
            int b = any_seq ? pick_seq_base(r, p->lo, p->hi, i) : pick_parallel_base(r, p->lo, p->hi, i);
            if (b >= 0)
                row_speedup(r, i, b, any_seq);
            row_notes(&r->row[i], r->nhosts > 1);
        }
        int b = any_seq ? -1 : pick_parallel_base(r, p->lo, p->hi, p->lo);
        if (any_seq)
            snprintf(p->base_what, sizeof p->base_what, "seq");
        else if (b >= 0)
            snprintf(p->base_what, sizeof p->base_what, "%s %s (no seq run)", r->row[b].label,
                     r->row[b].shape);
        else
            snprintf(p->base_what, sizeof p->base_what, "nothing (no seq run, no correct run)");
    }
    CHECK(build_series(r));
    build_fits(r);
    build_breakeven(r);
    report_findings(r);
    return 0;
}

void report_free(struct report *r)
{
    free(r->row);
    free(r->problem);
    for (int i = 0; r->series && i < r->nseries; i++)
        free(r->series[i].problem);
    free(r->series);
    free(r->machine);
    free(r->machine_hosts);
    free(r->fit);
    free(r->be);
}
