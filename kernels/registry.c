/* The kernel registry: one row per kernel.  Adding a kernel is one folder
 * under kernels/ (the Makefile compiles every .c file in it) and one line
 * here. */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

extern const struct parity_kernel kernel_pi;
extern const struct parity_kernel kernel_heat;
extern const struct parity_kernel kernel_matmul;
extern const struct parity_kernel kernel_ep;
extern const struct parity_kernel kernel_nbody;
extern const struct parity_kernel kernel_cg;
extern const struct parity_kernel kernel_mandelbrot;
extern const struct parity_kernel kernel_iowait;
extern const struct parity_kernel kernel_triad;

const struct parity_kernel *const kernel_registry[] = {
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

const char *const preset_names[PARITY_PRESETS] = {"tiny", "small", "medium", "large"};
const char *const reduce_names[2] = {"repro", "fast"};

const struct parity_kernel *kernel_find(const char *name)
{
    for (const struct parity_kernel *const *k = kernel_registry; *k; k++)
        if (strcmp((*k)->name, name) == 0)
            return *k;
    return NULL;
}

int kernel_param_index(const struct parity_kernel *k, const char *name)
{
    for (int i = 0; i < k->nparams; i++)
        if (strcmp(k->params[i].name, name) == 0)
            return i;
    return -1;
}

int kernel_variant_index(const struct parity_kernel *k, const char *name)
{
    for (int i = 0; k->variants[i]; i++)
        if (strcmp(k->variants[i], name) == 0)
            return i;
    return -1;
}


const struct parity_mode_impl *kernel_mode(const struct parity_kernel *k, const char *mode)
{
    for (const struct parity_mode_impl *m = k->modes; m && m->mode; m++)
        if (strcmp(m->mode, mode) == 0)
            return m;
    return NULL;
}
