/* matmul: naive and blocked give the same bits, so do any thread count and
 * any row-block decomposition (as MPI ranks use it); the Freivalds self-check
 * passes on the computed C and fails when one element is off by 1e-6.
 * Odd sizes exercise every remainder (rows % MR, columns % NR, k % KC for
 * whichever micro-kernel this build chose: 8x24, 6x8 or 4x8, KC 256).
 * blas (built with OpenBLAS): within verify's tolerance of blocked, bitwise
 * across its own row blocks; built without: refused with one clear line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/matmul/matmul.h"

#include <float.h>
#include <omp.h>
#include <stdlib.h>

extern const struct parity_kernel kernel_matmul;

static struct parity_ctx make_ctx(const char *mode, int threads, int variant, int64_t n)
{
    struct parity_ctx ctx = {.kernel = &kernel_matmul, .mode = mode, .threads = threads,
                          .ranks = 1, .rank = 0, .variant = variant, .seed = 1,
                          .reduce = PARITY_REPRO};
    ctx.param[0] = n;
    return ctx;
}

/* Set up and run one mode; the caller tears the state down. */
static struct matmul_state *run_mode(const struct parity_ctx *ctx)
{
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_matmul, ctx->mode)->setup(ctx, &state), 0);
    omp_set_num_threads(ctx->threads);
    kernel_mode(&kernel_matmul, ctx->mode)->run(ctx, state);
    return state;
}

static size_t matrix_bytes(int64_t n) { return (size_t)(n * n) * sizeof(double); }

static void test_matmul_naive_and_blocked_bitwise_equal(void **unused)
{
    (void)unused;
    for (int64_t n = 1; n <= 300; n += n < 20 ? 1 : 67) {
        struct parity_ctx cb = make_ctx("seq", 1, MATMUL_BLOCKED, n);
        struct parity_ctx cn = make_ctx("seq", 1, MATMUL_NAIVE, n);
        struct matmul_state *b = run_mode(&cb), *v = run_mode(&cn);
        assert_memory_equal(b->c, v->c, matrix_bytes(n));
        kernel_matmul.teardown(b);
        kernel_matmul.teardown(v);
    }
}

static void test_matmul_omp_bitwise_equal_to_seq(void **unused)
{
    (void)unused;
    struct parity_ctx cs = make_ctx("seq", 1, MATMUL_BLOCKED, 67);
    struct matmul_state *ref = run_mode(&cs);
    for (int t = 1; t <= 4; t++) {
        struct parity_ctx co = make_ctx("omp", t, MATMUL_BLOCKED, 67);
        struct matmul_state *s = run_mode(&co);
        assert_memory_equal(ref->c, s->c, matrix_bytes(67));
        kernel_matmul.teardown(s);
    }
    kernel_matmul.teardown(ref);
}

/* The MPI decomposition without MPI: each "rank" sets up its uneven row
 * block, receives B (as the broadcast would deliver it) and computes. */
static void test_matmul_row_blocks_bitwise_equal_to_seq(void **unused)
{
    (void)unused;
    const int64_t n = 67;
    struct parity_ctx cs = make_ctx("seq", 1, MATMUL_BLOCKED, n);
    struct matmul_state *ref = run_mode(&cs);
    for (int ranks = 2; ranks <= 5; ranks++)
        for (int r = 0; r < ranks; r++) {
            struct parity_ctx cr = make_ctx("seq", 1, MATMUL_BLOCKED, n);
            cr.ranks = ranks;
            cr.rank = r;
            void *state = NULL;
            assert_int_equal(kernel_mode(&kernel_matmul, "seq")->setup(&cr, &state), 0);
            struct matmul_state *s = state;
            memcpy(s->b, ref->b, matrix_bytes(n));
            matmul_rows(MATMUL_BLOCKED, s, 0, s->rows, &s->work[0]);
            assert_memory_equal(ref->c + s->row0 * n, s->c,
                                (size_t)(s->rows * n) * sizeof(double));
            kernel_matmul.teardown(s);
        }
    kernel_matmul.teardown(ref);
}

static void test_matmul_freivalds_passes(void **unused)
{
    (void)unused;
    for (int v = MATMUL_BLOCKED; v <= MATMUL_NAIVE; v++) {
        struct parity_ctx ctx = make_ctx("seq", 1, v, 67);
        struct matmul_state *s = run_mode(&ctx);
        struct parity_check c;
        kernel_matmul.check(&ctx, s, &c);
        assert_true(c.error <= c.bound);
        assert_true(c.bound > 0.0 && c.bound < 1e-9); /* ~ n^3 u / 2 */
        kernel_matmul.teardown(s);
    }
}

/* One element off by 1e-6 (first, middle, last; up and down) is caught. */
static void test_matmul_freivalds_fails_on_a_perturbed_element(void **unused)
{
    (void)unused;
    const int64_t sizes[] = {67, 517};
    for (int z = 0; z < 2; z++) {
        int64_t n = sizes[z];
        struct parity_ctx ctx = make_ctx("seq", 1, MATMUL_BLOCKED, n);
        struct matmul_state *s = run_mode(&ctx);
        const int64_t where[] = {0, (n / 2) * n + n / 3, n * n - 1};
        for (int w = 0; w < 3; w++)
            for (int sign = -1; sign <= 1; sign += 2) {
                double saved = s->c[where[w]];
                s->c[where[w]] += sign * 1e-6;
                struct parity_check c;
                kernel_matmul.check(&ctx, s, &c);
                assert_true(c.error > c.bound);
                s->c[where[w]] = saved;
            }
        kernel_matmul.teardown(s);
    }
}

static void test_matmul_inputs_in_range_and_repeatable(void **unused)
{
    (void)unused;
    for (uint64_t i = 0; i < 100000; i++) {
        double x = matmul_rand(7, 1, i);
        assert_true(x >= -1.0 && x < 1.0);
        assert_true(x == matmul_rand(7, 1, i));
    }
    assert_true(matmul_rand(7, 0, 5) != matmul_rand(7, 1, 5)); /* streams differ */
    assert_true(matmul_rand(7, 0, 5) != matmul_rand(8, 0, 5)); /* seeds differ */
}

#ifdef PARITY_HAVE_BLAS
/* blas differs from blocked only by summation order: within the tolerance
 * verify uses, and within the rigorous bound 2 gamma_n (|A||B|)_ij. */
static void test_matmul_blas_within_tolerance_of_blocked(void **unused)
{
    (void)unused;
    const int64_t sizes[] = {1, 7, 67, 300, 517};
    const struct parity_verify_policy *pol = &kernel_matmul.verify;
    for (int z = 0; z < 5; z++) {
        int64_t n = sizes[z];
        struct parity_ctx cb = make_ctx("seq", 1, MATMUL_BLOCKED, n);
        struct parity_ctx cl = make_ctx("seq", 1, MATMUL_BLAS, n);
        struct matmul_state *b = run_mode(&cb), *l = run_mode(&cl);
        double u = DBL_EPSILON / 2, gamma = n * u / (1 - n * u);
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) {
                double ref = b->c[i * n + j], d = fabs(l->c[i * n + j] - ref), ab = 0.0;
                for (int64_t k = 0; k < n; k++)
                    ab += fabs(b->a[i * n + k] * b->b[k * n + j]);
                assert_true(d <= pol->atol + pol->rtol * fabs(ref));
                assert_true(d <= 2.0 * gamma * ab * 1.001);
            }
        struct parity_check c;
        kernel_matmul.check(&cl, l, &c); /* Freivalds holds for any order */
        assert_true(c.error <= c.bound);
        kernel_matmul.teardown(b);
        kernel_matmul.teardown(l);
    }
}

/* blas row blocks of whole MATMUL_BLAS_GROUPs (ranks x threads, uneven,
 * partial last groups, a rank with one row) give seq's bits, so verify can
 * demand bitwise blas omp/mpi runs; and so does the real omp path. */
static void test_matmul_blas_bitwise_across_row_blocks(void **unused)
{
    (void)unused;
    const int64_t sizes[] = {25, 67, 121};
    for (int z = 0; z < 3; z++) {
        int64_t n = sizes[z];
        struct parity_ctx cs = make_ctx("seq", 1, MATMUL_BLAS, n);
        struct matmul_state *ref = run_mode(&cs);
        for (int ranks = 1; ranks <= 5; ranks++)
            for (int r = 0; r < ranks; r++)
                for (int nt = 1; nt <= 4; nt++) {
                    struct parity_ctx cr = make_ctx("seq", 1, MATMUL_BLAS, n);
                    cr.ranks = ranks;
                    cr.rank = r;
                    void *state = NULL;
                    assert_int_equal(kernel_mode(&kernel_matmul, "seq")->setup(&cr, &state), 0);
                    struct matmul_state *s = state;
                    assert_true(s->row0 % MATMUL_BLAS_GROUP == 0 || s->rows == 0);
                    memcpy(s->b, ref->b, matrix_bytes(n));
                    for (int t = 0; t < nt; t++) {
                        int64_t lo, hi;
                        matmul_thread_rows(MATMUL_BLAS, s->rows, nt, t, &lo, &hi);
                        matmul_rows(MATMUL_BLAS, s, lo, hi, &s->work[0]);
                    }
                    assert_memory_equal(ref->c + s->row0 * n, s->c,
                                        (size_t)(s->rows * n) * sizeof(double));
                    kernel_matmul.teardown(s);
                }
        for (int t = 2; t <= 4; t++) {
            struct parity_ctx co = make_ctx("omp", t, MATMUL_BLAS, n);
            struct matmul_state *s = run_mode(&co);
            assert_memory_equal(ref->c, s->c, matrix_bytes(n));
            kernel_matmul.teardown(s);
        }
        kernel_matmul.teardown(ref);
    }
}

static void test_matmul_blas_accepted(void **unused)
{
    (void)unused;
    struct parity_ctx ctx = make_ctx("seq", 1, MATMUL_BLAS, 64);
    char msg[256] = "";
    assert_int_equal(kernel_matmul.validate(&ctx, msg, sizeof msg), 0);
}
#else
/* Built without OpenBLAS: the variant is listed but refused, saying what to do. */
static void test_matmul_blas_refused_without_openblas(void **unused)
{
    (void)unused;
    struct parity_ctx ctx = make_ctx("seq", 1, MATMUL_BLAS, 64);
    char msg[256] = "";
    assert_true(kernel_matmul.validate(&ctx, msg, sizeof msg) < 0);
    assert_non_null(strstr(msg, "built without OpenBLAS"));
    assert_non_null(strstr(msg, "libopenblas-dev"));
    ctx.variant = MATMUL_BLOCKED;
    assert_int_equal(kernel_matmul.validate(&ctx, msg, sizeof msg), 0);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matmul_naive_and_blocked_bitwise_equal),
        cmocka_unit_test(test_matmul_omp_bitwise_equal_to_seq),
        cmocka_unit_test(test_matmul_row_blocks_bitwise_equal_to_seq),
        cmocka_unit_test(test_matmul_freivalds_passes),
        cmocka_unit_test(test_matmul_freivalds_fails_on_a_perturbed_element),
        cmocka_unit_test(test_matmul_inputs_in_range_and_repeatable),
#ifdef PARITY_HAVE_BLAS
        cmocka_unit_test(test_matmul_blas_within_tolerance_of_blocked),
        cmocka_unit_test(test_matmul_blas_bitwise_across_row_blocks),
        cmocka_unit_test(test_matmul_blas_accepted),
#else
        cmocka_unit_test(test_matmul_blas_refused_without_openblas),
#endif
    };
    return cmocka_run_group_tests_name("matmul", tests, NULL, NULL);
}
