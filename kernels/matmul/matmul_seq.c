/* matmul, sequential: the reference.  All rows of C = A·B by the chosen
 * variant's body (matmul.h), on one thread. */
#include "matmul.h"

void matmul_run_seq(const struct parity_ctx *ctx, void *state)
{
    struct matmul_state *s = state;
    matmul_rows(ctx->variant, s, 0, s->rows, &s->work[0]);
    s->c00 = s->c[0];
}
