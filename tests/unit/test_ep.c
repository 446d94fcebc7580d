/* ep: class S (~1 s) through the kernel's hooks matches the NPB 3.3 values; the
 * generator skip-ahead lands where stepping one by one lands; omp is bitwise
 * equal to seq at any thread count; both self-checks fail on a wrong result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/ep/ep.h"

#include <omp.h>
#include <string.h>

extern const struct parity_kernel kernel_ep;

struct ep_result {
    double sums[2];
    int64_t counts[EP_NQ];
    struct parity_check check;
};

static void run_mode(const char *mode, int threads, int m, enum parity_reduce reduce,
                     struct ep_result *r)
{
    struct parity_ctx ctx = {.kernel = &kernel_ep, .mode = mode, .threads = threads,
                          .ranks = 1, .reduce = reduce};
    ctx.param[0] = m;
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_ep, mode)->setup(&ctx, &state), 0);
    omp_set_num_threads(threads);
    kernel_mode(&kernel_ep, mode)->run(&ctx, state);
    struct ep_state *s = state;
    memcpy(r->sums, s->sums, sizeof r->sums);
    memcpy(r->counts, s->counts, sizeof r->counts);
    kernel_ep.check(&ctx, state, &r->check);
    kernel_ep.teardown(state);
}

/* Class S takes most of a second: run it once for every test that needs it. */
static const struct ep_result *class_s(void)
{
    static struct ep_result r;
    static int done;
    if (!done)
        run_mode("seq", 1, 24, PARITY_REPRO, &r);
    done = 1;
    return &r;
}

/* A state holding a given result, for the check alone. */
static void check_of(int m, const struct ep_result *given, struct parity_check *c)
{
    struct parity_ctx ctx = {.kernel = &kernel_ep, .ranks = 1};
    ctx.param[0] = m;
    void *state = NULL;
    assert_int_equal(ep_setup(&ctx, &state), 0);
    struct ep_state *s = state;
    memcpy(s->sums, given->sums, sizeof s->sums);
    memcpy(s->counts, given->counts, sizeof s->counts);
    kernel_ep.check(&ctx, state, c);
    kernel_ep.teardown(state);
}

static void test_ep_class_s_matches_npb(void **state)
{
    (void)state;
    struct ep_result r = *class_s();
    /* NPB 3.3 EP/ep.f, verify section, class S (M = 24). */
    assert_true(fabs((r.sums[0] - -3.247834652034740e+3) / 3.247834652034740e+3) <= 1e-8);
    assert_true(fabs((r.sums[1] - -6.958407078382297e+3) / 6.958407078382297e+3) <= 1e-8);
    assert_true(r.check.bound == 1e-8 && r.check.error <= r.check.bound);
    /* The statistical check, which decides for non-class m, holds here too. */
    struct ep_state s = {.m = 24};
    memcpy(s.sums, r.sums, sizeof r.sums);
    memcpy(s.counts, r.counts, sizeof r.counts);
    assert_true(ep_stat_zmax(&s) < 6.0);
}

/* The seed of batch k by binary powering equals stepping the generator
 * 2 NK k times from the seed. */
static void test_ep_skip_ahead_equals_stepping(void **state)
{
    (void)state;
    double an = ep_batch_step(), x = EP_S;
    for (int64_t k = 0; k < 5; k++) {
        assert_true(ep_batch_seed(k, an) == x);
        for (int64_t i = 0; i < 2 * EP_NK; i++)
            ep_randlc(&x, EP_A);
    }
    /* vranlc and randlc are the same sequence. */
    double a = EP_S, b = EP_S, v[3];
    ep_vranlc(3, &a, EP_A, v);
    for (int i = 0; i < 3; i++)
        assert_true(ep_randlc(&b, EP_A) == v[i]);
    assert_true(a == b);
}

static void test_ep_omp_bitwise_equal_to_seq(void **state)
{
    (void)state;
    struct ep_result ref, x;
    run_mode("seq", 1, 20, PARITY_REPRO, &ref); /* 16 batches */
    assert_true(ref.check.bound == 6.0 && ref.check.error <= ref.check.bound);
    for (int t = 1; t <= 4; t++) {
        run_mode("omp", t, 20, PARITY_REPRO, &x);
        assert_memory_equal(ref.sums, x.sums, sizeof ref.sums);
        assert_memory_equal(ref.counts, x.counts, sizeof ref.counts);
    }
    run_mode("omp", 3, 20, PARITY_FAST, &x);
    assert_memory_equal(ref.counts, x.counts, sizeof ref.counts);
    assert_true(fabs(x.sums[0] - ref.sums[0]) <= 1e-8 * fabs(ref.sums[0]) + 1e-6);
}

static void test_ep_self_checks_fail_on_wrong_results(void **state)
{
    (void)state;
    struct ep_result r;
    struct parity_check c;
    /* Class S: sx off by 1e-7 relative. */
    r = *class_s();
    r.sums[0] *= 1.0 + 1e-7;
    check_of(24, &r, &c);
    assert_true(c.error > c.bound);
    /* m = 17 (two batches, decided by statistics): batch 1 lost, as a lost
     * update or a rank left out would lose it. */
    run_mode("seq", 1, 17, PARITY_REPRO, &r);
    check_of(17, &r, &c);
    assert_true(c.error <= c.bound);
    double lost[2] = {0.0, 0.0};
    int64_t lost_q[EP_NQ] = {0};
    ep_batch(1, ep_batch_step(), lost, lost_q);
    for (int l = 0; l < EP_NQ; l++)
        r.counts[l] -= lost_q[l];
    r.sums[0] -= lost[0], r.sums[1] -= lost[1];
    check_of(17, &r, &c);
    assert_true(c.error > c.bound);
    /* A NaN fails too, wherever it is. */
    run_mode("seq", 1, 17, PARITY_REPRO, &r);
    r.sums[0] = NAN;
    check_of(17, &r, &c);
    assert_false(c.error <= c.bound);
    r = *class_s();
    r.sums[0] = NAN;
    check_of(24, &r, &c);
    assert_false(c.error <= c.bound);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ep_class_s_matches_npb),
        cmocka_unit_test(test_ep_skip_ahead_equals_stepping),
        cmocka_unit_test(test_ep_omp_bitwise_equal_to_seq),
        cmocka_unit_test(test_ep_self_checks_fail_on_wrong_results),
    };
    return cmocka_run_group_tests_name("ep", tests, NULL, NULL);
}
