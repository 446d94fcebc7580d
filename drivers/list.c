/* `parity list [KERNEL]`: what the registry holds, with every default. */
#include "../common/error.h"
#include "../kernels/registry.h"
#include "modes.h"
#include "subcommands.h"

#include <stdio.h>
#include <string.h>

static void list_kernel(const struct parity_kernel *k)
{
    printf("%s — %s\n", k->name, k->summary);
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

int cmd_list(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: parity list [KERNEL | --names]\n\nKernels with their parameters and presets, "
             "variants, output arrays,\nverification policy and self-check.  --names: only the "
             "names, one a line\n(for scripts).");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--names") == 0) {
        for (const struct parity_kernel *const *k = kernel_registry; *k; k++)
            puts((*k)->name);
        return 0;
    }
    if (argc > 1) {
        const struct parity_kernel *k = kernel_find(argv[1]);
        if (!k) {
            parity_error("unknown kernel '%s' (`parity list` shows the kernels)", argv[1]);
            return 2;
        }
        list_kernel(k);
        return 0;
    }
    for (const struct parity_kernel *const *k = kernel_registry; *k; k++) {
        list_kernel(*k);
        if (k[1])
            putchar('\n');
    }
    return 0;
}
