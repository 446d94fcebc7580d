/* matmul: dense C = A·B, n x n doubles, row-major, A and B uniform in [-1, 1)
 * from a counter-based generator.  Every C[i][j] is the chain
 *     s = 0;  for k = 0..n-1 (increasing):  s = fma(A[i][k], B[k][j], s)
 * whatever the variant or decomposition: fma rounds once, identically in
 * vector and scalar code, so any row partition (threads, ranks) and both
 * variants (naive, blocked) give the same bits.  Checked by Freivalds
 * (matmul.c).  The math lives here once and so does the loop outline,
 * matmul_compute() at the end of this header: seq calls it outside any
 * parallel region, omp inside one (matmul.c), mpi inside one after
 * broadcasting B (matmul_mpi.c). */
#ifndef PARITY_MATMUL_H
#define PARITY_MATMUL_H

#include <parity/partition.h>
#include <parity/kernel.h>

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <string.h>

#include <stdlib.h>

/* The micro-kernel is chosen from the target ISA at build time: AVX-512F
 * (32 zmm registers), AVX2 + FMA (16 ymm), or portable C calling fma().  All
 * three compute every element as the same fma chain in increasing k, so they
 * give the same bits (tests/cli/matmul_isa.bats builds all three and compares
 * digests).  -DMATMUL_ISA_PORTABLE forces the portable one. */
#if defined(__AVX512F__) && !defined(MATMUL_ISA_PORTABLE)
#include <immintrin.h>
#define MATMUL_AVX512 1
#define MATMUL_ISA "avx512"
#elif defined(__AVX2__) && defined(__FMA__) && !defined(MATMUL_ISA_PORTABLE)
#include <immintrin.h>
#define MATMUL_AVX2 1
#define MATMUL_ISA "avx2"
#else
#define MATMUL_ISA "portable"
#endif

/* The Makefile defines PARITY_HAVE_BLAS where it found OpenBLAS. */
#ifdef PARITY_HAVE_BLAS
#include <cblas.h>
#endif

/* The variants, in the order of the descriptor's table.  blas (OpenBLAS
 * cblas_dgemm, the speed reference) sums each element's k products in its
 * own order and blocking, so it is not bitwise equal to blocked: verify
 * judges it "within tolerance" against blocked's seq run.  Built without
 * OpenBLAS, the variant is listed but refused (matmul.c's validate). */
enum matmul_variant { MATMUL_BLOCKED, MATMUL_NAIVE, MATMUL_BLAS };

/* Blocking (GotoBLAS/BLIS loop order).  An MR x NR tile of C lives in
 * registers across a k block; the packed KC x NR micro-panel of B stays in L1
 * while the MC x KC block of A stays in L2; the KC x NC panel of B lives in
 * L3.  Per ISA (overridable with -D for tuning: they change the speed, never
 * the bits):
 *   avx512: 8 x 24 = 24 zmm accumulators + 3 B vectors + 1 broadcast of the
 *           32 registers.  B micro-panel 256 x 24 x 8 B = 48 KiB, A block
 *           MC x KC = 192 x 256 x 8 B = 384 KiB (Zen 5: L1D 48 KiB, L2 1 MiB).
 *   avx2:   6 x 8 = 12 ymm accumulators + 2 B vectors + 1 broadcast of 16.
 *   portable: 4 x 8, left to the compiler. */
#if defined(MATMUL_AVX512)
#define MATMUL_VW 8 /* doubles per vector */
#ifndef MATMUL_MR
#define MATMUL_MR 8
#endif
#ifndef MATMUL_NR
#define MATMUL_NR 24
#endif
#ifndef MATMUL_KC
#define MATMUL_KC 256
#endif
#ifndef MATMUL_MC
#define MATMUL_MC 192
#endif
#elif defined(MATMUL_AVX2)
#define MATMUL_VW 4
#ifndef MATMUL_MR
#define MATMUL_MR 6
#endif
#ifndef MATMUL_NR
#define MATMUL_NR 8
#endif
#else
#define MATMUL_VW 1
#ifndef MATMUL_MR
#define MATMUL_MR 4
#endif
#ifndef MATMUL_NR
#define MATMUL_NR 8
#endif
#endif
#ifndef MATMUL_KC
#define MATMUL_KC 256
#endif
#ifndef MATMUL_MC
#define MATMUL_MC 120 /* a multiple of MR */
#endif
#ifndef MATMUL_NC
#define MATMUL_NC 4032 /* a multiple of every NR used (8, 16, 24, 32) */
#endif
#define MATMUL_NV (MATMUL_NR / MATMUL_VW) /* vectors per tile row */
_Static_assert(MATMUL_MC % MATMUL_MR == 0 && MATMUL_NC % MATMUL_NR == 0,
               "A blocks are whole MR-row panels, B panels whole NR columns");
_Static_assert(MATMUL_NR % MATMUL_VW == 0, "a tile row is whole vectors");

/* Packing buffers of one thread, 64-byte aligned (blocked variant). */
struct matmul_work {
    double *apack; /* MC x KC block of A as MR-row micro-panels, k-major */
    double *bpack; /* KC x NC panel of B as NR-column micro-panels, k-major */
};

/* This process's part of the problem. */
struct matmul_state {
    int64_t n;                /* matrix order */
    int64_t row0, rows;       /* this process's row block of A and C */
    double *a;                /* rows x n: rows row0.. of A */
    double *b;                /* n x n: all of B (rank 0 fills it in setup,
                                 the others receive it in every run) */
    double *c;                /* rows x n: rows row0.. of C */
    int nwork;                /* number of workspaces (one per thread) */
    struct matmul_work *work; /* packing buffers, work[thread] */
    double c00;               /* C[0][0], the summary scalar on every rank */
};

static inline int64_t matmul_min(int64_t a, int64_t b) { return a < b ? a : b; }

/* Element `index` of input stream `stream` (0: A, 1: B, 2: Freivalds' x) as
 * a double in [-1, 1): splitmix64 of (seed, stream, index), so any process
 * generates any element without generating the ones before it. */
static inline double matmul_rand(uint64_t seed, uint64_t stream, uint64_t index)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15ULL + (stream << 56) + index;
    for (int round = 0; round < 2; round++) { /* two rounds mix seed into index */
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
    }
    return (double)(z >> 11) * 0x1p-52 - 1.0; /* 53 bits: exact */
}

/* ---- naive: the textbook loop, one running fma sum per element ---- */

/* Rows [0, m) of C = A·B for the m rows of A at `a` (row stride n). */
static inline void matmul_naive_rows(int64_t n, int64_t m, const double *a,
                                     const double *b, double *c)
{
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double s = 0.0;
            for (int64_t k = 0; k < n; k++)
                s = fma(a[i * n + k], b[k * n + j], s);
            c[i * n + j] = s;
        }
}

/* ---- blocked: packed panels and a register-blocked micro-kernel ---- */

/* tile += A micro-panel · B micro-panel over kc steps, k increasing.  The
 * MR x NR tile is at `c` (row stride ldc); `first` starts it at 0 instead of
 * loading the partial sums of earlier k blocks. */
#if defined(MATMUL_AVX512) || defined(MATMUL_AVX2)
#ifdef MATMUL_AVX512
typedef __m512d matmul_vec;
#define MATMUL_ZERO() _mm512_setzero_pd()
#define MATMUL_LOADU(p) _mm512_loadu_pd(p)
#define MATMUL_LOAD(p) _mm512_load_pd(p)
#define MATMUL_STOREU(p, v) _mm512_storeu_pd(p, v)
#define MATMUL_BCAST(p) _mm512_set1_pd(*(p))
#define MATMUL_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#else
typedef __m256d matmul_vec;
#define MATMUL_ZERO() _mm256_setzero_pd()
#define MATMUL_LOADU(p) _mm256_loadu_pd(p)
#define MATMUL_LOAD(p) _mm256_load_pd(p)
#define MATMUL_STOREU(p, v) _mm256_storeu_pd(p, v)
#define MATMUL_BCAST(p) _mm256_broadcast_sd(p)
#define MATMUL_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#endif
/* One vector fma per (row, vector) and k: lane j of acc[r][v] is element
 * (r, v VW + j), its chain the scalar one whatever VW is. */
static inline void matmul_micro(int64_t kc, const double *restrict ap,
                                const double *restrict bp, double *c,
                                int64_t ldc, int first)
{
    matmul_vec acc[MATMUL_MR][MATMUL_NV];
#pragma GCC unroll 16
    for (int r = 0; r < MATMUL_MR; r++)
#pragma GCC unroll 4
        for (int v = 0; v < MATMUL_NV; v++)
            acc[r][v] = first ? MATMUL_ZERO() : MATMUL_LOADU(c + r * ldc + v * MATMUL_VW);
    for (int64_t k = 0; k < kc; k++, ap += MATMUL_MR, bp += MATMUL_NR) {
        matmul_vec b[MATMUL_NV];
#pragma GCC unroll 4
        for (int v = 0; v < MATMUL_NV; v++)
            b[v] = MATMUL_LOAD(bp + v * MATMUL_VW);
#pragma GCC unroll 16
        for (int r = 0; r < MATMUL_MR; r++) {
            matmul_vec ar = MATMUL_BCAST(ap + r);
#pragma GCC unroll 4
            for (int v = 0; v < MATMUL_NV; v++)
                acc[r][v] = MATMUL_FMA(ar, b[v], acc[r][v]);
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < MATMUL_MR; r++)
#pragma GCC unroll 4
        for (int v = 0; v < MATMUL_NV; v++)
            MATMUL_STOREU(c + r * ldc + v * MATMUL_VW, acc[r][v]);
}
#else
/* Portable version: the same fma chain per element, left to the compiler
 * (without hardware FMA, fma() is glibc's exact software one: slow, same
 * bits). */
static inline void matmul_micro(int64_t kc, const double *restrict ap,
                                const double *restrict bp, double *c,
                                int64_t ldc, int first)
{
    double acc[MATMUL_MR][MATMUL_NR];
    for (int r = 0; r < MATMUL_MR; r++)
        for (int j = 0; j < MATMUL_NR; j++)
            acc[r][j] = first ? 0.0 : c[r * ldc + j];
    for (int64_t k = 0; k < kc; k++, ap += MATMUL_MR, bp += MATMUL_NR)
        for (int r = 0; r < MATMUL_MR; r++)
            for (int j = 0; j < MATMUL_NR; j++)
                acc[r][j] = fma(ap[r], bp[j], acc[r][j]);
    for (int r = 0; r < MATMUL_MR; r++)
        for (int j = 0; j < MATMUL_NR; j++)
            c[r * ldc + j] = acc[r][j];
}
#endif

/* An mr x nr tile (mr <= MR, nr <= NR).  Edge tiles go through a full-size
 * copy: the padded rows and columns of the packed panels are zeros, and their
 * results are simply not copied back. */
static inline void matmul_tile(int64_t kc, const double *ap, const double *bp,
                               double *c, int64_t ldc, int64_t mr, int64_t nr,
                               int first)
{
    if (mr == MATMUL_MR && nr == MATMUL_NR) {
        matmul_micro(kc, ap, bp, c, ldc, first);
        return;
    }
    double t[MATMUL_MR * MATMUL_NR] = {0};
    for (int64_t r = 0; r < mr && !first; r++)
        memcpy(t + r * MATMUL_NR, c + r * ldc, (size_t)nr * sizeof(double));
    matmul_micro(kc, ap, bp, t, MATMUL_NR, first);
    for (int64_t r = 0; r < mr; r++)
        memcpy(c + r * ldc, t + r * MATMUL_NR, (size_t)nr * sizeof(double));
}

/* Pack the mc x kc block of A at `a` (row stride n) into MR-row micro-panels:
 * apack[panel][k][r], zero rows past mc.  Copying changes no value. */
static inline void matmul_pack_a(int64_t n, int64_t mc, int64_t kc,
                                 const double *a, double *apack)
{
    for (int64_t i0 = 0; i0 < mc; i0 += MATMUL_MR, apack += MATMUL_MR * kc)
        for (int64_t k = 0; k < kc; k++)
            for (int64_t r = 0; r < MATMUL_MR; r++)
                apack[k * MATMUL_MR + r] = i0 + r < mc ? a[(i0 + r) * n + k] : 0.0;
}

/* Pack the kc x nc panel of B at `b` (row stride n) into NR-column
 * micro-panels: bpack[panel][k][j], zero columns past nc. */
static inline void matmul_pack_b(int64_t n, int64_t kc, int64_t nc,
                                 const double *b, double *bpack)
{
    for (int64_t j0 = 0; j0 < nc; j0 += MATMUL_NR, bpack += MATMUL_NR * kc) {
        int64_t w = matmul_min(MATMUL_NR, nc - j0);
        for (int64_t k = 0; k < kc; k++) {
            for (int64_t j = 0; j < w; j++)
                bpack[k * MATMUL_NR + j] = b[k * n + j0 + j];
            for (int64_t j = w; j < MATMUL_NR; j++)
                bpack[k * MATMUL_NR + j] = 0.0;
        }
    }
}

/* The mc x nc block of C at `c` += packed A block · packed B panel over kc. */
static inline void matmul_macro(int64_t n, int64_t mc, int64_t nc, int64_t kc,
                                const double *apack, const double *bpack,
                                double *c, int first)
{
    for (int64_t j0 = 0; j0 < nc; j0 += MATMUL_NR)
        for (int64_t i0 = 0; i0 < mc; i0 += MATMUL_MR)
            matmul_tile(kc, apack + i0 * kc, bpack + j0 * kc, c + i0 * n + j0, n,
                        matmul_min(MATMUL_MR, mc - i0), matmul_min(MATMUL_NR, nc - j0),
                        first);
}

/* Rows [0, m) of C = A·B, blocked.  For each element the k blocks are taken
 * in increasing order (the pc loop is outside everything that touches a
 * given element more than once), so its fma chain is the naive one. */
static inline void matmul_blocked_rows(int64_t n, int64_t m, const double *a,
                                       const double *b, double *c,
                                       const struct matmul_work *w)
{
    for (int64_t jc = 0; jc < n; jc += MATMUL_NC) {
        int64_t nc = matmul_min(MATMUL_NC, n - jc);
        for (int64_t pc = 0; pc < n; pc += MATMUL_KC) {
            int64_t kc = matmul_min(MATMUL_KC, n - pc);
            matmul_pack_b(n, kc, nc, b + pc * n + jc, w->bpack);
            for (int64_t ic = 0; ic < m; ic += MATMUL_MC) {
                int64_t mc = matmul_min(MATMUL_MC, m - ic);
                matmul_pack_a(n, mc, kc, a + ic * n + pc, w->apack);
                matmul_macro(n, mc, nc, kc, w->apack, w->bpack, c + ic * n + jc,
                             pc == 0);
            }
        }
    }
}

/* ---- blas: OpenBLAS on the same row block ---- */

/* Rows [0, m) of C = A·B by one single-threaded cblas_dgemm call (matmul.c
 * sets OpenBLAS to one thread: parallelism comes from the modes' row blocks,
 * as for the other variants).  OpenBLAS blocks k by a rule that depends on
 * k = n only, but a row's bits depend on which register tile computed it:
 * our rows are its N dimension (row-major = transposed column-major), tiled
 * by 8 on this machine's kernels (Haswell/Zen), and the rows left over at
 * the end of a call (m % 8) go through edge kernels that sum differently
 * (measured: the last row of an odd block differs from seq's in the last
 * bits).  Blocks of whole MATMUL_BLAS_GROUP rows (matmul_block_rows) put
 * every row in the same kind of tile as in one call on all rows, so seq, omp
 * and mpi agree bitwise here too (tests/unit/test_matmul.c checks it). */
static inline void matmul_blas_rows(int64_t n, int64_t m, const double *a,
                                    const double *b, double *c)
{
#ifdef PARITY_HAVE_BLAS
    /* n <= 46340 (the parameter's range) fits blasint, even 32-bit. */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)m, (blasint)n,
                (blasint)n, 1.0, a, (blasint)n, b, (blasint)n, 0.0, c, (blasint)n);
#else
    (void)n, (void)m, (void)a, (void)b, (void)c;
    abort(); /* unreachable: validate refuses the variant without OpenBLAS */
#endif
}

/* ---- the body every mode calls ---- */

/* Local rows [lo, hi) of C, by the chosen variant, with workspace `w`. */
static inline void matmul_rows(int variant, const struct matmul_state *s,
                               int64_t lo, int64_t hi, const struct matmul_work *w)
{
    int64_t n = s->n;
    if (hi <= lo)
        return;
    if (variant == MATMUL_NAIVE)
        matmul_naive_rows(n, hi - lo, s->a + lo * n, s->b, s->c + lo * n);
    else if (variant == MATMUL_BLAS)
        matmul_blas_rows(n, hi - lo, s->a + lo * n, s->b, s->c + lo * n);
    else
        matmul_blocked_rows(n, hi - lo, s->a + lo * n, s->b, s->c + lo * n, w);
}

/* Rows per group in the blas variant's blocks: a multiple of OpenBLAS's
 * dgemm tile height in our rows on x86 (8 Haswell/Zen, 4 Sandy Bridge, 2
 * Skylake-X), so a block boundary never cuts a tile (see matmul_blas_rows). */
#define MATMUL_BLAS_GROUP 24

/* Part `part` of `parts` of `rows` rows: whole groups of `group` rows,
 * balanced (parity_partition_range); only the last part may end in a partial group. */
static inline void matmul_block_rows(int64_t rows, int64_t group, int parts, int part,
                                     int64_t *lo, int64_t *hi)
{
    int64_t groups = (rows + group - 1) / group;
    parity_partition_range(groups, parts, part, lo, hi);
    *lo = matmul_min(*lo * group, rows);
    *hi = matmul_min(*hi * group, rows);
}

/* Thread `t` of `nt`'s share of `rows` local rows: whole MR-row groups, so no
 * micro-kernel tile straddles threads (blas: whole MATMUL_BLAS_GROUPs). */
static inline void matmul_thread_rows(int variant, int64_t rows, int nt, int t,
                                      int64_t *lo, int64_t *hi)
{
    int64_t group = variant == MATMUL_BLAS ? MATMUL_BLAS_GROUP : MATMUL_MR;
    matmul_block_rows(rows, group, nt, t, lo, hi);
}

/* Rank `rank` of `ranks`' rows of the n x n problem: balanced single rows
 * (uneven is fine: blocked and naive give every row the same bits anywhere),
 * or whole MATMUL_BLAS_GROUPs for blas. */
static inline void matmul_rank_rows(int variant, int64_t n, int ranks, int rank,
                                    int64_t *lo, int64_t *hi)
{
    matmul_block_rows(n, variant == MATMUL_BLAS ? MATMUL_BLAS_GROUP : 1, ranks, rank, lo,
                      hi);
}

/* Shared by the three modes (matmul.c). */
int matmul_setup(const struct parity_ctx *ctx, void **state);

/* The loop outline: all local rows of C, each thread of the calling team a
 * balanced block of whole MR-row groups (matmul_thread_rows) with its own
 * packing buffers; outside a parallel region (seq) the one block is every
 * row.  Every element's fma chain is the sequential one, so the bits equal
 * seq's at any thread count; no reduction is involved (repro and fast
 * coincide).  nt <= ctx->threads = s->nwork, so work[t] exists. */
static inline void matmul_compute(const struct parity_ctx *ctx, struct matmul_state *s)
{
    int t = omp_get_thread_num(), nt = omp_get_num_threads();
    int64_t lo, hi;
    matmul_thread_rows(ctx->variant, s->rows, nt, t, &lo, &hi);
    matmul_rows(ctx->variant, s, lo, hi, &s->work[t]);
}

/* The modes' run functions (matmul.c, matmul_mpi.c). */
void matmul_run_seq(const struct parity_ctx *ctx, void *state);
void matmul_run_omp(const struct parity_ctx *ctx, void *state);
void matmul_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
