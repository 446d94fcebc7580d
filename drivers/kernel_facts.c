/* Kernel descriptor -> kernel facts (see kernel_facts.h).  Checked by
 * tests/cli/schema.bats: a v1 fixture and a v2 file of the same run judge
 * alike, and `parity info` shows the facts each file was judged by. */
#include "kernel_facts.h"

#include "../common/error.h"
#include "../kernels/registry.h"

#include <stdio.h>
#include <string.h>

_Static_assert(FACTS_MAX_PARAMS >= PARITY_MAX_PARAMS, "every parameter fits the facts");

/* Copy into a fixed field; -1 when it does not fit (a cut name is another name). */
static int copy(char *dst, size_t size, const char *src)
{
    if (!src || strlen(src) >= size)
        return -1;
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

static int convert(const struct parity_kernel *k, struct kernel_facts *f, char *why, size_t size)
{
    memset(f, 0, sizeof *f);
    if (copy(f->name, sizeof f->name, k->name) < 0 ||
        copy(f->summary, sizeof f->summary, k->summary) < 0 ||
        (k->version && copy(f->version, sizeof f->version, k->version) < 0)) {
        snprintf(why, size, "its name, summary or version is missing or too long");
        return -1;
    }
    f->has_version = k->version != NULL;
    f->api_version = k->api_version;
    if (k->nparams < 0 || k->nparams > FACTS_MAX_PARAMS) {
        snprintf(why, size, "%d parameters", k->nparams);
        return -1;
    }
    f->nparams = k->nparams;
    for (int i = 0; i < k->nparams; i++) {
        const struct parity_param *p = &k->params[i];
        if (copy(f->param[i], FACTS_NAME, p->name) < 0 ||
            copy(f->param_help[i], FACTS_LINE, p->help ? p->help : "") < 0) {
            snprintf(why, size, "parameter %d's name or help is missing or too long", i);
            return -1;
        }
        f->param_min[i] = p->min;
        f->param_max[i] = p->max;
        /* the problem: the parameters, then the seed */
        memcpy(f->key[f->nkeys++], f->param[i], FACTS_NAME);
    }
    snprintf(f->key[f->nkeys++], FACTS_NAME, "seed");
    for (const char *const *v = k->variants; v && *v; v++)
        if (f->nvariants >= FACTS_MAX_VARIANTS ||
            copy(f->variant[f->nvariants++], FACTS_NAME, *v) < 0) {
            snprintf(why, size, "more than %d variants, or a variant name too long",
                     FACTS_MAX_VARIANTS);
            return -1;
        }
    f->rtol = k->verify.rtol;
    f->atol = k->verify.atol;
    for (const char *const *v = k->verify.bitwise_variants; v && *v; v++)
        if (f->nbitwise >= FACTS_MAX_VARIANTS ||
            copy(f->bitwise[f->nbitwise++], FACTS_NAME, *v) < 0) {
            snprintf(why, size, "more than %d bitwise variants, or a name too long",
                     FACTS_MAX_VARIANTS);
            return -1;
        }
    return facts_validate(f, why, size);
}

int kernel_facts_of(const struct parity_kernel *k, struct kernel_facts *f)
{
    char why[256];
    if (convert(k, f, why, sizeof why) < 0) {
        parity_error("kernel %.32s cannot be described in a result file: %s",
                     k->name ? k->name : "(no name)", why);
        return PARITY_EUSAGE;
    }
    return 0;
}

int builtin_kernel_facts(const char *kernel, struct kernel_facts *f)
{
    char why[256];
    const struct parity_kernel *k = kernel_find(kernel);
    return k && convert(k, f, why, sizeof why) == 0 ? 0 : -1;
}
