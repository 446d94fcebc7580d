/* pi: the self-check accepts the midpoint rule's answer and rejects a value
 * off by more than the rule's error bound; seq and omp agree bitwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/pi/pi.h"

#include <math.h>
#include <omp.h>

static void run_mode(const char *mode, int threads, int64_t n, double *value,
                     struct parity_check *check)
{
    extern const struct parity_kernel kernel_pi;
    struct parity_ctx ctx = {.kernel = &kernel_pi, .mode = mode, .threads = threads,
                          .ranks = 1, .reduce = PARITY_REPRO};
    ctx.param[0] = n;
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_pi, mode)->setup(&ctx, &state), 0);
    omp_set_num_threads(threads);
    kernel_mode(&kernel_pi, mode)->run(&ctx, state);
    *value = ((struct pi_state *)state)->value;
    kernel_pi.check(&ctx, state, check);
    kernel_pi.teardown(state);
}

static void test_pi_self_check_passes_and_error_is_the_rules(void **state)
{
    (void)state;
    double v;
    struct parity_check c;
    run_mode("seq", 1, 100000, &v, &c);
    assert_true(c.error <= c.bound);
    /* The midpoint rule errs by about h^2/12 here (f'(1)-f'(0) = -2). */
    assert_true(fabs(c.error - 1.0 / (12.0 * 1e10)) < 1e-13);
}

static void test_pi_self_check_fails_on_a_wrong_value(void **state)
{
    (void)state;
    extern const struct parity_kernel kernel_pi;
    struct parity_ctx ctx = {.kernel = &kernel_pi, .ranks = 1};
    ctx.param[0] = 100000;
    void *s = NULL;
    assert_int_equal(pi_setup(&ctx, &s), 0);
    ((struct pi_state *)s)->value = M_PI + 1e-6; /* half a lost update would be ~1 */
    struct parity_check c;
    kernel_pi.check(&ctx, s, &c);
    assert_true(c.error > c.bound);
    kernel_pi.teardown(s);
}

static void test_pi_omp_bitwise_equal_to_seq(void **state)
{
    (void)state;
    double ref, x;
    struct parity_check c;
    run_mode("seq", 1, 3000017, &ref, &c);
    for (int t = 1; t <= 4; t++) {
        run_mode("omp", t, 3000017, &x, &c);
        assert_memory_equal(&ref, &x, sizeof ref);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pi_self_check_passes_and_error_is_the_rules),
        cmocka_unit_test(test_pi_self_check_fails_on_a_wrong_value),
        cmocka_unit_test(test_pi_omp_bitwise_equal_to_seq),
    };
    return cmocka_run_group_tests_name("pi", tests, NULL, NULL);
}
