/* What the analysis knows about a result file's kernel: read from the file's
 * own /kernel group (schema 2), or, for a schema 1 file, from the tables of
 * the binary reading it through a hook that the drivers register.  analysis/
 * never includes a kernel header: it judges a file from what the file says
 * (tests/cli/schema.bats: v1 fixtures, and a kernel this parity does not have). */
#ifndef PARITY_FACTS_H
#define PARITY_FACTS_H

#include <stddef.h>
#include <stdint.h>

#define FACTS_MAX_PARAMS   16
#define FACTS_MAX_VARIANTS 16
#define FACTS_MAX_KEYS     (FACTS_MAX_PARAMS + 8)
#define FACTS_NAME         48  /* a name with its NUL */
#define FACTS_LINE         256 /* one line of text with its NUL */
#define FACTS_KERNEL_NAME  32  /* the API's limit on a kernel's name */

struct kernel_facts {
    int from_file;       /* 1: the file's /kernel group; 0: this parity's tables (v1) */
    char name[FACTS_NAME];             /* /run kernel */
    char summary[FACTS_LINE];          /* one line */
    char version[64];                  /* the kernel's own version ... */
    int has_version;                   /* ... when it has one */
    int64_t api_version;               /* PARITY_KERNEL_API_VERSION it was built for */
    int nparams;                       /* parameters, in the kernel's order */
    char param[FACTS_MAX_PARAMS][FACTS_NAME];
    char param_help[FACTS_MAX_PARAMS][FACTS_LINE];
    int64_t param_min[FACTS_MAX_PARAMS], param_max[FACTS_MAX_PARAMS];
    int nvariants;                     /* [0] is the default variant */
    char variant[FACTS_MAX_VARIANTS][FACTS_NAME];
    double rtol, atol;                 /* verify tolerance (fast, other variants) */
    int nbitwise;                      /* variants whose repro results must be */
    char bitwise[FACTS_MAX_VARIANTS][FACTS_NAME]; /* bitwise the default's */
    int nkeys;                         /* /run attributes that, with the kernel's */
    char key[FACTS_MAX_KEYS][FACTS_NAME]; /* name, make two runs the same problem */
};

/* Index of a parameter or variant by name, or -1. */
int facts_param_index(const struct kernel_facts *f, const char *name);
int facts_variant_index(const struct kernel_facts *f, const char *name);

/* Are the facts sane: names of [a-z0-9_-] (a kernel's at most 32), unique,
 * no parameter named like a fixed /run attribute, min <= max, at least one
 * variant, finite non-negative tolerances, bitwise variants among the
 * variants, problem keys that name parameters or fixed /run attributes?
 * 0, or -1 with why[] saying what is wrong.  The writer checks with this too,
 * so it never writes facts that a reader refuses. */
int facts_validate(const struct kernel_facts *f, char *why, size_t size);

/* Facts of a kernel of this binary, by name, for files that do not carry
 * their own (schema 1): 0, or -1 when the kernel is unknown here. */
typedef int (*builtin_facts_fn)(const char *kernel, struct kernel_facts *out);
/* drivers/main.c registers the built-in tables; without it (unit tests,
 * another front end) schema 1 files cannot be read here (READ_ELSEWHERE). */
void analysis_set_builtin_facts(builtin_facts_fn fn);
int analysis_builtin_facts(const char *kernel, struct kernel_facts *out);

#endif
