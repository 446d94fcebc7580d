/* pi, the racy variant's loop: every thread of the team adds its share of
 * terms into one shared accumulator without synchronisation, so updates are
 * lost and the answer is wrong, which verify (and races.bats) must catch.
 * Alone in this file so that a race report names it. */
#include "pi.h"

void pi_racy_add(struct pi_state *s, int64_t lo, int64_t hi)
{
    /* volatile keeps every += a separate load and store, as a naive shared
     * counter in real code would be: the race is the point.  One thread
     * (seq) adds in index order, the plain serial sum. */
#pragma omp for schedule(static)
    for (int64_t i = lo; i < hi; i++)
        s->racy_sum += pi_term(i, s->h);
}
