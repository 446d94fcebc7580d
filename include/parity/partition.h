/* Block partition of [0, n) into `parts` contiguous ranges whose sizes differ
 * by at most one (the first n % parts ranges get one extra).  Every mode uses
 * this one rule, so "which rank owns index i" never depends on who asks. */
#ifndef PARITY_PARTITION_H
#define PARITY_PARTITION_H

#include <stdint.h>

static inline int64_t parity_partition_begin(int64_t n, int parts, int part)
{
    int64_t base = n / parts, extra = n % parts;
    return part * base + (part < extra ? part : extra);
}

/* Range [*lo, *hi) of part `part` out of `parts`. */
static inline void parity_partition_range(int64_t n, int parts, int part, int64_t *lo,
                                   int64_t *hi)
{
    *lo = parity_partition_begin(n, parts, part);
    *hi = parity_partition_begin(n, parts, part + 1);
}

#endif
