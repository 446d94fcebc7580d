/* The kernel registry: one row per kernel.  Adding a kernel is one folder
 * under kernels/ (the Makefile compiles every .c file in it) and one line
 * here. */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

extern const struct kernel kernel_pi;
extern const struct kernel kernel_heat;
extern const struct kernel kernel_matmul;
extern const struct kernel kernel_ep;
extern const struct kernel kernel_nbody;
extern const struct kernel kernel_cg;
extern const struct kernel kernel_mandelbrot;
extern const struct kernel kernel_iowait;
extern const struct kernel kernel_triad;

const struct kernel *const kernel_registry[] = {
    &kernel_pi,
    &kernel_heat,
    &kernel_matmul,
    &kernel_ep,
    &kernel_nbody,
    &kernel_cg,
    &kernel_mandelbrot,
    &kernel_iowait,
    &kernel_triad,
    NULL,
};

const char *const preset_names[PRESET_COUNT] = {"tiny", "small", "medium", "large"};
const char *const mode_names[MODE_COUNT] = {"seq", "omp", "mpi"};
const char *const reduce_names[2] = {"repro", "fast"};

const struct kernel *kernel_find(const char *name)
{
    for (const struct kernel *const *k = kernel_registry; *k; k++)
        if (strcmp((*k)->name, name) == 0)
            return *k;
    return NULL;
}

int kernel_param_index(const struct kernel *k, const char *name)
{
    for (int i = 0; i < k->nparams; i++)
        if (strcmp(k->params[i].name, name) == 0)
            return i;
    return -1;
}

int kernel_variant_index(const struct kernel *k, const char *name)
{
    for (int i = 0; k->variants[i]; i++)
        if (strcmp(k->variants[i], name) == 0)
            return i;
    return -1;
}

/* A parameter's value by name; kernels call this with their own names, so an
 * unknown name is a programming error and aborts loudly. */
int64_t kernel_param(const struct run_ctx *ctx, const char *name)
{
    int i = kernel_param_index(ctx->kernel, name);
    if (i < 0)
        abort();
    return ctx->param[i];
}
