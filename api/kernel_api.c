/* The functions <parity/kernel.h> declares, for built-in and out-of-tree
 * kernels alike. */
#include <parity/kernel.h>

#include <stdlib.h>
#include <string.h>

int64_t parity_param(const struct parity_ctx *ctx, const char *name)
{
    const struct parity_kernel *k = ctx->kernel;
    for (int i = 0; i < k->nparams; i++)
        if (strcmp(k->params[i].name, name) == 0)
            return ctx->param[i];
    abort();
}
