/* heat, temporal blocking: `levels` time steps per pass through memory, in
 * tiles skewed in time, every point updated by the same heat_step_row in the
 * same order as explicit, so the result is bitwise the same (tests/cli/heat.bats
 * and tests/unit/test_heat.c compare it with explicit seq in every mode).
 *
 * The tiles.  Level tau (0 .. levels-1) computes step t0 + tau + 1 from the
 * grid holding step t0 + tau; the two grids alternate as in explicit.  At
 * level tau, row r and column c belong to tile (b, q) with
 *     b = clamp(floor((r + tau) / R), 0, nb - 1),
 *     q = clamp(floor((c + 8 tau) / C), 0, nc - 1)
 * (R x C = tb_rows x tb_cols): a tile's rows slide one up and its columns
 * eight left each level.  The column skew is 8, not the 1 the stencil needs,
 * so a tile's row segments keep starting on a 64-byte boundary (aligned
 * stores; any skew >= 1 is valid, see below).  Both indices are
 * non-decreasing in r (c), and f(tau, r + 1) <= f(tau + 1, r) (for columns:
 * c + 1 + 8 tau <= c + 8 (tau + 1)).  Hence:
 *   - flow: the four neighbours a point at level tau reads (level tau - 1)
 *     lie in tiles <= its own, componentwise;
 *   - anti (two grids only): level tau + 1 overwrites the level tau - 1 value
 *     at the same place; every reader of that value (level tau, its
 *     neighbours) is in a tile <= the writer's, componentwise.
 * So any order of tiles that finishes every componentwise-smaller tile
 * first is correct: we run anti-diagonals d = b + q in turn, the tiles of
 * one diagonal (pairwise incomparable, so they neither read what another
 * writes nor overwrite what another reads) shared among threads, with the
 * implicit barrier of `omp for` between diagonals.  Seq runs the same code
 * with a team of one.
 *
 * Size: a tile's working set, (R + levels) x (C + 8 levels) points of both
 * grids, is 0.5 MB at 32 x 512 and 8 levels: it stays in a 1 MB L2 while its
 * 8 levels run, so each point of both grids crosses DRAM about once per
 * 8 steps (32 bytes / 8 = 4 bytes a step, against explicit's 24). */
#include "heat.h"

static inline int64_t imax(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static inline int64_t imin(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* [*lo, *hi): the part of the region [rl, rh) in band b of nb (size `size`,
 * slid back by `skew`); the first and last band take the region's ends. */
static inline void heat_band(int64_t b, int64_t nb, int64_t size, int64_t skew,
                             int64_t rl, int64_t rh, int64_t *lo, int64_t *hi)
{
    *lo = b == 0 ? rl : imax(rl, b * size - skew);
    *hi = b == nb - 1 ? rh : imin(rh, (b + 1) * size - skew);
}

/* All levels of tile (b, q). */
static void heat_tile(const struct heat_state *s, double *src, double *dst, int levels,
                      const int ext[4], int64_t b, int64_t nb, int64_t q, int64_t nc)
{
    for (int tau = 0; tau < levels; tau++) {
        /* The region at this level: the block, plus (towards a neighbour
         * rank) the part of the halo still valid: levels - 1 - tau cells. */
        int64_t e = levels - 1 - tau;
        int64_t r0, r1, c0, c1;
        heat_band(b, nb, s->tb_rows, tau, ext[0] ? -e : 0, s->rows + (ext[1] ? e : 0),
                  &r0, &r1);
        heat_band(q, nc, s->tb_cols, 8 * (int64_t)tau, ext[2] ? -e : 0,
                  s->cols + (ext[3] ? e : 0), &c0, &c1);
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

void heat_temporal_block(const struct heat_state *s, double *src, double *dst,
                         int levels, const int ext[4])
{
    int64_t nb = imax(1, s->rows / s->tb_rows), nc = imax(1, s->cols / s->tb_cols);
    for (int64_t d = 0; d < nb + nc - 1; d++) {
        int64_t b0 = imax(0, d - (nc - 1)), b1 = imin(nb - 1, d);
#pragma omp for schedule(static)
        for (int64_t b = b0; b <= b1; b++)
            heat_tile(s, src, dst, levels, ext, b, nb, d - b, nc);
    }
}
