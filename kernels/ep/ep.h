/* ep: NAS Parallel Benchmarks "EP" — 2^M pairs of uniforms from the NPB
 * generator x_{k+1} = 5^13 x_k mod 2^46, turned into Gaussian pairs by the
 * polar method; sums sx, sy and counts per square annulus.  Checked against
 * the NPB 3.3 verification values for the official classes, else by
 * statistics.  The math lives here once and so does the loop outline,
 * ep_compute() at the end of this header: seq and omp (ep.c) and mpi
 * (ep_mpi.c) are thin wrappers that only say whether threads share the
 * batches (a parallel region around ep_compute, or none) and how the sums
 * cross ranks (struct ep_comm). */
#ifndef PARITY_EP_H
#define PARITY_EP_H

#include <parity/kernel.h>

#include <parity/repro.h>

#include <math.h>
#include <string.h>
#include <stdint.h>

#define EP_MK 16                         /* log2 of the pairs per batch */
#define EP_NK (INT64_C(1) << EP_MK)      /* pairs per batch */
#define EP_NQ 10                         /* annuli counted: max(|gx|,|gy|) in [l, l+1) */
#define EP_A 1220703125.0                /* the multiplier 5^13 */
#define EP_S 271828183.0                 /* the seed */
/* Pairs generated per call of the vector generator: a 16 KiB buffer that
 * stays in L1 (NPB fills all 2 NK uniforms of a batch at once; the numbers
 * and their order are the same). */
#define EP_CHUNK 1024

struct ep_state {
    int m;                  /* log2 of the number of pairs */
    int64_t batches;        /* NN = 2^(m - MK) */
    double an;              /* a^(2 NK) mod 2^46: the step from batch to batch */
    double *partials;       /* [batches][2] per-batch (sx, sy), for repro */
    double sums[2];         /* the result (sx, sy) */
    int64_t counts[EP_NQ];  /* the result q[0..9] */
    double fast[2];         /* fast: the threads' running sums, added in turn */
};

/* NPB randlc: x = a x mod 2^46, returns x 2^-46.  a and x are split into
 * 23-bit halves so every product fits a double's 53 bits: the arithmetic is
 * exact, hence identical to NPB's on any IEEE machine.  NPB truncates with
 * (int) casts; trunc() gives the same values (all operands are >= 0 and
 * below 2^31) in one instruction instead of a round trip through an integer
 * register, on the generator's serial dependency chain (the whole kernel ran
 * 28 % faster on the development machine). */
static inline double ep_randlc(double *x, double a)
{
    const double r23 = 0x1p-23, r46 = 0x1p-46, t23 = 0x1p23, t46 = 0x1p46;
    double a1 = trunc(r23 * a), a2 = a - t23 * a1;
    double x1 = trunc(r23 * *x), x2 = *x - t23 * x1;
    double t1 = a1 * x2 + a2 * x1;
    double t2 = trunc(r23 * t1);
    double z = t1 - t23 * t2;
    double t3 = t23 * z + a2 * x2;
    double t4 = trunc(r46 * t3);
    *x = t3 - t46 * t4;
    return r46 * *x;
}

/* NPB vranlc: the next n numbers of the sequence into y[0..n). */
static inline void ep_vranlc(int n, double *x, double a, double *y)
{
    const double r23 = 0x1p-23, r46 = 0x1p-46, t23 = 0x1p23, t46 = 0x1p46;
    double a1 = trunc(r23 * a), a2 = a - t23 * a1;
    double xx = *x;
    for (int i = 0; i < n; i++) {
        double x1 = trunc(r23 * xx), x2 = xx - t23 * x1;
        double t1 = a1 * x2 + a2 * x1;
        double t2 = trunc(r23 * t1);
        double z = t1 - t23 * t2;
        double t3 = t23 * z + a2 * x2;
        double t4 = trunc(r46 * t3);
        xx = t3 - t46 * t4;
        y[i] = r46 * xx;
    }
    *x = xx;
}

/* a^(2 NK) mod 2^46, by squaring a MK + 1 times (as NPB computes AN). */
static inline double ep_batch_step(void)
{
    double t1 = EP_A;
    for (int i = 0; i < EP_MK + 1; i++)
        ep_randlc(&t1, t1);
    return t1;
}

/* The generator state at position 2 NK k: seed * an^k mod 2^46, by binary
 * powering (NPB's loop 120).  Any worker can start any batch directly. */
static inline double ep_batch_seed(int64_t k, double an)
{
    double t1 = EP_S, t2 = an;
    for (int i = 0; i < 100; i++) {
        int64_t ik = k / 2;
        if (2 * ik != k)
            ep_randlc(&t1, t2);
        if (ik == 0)
            break;
        ep_randlc(&t2, t2);
        k = ik;
    }
    return t1;
}

/* Polar method on n pairs (x[2i], x[2i+1]): accepted pairs add to sums and
 * to the count of their annulus.  |g| <= sqrt(-2 ln t), and t >= 2^-89
 * because generator outputs are odd multiples of 2^-46, so |g| < 11.2; an
 * index >= EP_NQ (probability ~1e-23 per pair, never reached by the
 * official classes, where NPB would write past q) counts in the last
 * annulus. */
static inline void ep_pairs(const double *x, int n, double sums[2],
                            int64_t q[EP_NQ])
{
    double sx = sums[0], sy = sums[1];
    for (int i = 0; i < n; i++) {
        double x1 = 2.0 * x[2 * i] - 1.0;
        double x2 = 2.0 * x[2 * i + 1] - 1.0;
        double t1 = x1 * x1 + x2 * x2;
        if (t1 <= 1.0) {
            double t2 = sqrt(-2.0 * log(t1) / t1);
            double t3 = x1 * t2, t4 = x2 * t2;
            int l = (int)fmax(fabs(t3), fabs(t4));
            q[l < EP_NQ ? l : EP_NQ - 1] += 1;
            sx += t3;
            sy += t4;
        }
    }
    sums[0] = sx;
    sums[1] = sy;
}

/* Batch k (pairs NK k .. NK (k+1) - 1), added into sums[2] left to right
 * and into q.  A pure function of k and the incoming sums: every mode calls
 * it, so per-batch partials carry the same bits everywhere. */
static inline void ep_batch(int64_t k, double an, double sums[2],
                            int64_t q[EP_NQ])
{
    double seed = ep_batch_seed(k, an);
    double x[2 * EP_CHUNK];
    for (int64_t c = 0; c < EP_NK; c += EP_CHUNK) {
        ep_vranlc(2 * EP_CHUNK, &seed, EP_A, x);
        ep_pairs(x, EP_CHUNK, sums, q);
    }
}

/* Shared by the three modes (ep.c). */
int ep_setup(const struct parity_ctx *ctx, void **state);
/* The largest |z-score| of the statistical check (acceptance rate, each
 * annulus count, sx and sy); see ep.c. */
double ep_stat_zmax(const struct ep_state *s);
/* NPB's relative error max(|sx-ref|/|ref|, |sy-ref|/|ref|) for an official
 * class; returns -1 when m is not one. */
double ep_npb_error(const struct ep_state *s);

/* How the results cross ranks, called by the master thread once the
 * process's batches are done: repro turns partials[] into sums, fast turns
 * s->fast into sums; both make counts global.  Nothing but the fixed tree
 * (repro) for seq and omp (ep.c), MPI for mpi (ep_mpi.c). */
struct ep_comm {
    void (*finish)(const struct parity_ctx *ctx, struct ep_state *s);
};

/* The loop outline, written once: this process owns batches [b0, b1) (all of
 * them for seq and omp).  Orphaned `omp for`: serial outside a parallel
 * region (seq), the batches dealt out statically inside one (omp, hybrid).
 * repro: one partial per batch (the same bits at any thread count); fast: a
 * running sum per thread over its batches in order (seq's is NPB's own serial
 * summation), the threads' sums added from 0.0 under a critical section (what
 * reduction(+:) does: 1 and 2 threads give seq's bits).  Counts are integers:
 * exact in any order. */
static inline void ep_compute(const struct parity_ctx *ctx, struct ep_state *s,
                              int64_t b0, int64_t b1, const struct ep_comm *comm)
{
#pragma omp single
    {
        memset(s->counts, 0, sizeof s->counts);
        s->fast[0] = s->fast[1] = 0.0;
    }
    double run[2] = {0.0, 0.0}; /* this thread's running sums (fast) */
    int64_t q[EP_NQ] = {0};     /* this thread's counts */
#pragma omp for schedule(static) nowait
    for (int64_t k = b0; k < b1; k++) {
        if (ctx->reduce == PARITY_REPRO) {
            double *p = &s->partials[2 * k];
            p[0] = p[1] = 0.0;
            ep_batch(k, s->an, p, q);
        } else {
            ep_batch(k, s->an, run, q);
        }
    }
#pragma omp critical(ep_combine)
    {
        s->fast[0] += run[0];
        s->fast[1] += run[1];
        for (int l = 0; l < EP_NQ; l++)
            s->counts[l] += q[l];
    }
#pragma omp barrier
#pragma omp master
    comm->finish(ctx, s);
#pragma omp barrier
}

/* The modes' run functions (ep.c, ep_mpi.c). */
void ep_run_seq(const struct parity_ctx *ctx, void *state);
void ep_run_omp(const struct parity_ctx *ctx, void *state);
void ep_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
