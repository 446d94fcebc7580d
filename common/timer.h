/* The harness clock: monotonic wall time in seconds.  Kernels never time
 * themselves; the driver wraps each repetition. */
#ifndef PARITY_TIMER_H
#define PARITY_TIMER_H

#include <time.h>

static inline double timer_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#endif
