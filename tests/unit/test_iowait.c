/* iowait: every task's value equals its closed form exactly (the largest
 * task included), the self-check fails on a value one ulp off, omp with more
 * threads than cores and any rank's block give the same values as seq. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/iowait/iowait.h"

#include <math.h>
#include <omp.h>

extern const struct parity_kernel kernel_iowait;

static struct iowait_state *setup(const char *mode, int threads, int ranks,
                                  int rank, int64_t tasks, int64_t wait_ms,
                                  struct parity_ctx *ctx)
{
    *ctx = (struct parity_ctx){.kernel = &kernel_iowait, .mode = mode, .threads = threads,
                            .ranks = ranks, .rank = rank};
    ctx->param[0] = tasks;
    ctx->param[1] = wait_ms;
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_iowait, mode)->setup(ctx, &state), 0);
    omp_set_num_threads(threads);
    return state;
}

static void test_iowait_values_are_the_closed_form(void **state)
{
    (void)state;
    struct parity_ctx ctx;
    struct iowait_state *s = setup("seq", 1, 1, 0, 16, 1, &ctx);
    kernel_mode(&kernel_iowait, "seq")->run(&ctx, s);
    struct parity_check c;
    kernel_iowait.check(&ctx, s, &c);
    assert_true(c.error == 0.0 && c.bound == 0.0);
    assert_true(s->values[15] == 16.0 * 125250.0);
    kernel_iowait.teardown(s);
    /* The largest task allowed: still an integer below 2^53, still exact. */
    int64_t last = (INT64_C(1) << 20) - 1;
    assert_true(iowait_value(last) == iowait_closed_form(last));
}

static void test_iowait_self_check_fails_on_a_wrong_value(void **state)
{
    (void)state;
    struct parity_ctx ctx;
    struct iowait_state *s = setup("seq", 1, 1, 0, 16, 0, &ctx);
    kernel_mode(&kernel_iowait, "seq")->run(&ctx, s);
    s->values[7] = nextafter(s->values[7], INFINITY);
    struct parity_check c;
    kernel_iowait.check(&ctx, s, &c);
    assert_true(c.error > c.bound);
    s->values[7] = NAN; /* followed by correct values */
    kernel_iowait.check(&ctx, s, &c);
    assert_false(c.error <= c.bound);
    kernel_iowait.teardown(s);
}

/* 16 threads on a 2-core machine: waits overlap, results are unchanged. */
static void test_iowait_omp_past_the_cores_equals_seq(void **state)
{
    (void)state;
    struct parity_ctx ctx;
    struct iowait_state *s = setup("omp", 16, 1, 0, 40, 1, &ctx);
    kernel_mode(&kernel_iowait, "omp")->run(&ctx, s);
    for (int64_t i = 0; i < 40; i++)
        assert_true(s->values[i] == iowait_value(i));
    kernel_iowait.teardown(s);
}

/* Rank 1 of 3 owns tasks [14, 27) of 40 and checks only those. */
static void test_iowait_rank_block(void **state)
{
    (void)state;
    struct parity_ctx ctx;
    struct iowait_state *s = setup("seq", 1, 3, 1, 40, 0, &ctx);
    assert_int_equal(s->lo, 14);
    assert_int_equal(s->hi, 27);
    kernel_mode(&kernel_iowait, "seq")->run(&ctx, s);
    assert_true(s->values[0] == iowait_closed_form(14));
    struct parity_check c;
    kernel_iowait.check(&ctx, s, &c);
    assert_true(c.error <= c.bound);
    struct parity_output out = {0};
    kernel_iowait.output(&ctx, s, &out);
    assert_int_equal(out.array[0].offset[0], 14);
    assert_int_equal(out.array[0].count[0], 13);
    assert_true(out.scalar[0].value == 0.0); /* ideal_seconds at 0 ms */
    kernel_iowait.teardown(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iowait_values_are_the_closed_form),
        cmocka_unit_test(test_iowait_self_check_fails_on_a_wrong_value),
        cmocka_unit_test(test_iowait_omp_past_the_cores_equals_seq),
        cmocka_unit_test(test_iowait_rank_block),
    };
    return cmocka_run_group_tests_name("iowait", tests, NULL, NULL);
}
