/* Element-wise comparison used by verify: ULPs, first index, tolerance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../analysis/analysis.h"

#include <math.h>

static void test_ulp_distance_counts_representable_steps(void **state)
{
    (void)state;
    assert_int_equal(ulp_distance(1.0, 1.0), 0);
    assert_int_equal(ulp_distance(1.0, nextafter(1.0, 2.0)), 1);
    assert_int_equal(ulp_distance(1.0, nextafter(nextafter(1.0, 0.0), 0.0)), 2);
    assert_int_equal(ulp_distance(-0.0, 0.0), 0);
    assert_int_equal(ulp_distance(-4.9e-324, 4.9e-324), 2); /* across zero */
    assert_true(ulp_distance(NAN, 1.0) == UINT64_MAX);
}

static void test_diff_reports_first_index_and_worst_error(void **state)
{
    (void)state;
    double ref[5] = {1, 2, 3, 4, 5};
    double x[5] = {1, 2, 3.5, 4, 4};
    struct array_diff d;
    diff_f64(ref, x, 5, 1e-12, 0, &d);
    assert_int_equal(d.ndiff, 2);
    assert_int_equal(d.first, 2);
    assert_true(d.max_abs == 1.0);
    assert_true(d.max_rel == 1.0 / 5.0); /* worse than 0.5 / 3 */
    assert_int_equal(d.nbeyond, 2);
}

static void test_diff_within_tolerance_is_not_beyond(void **state)
{
    (void)state;
    double ref[3] = {1.0, 100.0, 0.0};
    double x[3] = {nextafter(1.0, 2.0), 100.0 * (1 + 1e-14), 0.0};
    struct array_diff d;
    diff_f64(ref, x, 3, 1e-12, 0, &d);
    assert_int_equal(d.ndiff, 2);
    assert_int_equal(d.nbeyond, 0);
    diff_f64(ref, x, 3, 1e-16, 0, &d); /* the same data fails a tighter policy */
    assert_true(d.nbeyond > 0);
}

static void test_diff_counts_nan_and_integers_have_no_tolerance(void **state)
{
    (void)state;
    double ref[2] = {1, 2}, x[2] = {NAN, 2};
    struct array_diff d;
    diff_f64(ref, x, 2, 1, 1, &d);
    assert_int_equal(d.nonfinite, 1);
    assert_int_equal(d.nbeyond, 1);
    int64_t a[3] = {5, 6, 7}, b[3] = {5, 6, 8};
    diff_i64(a, b, 3, &d);
    assert_int_equal(d.first, 2);
    assert_int_equal(d.nbeyond, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ulp_distance_counts_representable_steps),
        cmocka_unit_test(test_diff_reports_first_index_and_worst_error),
        cmocka_unit_test(test_diff_within_tolerance_is_not_beyond),
        cmocka_unit_test(test_diff_counts_nan_and_integers_have_no_tolerance),
    };
    return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
