/* One small, correct plugin kernel ("tiny": fills x[i] = i + 1 and sums it),
 * and, with -DBAD_<CASE>, each of the mistakes parity must refuse with one
 * line and exit 2 before writing anything (tests/cli/plugin.bats builds one
 * shared object per case).  Built without -DBAD_* it must run and pass: the
 * control that shows each refusal comes from the one mistake, not the rest. */
#include <parity/kernel.h>

#include <signal.h>
#include <stdlib.h>

#ifndef TINY_NAME
#define TINY_NAME "tiny"
#endif

struct tiny_state {
    int64_t n;
    double *x;
    double sum;
};

static const struct parity_param tiny_params[] = {
#ifdef BAD_RANGE
    {"n", "elements", {10, 10, 10, 10}, 100, 1},
#elif defined(BAD_PRESET)
    {"n", "elements", {10, 10, 10, 5000}, 1, 1000},
#elif defined(BAD_PARAM_NAME)
    {"threads", "clashes with parity's own --threads", {10, 10, 10, 10}, 1, 1000},
#else
    {"n", "elements", {10, 100, 1000, 10000}, 1, 1000000},
#endif
};

static const char *const tiny_variants[] = {"plain", NULL};
static const char *const tiny_variant_help[] = {"x[i] = i + 1"};

static int tiny_setup(const struct parity_ctx *ctx, void **state)
{
#ifdef BAD_SETUP
    (void)ctx;
    (void)state;
    return -1;
#else
    struct tiny_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->n = parity_param(ctx, "n");
    s->x = calloc((size_t)s->n, sizeof(double));
    *state = s;
    return s->x ? 0 : -1;
#endif
}

static void tiny_run(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct tiny_state *s = state;
#ifdef BAD_CRASH
    volatile int *nowhere = NULL;
    s->sum = *nowhere;
#endif
    s->sum = 0.0;
    for (int64_t i = 0; i < s->n; i++) {
        s->x[i] = (double)(i + 1);
        s->sum += s->x[i];
    }
}

static void tiny_output(const struct parity_ctx *ctx, void *state, struct parity_output *out)
{
    struct tiny_state *s = state;
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "x", .type = PARITY_F64, .ndims = 1, .dims = {s->n, 1},
        .count = {ctx->rank == 0 ? s->n : 0, 1}, /* every rank has it all; rank 0 writes */
        .row_step = 1, .data = s->x, .stride = 1,
    };
    out->nscalars = 1;
    out->scalar[0] = (struct parity_out_scalar){"sum", s->sum};
}

static void tiny_check(const struct parity_ctx *ctx, void *state, struct parity_check *r)
{
    (void)ctx;
    struct tiny_state *s = state;
    double n = (double)s->n;
    r->error = s->sum - n * (n + 1.0) / 2.0; /* exact below 2^53 */
    r->error = r->error < 0 ? -r->error : r->error;
    r->bound = 0.0;
}

static double tiny_zero(const struct parity_ctx *ctx, const void *state)
{
    (void)ctx;
    (void)state;
    return 1.0;
}

static double tiny_memory(const struct parity_ctx *ctx)
{
    return 8.0 * (double)parity_param(ctx, "n");
}

static void tiny_teardown(void *state)
{
    struct tiny_state *s = state;
    free(s->x);
    free(s);
}

static const struct parity_mode_impl tiny_modes[] = {
#ifndef BAD_NO_SEQ
    {.mode = "seq", .setup = tiny_setup, .run = tiny_run},
#endif
#ifdef BAD_MODE_NAME
    {.mode = "gpu", .setup = tiny_setup, .run = tiny_run},
#endif
#ifdef BAD_NO_RUN
    {.mode = "omp", .setup = tiny_setup, .run = NULL},
#else
    {.mode = "omp", .setup = tiny_setup, .run = tiny_run},
#endif
    {.mode = "mpi", .setup = tiny_setup, .run = tiny_run},
    {.mode = NULL},
};

static const struct parity_kernel tiny = {
#ifdef BAD_API
    .api_version = PARITY_KERNEL_API_VERSION + 98,
#else
    .api_version = PARITY_KERNEL_API_VERSION,
#endif
#ifdef BAD_NO_NAME
    .name = NULL,
#elif defined(BAD_BUILTIN_NAME)
    .name = "pi",
#else
    .name = TINY_NAME,
#endif
    .summary = "fills x[i] = i + 1 and sums it (a test plugin)",
    .version = "t1",
    .params = tiny_params,
    .nparams = 1,
    .variants = tiny_variants,
    .variant_help = tiny_variant_help,
    .outputs = "x[n]",
    .verify = {.rtol = 0.0, .atol = 0.0},
    .check_what = "sum == n (n + 1) / 2 exactly",
    .flops = tiny_zero,
    .bytes = tiny_zero,
    .memory = tiny_memory,
    .modes = tiny_modes,
    .output = tiny_output,
#ifndef BAD_NO_CHECK
    .check = tiny_check,
#endif
    .teardown = tiny_teardown,
};

#ifndef BAD_NO_ENTRY
PARITY_KERNEL_ENTRY(tiny)
#endif
