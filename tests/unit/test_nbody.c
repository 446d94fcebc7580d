/* nbody: the self-check passes on a tiny run, fails when a velocity
 * (momentum) or a position (energy) is perturbed; seq and omp with 1-4
 * threads give the same bits, diagnostics included; the force sum on a body
 * is the same whichever range of bodies a worker computes; under fast the
 * diagnostics are the thread shares' sums added in thread order, the same
 * bits on every run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/nbody/nbody.h"

#include <parity/partition.h>

#include <omp.h>
#include <string.h>

extern const struct parity_kernel kernel_nbody;

static struct parity_ctx context(const char *mode, int threads, int64_t n, int64_t steps)
{
    struct parity_ctx ctx = {.kernel = &kernel_nbody, .mode = mode, .threads = threads,
                          .ranks = 1, .reduce = PARITY_REPRO, .seed = 1};
    ctx.param[kernel_param_index(&kernel_nbody, "n")] = n;
    ctx.param[kernel_param_index(&kernel_nbody, "steps")] = steps;
    return ctx;
}

/* A run through the kernel's hooks; the caller tears the state down. */
static struct nbody_state *simulate_with(const char *mode, int threads, int64_t n,
                                         int64_t steps, enum parity_reduce reduce,
                                         struct parity_check *check)
{
    struct parity_ctx ctx = context(mode, threads, n, steps);
    ctx.reduce = reduce;
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_nbody, mode)->setup(&ctx, &state), 0);
    omp_set_num_threads(threads);
    kernel_mode(&kernel_nbody, mode)->run(&ctx, state);
    kernel_mode(&kernel_nbody, mode)->run(&ctx, state); /* a repetition gives the same */
    kernel_nbody.check(&ctx, state, check);
    return state;
}

static struct nbody_state *simulate(const char *mode, int threads, int64_t n,
                                    int64_t steps, struct parity_check *check)
{
    return simulate_with(mode, threads, n, steps, PARITY_REPRO, check);
}

/* The end totals again, from the state as it stands (after a perturbation). */
static void recheck(struct nbody_state *s, struct parity_check *c)
{
    struct parity_ctx ctx = context("seq", 1, s->n, s->steps);
    nbody_forces(s, 0, s->n, 1);
    nbody_diag_rows(s, 0, s->n);
    s->end = nbody_sum_local(&ctx, s);
    kernel_nbody.check(&ctx, s, c);
}

static void test_nbody_self_check_passes(void **state)
{
    (void)state;
    struct parity_check c;
    struct nbody_state *s = simulate("seq", 1, 128, 10, &c);
    assert_true(c.error <= c.bound);
    assert_true(s->start.energy < -0.2 && s->start.energy > -0.3); /* Henon units */
    recheck(s, &c); /* recomputing the end state changes nothing */
    assert_true(c.error <= c.bound);
    kernel_nbody.teardown(s);
}

static void test_nbody_check_fails_on_a_perturbed_velocity(void **state)
{
    (void)state;
    struct parity_check c;
    struct nbody_state *s = simulate("seq", 1, 128, 10, &c);
    s->vx[17] += 1e-6; /* momentum moves by m 1e-6 = 8e-9, rounding allows ~1e-13 */
    recheck(s, &c);
    assert_true(c.error > c.bound);
    kernel_nbody.teardown(s);
}

static void test_nbody_check_fails_on_a_perturbed_position(void **state)
{
    (void)state;
    struct parity_check c;
    struct nbody_state *s = simulate("seq", 1, 128, 10, &c);
    s->y[42] += 1e-2; /* potential energy moves by ~ m |a| 1e-2 */
    recheck(s, &c);
    assert_true(c.error > c.bound);
    kernel_nbody.teardown(s);
}

static void test_nbody_omp_1_to_4_threads_bitwise_equal_to_seq(void **state)
{
    (void)state;
    struct parity_check c;
    int64_t n = 203; /* not a multiple of the lanes nor of the threads */
    struct nbody_state *ref = simulate("seq", 1, n, 5, &c);
    size_t bytes = sizeof(double) * (size_t)n;
    for (int t = 1; t <= 4; t++) {
        struct nbody_state *s = simulate("omp", t, n, 5, &c);
        assert_memory_equal(s->x, ref->x, bytes);
        assert_memory_equal(s->z, ref->z, bytes);
        assert_memory_equal(s->vy, ref->vy, bytes);
        assert_memory_equal(&s->start, &ref->start, sizeof s->start);
        assert_memory_equal(&s->end, &ref->end, sizeof s->end);
        kernel_nbody.teardown(s);
    }
    kernel_nbody.teardown(ref);
}

/* fast: the end totals are, bit for bit, each thread's share of the body
 * rows summed in order, the shares then added in thread order, whatever
 * order the threads finished in (reduction(+:) took that order before the
 * loop outline); omp 1 thread is seq. */
static void test_nbody_fast_totals_in_thread_order(void **state)
{
    (void)state;
    struct parity_check c;
    int64_t n = 203;
    struct nbody_state *ref = simulate_with("seq", 1, n, 3, PARITY_FAST, &c);
    for (int t = 1; t <= 4; t++)
        for (int run = 0; run < 3; run++) {
            struct nbody_state *s = simulate_with("omp", t, n, 3, PARITY_FAST, &c);
            double sum[NB_DIAG_WIDTH] = {0};
            for (int part = 0; part < t; part++) {
                int64_t lo, hi;
                parity_partition_range(n, t, part, &lo, &hi);
                double share[NB_DIAG_WIDTH] = {0};
                for (int64_t i = lo; i < hi; i++)
                    for (int k = 0; k < NB_DIAG_WIDTH; k++)
                        share[k] += s->partials[i * NB_DIAG_WIDTH + k];
                for (int k = 0; k < NB_DIAG_WIDTH; k++)
                    sum[k] += share[k];
            }
            struct nbody_totals want = nbody_totals_of(sum);
            assert_memory_equal(&s->end, &want, sizeof want);
            if (t == 1)
                assert_memory_equal(&s->end, &ref->end, sizeof want);
            kernel_nbody.teardown(s);
        }
    kernel_nbody.teardown(ref);
}

/* Each body's force depends on the positions only, not on the range of
 * bodies around it: what makes any decomposition give seq's bits. */
static void test_nbody_force_independent_of_the_range(void **state)
{
    (void)state;
    struct parity_ctx ctx = context("seq", 1, 77, 1);
    void *v = NULL;
    assert_int_equal(nbody_setup(&ctx, &v), 0);
    struct nbody_state *s = v;
    nbody_reset(s, 0, s->n, 1);
    nbody_forces(s, 0, s->n, 1);
    double ax[77], pot[77];
    memcpy(ax, s->ax, sizeof ax);
    memcpy(pot, s->pot, sizeof pot);
    for (int64_t lo = 0; lo < s->n; lo += 13) /* uneven pieces, any order */
        nbody_forces(s, lo, lo + 13 < s->n ? lo + 13 : s->n, 1);
    assert_memory_equal(ax, s->ax, sizeof ax);
    assert_memory_equal(pot, s->pot, sizeof pot);
    kernel_nbody.teardown(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nbody_self_check_passes),
        cmocka_unit_test(test_nbody_check_fails_on_a_perturbed_velocity),
        cmocka_unit_test(test_nbody_check_fails_on_a_perturbed_position),
        cmocka_unit_test(test_nbody_omp_1_to_4_threads_bitwise_equal_to_seq),
        cmocka_unit_test(test_nbody_fast_totals_in_thread_order),
        cmocka_unit_test(test_nbody_force_independent_of_the_range),
    };
    return cmocka_run_group_tests_name("nbody", tests, NULL, NULL);
}
