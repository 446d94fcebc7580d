/* Reading and judging result files: `parity verify`, `parity info`,
 * `parity report`, `parity compare`, and the element-wise comparison they
 * share. */
#ifndef PARITY_ANALYSIS_H
#define PARITY_ANALYSIS_H

#include <stdint.h>

int cmd_verify(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* How a result array differs from its reference, element by element. */
struct array_diff {
    int64_t n;          /* elements compared */
    int64_t ndiff;      /* elements whose bits differ */
    int64_t first;      /* index of the first differing element, -1 if none */
    int64_t nbeyond;    /* elements outside atol + rtol*|ref| */
    double max_abs;     /* largest |x - ref| */
    double max_rel;     /* largest |x - ref| / |ref| (ref != 0) */
    uint64_t max_ulps;  /* largest distance in units in the last place */
    int64_t nonfinite;  /* NaN or Inf elements in x */
};

/* Distance between two doubles in ULPs (0 for equal bits, saturating). */
uint64_t ulp_distance(double a, double b);

void diff_f64(const double *ref, const double *x, int64_t n, double rtol,
              double atol, struct array_diff *d);
void diff_i64(const int64_t *ref, const int64_t *x, int64_t n,
              struct array_diff *d);

#endif
