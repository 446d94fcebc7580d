/* `parity list`: what the registry and the mode table hold, with every
 * default, for people (the default listing) and for scripts (--format tsv,
 * --format json: kernels, modes, variants, parameters, presets with the
 * memory/byte/flop models evaluated).  Checked by tests/cli/list.bats: the
 * json parses, the tsv's parameters equal the human listing's. */
#include "../common/error.h"
#include "../common/numparse.h"
#include "../kernels/registry.h"
#include "modes.h"
#include "plugin.h"
#include "subcommands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum list_format { FMT_HUMAN, FMT_TSV, FMT_JSON };

/* The result file name scheme, written by drivers/result_write.c
 * (result_path); tests/cli/list.bats holds a real file name to it. */
static const char file_scheme[] = "{kernel}_{mode}_p{ranks}_t{threads}_{size}_{id}.h5";

static void list_kernel(const struct parity_kernel *k)
{
    const struct plugin_info *plugin = plugin_of(k);
    printf("%s — %s\n", k->name, k->summary);
    if (plugin)
        printf("  plugin      %s (version %s, sha256 %.16s…)\n", plugin->path,
               plugin->version[0] ? plugin->version : "none", plugin->sha256);
    printf("  parameters (%-8s %12s %12s %12s %12s)\n", "", "tiny", "small", "medium", "large");
    for (int i = 0; i < k->nparams; i++) {
        const struct parity_param *p = &k->params[i];
        printf("    --%-14s %12lld %12lld %12lld %12lld  %s\n", p->name,
               (long long)p->preset[0], (long long)p->preset[1],
               (long long)p->preset[2], (long long)p->preset[3], p->help);
    }
    printf("  variants\n");
    for (int i = 0; k->variants[i]; i++)
        printf("    %-16s %s%s\n", k->variants[i], k->variant_help[i],
               i == 0 ? " (default)" : "");
    printf("  output      %s\n", k->outputs);
    printf("  verify      bitwise under --reduce repro; |a-b| <= %g + %g*|ref| under fast\n",
           k->verify.atol, k->verify.rtol);
    printf("  self-check  %s\n", k->check_what);
    printf("  modes      ");
    for (const struct parity_mode_impl *m = k->modes; m->mode; m++)
        printf(" %s%s", m->mode, m[1].mode ? "," : "");
    if (kernel_mode(k, "mpi"))
        printf(" (hybrid: mpi with --threads > 1)");
    putchar('\n');
}

static void list_modes_human(void)
{
    printf("%-8s %-10s %-15s %-13s %s\n", "mode", "reference", "needs launcher",
           "uses threads", "what");
    for (const struct mode_desc *m = mode_table; m->name; m++)
        printf("%-8s %-10s %-15s %-13s %s\n", m->name, m->reference ? "yes" : "no",
               m->needs_launcher ? "yes" : "no", m->uses_threads ? "yes" : "no", m->help);
}

/* ---- models: what one process allocates, moves and computes ------------- */

struct model {
    const char *size;  /* preset name or "custom" */
    int64_t param[PARITY_MAX_PARAMS];
    double memory, bytes, flops;
};

/* The models at 1 rank / 1 thread in the reference mode, default variant,
 * repro (the context `parity run K --size S` would build), state NULL. */
static void model_eval(const struct parity_kernel *k, struct model *m)
{
    const struct mode_desc *ref = mode_table;
    while (ref->name && !ref->reference)
        ref++;
    struct parity_ctx c = {.kernel = k, .mode = ref->name, .threads = 1, .ranks = 1,
                           .rank = 0, .reduce = PARITY_REPRO, .variant = 0, .seed = 1};
    memcpy(c.param, m->param, sizeof c.param);
    const struct parity_mode_impl *impl = ref->name ? kernel_mode(k, ref->name) : NULL;
    double (*memory)(const struct parity_ctx *) =
        impl && impl->memory ? impl->memory : k->memory;
    m->memory = memory ? memory(&c) : NAN;
    m->bytes = k->bytes ? k->bytes(&c, NULL) : NAN;
    m->flops = k->flops ? k->flops(&c, NULL) : NAN;
}

/* A whole number as digits, else the shortest decimal that reads back as the same double (scripts and JSON
 * readers get exact values without 17-digit noise); "null" if not finite. */
static const char *num(double v, char *buf, size_t size)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "null");
        return buf;
    }
    if (v == floor(v) && fabs(v) < 9.2e18) { /* byte and flop counts: whole numbers */
        snprintf(buf, size, "%.0f", v);
        return buf;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* ---- tsv ------------------------------------------------------------------ */

/* One field: tab, newline, carriage return and backslash are written as \t,
 * \n, \r and \\, so every record stays one line of tab-separated fields; an
 * empty or NULL text is "-" (bash's read collapses empty tab fields). */
static void tsv_field(const char *s)
{
    putchar('\t');
    if (!s || !*s) {
        putchar('-');
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '\t': fputs("\\t", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        default: putchar(*s);
        }
    }
}

static void tsv_int(long long v)
{
    printf("\t%lld", v);
}

static void tsv_num(double v)
{
    char b[40];
    num(v, b, sizeof b);
    printf("\t%s", strcmp(b, "null") == 0 ? "-" : b);
}

static void tsv_head(void)
{
    printf("format\tparity-list\t1\n");
    for (const struct mode_desc *m = mode_table; m->name; m++) {
        fputs("mode", stdout);
        tsv_field(m->name);
        tsv_int(m->reference);
        tsv_int(m->needs_launcher);
        tsv_int(m->uses_threads);
        tsv_field(m->help);
        putchar('\n');
    }
    for (int s = 0; s < PARITY_PRESETS; s++) {
        fputs("size", stdout);
        tsv_field(preset_names[s]);
        putchar('\n');
    }
    fputs("file", stdout);
    tsv_field(file_scheme);
    putchar('\n');
}

static void tsv_model(const struct parity_kernel *k, const struct model *m)
{
    fputs("preset", stdout);
    tsv_field(k->name);
    tsv_field(m->size);
    tsv_num(m->memory);
    tsv_num(m->bytes);
    tsv_num(m->flops);
    putchar('\t');
    for (int i = 0; i < k->nparams; i++)
        printf("%s%s=%lld", i ? " " : "", k->params[i].name, (long long)m->param[i]);
    if (k->nparams == 0)
        putchar('-');
    putchar('\n');
}

static void tsv_kernel(const struct parity_kernel *k, const struct model *custom)
{
    fputs("kernel", stdout);
    tsv_field(k->name);
    tsv_field(k->summary);
    tsv_field(k->version);
    tsv_field(k->outputs);
    tsv_field(k->check_what);
    putchar('\n');
    const struct plugin_info *plugin = plugin_of(k);
    if (plugin) {
        fputs("plugin", stdout);
        tsv_field(k->name);
        tsv_field(plugin->path);
        tsv_field(plugin->sha256);
        putchar('\n');
    }
    for (const struct parity_mode_impl *m = k->modes; m && m->mode; m++) {
        fputs("kmode", stdout);
        tsv_field(k->name);
        tsv_field(m->mode);
        putchar('\n');
    }
    for (int i = 0; k->variants[i]; i++) {
        fputs("variant", stdout);
        tsv_field(k->name);
        tsv_field(k->variants[i]);
        tsv_int(i == 0);
        tsv_field(k->variant_help[i]);
        putchar('\n');
    }
    for (int i = 0; i < k->nparams; i++) {
        const struct parity_param *p = &k->params[i];
        fputs("param", stdout);
        tsv_field(k->name);
        tsv_field(p->name);
        for (int s = 0; s < PARITY_PRESETS; s++)
            tsv_int(p->preset[s]);
        tsv_int(p->min);
        tsv_int(p->max);
        tsv_field(p->help);
        putchar('\n');
    }
    fputs("verify", stdout);
    tsv_field(k->name);
    tsv_num(k->verify.rtol);
    tsv_num(k->verify.atol);
    putchar('\t');
    int nb = 0;
    for (const char *const *b = k->verify.bitwise_variants; b && *b; b++)
        printf("%s%s", nb++ ? "," : "", *b);
    if (!nb)
        putchar('-');
    putchar('\n');
    for (int s = 0; s < PARITY_PRESETS; s++) {
        struct model m = {.size = preset_names[s]};
        for (int i = 0; i < k->nparams; i++)
            m.param[i] = k->params[i].preset[s];
        model_eval(k, &m);
        tsv_model(k, &m);
    }
    if (custom)
        tsv_model(k, custom);
}

/* ---- json ----------------------------------------------------------------- */

static void json_str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (*u == '"' || *u == '\\')
            printf("\\%c", *u);
        else if (*u == '\n')
            fputs("\\n", stdout);
        else if (*u == '\t')
            fputs("\\t", stdout);
        else if (*u < 0x20 || *u == 0x7f)
            printf("\\u%04x", *u);
        else
            putchar(*u); /* UTF-8 passes through: JSON text is UTF-8 */
    }
    putchar('"');
}

static void json_key(const char *key)
{
    json_str(key);
    putchar(':');
}

static void json_num(double v)
{
    char b[40];
    fputs(num(v, b, sizeof b), stdout);
}

static void json_model(const struct parity_kernel *k, const struct model *m)
{
    putchar('{');
    json_key("size");
    json_str(m->size);
    putchar(',');
    json_key("params");
    putchar('{');
    for (int i = 0; i < k->nparams; i++) {
        if (i)
            putchar(',');
        json_key(k->params[i].name);
        printf("%lld", (long long)m->param[i]);
    }
    fputs("},", stdout);
    json_key("memory_bytes");
    json_num(m->memory);
    putchar(',');
    json_key("bytes");
    json_num(m->bytes);
    putchar(',');
    json_key("flops");
    json_num(m->flops);
    putchar('}');
}

static void json_kernel(const struct parity_kernel *k, const struct model *custom)
{
    fputs("{", stdout);
    json_key("name");
    json_str(k->name);
    fputs(",", stdout);
    json_key("summary");
    json_str(k->summary);
    fputs(",", stdout);
    json_key("version");
    json_str(k->version);
    fputs(",", stdout);
    const struct plugin_info *plugin = plugin_of(k);
    json_key("plugin");
    if (plugin) {
        putchar('{');
        json_key("path");
        json_str(plugin->path);
        putchar(',');
        json_key("sha256");
        json_str(plugin->sha256);
        putchar('}');
    } else {
        fputs("null", stdout);
    }
    fputs(",\n   ", stdout);
    json_key("modes");
    putchar('[');
    for (const struct parity_mode_impl *m = k->modes; m && m->mode; m++) {
        if (m != k->modes)
            putchar(',');
        json_str(m->mode);
    }
    fputs("],\n   ", stdout);
    json_key("variants");
    putchar('[');
    for (int i = 0; k->variants[i]; i++) {
        fputs(i ? "," : "", stdout);
        putchar('{');
        json_key("name");
        json_str(k->variants[i]);
        putchar(',');
        json_key("default");
        fputs(i == 0 ? "true" : "false", stdout);
        putchar(',');
        json_key("help");
        json_str(k->variant_help[i]);
        putchar('}');
    }
    fputs("],\n   ", stdout);
    json_key("params");
    putchar('[');
    for (int i = 0; i < k->nparams; i++) {
        const struct parity_param *p = &k->params[i];
        fputs(i ? ",\n    " : "", stdout);
        putchar('{');
        json_key("name");
        json_str(p->name);
        putchar(',');
        json_key("help");
        json_str(p->help);
        putchar(',');
        json_key("presets");
        putchar('{');
        for (int s = 0; s < PARITY_PRESETS; s++) {
            fputs(s ? "," : "", stdout);
            json_key(preset_names[s]);
            printf("%lld", (long long)p->preset[s]);
        }
        fputs("},", stdout);
        json_key("min");
        printf("%lld,", (long long)p->min);
        json_key("max");
        printf("%lld}", (long long)p->max);
    }
    fputs("],\n   ", stdout);
    json_key("outputs");
    json_str(k->outputs);
    putchar(',');
    json_key("self_check");
    json_str(k->check_what);
    fputs(",\n   ", stdout);
    json_key("verify");
    putchar('{');
    json_key("rtol");
    json_num(k->verify.rtol);
    putchar(',');
    json_key("atol");
    json_num(k->verify.atol);
    putchar(',');
    json_key("bitwise_variants");
    putchar('[');
    for (const char *const *b = k->verify.bitwise_variants; b && *b; b++) {
        if (b != k->verify.bitwise_variants)
            putchar(',');
        json_str(*b);
    }
    fputs("]},\n   ", stdout);
    json_key("presets");
    putchar('[');
    for (int s = 0; s < PARITY_PRESETS; s++) {
        struct model m = {.size = preset_names[s]};
        for (int i = 0; i < k->nparams; i++)
            m.param[i] = k->params[i].preset[s];
        model_eval(k, &m);
        fputs(s ? ",\n    " : "", stdout);
        json_model(k, &m);
    }
    if (custom) {
        fputs(",\n    ", stdout);
        json_model(k, custom);
    }
    fputs("]}", stdout);
}

static void json_all(const struct parity_kernel *const *ks, int nk, const struct model *custom)
{
    fputs("{", stdout);
    json_key("format");
    json_str("parity-list");
    putchar(',');
    json_key("version");
    fputs("1,\n ", stdout);
    json_key("modes");
    putchar('[');
    for (const struct mode_desc *m = mode_table; m->name; m++) {
        fputs(m == mode_table ? "" : ",\n  ", stdout);
        putchar('{');
        json_key("name");
        json_str(m->name);
        putchar(',');
        json_key("reference");
        fputs(m->reference ? "true," : "false,", stdout);
        json_key("needs_launcher");
        fputs(m->needs_launcher ? "true," : "false,", stdout);
        json_key("uses_threads");
        fputs(m->uses_threads ? "true," : "false,", stdout);
        json_key("help");
        json_str(m->help);
        putchar('}');
    }
    fputs("],\n ", stdout);
    json_key("sizes");
    putchar('[');
    for (int s = 0; s < PARITY_PRESETS; s++) {
        fputs(s ? "," : "", stdout);
        json_str(preset_names[s]);
    }
    fputs("],\n ", stdout);
    json_key("file");
    json_str(file_scheme);
    fputs(",\n ", stdout);
    json_key("kernels");
    fputs("[\n  ", stdout);
    for (int i = 0; i < nk; i++) {
        fputs(i ? ",\n  " : "", stdout);
        json_kernel(ks[i], custom);
    }
    fputs("]}\n", stdout);
}

/* ---- the command ---------------------------------------------------------- */

/* The plugins on PARITY_KERNEL_PATH join the listing after the built-ins;
 * past PLUGINS_LISTED of them the rest are counted and said, not dropped
 * silently. */
#define PLUGINS_LISTED 64

struct found {
    const struct parity_kernel **ks;
    int *nk;
    int cap;
    int left_out;
};

static void add_found(const struct parity_kernel *k, void *arg)
{
    struct found *f = arg;
    if (*f->nk < f->cap)
        f->ks[(*f->nk)++] = k;
    else
        f->left_out++;
}

static void list_usage(void)
{
    puts("usage: parity list [--format human|tsv|json] [KERNEL... [--PARAM VALUE...]]\n"
         "       parity list --names | --modes\n"
         "\n"
         "Kernels with their parameters and presets, variants, modes, output arrays,\n"
         "verification policy and self-check (human listing by default).  Without\n"
         "KERNEL: the built-in kernels, then the plugins found as NAME.so in the\n"
         "folders of PARITY_KERNEL_PATH.  KERNEL may be a plugin's path (./k.so).\n"
         "  --names        only the kernel names, one a line\n"
         "  --modes        the mode table: name, reference, needs launcher, uses threads\n"
         "  --format tsv   for scripts: one record a line, fields separated by tabs\n"
         "  --format json  the same content as one JSON object\n"
         "  --PARAM VALUE  (one KERNEL, tsv/json) also evaluate the models at these\n"
         "                 parameters (the preset `small` for the others): a `custom` preset\n"
         "\n"
         "TSV records (field 1 is the record type; read with awk -F'\\t'):\n"
         "  format   parity-list  VERSION(1)\n"
         "  mode     NAME  REFERENCE(0/1)  NEEDS_LAUNCHER(0/1)  USES_THREADS(0/1)  HELP\n"
         "  size     NAME                       (the presets, in order)\n"
         "  file     SCHEME                     result file names, e.g.\n"
         "           {kernel}_{mode}_p{ranks}_t{threads}_{size}_{id}.h5\n"
         "  kernel   NAME  SUMMARY  VERSION  OUTPUTS  SELF_CHECK\n"
         "  plugin   KERNEL  PATH  SHA256       (only for a plugin kernel: its file)\n"
         "  kmode    KERNEL  MODE               (one per mode the kernel provides)\n"
         "  variant  KERNEL  NAME  DEFAULT(0/1)  HELP\n"
         "  param    KERNEL  NAME  TINY  SMALL  MEDIUM  LARGE  MIN  MAX  HELP\n"
         "  verify   KERNEL  RTOL  ATOL  BITWISE_VARIANTS (comma-separated)\n"
         "  preset   KERNEL  SIZE  MEMORY_BYTES  BYTES  FLOPS  PARAMS (name=value ...)\n"
         "           MEMORY_BYTES: what one process allocates at 1 rank, 1 thread;\n"
         "           BYTES, FLOPS: one repetition's traffic and work (the models\n"
         "           behind GB/s and GFLOP/s); SIZE `custom` for --PARAM values\n"
         "The records of one kernel follow its `kernel` record.  An empty text is\n"
         "written `-`; tab, newline, CR and backslash in a text as \\t \\n \\r \\\\.\n"
         "Hybrid is not a mode: it is mpi with --threads > 1.");
}

/* --PARAM VALUE pairs for one kernel: the `custom` model (starting from the
 * `small` preset, as `parity run` does). */
static int parse_custom(const struct parity_kernel *k, int argc, char **argv, struct model *m)
{
    m->size = "custom";
    for (int i = 0; i < k->nparams; i++)
        m->param[i] = k->params[i].preset[PARITY_SMALL];
    for (int a = 0; a < argc; a += 2) {
        char shown[256];
        const char *opt = argv[a];
        int idx = strncmp(opt, "--", 2) == 0 ? kernel_param_index(k, opt + 2) : -1;
        if (idx < 0) {
            parity_error("list %s: '%s' is not a parameter of %s (parity list %s)", k->name,
                         parity_escape(opt, shown, sizeof shown), k->name, k->name);
            return PARITY_EUSAGE;
        }
        if (a + 1 >= argc) {
            parity_error("list %s: %s needs a value", k->name, opt);
            return PARITY_EUSAGE;
        }
        const struct parity_param *p = &k->params[idx];
        int64_t v;
        if (parse_int64(argv[a + 1], &v) < 0 || v < p->min || v > p->max) {
            parity_error("list %s: %s must be a whole number in %lld..%lld, not '%s'", k->name,
                         opt, (long long)p->min, (long long)p->max,
                         parity_escape(argv[a + 1], shown, sizeof shown));
            return PARITY_EUSAGE;
        }
        m->param[idx] = v;
    }
    model_eval(k, m);
    return 0;
}

int cmd_list(int argc, char **argv)
{
    enum list_format fmt = FMT_HUMAN;
    int names = 0, modes = 0, nk = 0, a = 1;
    const struct parity_kernel *ks[64];
    char shown[256];
    for (; a < argc; a++) {
        const char *s = argv[a];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            list_usage();
            return 0;
        } else if (strcmp(s, "--names") == 0) {
            names = 1;
        } else if (strcmp(s, "--modes") == 0) {
            modes = 1;
        } else if (strcmp(s, "--format") == 0 || strncmp(s, "--format=", 9) == 0) {
            const char *f = s[8] == '=' ? s + 9 : (a + 1 < argc ? argv[++a] : "");
            if (strcmp(f, "tsv") == 0)
                fmt = FMT_TSV;
            else if (strcmp(f, "json") == 0)
                fmt = FMT_JSON;
            else if (strcmp(f, "human") == 0)
                fmt = FMT_HUMAN;
            else {
                parity_error("list: --format must be human, tsv or json, not '%s'",
                             parity_escape(f, shown, sizeof shown));
                return 2;
            }
        } else if (strncmp(s, "--", 2) == 0 && nk == 1) {
            break; /* the kernel's parameters start here */
        } else if (s[0] == '-') {
            parity_error("list: unknown option '%s' (see parity list --help)",
                         parity_escape(s, shown, sizeof shown));
            return 2;
        } else {
            const struct parity_kernel *k;
            if (kernel_lookup(s, &k) != 0)
                return 2;
            if (nk == (int)(sizeof ks / sizeof ks[0])) {
                parity_error("list: too many kernels named");
                return 2;
            }
            ks[nk++] = k;
        }
    }
    struct model custom;
    int have_custom = a < argc;
    if (have_custom) {
        if (fmt == FMT_HUMAN) {
            parity_error("list: --PARAM values need --format tsv or json");
            return 2;
        }
        if (parity_exit_code(parse_custom(ks[0], argc - a, argv + a, &custom)) != 0)
            return 2;
    }
    if (names + modes > 1 || ((names || modes) && (nk || fmt != FMT_HUMAN))) {
        parity_error("list: --names and --modes take nothing else (see parity list --help)");
        return 2;
    }
    if (modes) {
        list_modes_human();
        return 0;
    }
    /* no kernel named: every built-in, however many, then the plugins found
     * on PARITY_KERNEL_PATH (at most PLUGINS_LISTED of them) */
    const struct parity_kernel *const *list = ks;
    const struct parity_kernel **all = NULL;
    if (nk == 0) {
        int nbuiltin = 0;
        while (kernel_registry[nbuiltin])
            nbuiltin++;
        all = malloc(sizeof *all * (size_t)(nbuiltin + PLUGINS_LISTED));
        if (!all) {
            parity_error("list: out of memory");
            return 2;
        }
        for (int i = 0; i < nbuiltin; i++)
            all[nk++] = kernel_registry[i];
        struct found f = {all, &nk, nbuiltin + PLUGINS_LISTED, 0};
        plugin_scan_path(add_found, &f, 0);
        if (f.left_out)
            fprintf(stderr, "parity: list: %d more plugin(s) on PARITY_KERNEL_PATH not "
                    "listed (at most %d are)\n", f.left_out, PLUGINS_LISTED);
        list = all;
    }
    if (names) {
        for (int i = 0; i < nk; i++)
            puts(list[i]->name);
        free(all);
        return 0;
    }
    const struct model *cm = have_custom ? &custom : NULL;
    if (fmt == FMT_JSON) {
        json_all(list, nk, cm);
    } else if (fmt == FMT_TSV) {
        tsv_head();
        for (int i = 0; i < nk; i++)
            tsv_kernel(list[i], cm);
    } else {
        for (int i = 0; i < nk; i++) {
            list_kernel(list[i]);
            if (i + 1 < nk)
                putchar('\n');
        }
    }
    free(all);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        parity_error("list: cannot write the listing");
        return 2;
    }
    return 0;
}
