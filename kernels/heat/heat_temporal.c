/* heat, temporal blocking: `levels` time steps per pass through memory, in
 * tiles skewed in time, every point updated by the same heat_step_row in the
 * same order as explicit, so the result is bitwise the same (tests/cli/heat.bats
 * and tests/unit/test_heat.c compare it with explicit seq in every mode).
 *
 * Level tau (0 .. levels-1) computes step t0 + tau + 1 from the grid holding
 * step t0 + tau; the two grids alternate as in explicit, so level tau + 1
 * overwrites the values of level tau - 1.
 *
 * Threads (two phases, two barriers per pass).  The rows are cut into one
 * chunk per thread [lo, hi).  Phase 1: each thread runs all levels on its
 * trapezoid, rows [lo + tau, hi - tau) at level tau (it needs nothing from
 * the other chunks).  Phase 2: at each cut B the triangle left between two
 * trapezoids, rows [B - tau, B + tau), whose inputs phase 1 has made.  Two
 * grids suffice: phase 1's level tau + 2 stops at row hi - tau - 3, below
 * the level-tau rows (hi - tau - 1, hi - tau - 2) that phase 2 still reads;
 * phase 2 writes only inside its triangle.  A chunk must be at least
 * 2 levels rows tall so the triangles do not meet: small grids use fewer
 * chunks (down to one: seq and one thread are phase 1 alone).
 *
 * Tiles (inside one thread's region).  At level tau, row r and column c
 * belong to tile (b, q) with
 *     b = clamp(floor((r - r0 + tau) / R), 0, nb - 1),
 *     q = clamp(floor((c + 8 tau) / C), 0, nc - 1)
 * (R x C = tb_rows x tb_cols): a tile's rows slide one up and its columns
 * eight left each level.  The column skew is 8, not the 1 the stencil needs,
 * so row segments keep starting on a 64-byte boundary (aligned stores; any
 * skew >= 1 works).  Both indices are non-decreasing in r (c) and
 * f(tau, r + 1) <= f(tau + 1, r), so the four inputs of a point (level
 * tau - 1) lie in tiles <= its own, componentwise, and so do all readers of
 * the value it overwrites (level tau - 2, read by level tau - 1 neighbours):
 * running tiles band by band, column tile by column tile, is correct.
 *
 * Size: a tile's working set, (R + levels) x (C + 8 levels) points of both
 * grids, is 0.5 MB at 32 x 512 and 8 levels: it stays in a 1 MB L2 while its
 * levels run, so each point of both grids crosses DRAM about once per
 * 8 steps (32 bytes / 8 = 4 bytes a step, against explicit's 24). */
#include "heat.h"

#include <parity/partition.h>

#include <omp.h>

static inline int64_t imax(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static inline int64_t imin(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* A region whose edges move by a fixed amount each level: at level tau,
 * rows [r0 + dr0 tau, r1 + dr1 tau), columns [c0 + dc0 tau, c1 + dc1 tau). */
struct heat_region {
    int64_t r0, dr0, r1, dr1, c0, dc0, c1, dc1;
};

/* [*lo, *hi): the part of [rl, rh) in band b of nb (band size `size`, bands
 * starting at base - skew); the first and last band take the ends. */
static inline void heat_band(int64_t b, int64_t nb, int64_t size, int64_t base,
                             int64_t rl, int64_t rh, int64_t *lo, int64_t *hi)
{
    *lo = b == 0 ? rl : imax(rl, base + b * size);
    *hi = b == nb - 1 ? rh : imin(rh, base + (b + 1) * size);
}

/* All levels of region g, tile after tile, on the calling thread. */
static void heat_region_run(const struct heat_state *s, double *src0, double *dst0,
                            int levels, const struct heat_region *g)
{
    int64_t nb = imax(1, (g->r1 - g->r0) / s->tb_rows);
    int64_t nc = imax(1, (g->c1 - g->c0) / s->tb_cols);
    for (int64_t b = 0; b < nb; b++)
        for (int64_t q = 0; q < nc; q++) {
            double *src = src0, *dst = dst0;
            for (int64_t tau = 0; tau < levels; tau++) {
                int64_t r0, r1, c0, c1;
                heat_band(b, nb, s->tb_rows, g->r0 - tau, g->r0 + g->dr0 * tau,
                          g->r1 + g->dr1 * tau, &r0, &r1);
                heat_band(q, nc, s->tb_cols, -8 * tau, g->c0 + g->dc0 * tau,
                          g->c1 + g->dc1 * tau, &c0, &c1);
                if (c0 < c1)
                    for (int64_t r = r0; r < r1; r++)
                        heat_step_row(heat_at(s, dst, r, c0), heat_at(s, src, r - 1, c0),
                                      heat_at(s, src, r, c0), heat_at(s, src, r + 1, c0),
                                      c1 - c0, HEAT_R);
                double *tmp = src;
                src = dst;
                dst = tmp;
            }
        }
}

void heat_temporal_block(const struct heat_state *s, double *src, double *dst,
                         int levels, const int ext[4])
{
    int64_t e = levels - 1;
    int threads = omp_get_num_threads(), me = omp_get_thread_num();
    int64_t chunks = imin(threads, imax(1, s->rows / (2 * (int64_t)levels)));
    int64_t lo, hi;
    parity_partition_range(s->rows, (int)chunks, me < chunks ? me : 0, &lo, &hi);
    /* Columns: the block, plus (towards a neighbour rank) the part of the
     * deep halo still valid, e - tau cells. */
    struct heat_region g = {.c0 = ext[2] ? -e : 0, .dc0 = ext[2],
                            .c1 = s->cols + (ext[3] ? e : 0), .dc1 = -ext[3]};
    if (me < chunks) {
        g.r0 = me > 0 ? lo : ext[0] ? -e : 0;
        g.dr0 = me > 0 ? 1 : ext[0];
        g.r1 = me < chunks - 1 ? hi : s->rows + (ext[1] ? e : 0);
        g.dr1 = me < chunks - 1 ? -1 : -ext[1];
        heat_region_run(s, src, dst, levels, &g);
    }
#pragma omp barrier
    if (me > 0 && me < chunks) {
        g.r0 = lo;
        g.dr0 = -1;
        g.r1 = lo;
        g.dr1 = 1;
        heat_region_run(s, src, dst, levels, &g);
    }
#pragma omp barrier
}
