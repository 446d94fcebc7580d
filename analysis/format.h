/* Number and CSV formatting shared by report and compare (so compare does
 * not include report.h just to print a time).  Checked through their output
 * in tests/cli/report.bats and tests/cli/compare.bats. */
#ifndef PARITY_FORMAT_H
#define PARITY_FORMAT_H

#include <stddef.h>
#include <stdio.h>

/* "12.3 ms", "1.02 s"; "—" for NaN/Inf. */
void fmt_seconds(char *buf, size_t size, double s);
/* Sizes as "4096" or "1e+06"; "—" for NaN/Inf. */
void fmt_size(char *buf, size_t size, double v);
/* A speedup: "1.97", small ones with two significant digits ("0.0018"). */
void fmt_ratio(char *buf, size_t size, double v);
/* v with a printf format, or "—" for NaN/Inf. */
void fmt_num(char *buf, size_t size, const char *fmt, double v);

/* One CSV field (RFC 4180: quoted when it holds a comma, quote or line
 * break, quotes doubled), then ',' or, for the last field, '\n'. */
void csv_field(FILE *f, const char *s, int last);

#endif
