/* Reproducible reductions: the bits of a sum do not depend on how many
 * workers formed it, while a naive per-worker sum does depend on it (the
 * reason the repro module exists, and proof that the check can fail); the
 * vectorised lane sums equal a scalar model of the 32-lane rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <parity/partition.h>
#include <parity/repro.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Terms of wildly different magnitude, so the order of addition shows. */
static double term(int64_t i)
{
    return sin((double)i * 0.7) * pow(10.0, (double)(i % 17) - 8.0);
}

/* What P workers, each owning a contiguous range of blocks, get with repro. */
static double repro_sum_with_workers(int64_t n, int workers)
{
    struct parity_repro_blocks blocks = parity_repro_blocks_for(n);
    double *partials = calloc((size_t)blocks.count, sizeof(double));
    for (int w = workers - 1; w >= 0; w--) { /* any order of workers */
        int64_t b0, b1;
        parity_partition_range(blocks.count, workers, w, &b0, &b1);
        for (int64_t b = b0; b < b1; b++) {
            int64_t lo, hi;
            parity_repro_block_range(&blocks, b, &lo, &hi);
            double s = 0.0;
            for (int64_t i = lo; i < hi; i++)
                s += term(i);
            partials[b] = s;
        }
    }
    double out;
    parity_repro_tree_sum(partials, blocks.count, 1, &out);
    free(partials);
    return out;
}

/* What P workers get by summing their index ranges and adding the results. */
static double naive_sum_with_workers(int64_t n, int workers)
{
    double total = 0.0;
    for (int w = 0; w < workers; w++) {
        int64_t lo, hi;
        parity_partition_range(n, workers, w, &lo, &hi);
        double s = 0.0;
        for (int64_t i = lo; i < hi; i++)
            s += term(i);
        total += s;
    }
    return total;
}

static void test_repro_sum_bitwise_across_worker_counts(void **state)
{
    (void)state;
    const int64_t n = 1000003; /* not a multiple of any block size */
    double ref = repro_sum_with_workers(n, 1);
    for (int w = 2; w <= 13; w++) {
        double x = repro_sum_with_workers(n, w);
        assert_memory_equal(&ref, &x, sizeof ref);
    }
}

static void test_naive_sum_differs_across_worker_counts(void **state)
{
    (void)state;
    const int64_t n = 1000003;
    double ref = naive_sum_with_workers(n, 1);
    int differing = 0;
    for (int w = 2; w <= 13; w++) {
        double x = naive_sum_with_workers(n, w);
        differing += memcmp(&ref, &x, sizeof ref) != 0;
    }
    assert_true(differing > 0); /* why repro is needed at all */
}

static void test_blocks_depend_on_n_only_and_cover_it(void **state)
{
    (void)state;
    int64_t sizes[] = {1, 7, PARITY_REPRO_MIN_BLOCK, PARITY_REPRO_MIN_BLOCK + 1, 1000003, INT64_C(20000000000)};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct parity_repro_blocks b = parity_repro_blocks_for(sizes[i]);
        assert_true(b.count >= 1 && b.count <= PARITY_REPRO_MAX_BLOCKS);
        assert_true(b.size >= PARITY_REPRO_MIN_BLOCK);
        int64_t lo, hi;
        parity_repro_block_range(&b, b.count - 1, &lo, &hi);
        assert_int_equal(hi, sizes[i]);
        assert_true(lo < hi);
    }
}

static void test_tree_sum_width_sums_columns_independently(void **state)
{
    (void)state;
    double p[5][2] = {{1, 10}, {2, 20}, {3, 30}, {4, 40}, {5, 50}};
    double out[2];
    parity_repro_tree_sum(&p[0][0], 5, 2, out);
    assert_true(out[0] == 15.0 && out[1] == 150.0);
    parity_repro_tree_sum(&p[0][0], 0, 2, out);
    assert_true(out[0] == 0.0 && out[1] == 0.0);
}

/* The lane rule written out plainly, one scalar add at a time: x[k] into
 * lane k % 32 in increasing k, then the flat tree 16, 8, 4, 2, 1.  The
 * vectorised parity_repro_sum must give exactly these bits. */
static double lane_rule_model(const double *x, int64_t n)
{
    double lane[32];
    for (int l = 0; l < 32; l++)
        lane[l] = 0.0;
    for (int64_t k = 0; k < n; k++) {
        volatile double v = lane[k % 32] + x[k]; /* one rounding, in order */
        lane[k % 32] = v;
    }
    for (int w = 16; w >= 1; w /= 2)
        for (int l = 0; l < w; l++) {
            volatile double v = lane[l] + lane[l + w];
            lane[l] = v;
        }
    return lane[0];
}

static void test_repro_sum_is_the_lane_rule(void **state)
{
    (void)state;
    assert_int_equal(PARITY_REPRO_LANES, 32); /* the bits are defined by 32 */
    int64_t sizes[] = {0, 1, 5, 31, 32, 33, 95, 1000, 4099};
    double *x = malloc(4099 * sizeof *x);
    for (int64_t i = 0; i < 4099; i++)
        x[i] = term(i);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double want = lane_rule_model(x, sizes[i]), got = parity_repro_sum(x, sizes[i]), tree;
        assert_memory_equal(&want, &got, sizeof want);
        parity_repro_tree_sum(x, sizes[i], 1, &tree);
        assert_memory_equal(&want, &tree, sizeof want);
    }
    /* The lane order matters: a left-to-right sum of the same terms differs,
     * so the comparison above can fail. */
    double plain = 0.0;
    for (int64_t i = 0; i < 4099; i++)
        plain += x[i];
    double lanes = parity_repro_sum(x, 4099);
    assert_memory_not_equal(&plain, &lanes, sizeof plain);
    free(x);
}

/* A column of a [count][width] layout sums like the same values alone. */
static void test_tree_sum_columns_follow_the_lane_rule(void **state)
{
    (void)state;
    enum { COUNT = 1001, WIDTH = 3 };
    double *p = malloc(COUNT * WIDTH * sizeof *p), *col = malloc(COUNT * sizeof *col);
    for (int64_t i = 0; i < COUNT * WIDTH; i++)
        p[i] = term(i);
    double out[WIDTH];
    parity_repro_tree_sum(p, COUNT, WIDTH, out);
    for (int j = 0; j < WIDTH; j++) {
        for (int64_t b = 0; b < COUNT; b++)
            col[b] = p[b * WIDTH + j];
        double want = lane_rule_model(col, COUNT);
        assert_memory_equal(&want, &out[j], sizeof want);
    }
    free(p);
    free(col);
}

static void test_partition_is_balanced_and_complete(void **state)
{
    (void)state;
    for (int parts = 1; parts <= 9; parts++) {
        int64_t next = 0;
        for (int p = 0; p < parts; p++) {
            int64_t lo, hi;
            parity_partition_range(23, parts, p, &lo, &hi);
            assert_int_equal(lo, next);
            assert_true(hi - lo == 23 / parts || hi - lo == 23 / parts + 1);
            next = hi;
        }
        assert_int_equal(next, 23);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repro_sum_bitwise_across_worker_counts),
        cmocka_unit_test(test_naive_sum_differs_across_worker_counts),
        cmocka_unit_test(test_blocks_depend_on_n_only_and_cover_it),
        cmocka_unit_test(test_tree_sum_width_sums_columns_independently),
        cmocka_unit_test(test_repro_sum_is_the_lane_rule),
        cmocka_unit_test(test_tree_sum_columns_follow_the_lane_rule),
        cmocka_unit_test(test_partition_is_balanced_and_complete),
    };
    return cmocka_run_group_tests_name("repro", tests, NULL, NULL);
}
