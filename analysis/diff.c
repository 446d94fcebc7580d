/* Element-wise comparison of a result array with its reference. */
#include "analysis.h"

#include <math.h>
#include <string.h>

/* Map a double's bits onto a line where adjacent doubles are adjacent
 * integers (negative numbers mirrored), so ULPs are a subtraction. */
static int64_t ordered_bits(double x)
{
    int64_t i;
    memcpy(&i, &x, sizeof i);
    return i < 0 ? INT64_MIN - i : i;
}

uint64_t ulp_distance(double a, double b)
{
    if (isnan(a) || isnan(b))
        return UINT64_MAX;
    int64_t x = ordered_bits(a), y = ordered_bits(b);
    return x > y ? (uint64_t)x - (uint64_t)y : (uint64_t)y - (uint64_t)x;
}

static void reset(struct array_diff *d, int64_t n)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    d->first = -1;
}

void diff_f64(const double *ref, const double *x, int64_t n, double rtol,
              double atol, struct array_diff *d)
{
    reset(d, n);
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            d->nonfinite++;
        if (memcmp(&ref[i], &x[i], sizeof(double)) == 0)
            continue;
        if (d->ndiff++ == 0)
            d->first = i;
        double abs_err = fabs(x[i] - ref[i]);
        if (isnan(abs_err))
            abs_err = INFINITY;
        double rel = ref[i] != 0.0 ? abs_err / fabs(ref[i]) : abs_err > 0 ? INFINITY : 0.0;
        uint64_t ulps = ulp_distance(ref[i], x[i]);
        if (abs_err > d->max_abs) d->max_abs = abs_err;
        if (rel > d->max_rel) d->max_rel = rel;
        if (ulps > d->max_ulps) d->max_ulps = ulps;
        if (!(abs_err <= atol + rtol * fabs(ref[i])))
            d->nbeyond++;
    }
}

void diff_i64(const int64_t *ref, const int64_t *x, int64_t n,
              struct array_diff *d)
{
    reset(d, n);
    for (int64_t i = 0; i < n; i++) {
        if (ref[i] == x[i])
            continue;
        if (d->ndiff++ == 0)
            d->first = i;
        double abs_err = fabs((double)x[i] - (double)ref[i]);
        double rel = ref[i] ? abs_err / fabs((double)ref[i]) : INFINITY;
        if (abs_err > d->max_abs) d->max_abs = abs_err;
        if (rel > d->max_rel) d->max_rel = rel;
        d->nbeyond++; /* integers have no tolerance */
    }
    d->max_ulps = 0;
}
