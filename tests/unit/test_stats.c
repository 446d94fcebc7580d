/* The statistics behind report and compare, against values worked out by
 * hand (in the comments) or by an independent formula in the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../common/stats.h"

#include <math.h>
#include <stdlib.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_median_odd_even_and_input_untouched(void **state)
{
    (void)state;
    double odd[3] = {3, 1, 2}, even[4] = {4, 1, 3, 2};
    assert_true(stats_median(odd, 3) == 2);
    assert_true(stats_median(even, 4) == 2.5);
    assert_true(odd[0] == 3 && even[0] == 4);
    assert_true(isnan(stats_median(odd, 0)));
    assert_true(stats_min(even, 4) == 1 && stats_max(even, 4) == 4);
    NEAR(stats_mean(even, 4), 2.5, 0);
    NEAR(stats_stddev(even, 4), sqrt(5.0 / 3.0), 1e-15); /* (2.25+.25+.25+2.25)/3 */
    assert_true(isnan(stats_stddev(even, 1)));
}

static void test_interval_absent_for_a_single_repetition(void **state)
{
    (void)state;
    double seq[1] = {2.0}, par[3] = {1.0, 1.1, 0.9};
    struct interval s;
    stats_ratio_interval(seq, 1, par, 3, 0.95, STATS_BOOTSTRAP_RESAMPLES, &s);
    assert_false(s.valid);
    NEAR(s.point, 2.0, 1e-15); /* median 2 / median 1 */
    assert_true(s.lo == s.point && s.hi == s.point);
}

static void test_interval_of_constant_samples_is_the_point(void **state)
{
    (void)state;
    double seq[4] = {3, 3, 3, 3}, par[2] = {1.5, 1.5};
    struct interval s;
    stats_ratio_interval(seq, 4, par, 2, 0.95, STATS_BOOTSTRAP_RESAMPLES, &s);
    assert_true(s.valid);
    assert_true(s.point == 2 && s.lo == 2 && s.hi == 2);
}

/* Three repetitions each: a resampled median of 3 is the smallest value
 * with probability P(at least 2 of 3 draws hit it) = 7/27, so the lowest
 * ratio min(num)/max(den) has probability (7/27)^2 = 0.067 > 0.025, and
 * the 95 % interval is the whole range [min/max, max/min] (by hand). */
static void test_interval_with_three_reps_is_the_range_ratio(void **state)
{
    (void)state;
    double seq[3] = {2.0, 2.2, 2.1}, par[3] = {1.05, 1.0, 1.2};
    struct interval s;
    stats_ratio_interval(seq, 3, par, 3, 0.95, STATS_BOOTSTRAP_RESAMPLES, &s);
    assert_true(s.valid);
    NEAR(s.point, 2.1 / 1.05, 1e-15);
    NEAR(s.lo, 2.0 / 1.2, 1e-15);
    NEAR(s.hi, 2.2 / 1.0, 1e-15);
}

/* P(resampled median of 5 <= k-th smallest) = P(Binomial(5, k/5) >= 3). */
static double median5_cdf(int k)
{
    double p = k / 5.0, c[6] = {1, 5, 10, 10, 5, 1}, sum = 0;
    for (int j = 3; j <= 5; j++)
        sum += c[j] * pow(p, j) * pow(1 - p, 5 - j);
    return sum;
}

struct atom {
    double value, prob;
};

static int cmp_atom(const void *a, const void *b)
{
    double x = ((const struct atom *)a)->value, y = ((const struct atom *)b)->value;
    return (x > y) - (x < y);
}

/* Five repetitions each: the exact bootstrap distribution of the ratio of
 * medians (25 atoms from the binomial formula above) has quantiles that the
 * resampling must find.  No cumulative probability lies within 0.006 of
 * 0.025 or 0.975; with 100000 resamples that is 12 standard errors
 * (sqrt(0.025 * 0.975 / 1e5) = 0.0005). */
static void test_interval_matches_the_exact_bootstrap_distribution(void **state)
{
    (void)state;
    double num[5] = {10, 10.7, 11.9, 12.3, 14.1}, den[5] = {5.0, 5.3, 6.1, 6.4, 7.7};
    struct atom atoms[25];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            atoms[5 * i + j] = (struct atom){
                num[i] / den[j], (median5_cdf(i + 1) - median5_cdf(i)) *
                                     (median5_cdf(j + 1) - median5_cdf(j))};
    qsort(atoms, 25, sizeof atoms[0], cmp_atom);
    double cum = 0, lo = NAN, hi = NAN;
    for (int a = 0; a < 25; a++) {
        double before = cum;
        cum += atoms[a].prob;
        assert_true(fabs(cum - 0.025) > 0.006 && fabs(cum - 0.975) > 0.006);
        if (before < 0.025 && cum >= 0.025)
            lo = atoms[a].value;
        if (before < 0.975 && cum >= 0.975)
            hi = atoms[a].value;
    }
    NEAR(cum, 1.0, 1e-12);
    struct interval s;
    /* The reversed order must not matter: the input is not assumed sorted. */
    double num_r[5] = {14.1, 12.3, 11.9, 10.7, 10}, den_r[5] = {7.7, 6.4, 6.1, 5.3, 5.0};
    stats_ratio_interval(num_r, 5, den_r, 5, 0.95, 100000, &s);
    assert_true(s.valid);
    NEAR(s.point, 11.9 / 6.1, 1e-15);
    NEAR(s.lo, lo, 1e-15);
    NEAR(s.hi, hi, 1e-15);
    assert_true(s.lo < s.point && s.point < s.hi);
}

static void test_karp_flatt_by_hand(void **state)
{
    (void)state;
    /* s = 1.6 on 2: (1/1.6 - 1/2) / (1 - 1/2) = 0.125 / 0.5 = 0.25 */
    NEAR(stats_karp_flatt(1.6, 2), 0.25, 1e-15);
    NEAR(stats_karp_flatt(4, 4), 0, 1e-15);   /* ideal: no serial part */
    NEAR(stats_karp_flatt(1, 8), 1, 1e-15);   /* no gain: all serial */
    assert_true(stats_karp_flatt(5, 4) < 0);  /* superlinear */
    assert_true(isnan(stats_karp_flatt(1, 1)));
    /* Karp-Flatt inverts Amdahl: e of Amdahl's speedup is f. */
    NEAR(stats_karp_flatt(stats_amdahl_speedup(0.07, 12), 12), 0.07, 1e-14);
}

static void test_amdahl_law_and_fit(void **state)
{
    (void)state;
    /* f = 0.1, p = 10: 1 / (0.1 + 0.9/10) = 1 / 0.19 */
    NEAR(stats_amdahl_speedup(0.1, 10), 1 / 0.19, 1e-14);
    NEAR(stats_amdahl_speedup(0, 7), 7, 1e-14);
    /* Exact data from f = 0.2 are fitted exactly. */
    double p[4] = {1, 2, 4, 8}, s[4];
    for (int i = 0; i < 4; i++)
        s[i] = stats_amdahl_speedup(0.2, p[i]);
    double rms;
    NEAR(stats_amdahl_fit(p, s, 4, &rms), 0.2, 1e-14);
    NEAR(rms, 0, 1e-14);
    /* By hand: (2, 1.5), (4, 2.5): x = 0.5, 0.75; y = 1/1.5 - 1/2 = 1/6,
     * 1/2.5 - 1/4 = 0.15; f = (0.5/6 + 0.75*0.15) / (0.25 + 0.5625). */
    double p2[2] = {2, 4}, s2[2] = {1.5, 2.5};
    double f = stats_amdahl_fit(p2, s2, 2, &rms);
    NEAR(f, (0.5 / 6 + 0.75 * 0.15) / 0.8125, 1e-14);
    assert_true(rms > 0);
    double one[1] = {1}, sone[1] = {1};
    assert_true(isnan(stats_amdahl_fit(one, sone, 1, NULL))); /* nothing to fit */
    double sup[1] = {3};
    NEAR(stats_amdahl_fit(p2, sup, 1, NULL), 0, 0); /* superlinear: clamped */
}

static void test_mann_whitney_exact_without_ties(void **state)
{
    (void)state;
    struct mwu_result r;
    /* Complete separation of 3 and 3: 2 of the C(6,3) = 20 orderings are as
     * extreme, p = 0.1 (so 3 repetitions can never reach 0.05). */
    double a[3] = {1, 2, 3}, b[3] = {4, 5, 6};
    assert_int_equal(stats_mann_whitney(a, 3, b, 3, &r), 0);
    assert_true(r.exact);
    NEAR(r.u, 0, 0);
    NEAR(r.p, 0.1, 1e-15);
    NEAR(r.p_min, 0.1, 1e-12);
    /* 5 and 5: 2 / C(10,5) = 2/252. */
    double c[5] = {6, 7, 8, 9, 10}, d[5] = {1, 2, 3, 4, 5};
    stats_mann_whitney(c, 5, d, 5, &r);
    NEAR(r.u, 25, 0);
    NEAR(r.p, 2.0 / 252, 1e-15);
    /* Interleaved {1,3,5} vs {2,4,6}: U = 9 - 6 = 3.  The U distribution of
     * 3 and 3 counts 1,1,2,3,3,3,3,2,1,1 for U = 0..9; |U - 4.5| >= 1.5
     * holds for 7 + 7 of the 20: p = 0.7. */
    double e[3] = {5, 1, 3}, f[3] = {2, 6, 4};
    stats_mann_whitney(e, 3, f, 3, &r);
    NEAR(r.u, 3, 0);
    NEAR(r.p, 0.7, 1e-15);
}

/* x = {1,2,2}, y = {2,3,4}: ranks 1, (2,3,4 tied -> 3), 5, 6, so R_x = 7
 * and U = 1 (two x = 2 tie with y = 2: 1/2 each).  Of the 20 ways to pick 3
 * of the ranks {1,3,3,3,5,6}, the sums at least 3.5 from the mean 10.5 are
 * 1+3+3 = 7 (3 ways) and 3+5+6 = 14 (3 ways): p = 6/20. */
static void test_mann_whitney_exact_with_ties(void **state)
{
    (void)state;
    double x[3] = {2, 1, 2}, y[3] = {4, 2, 3};
    struct mwu_result r;
    stats_mann_whitney(x, 3, y, 3, &r);
    assert_true(r.exact);
    NEAR(r.u, 1, 0);
    NEAR(r.p, 0.3, 1e-15);
    /* All equal: nothing to tell apart. */
    double z[4] = {1, 1, 1, 1};
    stats_mann_whitney(z, 2, z + 2, 2, &r);
    NEAR(r.p, 1, 1e-15);
}

/* Beyond the exact limit: U counted pair by pair, sigma from the tie
 * counts, z with continuity correction, p = erfc(z / sqrt 2). */
static void test_mann_whitney_normal_approximation_with_ties(void **state)
{
    (void)state;
    enum { N = 50 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = (double)(i / 2);      /* 0,0,1,1,...,24,24 */
        y[i] = (double)(i / 2 + 3);  /* 3,3,...,27,27 */
    }
    double u = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
    /* Tie groups in the pool: values 0-2 twice, 3-24 four times, 25-27 twice. */
    double ties = 6 * (8 - 2) + 22 * (64 - 4), n = 2 * N;
    double sigma = sqrt(N * N / 12.0 * ((n + 1) - ties / (n * (n - 1))));
    double z = (fabs(u - N * N / 2.0) - 0.5) / sigma;
    struct mwu_result r;
    stats_mann_whitney(x, N, y, N, &r);
    assert_false(r.exact);
    NEAR(r.u, u, 0);
    NEAR(r.p, erfc(z / sqrt(2.0)), 1e-12);
    assert_true(r.p > 0.01 && r.p < 0.2); /* a shift of 3 in 25: borderline */
}

static void test_linfit_and_loglog_crossing(void **state)
{
    (void)state;
    /* x = {0,1,2}, y = {1,3,2}: mean (1, 2), Sxy = 1, Sxx = 2: slope 0.5,
     * intercept 2 - 0.5 = 1.5. */
    double x[3] = {0, 1, 2}, y[3] = {1, 3, 2}, w[3] = {1, 0, 1}, a, b;
    assert_int_equal(stats_linfit(x, y, NULL, 3, &a, &b), 0);
    NEAR(a, 0.5, 1e-15);
    NEAR(b, 1.5, 1e-15);
    /* Weight 0 drops the middle point: the line through (0,1) and (2,2). */
    stats_linfit(x, y, w, 3, &a, &b);
    NEAR(a, 0.5, 1e-15);
    NEAR(b, 1.0, 1e-15);
    double same[2] = {1, 1};
    assert_int_equal(stats_linfit(same, y, NULL, 2, &a, &b), -1);
    /* Ratio 2 at 1e4 and 0.5 at 1e6 cross 1 half-way in log: 1e5. */
    NEAR(stats_loglog_crossing(1e4, 2.0, 1e6, 0.5, 1.0), 1e5, 1e-9);
    assert_true(isnan(stats_loglog_crossing(1e4, 2.0, 1e6, 2.0, 1.0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median_odd_even_and_input_untouched),
        cmocka_unit_test(test_interval_absent_for_a_single_repetition),
        cmocka_unit_test(test_interval_of_constant_samples_is_the_point),
        cmocka_unit_test(test_interval_with_three_reps_is_the_range_ratio),
        cmocka_unit_test(test_interval_matches_the_exact_bootstrap_distribution),
        cmocka_unit_test(test_karp_flatt_by_hand),
        cmocka_unit_test(test_amdahl_law_and_fit),
        cmocka_unit_test(test_mann_whitney_exact_without_ties),
        cmocka_unit_test(test_mann_whitney_exact_with_ties),
        cmocka_unit_test(test_mann_whitney_normal_approximation_with_ties),
        cmocka_unit_test(test_linfit_and_loglog_crossing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
