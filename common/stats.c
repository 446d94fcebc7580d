/* Timing statistics (see stats.h for the formulas). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void sort_doubles(double *s, size_t n)
{
    if (n > 32) {
        qsort(s, n, sizeof *s, cmp_double);
        return;
    }
    for (size_t i = 1; i < n; i++) { /* repetition counts are small */
        double v = s[i];
        size_t j = i;
        for (; j > 0 && s[j - 1] > v; j--)
            s[j] = s[j - 1];
        s[j] = v;
    }
}

/* Median of s[0..n), sorting s in place. */
static double median_sorting(double *s, size_t n)
{
    sort_doubles(s, n);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double stats_median(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return NAN;
    memcpy(s, x, n * sizeof *s);
    double m = median_sorting(s, n);
    free(s);
    return m;
}

double stats_min(const double *x, size_t n)
{
    double m = n ? x[0] : NAN;
    for (size_t i = 1; i < n; i++)
        m = x[i] < m ? x[i] : m;
    return m;
}

double stats_max(const double *x, size_t n)
{
    double m = n ? x[0] : NAN;
    for (size_t i = 1; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

double stats_mean(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return n ? s / (double)n : NAN;
}

double stats_stddev(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    double m = stats_mean(x, n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)(n - 1));
}

double stats_normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* splitmix64: a small, well-mixed generator; the bootstrap only needs the
 * same stream every time. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double resampled_median(const double *x, size_t n, double *buf, uint64_t *rng)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = x[(size_t)(((unsigned __int128)splitmix64(rng) * n) >> 64)];
    return median_sorting(buf, n);
}

/* Inverse empirical CDF of sorted s[0..n): the smallest value v with
 * F(v) >= q. */
static double quantile_type1(const double *s, size_t n, double q)
{
    double k = ceil(q * (double)n - 1e-9);
    size_t i = k < 1 ? 0 : (size_t)k - 1;
    return s[i < n ? i : n - 1];
}

void stats_ratio_interval(const double *num, size_t nnum, const double *den, size_t nden,
                          double level, int resamples, struct interval *out)
{
    out->point = stats_median(num, nnum) / stats_median(den, nden);
    out->lo = out->hi = out->point;
    out->valid = 0;
    if (nnum < 2 || nden < 2 || resamples < 1)
        return;
    double *bn = malloc(nnum * sizeof *bn), *bd = malloc(nden * sizeof *bd);
    double *ratio = malloc((size_t)resamples * sizeof *ratio);
    if (bn && bd && ratio) {
        uint64_t rng = 0x7061726974792121ULL; /* "parity!!" */
        for (int b = 0; b < resamples; b++)
            ratio[b] = resampled_median(num, nnum, bn, &rng) /
                       resampled_median(den, nden, bd, &rng);
        qsort(ratio, (size_t)resamples, sizeof *ratio, cmp_double);
        out->lo = quantile_type1(ratio, (size_t)resamples, (1 - level) / 2);
        out->hi = quantile_type1(ratio, (size_t)resamples, (1 + level) / 2);
        out->valid = 1;
    }
    free(bn);
    free(bd);
    free(ratio);
}

double stats_karp_flatt(double speedup, double p)
{
    if (!(p > 1) || !(speedup > 0))
        return NAN;
    return (1 / speedup - 1 / p) / (1 - 1 / p);
}

double stats_amdahl_speedup(double f, double p)
{
    return 1 / (f + (1 - f) / p);
}

double stats_amdahl_fit(const double *p, const double *s, size_t n, double *rms)
{
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(p[i] > 1) || !(s[i] > 0))
            continue;
        double x = 1 - 1 / p[i], y = 1 / s[i] - 1 / p[i];
        sxy += x * y;
        sxx += x * x;
    }
    if (sxx == 0)
        return NAN;
    double f = sxy / sxx;
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    if (rms) {
        double e2 = 0;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (!(s[i] > 0))
                continue;
            double rel = (stats_amdahl_speedup(f, p[i]) - s[i]) / s[i];
            e2 += rel * rel;
            m++;
        }
        *rms = m ? sqrt(e2 / (double)m) : NAN;
    }
    return f;
}

/* Ranks of the pooled sample, doubled so that mid-ranks stay integers:
 * r2[i] for pool[i]; also sum(t^3 - t) over tie groups. */
struct pooled {
    double v;
    int from_x;
};

static int cmp_pooled(const void *a, const void *b)
{
    return cmp_double(&((const struct pooled *)a)->v, &((const struct pooled *)b)->v);
}

static void doubled_ranks(const struct pooled *pool, size_t n, int64_t *r2, double *ties)
{
    *ties = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && pool[j].v == pool[i].v; j++)
            ;
        for (size_t k = i; k < j; k++)
            r2[k] = (int64_t)(i + 1 + j); /* (i+1) + j: first + last rank */
        double t = (double)(j - i);
        *ties += t * t * t - t;
    }
}

/* Exact two-sided p-value: the share of all C(n, nx) ways to pick nx of the
 * pooled ranks whose rank sum lies at least as far from its mean. */
static double mwu_exact_p(const int64_t *r2, size_t n, size_t nx, int64_t r2x)
{
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += r2[i];
    size_t width = (size_t)total + 1;
    double *cnt = calloc((nx + 1) * width, sizeof *cnt);
    if (!cnt)
        return NAN;
    cnt[0] = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = (i + 1 < nx ? i + 1 : nx); k >= 1; k--)
            for (size_t s = width - 1; s >= (size_t)r2[i]; s--)
                cnt[k * width + s] += cnt[(k - 1) * width + s - (size_t)r2[i]];
    /* Under the null the mean of the doubled rank sum is nx (n + 1). */
    int64_t mean = (int64_t)nx * (int64_t)(n + 1);
    int64_t dev = llabs(r2x - mean);
    double all = 0, extreme = 0;
    for (size_t s = 0; s < width; s++) {
        all += cnt[nx * width + s];
        if (llabs((int64_t)s - mean) >= dev)
            extreme += cnt[nx * width + s];
    }
    free(cnt);
    return extreme / all;
}

int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                       struct mwu_result *out)
{
    memset(out, 0, sizeof *out);
    out->p = out->p_min = 1;
    if (nx == 0 || ny == 0)
        return -1;
    size_t n = nx + ny;
    struct pooled *pool = malloc(n * sizeof *pool);
    int64_t *r2 = malloc(n * sizeof *r2);
    if (!pool || !r2) {
        free(pool);
        free(r2);
        return -1;
    }
    for (size_t i = 0; i < nx; i++)
        pool[i] = (struct pooled){x[i], 1};
    for (size_t i = 0; i < ny; i++)
        pool[nx + i] = (struct pooled){y[i], 0};
    qsort(pool, n, sizeof *pool, cmp_pooled);
    double ties;
    doubled_ranks(pool, n, r2, &ties);
    int64_t r2x = 0;
    for (size_t i = 0; i < n; i++)
        r2x += pool[i].from_x ? r2[i] : 0;
    double dnx = (double)nx, dny = (double)ny, dn = (double)n;
    out->u = (double)r2x / 2 - dnx * (dnx + 1) / 2;
    out->p_min = fmin(1, 2 * exp(lgamma(dnx + 1) + lgamma(dny + 1) - lgamma(dn + 1)));
    if (n <= STATS_MWU_EXACT_MAX) {
        out->exact = 1;
        out->p = mwu_exact_p(r2, n, nx, r2x);
    } else {
        double var = dnx * dny / 12 * ((dn + 1) - ties / (dn * (dn - 1)));
        double z = var > 0 ? (fabs(out->u - dnx * dny / 2) - 0.5) / sqrt(var) : 0;
        out->p = var > 0 ? fmin(1, erfc(fmax(z, 0) / sqrt(2.0))) : 1;
    }
    free(pool);
    free(r2);
    return 0;
}

int stats_linfit(const double *x, const double *y, const double *w, size_t n,
                 double *slope, double *intercept)
{
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        sw += wi;
        sx += wi * x[i];
        sy += wi * y[i];
        sxx += wi * x[i] * x[i];
        sxy += wi * x[i] * y[i];
    }
    double det = sw * sxx - sx * sx;
    if (n < 2 || !(fabs(det) > 1e-12 * sw * sxx))
        return -1;
    *slope = (sw * sxy - sx * sy) / det;
    *intercept = (sy - *slope * sx) / sw;
    return 0;
}

double stats_loglog_crossing(double x0, double y0, double x1, double y1, double level)
{
    if (!(x0 > 0 && x1 > 0 && y0 > 0 && y1 > 0 && level > 0) || y0 == y1)
        return NAN;
    double t = (log(level) - log(y0)) / (log(y1) - log(y0));
    return exp(log(x0) + t * (log(x1) - log(x0)));
}
