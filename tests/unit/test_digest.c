/* The piecewise digest: pieces add up to the whole-array digest however the
 * array is cut (row blocks, cyclic rows, halo-padded blocks), and any change
 * of a bit or of a position changes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../common/digest.h"

#include <string.h>

enum { ROWS = 9, COLS = 7 };

static void fill(double a[ROWS][COLS])
{
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            a[i][j] = 0.1 * i - 0.37 * j;
}

static uint64_t whole(double a[ROWS][COLS])
{
    return digest_block(a, ROWS, COLS, COLS, 0, 1, 0, COLS);
}

static void test_digest_row_blocks_add_up(void **state)
{
    (void)state;
    double a[ROWS][COLS];
    fill(a);
    uint64_t sum = digest_block(a[0], 4, COLS, COLS, 0, 1, 0, COLS) +
                   digest_block(a[4], 5, COLS, COLS, 4, 1, 0, COLS);
    assert_true(sum == whole(a));
}

static void test_digest_cyclic_rows_add_up(void **state)
{
    (void)state;
    double a[ROWS][COLS], mine[ROWS][COLS];
    fill(a);
    uint64_t sum = 0;
    for (int r = 0; r < 3; r++) { /* rank r holds rows r, r+3, r+6 packed */
        int k = 0;
        for (int i = r; i < ROWS; i += 3)
            memcpy(mine[k++], a[i], sizeof a[i]);
        sum += digest_block(mine, k, COLS, COLS, r, 3, 0, COLS);
    }
    assert_true(sum == whole(a));
}

static void test_digest_column_blocks_with_halo_add_up(void **state)
{
    (void)state;
    double a[ROWS][COLS], padded[ROWS + 2][COLS + 2];
    fill(a);
    memset(padded, 0xff, sizeof padded); /* halo garbage must not count */
    for (int i = 0; i < ROWS; i++)
        memcpy(&padded[i + 1][1], a[i], sizeof a[i]);
    uint64_t left = digest_block(&padded[1][1], ROWS, 3, COLS + 2, 0, 1, 0, COLS);
    uint64_t right = digest_block(&padded[1][4], ROWS, 4, COLS + 2, 0, 1, 3, COLS);
    assert_true(left + right == whole(a));
}

static void test_digest_detects_one_bit_and_a_swap(void **state)
{
    (void)state;
    double a[ROWS][COLS];
    fill(a);
    uint64_t ref = whole(a);
    uint64_t bits;
    memcpy(&bits, &a[3][2], 8);
    bits ^= 1; /* one ulp */
    memcpy(&a[3][2], &bits, 8);
    assert_true(whole(a) != ref);
    fill(a);
    double t = a[0][0];
    a[0][0] = a[0][1];
    a[0][1] = t;
    assert_true(whole(a) != ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_row_blocks_add_up),
        cmocka_unit_test(test_digest_cyclic_rows_add_up),
        cmocka_unit_test(test_digest_column_blocks_with_halo_add_up),
        cmocka_unit_test(test_digest_detects_one_bit_and_a_swap),
    };
    return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
