/* matmul: descriptor, presets, work model, self-check and output.
 *
 * Self-check (Freivalds): with x[j] = +-1 from the seed, each process compares
 * y = C x with w = A (B x) on its own rows; error = max_i |y_i - w_i|.
 * Bound (rigorous, from the standard dot-product bound gamma_m =
 * m u / (1 - m u), u = eps/2, with |x_j| = 1 so every product with x is exact):
 *   C itself:  |C - AB|_ij <= gamma_n (|A||B|)_ij      (n fma roundings)
 *      summed against x: <= gamma_n (|A| r)_i,  r = |B| 1
 *   y = fl(C x):   |y - C x|_i <= gamma_n (|C| 1)_i
 *   z = fl(B x):   |z - B x|_k <= gamma_n r_k,  so |A (z - Bx)|_i <= gamma_n (|A| r)_i
 *   w = fl(A z):   |w - A z|_i <= gamma_n (|A||z|)_i
 * so |y - w|_i <= gamma_n T_i, T_i = 2 (|A| r)_i + (|C| 1)_i + (|A||z|)_i,
 * all from computed quantities.  The bound is 1.01 n u max_i T_i: the 1.01
 * covers gamma_n / (n u) and the rounding of T's own non-negative sums (both
 * < 1 + 4 n u, i.e. < 1.001 for n < 1e12).  For uniform inputs T ~ n^2 / 2,
 * so the bound is ~ n^3 u / 2 (5e-7 at n = 2048, 2e-11 at n = 67): one
 * element of C off by 1e-6 fails it for n up to ~2500. */
#include "matmul.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>

static const struct parity_param matmul_params[] = {
    /* <= 46340 so that n*n fits the int count of one MPI_Bcast of B. */
    {"n", "matrix order (C = A·B, all n x n)", {64, 2880, 5760, 11520}, 1, 46340},
};

#define MATMUL_STR_(x) #x
#define MATMUL_STR(x) MATMUL_STR_(x)

static const char *const matmul_variants[] = {"blocked", "naive", "blas", NULL};
static const char *const matmul_variant_help[] = {
    /* The micro-kernel this build chose (matmul.h): same bits whichever. */
    "cache-blocked, packed panels, " MATMUL_STR(MATMUL_MR) "x" MATMUL_STR(MATMUL_NR)
    " register tile (" MATMUL_ISA " fma in this build; same bits as every other)",
    "textbook i-j-k triple loop (for teaching; same bits as blocked)",
#ifdef PARITY_HAVE_BLAS
    "OpenBLAS cblas_dgemm per row block, 1 BLAS thread each (speed reference; "
    "within tolerance of blocked)",
#else
    "OpenBLAS cblas_dgemm (speed reference): not in this build, install "
    "libopenblas-dev and rebuild",
#endif
};

/* 64-byte aligned, zeroed; NULL on failure. */
static double *matmul_alloc(int64_t count)
{
    size_t bytes = ((size_t)(count > 0 ? count : 1) * sizeof(double) + 63) & ~(size_t)63;
    double *p = aligned_alloc(64, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

/* Packing buffer sizes for order n (shrunk for small matrices). */
static void matmul_work_sizes(int64_t n, int64_t *apack, int64_t *bpack)
{
    int64_t kc = matmul_min(MATMUL_KC, n);
    int64_t nc = matmul_min(MATMUL_NC, (n + MATMUL_NR - 1) / MATMUL_NR * MATMUL_NR);
    *apack = MATMUL_MC * kc;
    *bpack = kc * nc;
}

static void matmul_teardown(void *state)
{
    struct matmul_state *s = state;
    for (int t = 0; s->work && t < s->nwork; t++) {
        free(s->work[t].apack);
        free(s->work[t].bpack);
    }
    free(s->work);
    free(s->a);
    free(s->b);
    free(s->c);
    free(s);
}

/* This rank's rows of A, and (rank 0) all of B. */
static void matmul_fill(const struct parity_ctx *ctx, struct matmul_state *s)
{
    uint64_t n = (uint64_t)s->n;
    for (uint64_t i = 0; i < (uint64_t)s->rows; i++)
        for (uint64_t k = 0; k < n; k++)
            s->a[i * n + k] = matmul_rand(ctx->seed, 0, ((uint64_t)s->row0 + i) * n + k);
    if (ctx->rank == 0)
        for (uint64_t e = 0; e < n * n; e++)
            s->b[e] = matmul_rand(ctx->seed, 1, e);
}

static int matmul_alloc_work(const struct parity_ctx *ctx, struct matmul_state *s)
{
    int64_t asize, bsize;
    matmul_work_sizes(s->n, &asize, &bsize);
    s->nwork = ctx->threads;
    s->work = calloc((size_t)s->nwork, sizeof *s->work);
    if (!s->work)
        return -1;
    for (int t = 0; t < s->nwork; t++) {
        s->work[t].apack = matmul_alloc(asize);
        s->work[t].bpack = matmul_alloc(bsize);
        if (!s->work[t].apack || !s->work[t].bpack)
            return -1;
    }
    return 0;
}

/* One setup for every mode: outside MPI ranks = 1, so the row block is all
 * of it.  Needs no communication; B reaches ranks > 0 in run(). */
int matmul_setup(const struct parity_ctx *ctx, void **state)
{
    struct matmul_state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    *state = s;
    s->n = parity_param(ctx, "n");
#ifdef PARITY_HAVE_BLAS
    /* One BLAS thread per call: the modes' threads and ranks each call
     * dgemm on their own row block (matmul.h), and seq stays sequential. */
    if (ctx->variant == MATMUL_BLAS)
        openblas_set_num_threads(1);
#endif
    int64_t end;
    matmul_rank_rows(ctx->variant, s->n, ctx->ranks, ctx->rank, &s->row0, &end);
    s->rows = end - s->row0;
    s->a = matmul_alloc(s->rows * s->n);
    s->b = matmul_alloc(s->n * s->n);
    s->c = matmul_alloc(s->rows * s->n);
    if (!s->a || !s->b || !s->c || matmul_alloc_work(ctx, s) < 0)
        return -1; /* the driver tears down the partial state */
    matmul_fill(ctx, s);
    return 0;
}

static void matmul_output(const struct parity_ctx *ctx, void *state,
                          struct parity_output *out)
{
    (void)ctx;
    struct matmul_state *s = state;
    out->narrays = 1;
    out->array[0] = (struct parity_out_array){
        .name = "C", .type = PARITY_F64, .ndims = 2,
        .dims = {s->n, s->n}, .offset = {s->row0, 0}, .count = {s->rows, s->n},
        .row_step = 1, .data = s->c, .stride = s->n,
    };
    out->nscalars = 1;
    out->scalar[0] = (struct parity_out_scalar){"c00", s->c00};
}

/* x = +-1 (stream 2's sign), z = B x and r = |B| 1, each in k order. */
static void matmul_check_vectors(const struct parity_ctx *ctx, const struct matmul_state *s,
                                 double *x, double *z, double *r)
{
    int64_t n = s->n;
    for (int64_t j = 0; j < n; j++)
        x[j] = matmul_rand(ctx->seed, 2, (uint64_t)j) < 0.0 ? -1.0 : 1.0;
    for (int64_t k = 0; k < n; k++) {
        double zk = 0.0, rk = 0.0;
        for (int64_t j = 0; j < n; j++) {
            zk += s->b[k * n + j] * x[j]; /* exact product: x = +-1 */
            rk += fabs(s->b[k * n + j]);
        }
        z[k] = zk;
        r[k] = rk;
    }
}

/* Row i: |y_i - w_i| and T_i (see the file header). */
static double matmul_check_row(const struct matmul_state *s, int64_t i, const double *x,
                               const double *z, const double *r, double *t)
{
    int64_t n = s->n;
    const double *a = s->a + i * n, *c = s->c + i * n;
    double y = 0.0, w = 0.0, ar = 0.0, cabs = 0.0, az = 0.0;
    for (int64_t j = 0; j < n; j++) {
        y += c[j] * x[j];
        cabs += fabs(c[j]);
        w = fma(a[j], z[j], w);
        ar = fma(fabs(a[j]), r[j], ar);
        az = fma(fabs(a[j]), fabs(z[j]), az);
    }
    *t = 2.0 * ar + cabs + az;
    return fabs(y - w);
}

static void matmul_check(const struct parity_ctx *ctx, void *state, struct parity_check *res)
{
    struct matmul_state *s = state;
    int64_t n = s->n;
    double *x = malloc(3 * (size_t)n * sizeof(double));
    res->error = INFINITY; /* if the check cannot even run, it fails */
    res->bound = 0.0;
    if (!x)
        return;
    double *z = x + n, *r = z + n, tmax = 0.0, err = 0.0;
    matmul_check_vectors(ctx, s, x, z, r);
    for (int64_t i = 0; i < s->rows; i++) {
        double t, d = matmul_check_row(s, i, x, z, r, &t);
        err = d > err || isnan(d) ? d : err;
        tmax = t > tmax ? t : tmax;
    }
    free(x);
    res->error = err;
    res->bound = 1.01 * (double)n * (DBL_EPSILON / 2) * tmax;
}

/* n^3 fused multiply-adds = 2 n^3 flops, whatever the variant. */
static double matmul_flops(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return 2.0 * n * n * n;
}

/* Compulsory traffic only: read A and B, write C once (3 n^2 doubles).  Not
 * counted: the blocked variant's re-reads from cache, and in mpi mode the
 * broadcast of B, (ranks - 1) n^2 doubles over the network per repetition. */
static double matmul_bytes(const struct parity_ctx *ctx, const void *state)
{
    (void)state;
    double n = (double)parity_param(ctx, "n");
    return 3.0 * n * n * 8.0;
}

/* This process: its rows of A and C, all of B, one workspace per thread. */
static double matmul_memory(const struct parity_ctx *ctx)
{
    int64_t n = parity_param(ctx, "n"), asize, bsize, lo, rows;
    matmul_rank_rows(ctx->variant, n, ctx->ranks, 0, &lo, &rows); /* rank 0's is largest */
    matmul_work_sizes(n, &asize, &bsize);
    return 8.0 * (2.0 * (double)rows * (double)n + (double)n * (double)n +
                  (double)ctx->threads * (double)(asize + bsize));
}

/* The blas variant needs OpenBLAS at build time. */
static int matmul_validate(const struct parity_ctx *ctx, char *msg, size_t msg_size)
{
#ifndef PARITY_HAVE_BLAS
    if (ctx->variant == MATMUL_BLAS) {
        snprintf(msg, msg_size, "matmul --variant blas: built without OpenBLAS: install "
                 "libopenblas-dev and rebuild");
        return -1;
    }
#else
    (void)ctx, (void)msg, (void)msg_size;
#endif
    return 0;
}

/* seq, the reference: the outline outside any parallel region, one thread. */
void matmul_run_seq(const struct parity_ctx *ctx, void *state)
{
    struct matmul_state *s = state;
    matmul_compute(ctx, s);
    s->c00 = s->c[0];
}

/* omp: one parallel region; the outline shares the row groups. */
void matmul_run_omp(const struct parity_ctx *ctx, void *state)
{
    struct matmul_state *s = state;
#pragma omp parallel num_threads(ctx->threads)
    matmul_compute(ctx, s);
    s->c00 = s->c[0];
}

static const struct parity_mode_impl kernel_matmul_modes[] = {
    {.mode = "seq", .setup = matmul_setup, .run = matmul_run_seq},
    {.mode = "omp", .setup = matmul_setup, .run = matmul_run_omp},
    {.mode = "mpi", .setup = matmul_setup, .run = matmul_run_mpi},
    {.mode = NULL},
};

const struct parity_kernel kernel_matmul = {
    .api_version = PARITY_KERNEL_API_VERSION,
    .name = "matmul",
    .summary = "dense C = A·B, n x n doubles (compute-bound, cache blocking)",
    .params = matmul_params,
    .nparams = sizeof matmul_params / sizeof matmul_params[0],
    .variants = matmul_variants,
    .variant_help = matmul_variant_help,
    .outputs = "C[n][n]",
    /* blocked and naive are bitwise; the tolerance is for blas against
     * blocked (and --reduce fast, which changes nothing here).  Two
     * summation orders of C_ij differ by at most 2 gamma_n (|A||B|)_ij <= 2 n^2
     * u (|a|, |b| < 1): 9e-10 at n = 2048, too loose to catch much.  The
     * differences behave like n independent roundings of partial sums of
     * size ~ sqrt(n)/3: rms ~ n u / 3 whatever |C_ij| is (so atol, not
     * rtol, is the test).  Measured blas vs blocked, n = 300 .. 2880: rms
     * 0.10 n u, max 1.1 .. 1.3 n u (2.8e-13 at n = 2048, 4.3e-13 at 2880);
     * extrapolated to the large preset (n = 11520) max ~ 1.5 n u = 2e-12.
     * atol 1e-10 leaves a margin of 50x there and 350x at n = 2048, while a
     * wrong term (|a b| ~ 0.25) or a wrong element is off by far more.
     * rtol 1e-12: the relative error of large elements is ~ sqrt(n) u. */
    .verify = {.rtol = 1e-12, .atol = 1e-10},
    .check_what = "Freivalds, x = +-1: max|C x - A (B x)| <= 1.01 n u max_i "
                  "(2 |A||B| 1 + |C| 1 + |A||B x|)_i (rounding bound)",
    .flops = matmul_flops,
    .bytes = matmul_bytes,
    .memory = matmul_memory,
    .validate = matmul_validate,
    .modes = kernel_matmul_modes,
    .output = matmul_output,
    .check = matmul_check,
    .teardown = matmul_teardown,
};
