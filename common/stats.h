/* Statistics on repetition timings, shared by the driver and the analysis. */
#ifndef PARITY_STATS_H
#define PARITY_STATS_H

#include <stddef.h>

/* Median of x[0..n) (x is not modified); NaN for n == 0. */
double stats_median(const double *x, size_t n);
double stats_min(const double *x, size_t n);
double stats_max(const double *x, size_t n);

#endif
