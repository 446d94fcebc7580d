/* iowait: T tasks, each waits L ms (nanosleep, standing in for disk or
 * network I/O) and then computes value_i = sum_{j=1}^{J} j (i+1) by a loop.
 * Checked exactly against the closed form (i+1) J (J+1) / 2.  Latency-bound:
 * threads help even past the core count, because a sleeping thread holds no
 * core.  The math lives here once; every mode calls iowait_task(). */
#ifndef PARITY_IOWAIT_H
#define PARITY_IOWAIT_H

#include <parity/kernel.h>

#include <errno.h>
#include <stdint.h>
#include <time.h>

/* Terms of each task's series: a few microseconds of work after the wait.
 * Every partial sum is an integer below 2^53 for tasks <= 2^20, so the loop
 * is exact in double and equals the closed form bit for bit. */
#define IOWAIT_TERMS 500

struct iowait_state {
    int64_t tasks;   /* T, over all ranks */
    int64_t wait_ms; /* L, each task's wait */
    int64_t lo, hi;  /* this process's tasks [lo, hi) */
    double *values;  /* values[i - lo] for i in [lo, hi) */
};

/* Sleep ms milliseconds, resuming after signals until the full time passed. */
static inline void iowait_sleep_ms(int64_t ms)
{
    struct timespec left = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

/* The computation after the wait, as a loop (the closed form is the check). */
static inline double iowait_value(int64_t i)
{
    double v = 0.0, f = (double)(i + 1);
    for (int j = 1; j <= IOWAIT_TERMS; j++)
        v += (double)j * f;
    return v;
}

static inline double iowait_closed_form(int64_t i)
{
    return (double)(i + 1) * (IOWAIT_TERMS * (IOWAIT_TERMS + 1) / 2);
}

/* Task i: wait, then compute. */
static inline double iowait_task(int64_t i, int64_t wait_ms)
{
    iowait_sleep_ms(wait_ms);
    return iowait_value(i);
}

/* Shared by the three modes (iowait.c). */
int iowait_setup(const struct parity_ctx *ctx, void **state);

/* Tasks [lo, hi) with the calling team of threads, one task at a time to
 * whichever thread is free (iowait_omp.c, also used by iowait_mpi.c). */
void iowait_tasks_omp(struct iowait_state *s);

/* The modes' run functions (iowait_seq.c, iowait_omp.c, iowait_mpi.c). */
void iowait_run_seq(const struct parity_ctx *ctx, void *state);
void iowait_run_omp(const struct parity_ctx *ctx, void *state);
void iowait_run_mpi(const struct parity_ctx *ctx, void *state);

#endif
