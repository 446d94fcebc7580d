/* `parity run` command line -> struct run_config.  Kernel parameters become
 * options (--n, --steps, ...) generated from the kernel's descriptor, so a
 * new kernel needs no change here. */
#include "run.h"

#include "../common/error.h"
#include "plugin.h"
#include "../common/numparse.h"

#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_MODE = 256, OPT_THREADS, OPT_SIZE, OPT_REPS, OPT_WARMUP, OPT_REDUCE,
    OPT_VARIANT, OPT_SEED, OPT_OUT, OPT_OUTDIR, OPT_STORE, OPT_QUIET, OPT_HELP,
    OPT_OVERWRITE,
    OPT_PARAM = 512, /* + parameter index */
};

static const struct option fixed_options[] = {
    {"mode", required_argument, NULL, OPT_MODE},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"size", required_argument, NULL, OPT_SIZE},
    {"reps", required_argument, NULL, OPT_REPS},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"reduce", required_argument, NULL, OPT_REDUCE},
    {"variant", required_argument, NULL, OPT_VARIANT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"out", required_argument, NULL, OPT_OUT},
    {"overwrite", no_argument, NULL, OPT_OVERWRITE},
    {"outdir", required_argument, NULL, OPT_OUTDIR},
    {"store", required_argument, NULL, OPT_STORE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
};
#define NFIXED (int)(sizeof fixed_options / sizeof fixed_options[0])

int run_option_reserved(const char *name)
{
    for (int i = 0; i < NFIXED; i++)
        if (strcmp(fixed_options[i].name, name) == 0)
            return 1;
    return strcmp(name, "h") == 0;
}

void run_usage(FILE *out)
{
    fputs("usage: parity run KERNEL [options]\n"
          "\n"
          "Run one configuration of KERNEL, time it, self-check it and write one\n"
          "HDF5 result file.  `parity list` shows kernels and their parameters.\n"
          "KERNEL is a built-in kernel's name, a plugin's path (./mykernel.so), or\n"
          "NAME for NAME.so in a folder of PARITY_KERNEL_PATH (colon-separated).\n"
          "\n"
          "  --mode seq|omp|mpi        seq (default): the reference; omp: OpenMP threads;\n"
          "                            mpi: one process per rank, start with\n"
          "                            `mpirun -np P parity run ...` or `srun -n P ...`\n"
          "  --threads N               threads per process (default OMP_NUM_THREADS, else 1);\n"
          "                            with --mode mpi, N > 1 makes it hybrid\n"
          "  --size tiny|small|medium|large\n"
          "                            parameter preset (default small)\n"
          "  --PARAM N                 any kernel parameter, e.g. --n 1000 (after --size)\n"
          "  --reps R --warmup W       timed repetitions (default 5) after W untimed ones (1)\n"
          "  --reduce repro|fast       repro (default): bitwise equal in every mode;\n"
          "                            fast: native reductions, equal within a tolerance\n"
          "  --variant NAME            kernel-specific (see `parity list`)\n"
          "  --seed S                  seed for kernels with pseudo-random inputs (default 1)\n"
          "  --out FILE.h5             exact output path (an existing file is refused\n"
          "                            unless --overwrite is given), or\n"
          "  --outdir DIR              folder for a generated name (default results/)\n"
          "  --store full|digest       full arrays (default) or only digest + summary\n"
          "  --quiet                   no summary line\n"
          "\n"
          "Exit status: 0 run done and self-check passed; 1 self-check failed;\n"
          "2 bad usage.\n",
          out);
}

static int bad_number(const char *opt, const char *text)
{
    char shown[256];
    parity_error("--%s: '%s' is not a valid number", opt,
                 parity_escape(text, shown, sizeof shown));
    return PARITY_EUSAGE;
}

/* The documented number forms only: decimal digits (with _ between groups),
 * an optional sign, fraction and exponent (1000000, 4_000_000, 2e7, 1.5e3).
 * strtod alone would also take 0x10, "inf" and leading blanks. */
static int decimal_form(const char *text)
{
    const char *p = text;
    int digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    for (; isdigit((unsigned char)*p) || (*p == '_' && digits); p++)
        digits += *p != '_';
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            digits++;
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

/* OMP_NUM_THREADS obeys the same limit as --threads: a huge value would
 * otherwise reach the OpenMP runtime (100000 threads segfault in libgomp). */
#define MAX_THREADS 4096

static int parse_count(const char *opt, const char *text, int64_t min,
                       int64_t max, int64_t *value)
{
    if (!decimal_form(text) || parse_int64(text, value) < 0)
        return bad_number(opt, text);
    if (*value < min || *value > max) {
        parity_error("--%s: %s is out of range [%lld, %lld]", opt, text,
                     (long long)min, (long long)max);
        return PARITY_EUSAGE;
    }
    return 0;
}

static int lookup(const char *opt, const char *text, const char *const *names,
                  int count)
{
    for (int i = 0; i < count; i++)
        if (names[i] && strcmp(names[i], text) == 0)
            return i;
    char shown[256];
    parity_error("--%s: unknown value '%s'", opt, parity_escape(text, shown, sizeof shown));
    return PARITY_EUSAGE;
}

static void record_command_line(int argc, char **argv, struct run_config *cfg)
{
    size_t used = (size_t)snprintf(cfg->command_line, sizeof cfg->command_line,
                                   "parity");
    for (int i = 0; i < argc && used < sizeof cfg->command_line; i++)
        used += (size_t)snprintf(cfg->command_line + used,
                                 sizeof cfg->command_line - used, " %s", argv[i]);
}

static void set_defaults(struct run_config *cfg, const struct parity_kernel *k)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ctx.kernel = k;
    cfg->mode = mode_find("seq");
    cfg->ctx.mode = cfg->mode->name;
    cfg->ctx.threads = 0; /* resolved after parsing */
    cfg->ctx.ranks = 1;
    cfg->ctx.reduce = PARITY_REPRO;
    cfg->ctx.seed = 1;
    cfg->preset = PARITY_SMALL;
    cfg->reps = 5;
    cfg->warmup = 1;
    cfg->outdir = "results";
    cfg->store_full = 1;
}

/* --mode: a row of the mode table that the kernel implements. */
static int choose_mode(struct run_config *cfg, const char *arg)
{
    const struct parity_kernel *k = cfg->ctx.kernel;
    char shown[256], names[256] = "";
    const struct mode_desc *m = mode_find(arg);
    if (!m) {
        size_t used = 0;
        for (const struct mode_desc *t = mode_table; t->name && used < sizeof names; t++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                     used ? ", " : "", t->name);
        parity_error("--mode: unknown mode '%s' (modes: %s)",
                     parity_escape(arg, shown, sizeof shown), names);
        return PARITY_EUSAGE;
    }
    if (!kernel_mode(k, m->name)) {
        size_t used = 0;
        for (const struct parity_mode_impl *i = k->modes; i->mode && used < sizeof names; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                     used ? ", " : "", i->mode);
        parity_error("--mode %s: kernel %s does not provide it (it provides: %s)",
                     m->name, k->name, names);
        return PARITY_EUSAGE;
    }
    cfg->mode = m;
    cfg->ctx.mode = m->name;
    return 0;
}

/* Options that do not depend on the kernel; returns 1 if `c` was not one. */
static int apply_fixed(struct run_config *cfg, int c, const char *arg,
                       int *param_set)
{
    const struct parity_kernel *k = cfg->ctx.kernel;
    int64_t v;
    int i;
    switch (c) {
    case OPT_MODE:
        return choose_mode(cfg, arg);
    case OPT_THREADS:
        CHECK(parse_count("threads", arg, 1, MAX_THREADS, &v));
        cfg->ctx.threads = (int)v;
        return 0;
    case OPT_SIZE:
        CHECK(i = lookup("size", arg, preset_names, PARITY_PRESETS));
        cfg->preset = i;
        for (int p = 0; p < k->nparams; p++)
            if (!param_set[p])
                cfg->ctx.param[p] = k->params[p].preset[i];
        return 0;
    case OPT_REPS:
        CHECK(parse_count("reps", arg, 1, 1000000, &v));
        cfg->reps = (int)v;
        return 0;
    case OPT_WARMUP:
        CHECK(parse_count("warmup", arg, 0, 1000000, &v));
        cfg->warmup = (int)v;
        return 0;
    case OPT_REDUCE:
        CHECK(i = lookup("reduce", arg, reduce_names, 2));
        cfg->ctx.reduce = (enum parity_reduce)i;
        return 0;
    case OPT_VARIANT:
        if ((i = kernel_variant_index(k, arg)) < 0) {
            char shown[256];
            parity_error("--variant: kernel %s has no variant '%s' (see `parity list %s`)",
                         k->name, parity_escape(arg, shown, sizeof shown), k->name);
            return PARITY_EUSAGE;
        }
        cfg->ctx.variant = i;
        return 0;
    case OPT_SEED:
        CHECK(parse_count("seed", arg, 0, INT64_MAX, &v));
        cfg->ctx.seed = (uint64_t)v;
        return 0;
    case OPT_OUT: cfg->out_file = arg; return 0;
    case OPT_OVERWRITE: cfg->overwrite = 1; return 0;
    case OPT_OUTDIR: cfg->outdir = arg; return 0;
    case OPT_STORE:
        if (strcmp(arg, "full") != 0 && strcmp(arg, "digest") != 0) {
            char shown[256];
            parity_error("--store: unknown value '%s' (full or digest)",
                         parity_escape(arg, shown, sizeof shown));
            return PARITY_EUSAGE;
        }
        cfg->store_full = strcmp(arg, "full") == 0;
        return 0;
    case OPT_QUIET: cfg->quiet = 1; return 0;
    }
    return 1;
}

/* Threads: --threads, else OMP_NUM_THREADS (its first entry), else 1. */
static int resolve_threads(struct run_config *cfg)
{
    if (cfg->ctx.threads == 0) {
        const char *env = getenv("OMP_NUM_THREADS");
        int64_t v = 1;
        if (env && *env && cfg->mode->uses_threads) {
            char first[32];
            snprintf(first, sizeof first, "%s", env);
            first[strcspn(first, ",")] = '\0';
            char shown[64];
            if (!decimal_form(first) || parse_int64(first, &v) < 0 || v < 1) {
                parity_error("OMP_NUM_THREADS='%s' is not a thread count",
                             parity_escape(env, shown, sizeof shown));
                return PARITY_EUSAGE;
            }
            if (v > MAX_THREADS) {
                parity_error("OMP_NUM_THREADS=%s is out of range [1, %d] (the --threads "
                             "limit)", parity_escape(first, shown, sizeof shown),
                             MAX_THREADS);
                return PARITY_EUSAGE;
            }
        }
        cfg->ctx.threads = (int)v;
    }
    if (!cfg->mode->uses_threads && cfg->ctx.threads != 1) {
        parity_error("--mode %s runs one thread; use --mode omp --threads %d",
                     cfg->mode->name, cfg->ctx.threads);
        return PARITY_EUSAGE;
    }
    return 0;
}

int run_parse(int argc, char **argv, struct run_config *cfg)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        run_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? PARITY_EUSAGE : 1;
    }
    const struct parity_kernel *k;
    CHECK(kernel_lookup(argv[1], &k));
    set_defaults(cfg, k);
    record_command_line(argc, argv, cfg);
    for (int p = 0; p < k->nparams; p++)
        cfg->ctx.param[p] = k->params[p].preset[PARITY_SMALL];

    struct option opts[NFIXED + PARITY_MAX_PARAMS + 1];
    memcpy(opts, fixed_options, sizeof fixed_options);
    for (int p = 0; p < k->nparams; p++)
        opts[NFIXED + p] = (struct option){k->params[p].name, required_argument,
                                           NULL, OPT_PARAM + p};
    opts[NFIXED + k->nparams] = (struct option){0};

    int param_set[PARITY_MAX_PARAMS] = {0};
    int c;
    optind = 2;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == OPT_HELP || c == 'h') {
            run_usage(stdout);
            return 1;
        }
        if (c == '?' || c == ':') {
            char shown[256];
            parity_error("run %s: unknown or incomplete option '%s' (see parity run --help)",
                         k->name, parity_escape(argv[optind - 1], shown, sizeof shown));
            return PARITY_EUSAGE;
        }
        if (c >= OPT_PARAM) {
            const struct parity_param *d = &k->params[c - OPT_PARAM];
            CHECK(parse_count(d->name, optarg, d->min, d->max,
                              &cfg->ctx.param[c - OPT_PARAM]));
            param_set[c - OPT_PARAM] = 1;
            continue;
        }
        CHECK(apply_fixed(cfg, c, optarg, param_set));
    }
    if (optind < argc) {
        char shown[256];
        parity_error("run %s: unexpected argument '%s'", k->name,
                     parity_escape(argv[optind], shown, sizeof shown));
        return PARITY_EUSAGE;
    }
    /* A hand-set parameter that differs from the preset makes it custom. */
    int chosen = cfg->preset;
    for (int p = 0; p < k->nparams; p++)
        if (param_set[p] && cfg->ctx.param[p] != k->params[p].preset[chosen])
            cfg->preset = PRESET_CUSTOM;
    CHECK(resolve_threads(cfg));
    cfg->impl = kernel_mode(k, cfg->mode->name);
    if (!cfg->impl) { /* the default mode (seq) is missing: a broken descriptor */
        parity_error("kernel %s does not provide --mode %s", k->name, cfg->mode->name);
        return PARITY_EUSAGE;
    }
    return 0;
}

const char *run_preset_name(const struct run_config *cfg)
{
    return cfg->preset == PRESET_CUSTOM ? "custom" : preset_names[cfg->preset];
}
