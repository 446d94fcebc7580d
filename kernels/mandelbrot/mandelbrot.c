/* mandelbrot: descriptor, presets, work model, self-check, and the seq and
 * omp modes (thin wrappers around mandel_render, the loop outline in
 * mandelbrot.h).
 * Check (bound 0, exact integers): every pixel equals its mirror about the
 * real axis, and every pixel whose count is known in closed form has it. */
#include "mandelbrot.h"

#include <complex.h>
#include <stdlib.h>

/* Seconds per repetition, seq, on this machine (2 vCPU Zen 5): tiny 0.0005,
 * small 1.0, medium about 8 (8x small's pixel-steps), large about 130 (128x). */
static const struct parity_param mandel_params[] = {
    {"width", "pixels along the real axis [-2.0, 0.6]",
     {128, 2048, 4096, 8192}, 1, 65536},
    {"height", "pixels along the imaginary axis [-1.2, 1.2]",
     {96, 1536, 3072, 6144}, 1, 65536},
    /* <= 2^30 keeps W*H*max_iter (the largest total) inside int64. */
    {"max-iter", "cap on a pixel's count (pixels inside the set reach it)",
     {256, 4000, 8000, 32000}, 1, INT64_C(1) << 30},
};

static const char *const mandel_variants[] = {"escape", NULL};
static const char *const mandel_variant_help[] = {
    "escape time with |z|^2 > 4, 16 pixels side by side; rows under "
    "schedule(runtime): try OMP_SCHEDULE=static|dynamic,1|guided (no "
    "reductions: --reduce has no effect)",
};

int mandel_setup(const struct parity_ctx *ctx, void **state)
{
    struct mandel_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    struct mandel_view *v = &s->view;
    v->width = parity_param(ctx, "width");
    v->height = parity_param(ctx, "height");
    v->max_iter = parity_param(ctx, "max-iter");
    v->x0 = MANDEL_XMIN;
    v->dx = (MANDEL_XMAX - MANDEL_XMIN) / (double)v->width;
    v->y_half_step = MANDEL_YMAX / (double)v->height;
    /* Rows are dealt cyclically over the ranks (balances the set's expensive
     * middle rows); outside MPI there is one rank, which holds every row. */
    int parts = ctx->ranks;
    int part = ctx->rank;
    s->row_first = part;
    s->row_step = parts;
    s->rows_mine = mandel_cyclic_rows(v->height, parts, part);
    size_t n = (size_t)(s->rows_mine * v->width);
    s->counts = calloc(n ? n : 1, sizeof(int64_t));
    if (!s->counts) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static void mandel_teardown(void *state)
{
    struct mandel_state *s = state;
    free(s->counts);
    free(s);
}

static void mandel_output(const struct parity_ctx *ctx, void *state,
                          struct parity_output *out)
{
    (void)ctx;
    struct mandel_state *s = state;
    const struct mandel_view *v = &s->view;
    /* Local rows are packed; in the file they are row_step rows apart. */
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "counts", .type = PARITY_I64, .ndims = 2,
        .dims = {v->height, v->width}, .offset = {s->row_first, 0},
        .count = {s->rows_mine, v->width}, .row_step = s->row_step,
        .data = s->counts, .stride = v->width,
    };
    out->nscalars = 1;
    out->scalar[0] = (struct parity_out_scalar){"total_iterations",
                                         (double)s->total_iterations};
}

int64_t mandel_mirror_mismatches(const int64_t *mine, const int64_t *mirror,
                                 int64_t rows, int64_t width)
{
    int64_t bad = 0;
    for (int64_t u = 0; u < rows; u++) {
        const int64_t *a = mine + u * width, *b = mirror + (rows - 1 - u) * width;
        for (int64_t j = 0; j < width; j++)
            bad += a[j] != b[j];
    }
    return bad;
}

/* The count of c when it is known without iterating, else -1.  Margins keep
 * every case far from where rounding could matter:
 *   |c|^2 > 4.01: z_1 = c escapes at once, count 1;
 *   |c + 1| <= 0.2: attracting 2-cycle (multiplier 4(c+1), |.| <= 0.8) that
 *     the orbit of 0 falls into: it never escapes, count max_iter;
 *   main cardioid with fixed-point multiplier |1 - sqrt(1 - 4c)| <= 0.9:
 *     the orbit of 0 converges to that fixed point, count max_iter. */
/* C11's CMPLX, which glibc's complex.h defines only for GCC >= 4.7 (clang
 * claims 4.2); __builtin_complex is what that definition expands to, and
 * clang has it too.  (x + y * I would do for finite values, but says less.) */
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif

static int64_t mandel_known_count(double x, double y, int64_t max_iter)
{
    if (x * x + y * y > 4.01)
        return 1;
    if ((x + 1.0) * (x + 1.0) + y * y <= 0.04)
        return max_iter;
    double complex c = CMPLX(x, y);
    if (cabs(1.0 - csqrt(1.0 - 4.0 * c)) <= 0.9)
        return max_iter;
    return -1;
}

int64_t mandel_known_mismatches(const struct mandel_state *s, int64_t k0,
                                int64_t k1)
{
    const struct mandel_view *v = &s->view;
    int64_t bad = 0;
    for (int64_t k = k0; k < k1; k++) {
        double y = mandel_y(s->row_first + k * s->row_step, v);
        const int64_t *row = s->counts + k * v->width;
        for (int64_t j = 0; j < v->width; j++) {
            int64_t want = mandel_known_count(mandel_x(j, v), y, v->max_iter);
            bad += want >= 0 && row[j] != want;
        }
    }
    return bad;
}

/* seq and omp hold the whole image, so the mirror of row i is row H-1-i of
 * the same array.  A mismatching pair counts as two pixels. */
static void mandel_check(const struct parity_ctx *ctx, void *state,
                         struct parity_check *r)
{
    (void)ctx;
    struct mandel_state *s = state;
    int64_t bad = mandel_mirror_mismatches(s->counts, s->counts, s->rows_mine,
                                           s->view.width);
    bad += mandel_known_mismatches(s, 0, s->rows_mine);
    r->error = (double)bad;
    r->bound = 0.0; /* integers, and the symmetry is exact (see mandel_y) */
}

/* 8 flops per step of z = z^2 + c with |z|^2 tested (3 mul, 4 add/sub, 1
 * compare counted as a flop).  After a run the exact step count is known
 * (total_iterations, global once the check has run, which the driver does
 * before asking for the rates).  Without a state the estimate assumes the
 * pixels inside the set (area 1.5066 of the view's 2.6 x 2.4 = 6.24) take
 * all max_iter steps and leaves the escaping pixels out. */
static double mandel_flops(const struct parity_ctx *ctx, const void *state)
{
    if (state)
        return 8.0 * (double)((const struct mandel_state *)state)->total_iterations;
    double pixels = (double)parity_param(ctx, "width") *
                    (double)parity_param(ctx, "height");
    return 8.0 * pixels * (double)parity_param(ctx, "max-iter") * (1.5066 / 6.24);
}

/* Memory traffic: each count is stored once (8 bytes); nothing is read. */
static double mandel_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    return 8.0 * (double)parity_param(ctx, "width") *
           (double)parity_param(ctx, "height");
}

/* This process's rows (the mpi row adds its check's buffer). */
double mandel_memory(const struct parity_ctx *ctx)
{
    int64_t width = parity_param(ctx, "width"), height = parity_param(ctx, "height");
    double rows = (double)mandel_cyclic_rows(height, ctx->ranks, ctx->rank);
    return 8.0 * rows * (double)width;
}

/* seq, the reference: the outline outside any parallel region, rows in
 * order.  One process holds the whole image, so its total is the total. */
void mandel_run_seq(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct mandel_state *s = state;
    s->iterations_mine = s->total_iterations = mandel_render(s);
}

/* omp: the outline in a parallel region; the threads' totals added exactly. */
void mandel_run_omp(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    struct mandel_state *s = state;
    int64_t total = 0;
#pragma omp parallel reduction(+ : total)
    total += mandel_render(s);
    s->iterations_mine = s->total_iterations = total;
}

static const struct parity_mode_impl kernel_mandelbrot_modes[] = {
    {.mode = "seq", .setup = mandel_setup, .run = mandel_run_seq},
    {.mode = "omp", .setup = mandel_setup, .run = mandel_run_omp},
    {.mode = "mpi", .setup = mandel_setup, .run = mandel_run_mpi, .check = mandel_check_mpi,
     .memory = mandel_memory_mpi},
    {.mode = NULL},
};

const struct parity_kernel kernel_mandelbrot = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "mandelbrot",
    .summary = "escape-time counts of the Mandelbrot set on a grid (load-imbalanced)",
    .params = mandel_params,
    .nparams = sizeof mandel_params / sizeof mandel_params[0],
    .variants = mandel_variants,
    .variant_help = mandel_variant_help,
    .outputs = "counts[height][width] (int64)",
    /* Integer counts, no reductions: every mode and --reduce is exact. */
    .verify = {.rtol = 0.0, .atol = 0.0},
    .check_what = "pixels differing from their mirror about the real axis, plus "
                  "pixels whose count is known (|c|>2: 1; deep in the cardioid or "
                  "period-2 bulb: max-iter); must be 0",
    .flops = mandel_flops,
    .bytes = mandel_bytes,
    .memory = mandel_memory,
    .modes = kernel_mandelbrot_modes,
    .output = mandel_output,
    .check = mandel_check,
    .teardown = mandel_teardown,
};
