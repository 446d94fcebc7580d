/* Kernel facts: lookups, validation and the schema 1 hook (see facts.h).
 * Validation is exercised by tests/cli/schema.bats (damaged /kernel groups). */
#include "facts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static builtin_facts_fn builtin;

void analysis_set_builtin_facts(builtin_facts_fn fn)
{
    builtin = fn;
}

int analysis_builtin_facts(const char *kernel, struct kernel_facts *out)
{
    memset(out, 0, sizeof *out);
    if (!builtin || builtin(kernel, out) < 0)
        return -1;
    out->from_file = 0;
    return 0;
}

static int find(const char (*names)[FACTS_NAME], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

int facts_param_index(const struct kernel_facts *f, const char *name)
{
    return find(f->param, f->nparams, name);
}

int facts_variant_index(const struct kernel_facts *f, const char *name)
{
    return find(f->variant, f->nvariants, name);
}

/* The /run attributes every parity writes: a parameter of the same name
 * would overwrite one of them, and a problem key may name them. */
static const char *const fixed_run_attrs[] = {
    "kernel", "mode", "ranks", "threads", "reduce", "variant", "preset",
    "seed", "reps", "warmup", "store", NULL};

static int is_fixed(const char *name)
{
    for (const char *const *a = fixed_run_attrs; *a; a++)
        if (strcmp(*a, name) == 0)
            return 1;
    return 0;
}

/* [a-z0-9_-]+, shorter than max. */
static int good_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* Every name good and none twice. */
static int good_names(const char (*names)[FACTS_NAME], int n, int max, const char *what,
                      char *why, size_t size)
{
    if (n < 0 || n > max) {
        snprintf(why, size, "%d %s (at most %d)", n, what, max);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (!good_name(names[i], FACTS_NAME)) {
            snprintf(why, size, "%s '%s' is not a name of [a-z0-9_-]", what, names[i]);
            return -1;
        }
        if (find(names, i, names[i]) >= 0) {
            snprintf(why, size, "%s '%s' appears twice", what, names[i]);
            return -1;
        }
    }
    return 0;
}

int facts_validate(const struct kernel_facts *f, char *why, size_t size)
{
    if (!good_name(f->name, FACTS_KERNEL_NAME + 1)) {
        snprintf(why, size, "kernel name '%s' is not 1-%d characters of [a-z0-9_-]", f->name,
                 FACTS_KERNEL_NAME);
        return -1;
    }
    if (!f->summary[0]) {
        snprintf(why, size, "kernel %s has no summary", f->name);
        return -1;
    }
    if (f->api_version < 1) {
        snprintf(why, size, "kernel API version %lld is not a version", (long long)f->api_version);
        return -1;
    }
    if (good_names(f->param, f->nparams, FACTS_MAX_PARAMS, "parameter", why, size) < 0 ||
        good_names(f->variant, f->nvariants, FACTS_MAX_VARIANTS, "variant", why, size) < 0 ||
        good_names(f->bitwise, f->nbitwise, FACTS_MAX_VARIANTS, "bitwise variant", why, size) < 0 ||
        good_names(f->key, f->nkeys, FACTS_MAX_KEYS, "problem key", why, size) < 0)
        return -1;
    for (int i = 0; i < f->nparams; i++) {
        if (is_fixed(f->param[i])) {
            snprintf(why, size, "parameter '%s' has the name of a fixed /run attribute",
                     f->param[i]);
            return -1;
        }
        if (f->param_min[i] > f->param_max[i]) {
            snprintf(why, size, "parameter %s's range [%lld, %lld] is empty", f->param[i],
                     (long long)f->param_min[i], (long long)f->param_max[i]);
            return -1;
        }
    }
    if (f->nvariants < 1) {
        snprintf(why, size, "kernel %s has no variant (not even a default)", f->name);
        return -1;
    }
    if (!isfinite(f->rtol) || f->rtol < 0 || !isfinite(f->atol) || f->atol < 0) {
        snprintf(why, size, "verify tolerance rtol=%g atol=%g is not finite and >= 0", f->rtol,
                 f->atol);
        return -1;
    }
    for (int i = 0; i < f->nbitwise; i++)
        if (facts_variant_index(f, f->bitwise[i]) < 0) {
            snprintf(why, size, "bitwise variant '%s' is not one of the kernel's variants",
                     f->bitwise[i]);
            return -1;
        }
    for (int i = 0; i < f->nkeys; i++)
        if (facts_param_index(f, f->key[i]) < 0 && !is_fixed(f->key[i])) {
            snprintf(why, size, "problem key '%s' is neither a parameter nor a /run attribute",
                     f->key[i]);
            return -1;
        }
    return 0;
}
