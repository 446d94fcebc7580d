/* Statistics on repetition timings, shared by the driver and the analysis:
 * order statistics, the speedup interval (bootstrap), the normal CDF,
 * Karp-Flatt and Amdahl, the Mann-Whitney U test, a
 * weighted straight-line fit and a log-log crossing.  Each function says the
 * formula it computes; tests/unit/test_stats.c checks them against hand
 * values. */
#ifndef PARITY_STATS_H
#define PARITY_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Median of x[0..n) (x is not modified); NaN for n == 0. */
double stats_median(const double *x, size_t n);
double stats_min(const double *x, size_t n);
double stats_max(const double *x, size_t n);
double stats_mean(const double *x, size_t n);
/* Sample standard deviation (divisor n - 1); NaN for n < 2. */
double stats_stddev(const double *x, size_t n);

/* Standard normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2. */
double stats_normal_cdf(double z);

/* A point estimate with a two-sided interval.  valid = 0: no interval (too
 * few repetitions); lo = hi = point then. */
struct interval {
    double point, lo, hi;
    int valid;
};

/* The ratio median(num) / median(den) (speedup = median seq time / median
 * run time) with a percentile-bootstrap interval at confidence `level`
 * (0.95): both samples are resampled with replacement `resamples` times from
 * a fixed seed (the same data always give the same interval), the ratio of
 * the resampled medians is formed each time, and the interval is the
 * (1-level)/2 and (1+level)/2 quantiles (inverse empirical CDF) of those
 * ratios.  No interval when either side has a single value. */
void stats_ratio_interval(const double *num, size_t nnum, const double *den, size_t nden,
                          double level, int resamples, struct interval *out);
#define STATS_BOOTSTRAP_RESAMPLES 10000

/* Karp-Flatt experimentally determined serial fraction for speedup s on p
 * processing units: e = (1/s - 1/p) / (1 - 1/p).  NaN for p <= 1. */
double stats_karp_flatt(double speedup, double p);

/* Amdahl's law: speedup on p units with serial fraction f, 1 / (f + (1-f)/p). */
double stats_amdahl_speedup(double f, double p);
/* Least-squares fit of Amdahl's law to measured speedups s[i] on p[i]
 * units.  In the linear form 1/s - 1/p = f (1 - 1/p) the fit through the
 * origin is f = sum(x y) / sum(x^2), x = 1 - 1/p, y = 1/s - 1/p (points with
 * p = 1 carry no information).  Clamped to [0, 1].  Returns NaN when no
 * point has p > 1; *rms gets the root-mean-square relative speedup error of
 * the fitted curve (may be NULL). */
double stats_amdahl_fit(const double *p, const double *s, size_t n, double *rms);

/* Mann-Whitney U test, two-sided, of "x and y come from the same
 * distribution".  Ties get mid-ranks.  u = U of x = R_x - nx(nx+1)/2 (the
 * number of pairs with x > y, ties counting 1/2).  The p-value is exact
 * (the permutation distribution of the rank sum, ties included, by dynamic
 * programming over doubled ranks) for nx + ny <= STATS_MWU_EXACT_MAX, else
 * the normal approximation with tie and continuity corrections:
 *   z = (|U - nx ny/2| - 1/2) / sigma,
 *   sigma^2 = nx ny / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))).
 * p_min is the smallest p-value these sample sizes can reach (what the test
 * can detect at all). */
struct mwu_result {
    double u;        /* U statistic of x */
    double p;        /* two-sided p-value */
    double p_min;    /* smallest attainable p-value for nx, ny */
    int exact;       /* 1: exact permutation p-value; 0: normal approximation */
};
#define STATS_MWU_EXACT_MAX 80
int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                       struct mwu_result *out);

/* Weighted least squares y = slope x + intercept, minimising
 * sum w (y - slope x - intercept)^2.  Returns -1 when the x are all equal. */
int stats_linfit(const double *x, const double *y, const double *w, size_t n,
                 double *slope, double *intercept);

/* Where the curve through (x0, y0) and (x1, y1), straight on log-log axes,
 * crosses y = level: exp(log x0 + (log x1 - log x0) (log level - log y0) /
 * (log y1 - log y0)).  NaN when the values are not positive or y0 == y1. */
double stats_loglog_crossing(double x0, double y0, double x1, double y1, double level);

#endif
