/* Strict number parsing for command-line values: the whole string must be a
 * number, or the caller gets -1 and prints what was wrong. */
#ifndef PARITY_NUMPARSE_H
#define PARITY_NUMPARSE_H

#include <stdint.h>

/* Whole number: "1000000", "1e6" and "4_000_000" are accepted when exact. */
int parse_int64(const char *text, int64_t *value);
/* Real number, finite. */
int parse_double(const char *text, double *value);

#endif
