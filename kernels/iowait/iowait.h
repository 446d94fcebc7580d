/* iowait: T tasks, each waits L ms (nanosleep, standing in for disk or
 * network I/O) and then computes value_i = sum_{j=1}^{J} j (i+1) by a loop.
 * Checked exactly against the closed form (i+1) J (J+1) / 2.  Latency-bound:
 * threads help even past the core count, because a sleeping thread holds no
 * core.  The math lives here once and so does the loop outline,
 * iowait_tasks() below: seq calls it outside any parallel region, omp and
 * mpi inside one (iowait.c); a rank's tasks are fixed in setup and nothing
 * is exchanged, so mpi has no hooks. */
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

/* The loop outline: tasks [lo, hi), one at a time to whichever thread of
 * the calling team is free (an orphaned `omp for`, dynamic, 1).  While a
 * thread sleeps it holds no core, so k threads take ~ T L / k even when k is
 * far above the core count; outside a parallel region (seq) one task after
 * another, every wait blocking everything behind it: ~ T L.  --reduce has
 * nothing to reduce here. */
static inline void iowait_tasks(struct iowait_state *s)
{
#pragma omp for schedule(dynamic, 1)
    for (int64_t i = s->lo; i < s->hi; i++)
        s->values[i - s->lo] = iowait_task(i, s->wait_ms);
}

/* The run functions (iowait.c): seq, and the team that omp and mpi (one
 * thread a rank unless hybrid) share. */
void iowait_run_seq(const struct parity_ctx *ctx, void *state);
void iowait_run_team(const struct parity_ctx *ctx, void *state);

#endif
