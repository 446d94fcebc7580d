/* mandelbrot: escape-time counts n(c) = number of steps z <- z^2 + c (from
 * z = 0) taken while |z|^2 <= 4, at most max_iter, on a W x H grid of c.
 * Checked by the image's mirror symmetry about the real axis, and by pixels
 * whose count is known in closed form (deep inside the set, or |c| > 2).
 * The math lives here once (mandel_row), and so does the loop outline of a
 * repetition (mandel_render, near the end of this header): seq and omp
 * (mandelbrot.c) and mpi (mandelbrot_mpi.c) are thin wrappers that only say
 * whether threads share the rows and where the iteration total is combined
 * (in run outside MPI; in mpi's check hook, the one collective step). */
#ifndef PARITY_MANDELBROT_H
#define PARITY_MANDELBROT_H

#include <parity/kernel.h>

#include <stdint.h>

/* The default view: real axis [-2.0, 0.6], imaginary axis [-1.2, 1.2].  The
 * imaginary range is symmetric so that row i and row H-1-i are mirrors. */
#define MANDEL_XMIN (-2.0)
#define MANDEL_XMAX 0.6
#define MANDEL_YMAX 1.2

/* Pixels are iterated side by side in GCC/Clang vector types (GCC 12 does not
 * vectorise the plain-C form, which ran 5x slower): MANDEL_VECS independent
 * vectors of 4 doubles (the initialisers below assume 4), so that one
 * vector's latency hides behind the others'.  Measured at 1024x768, 1000
 * iterations: 1 vector 0.167 s, 2: 0.093, 3: 0.072, 4: 0.068, 8: 0.071.
 * A group runs until its slowest pixel is done; each pixel's count depends
 * only on its own c, so the grouping never changes a result. */
#define MANDEL_VLEN 4
#define MANDEL_VECS 4
#define MANDEL_LANES (MANDEL_VLEN * MANDEL_VECS)
typedef double mandel_vd __attribute__((vector_size(MANDEL_VLEN * sizeof(double))));
typedef int64_t mandel_vi __attribute__((vector_size(MANDEL_VLEN * sizeof(int64_t))));

/* What every pixel's c is made of. */
struct mandel_view {
    int64_t width, height; /* grid: W columns (real axis), H rows (imaginary) */
    int64_t max_iter;      /* the cap on a count: pixels inside the set reach it */
    double x0, dx;         /* c_re of column j = x0 + (j + 0.5) dx */
    double y_half_step;    /* ymax/H: c_im of row i = (2i + 1 - H) ymax/H */
};

struct mandel_state {
    struct mandel_view view;  /* the grid, identical on every rank */
    int64_t row_first;        /* global index of this process's first row */
    int64_t row_step;         /* global distance between its rows (1, or P in mpi) */
    int64_t rows_mine;        /* how many rows this process computes and holds */
    int64_t *counts;          /* [rows_mine][width]: local row k is global row
                                 row_first + k*row_step */
    int64_t iterations_mine;  /* sum of this process's counts (exact: an
                                 integer sum in any order) */
    int64_t total_iterations; /* the same over the whole image: seq and omp set
                                 it in run, mpi in its check hook */
};

/* c_im of row i.  (2i + 1 - H) is an exact integer and negates exactly for
 * the mirrored row H-1-i, so the two rows get exactly opposite c_im.  The
 * z^2 + c step is symmetric under conjugation in IEEE arithmetic (negation is
 * exact, round-to-nearest is symmetric), so mirrored pixels count alike. */
static inline double mandel_y(int64_t i, const struct mandel_view *v)
{
    return (double)(2 * i + 1 - v->height) * v->y_half_step;
}

static inline double mandel_x(int64_t j, const struct mandel_view *v)
{
    return v->x0 + ((double)j + 0.5) * v->dx;
}

/* Counts of one group of up to MANDEL_LANES pixels starting at column j0.
 * `alive` is sticky: a pixel counts the steps taken before |z|^2 first
 * exceeds 4, and its z keeps iterating unused (to inf and NaN, which compare
 * false) so that no blend sits on the z recurrence.  Unused lanes get c = 4,
 * which escapes at once and never holds the group up.
 * Per step: zr*zr, zi*zi, their sum, 2zr, *zi, +ci, zr2-zi2, +cr = 8 flops. */
static inline int64_t mandel_group(int64_t j0, int lanes, double ci,
                                   const struct mandel_view *v, int64_t *out)
{
    const mandel_vd four = {4.0, 4.0, 4.0, 4.0}, civ = {ci, ci, ci, ci};
    mandel_vd cr[MANDEL_VECS], zr[MANDEL_VECS], zi[MANDEL_VECS];
    mandel_vi n[MANDEL_VECS], alive[MANDEL_VECS];
    for (int q = 0; q < MANDEL_VECS; q++) {
        cr[q] = four;
        for (int l = 0; l < MANDEL_VLEN; l++)
            if (q * MANDEL_VLEN + l < lanes)
                cr[q][l] = mandel_x(j0 + q * MANDEL_VLEN + l, v);
        zr[q] = zi[q] = (mandel_vd){0.0, 0.0, 0.0, 0.0};
        n[q] = (mandel_vi){0, 0, 0, 0};
        alive[q] = ~n[q];
    }
    for (int64_t it = 0; it < v->max_iter; it++) {
        mandel_vi any = {0, 0, 0, 0};
        for (int q = 0; q < MANDEL_VECS; q++) {
            mandel_vd zr2 = zr[q] * zr[q], zi2 = zi[q] * zi[q];
            alive[q] &= zr2 + zi2 <= four; /* lanes: -1 true, 0 false */
            zi[q] = (zr[q] + zr[q]) * zi[q] + civ;
            zr[q] = (zr2 - zi2) + cr[q];
            n[q] -= alive[q];
            any |= alive[q];
        }
        if ((any[0] | any[1] | any[2] | any[3]) == 0)
            break;
    }
    int64_t sum = 0;
    for (int lane = 0; lane < lanes; lane++) {
        out[lane] = n[lane / MANDEL_VLEN][lane % MANDEL_VLEN];
        sum += out[lane];
    }
    return sum;
}

/* Counts of global row i into out[0..W); returns the row's total iterations. */
static inline int64_t mandel_row(int64_t i, const struct mandel_view *v,
                                 int64_t *out)
{
    double ci = mandel_y(i, v);
    int64_t sum = 0;
    for (int64_t j0 = 0; j0 < v->width; j0 += MANDEL_LANES) {
        int64_t left = v->width - j0;
        int lanes = left < MANDEL_LANES ? (int)left : MANDEL_LANES;
        sum += mandel_group(j0, lanes, ci, v, out + j0);
    }
    return sum;
}

/* Rows of a cyclic deal: part r of P gets global rows r, r+P, r+2P, ... < H. */
static inline int64_t mandel_cyclic_rows(int64_t height, int parts, int part)
{
    return part < height ? (height - 1 - part) / parts + 1 : 0;
}

/* The part holding the mirrors of all of part r's rows.  Row r + kP mirrors
 * to H-1-r-kP, which is congruent to H-1-r mod P for every k, so one partner
 * holds them all; the pairing is an involution and both hold as many rows. */
static inline int mandel_mirror_part(int64_t height, int parts, int part)
{
    if (part >= height) /* holds no rows: nothing to exchange */
        return part;
    return (int)((height - 1 - part) % parts);
}

/* Shared by the modes (mandelbrot.c). */
int mandel_setup(const struct parity_ctx *ctx, void **state);
/* Bytes of this process's rows; mpi's memory hook adds its check's buffer. */
double mandel_memory(const struct parity_ctx *ctx);
/* Self-check pieces: the number of pixels of rows mine[0..rows) that differ
 * from their mirror pixel, where mirror[rows-1-u] holds the mirror of row
 * mine[u] (mirrors come in reverse order: for a whole image, mine = mirror);
 * and the number of pixels in local rows [k0, k1) whose count is known in
 * closed form but differs from it. */
int64_t mandel_mirror_mismatches(const int64_t *mine, const int64_t *mirror,
                                 int64_t rows, int64_t width);
int64_t mandel_known_mismatches(const struct mandel_state *s, int64_t k0,
                                int64_t k1);

/* One chunk of the mpi mirror check.  Both partners hold n rows, and the
 * partner's local row u mirrors my local row n-1-u, so the partner's rows
 * [a, a+c) (in `theirs`) are the mirrors, reversed, of my rows [n-a-c, n-a).
 * Returns how many of those pixels of mine differ from their mirrors. */
static inline int64_t mandel_mirror_chunk(const struct mandel_state *s,
                                          int64_t a, int64_t c,
                                          const int64_t *theirs)
{
    int64_t w = s->view.width;
    return mandel_mirror_mismatches(s->counts + (s->rows_mine - a - c) * w,
                                    theirs, c, w);
}

/* The modes' run functions (mandelbrot_seq.c, _omp.c, _mpi.c). */
/* The one loop outline of a repetition: every row this process holds
 * (local row k is global row row_first + k row_step: all rows outside MPI,
 * rows dealt cyclically in mpi), whole rows at a time; returns the sum of
 * the counts of the rows this thread computed.  Called by every thread of a
 * parallel region (omp, hybrid mpi) or outside any (seq, plain mpi), where
 * the orphaned `omp for` runs every row on the one thread.  The rows near
 * the real axis cost far more than the edges, so the schedule matters:
 * schedule(runtime) lets OMP_SCHEDULE=static | dynamic,k | guided be
 * compared without rebuilding (libgomp's default when OMP_SCHEDULE is unset
 * is dynamic,1).  With two threads even static balances, because the two
 * halves are mirror images; from three threads on, static gives the middle
 * thread most of the set (2.1x the mean work at 3 threads on the default
 * view).  Each row is written by one thread and counts are integers, so
 * every schedule gives the same bits, and the callers' integer sums of the
 * threads' totals are exact in any order: --reduce has no effect. */
static inline int64_t mandel_render(struct mandel_state *s)
{
    const struct mandel_view *v = &s->view;
    int64_t mine = 0;
#pragma omp for schedule(runtime)
    for (int64_t k = 0; k < s->rows_mine; k++)
        mine += mandel_row(s->row_first + k * s->row_step, v, s->counts + k * v->width);
    return mine;
}

/* The modes' run functions: seq and omp in mandelbrot.c, mpi (with its
 * collective check) in mandelbrot_mpi.c. */
void mandel_run_seq(const struct parity_ctx *ctx, void *state);
void mandel_run_omp(const struct parity_ctx *ctx, void *state);
void mandel_run_mpi(const struct parity_ctx *ctx, void *state);
double mandel_memory_mpi(const struct parity_ctx *ctx);
void mandel_check_mpi(const struct parity_ctx *ctx, void *state,
                      struct parity_check *result);

#endif
