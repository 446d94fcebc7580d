/* `parity info FILE.h5`: one result file, human-readable.  `parity info
 * --check` classifies files instead (ok / damaged / cannot read here) for the
 * sweep's resume, which must never redo a file that may be good. */
#include "analysis.h"
#include "result_read.h"

#include "../common/error.h"
#include "../common/h5util.h"
#include "../common/stats.h"

#include <stdio.h>
#include <string.h>

static void show(const struct result_file *r)
{
    const struct kernel_facts *k = &r->facts;
    char path[1024];
    parity_escape(r->path, path, sizeof path);
    printf("%s\n", path);
    printf("  run       %s --mode %s, %lld rank(s) x %lld thread(s), --reduce %s, variant %s\n",
           k->name, r->mode, (long long)r->ranks, (long long)r->threads, r->reduce, r->variant);
    printf("  kernel    %s: %s (version %s, kernel API %lld; facts from %s)\n", k->name,
           k->summary, k->has_version ? k->version : "none", (long long)k->api_version,
           k->from_file ? "the file" : "this parity's tables: a schema 1 file");
    printf("  verify    rtol %.3g, atol %.3g; bitwise with the default variant:", k->rtol,
           k->atol);
    for (int i = 0; i < k->nbitwise; i++)
        printf(" %s", k->bitwise[i]);
    printf("%s; same problem: same", k->nbitwise ? "" : " none");
    for (int i = 0; i < k->nkeys; i++)
        printf(" %s", k->key[i]);
    putchar('\n');
    printf("  problem   size %s, seed %lld", r->preset, (long long)r->seed);
    for (int i = 0; i < k->nparams; i++)
        printf(", %s=%lld", k->param[i], (long long)r->param[i]);
    printf("\n  made      %s on %s (%lld cores online), git %s\n", r->created_utc,
           r->hostname, (long long)r->cores_online, r->git_commit);
    printf("  flags     %s\n", r->cflags);
    printf("  timing    %d rep(s) after %lld warm-up(s): median %.6g s, min %.6g, max %.6g; "
           "start-up %.4g s\n",
           r->nreps, (long long)r->warmup, r->median_seconds,
           stats_min(r->wall, (size_t)r->nreps), stats_max(r->wall, (size_t)r->nreps),
           r->init_seconds);
    printf("  metrics   %.4g GFLOP/s, %.4g GB/s (kernel's model, median rep)\n", r->gflops,
           r->gbytes_per_s);
    printf("  result    digest %016llx, stored %s\n", (unsigned long long)r->digest, r->store);
    for (int i = 0; i < r->narrays; i++) {
        const struct result_array *a = &r->array[i];
        printf("    %-12s digest %016llx", a->name, (unsigned long long)a->digest);
        if (a->present)
            printf("  %s[%lld]%s", a->is_int ? "int64" : "float64", (long long)a->dims[0],
                   a->ndims == 2 ? "" : "");
        if (a->present && a->ndims == 2)
            printf("[%lld]", (long long)a->dims[1]);
        if (a->present && a->n == 1)
            printf("  = %.17g", a->is_int ? (double)a->i64[0] : a->f64[0]);
        putchar('\n');
    }
    printf("  placement %lld usable CPU(s)%s (h5dump -g /placement for every thread)\n",
           (long long)r->cpus_available, r->oversubscribed ? ", OVERSUBSCRIBED" : "");
    printf("  check     %s: error %.3g, bound %.3g (%s)\n", r->check_passed ? "passed" : "FAILED",
           r->check_error, r->check_bound, r->check_what);
}

/* One line per file: "PATH: ok", "PATH: damaged: WHY" or "PATH: cannot
 * read here: WHY".  Exit 0 all ok, 1 some damaged, 2 some cannot be read
 * here (those must be kept: they may be good). */
static int check(int argc, char **argv)
{
    int rc = 0;
    for (int i = 0; i < argc; i++) {
        struct result_file r;
        if (result_read(argv[i], &r, 1) == 0) {
            printf("%s: ok\n", argv[i]); /* as given: scripts match it */
            result_free(&r);
            continue;
        }
        const char *why = parity_last_error();
        size_t n = strlen(argv[i]);
        if (strncmp(why, argv[i], n) == 0 && strncmp(why + n, ": ", 2) == 0)
            why += n + 2;
        int damaged = r.fault == READ_DAMAGED;
        printf("%s: %s: %s\n", argv[i], damaged ? "damaged" : "cannot read here", why);
        if (!damaged)
            rc = 2;
        else if (rc == 0)
            rc = 1;
    }
    return rc;
}

static void info_usage(FILE *out)
{
    fputs("usage: parity info FILE.h5...\n"
          "       parity info --check FILE.h5...\n"
          "\n"
          "Show one result file: the run, the problem, provenance, timing, metrics,\n"
          "result digests and the self-check.  (`h5dump -A FILE.h5` shows every attribute.)\n"
          "\n"
          "--check: one line per file, \"FILE: ok\", \"FILE: damaged: WHY\" (corrupt,\n"
          "truncated or inconsistent: redo it) or \"FILE: cannot read here: WHY\"\n"
          "(permissions, a newer schema or kernel, a missing HDF5 plugin: it may be\n"
          "good, keep it).  Exit 0 all ok, 1 some damaged, 2 some cannot be read here.\n",
          out);
}

int cmd_info(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        info_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--check") == 0) {
        if (argc < 3) {
            parity_error("info --check: name the file(s) to check");
            return 2;
        }
        return check(argc - 2, argv + 2);
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct result_file r;
        if (result_read(argv[i], &r, 1) < 0) {
            rc = 2;
            continue;
        }
        show(&r);
        result_free(&r);
    }
    return rc;
}
