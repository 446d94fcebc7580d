/* The built-in kernels and lookups over kernel descriptors, for the drivers.
 * A kernel itself sees only the public API, <parity/kernel.h>. */
#ifndef PARITY_REGISTRY_H
#define PARITY_REGISTRY_H

#include <parity/kernel.h>

extern const char *const preset_names[PARITY_PRESETS]; /* "tiny", ... */
extern const char *const reduce_names[2];              /* "repro", "fast" */

/* Every built-in kernel, ending with NULL. */
extern const struct parity_kernel *const kernel_registry[];

const struct parity_kernel *kernel_find(const char *name); /* built-in, or NULL */
int kernel_param_index(const struct parity_kernel *k, const char *name);   /* -1 if none */
int kernel_variant_index(const struct parity_kernel *k, const char *name); /* -1 if none */
/* The kernel's implementation of the mode named `mode`, or NULL. */
const struct parity_mode_impl *kernel_mode(const struct parity_kernel *k, const char *mode);

#endif
