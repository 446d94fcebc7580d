/* triad: the self-check passes on a real run in every mode and fails on a
 * perturbed element (by one ulp), a missed element (NaN) and a run whose
 * ranges are off by one; seq, omp and the MPI decomposition agree bitwise;
 * the bytes model is STREAM's 24 bytes per element per sweep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/triad/triad.h"

#include <math.h>
#include <omp.h>
#include <string.h>

extern const struct parity_kernel kernel_triad;

static struct parity_ctx make_ctx(const char *mode, int threads, int64_t n, int64_t steps)
{
    struct parity_ctx ctx = {.kernel = &kernel_triad, .mode = mode, .threads = threads,
                          .ranks = 1, .rank = 0, .reduce = PARITY_REPRO, .seed = 1};
    ctx.param[0] = n;
    ctx.param[1] = steps;
    return ctx;
}

static struct triad_state *setup_and_run(const struct parity_ctx *ctx)
{
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_triad, ctx->mode)->setup(ctx, &state), 0);
    omp_set_num_threads(ctx->threads);
    kernel_mode(&kernel_triad, ctx->mode)->run(ctx, state);
    return state;
}

static void check_is(const struct parity_ctx *ctx, struct triad_state *s, int pass)
{
    struct parity_check c;
    kernel_triad.check(ctx, s, &c);
    if (pass)
        assert_true(c.error <= c.bound);
    else
        assert_false(c.error <= c.bound);
}

static void test_triad_self_check_passes_in_every_mode(void **unused)
{
    (void)unused;
    for (int t = 1; t <= 4; t++) {
        struct parity_ctx ctx = make_ctx(t == 1 ? "seq" : "omp", t, 1003, 3);
        struct triad_state *s = setup_and_run(&ctx);
        check_is(&ctx, s, 1);
        assert_true(s->a[1002] == 1002.0 + 3.0 * (1002 % 1019)); /* 4008 */
        kernel_triad.teardown(s);
    }
}

static void test_triad_self_check_fails_on_a_wrong_element(void **unused)
{
    (void)unused;
    struct parity_ctx ctx = make_ctx("seq", 1, 5000, 2);
    struct triad_state *s = setup_and_run(&ctx);
    const int64_t where[] = {0, 2500, 4999};
    for (int w = 0; w < 3; w++) {
        double saved = s->a[where[w]];
        s->a[where[w]] = nextafter(saved, INFINITY); /* one ulp */
        check_is(&ctx, s, 0);
        s->a[where[w]] = NAN; /* never written */
        check_is(&ctx, s, 0);
        s->a[where[w]] = saved;
        check_is(&ctx, s, 1);
    }
    kernel_triad.teardown(s);
}

/* A setup without a run leaves a = NaN: a mode that skips elements fails. */
static void test_triad_unswept_elements_fail(void **unused)
{
    (void)unused;
    struct parity_ctx ctx = make_ctx("seq", 1, 100, 1);
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_triad, "seq")->setup(&ctx, &state), 0);
    struct triad_state *s = state;
    triad_sweep(s->a, s->b, s->c, 99); /* the last element is missed */
    check_is(&ctx, s, 0);
    triad_sweep(s->a, s->b + 1, s->c + 1, 99); /* every element from the wrong index */
    s->a[99] = 99.0 + 3.0 * 99.0;
    check_is(&ctx, s, 0);
    kernel_triad.teardown(s);
}

/* Uneven rank blocks (as MPI uses them) and thread counts give seq's bits. */
static void test_triad_decompositions_bitwise_equal_to_seq(void **unused)
{
    (void)unused;
    const int64_t n = 1001;
    struct parity_ctx cs = make_ctx("seq", 1, n, 2);
    struct triad_state *ref = setup_and_run(&cs);
    for (int ranks = 2; ranks <= 5; ranks++)
        for (int r = 0; r < ranks; r++)
            for (int t = 1; t <= 3; t++) {
                struct parity_ctx cr = make_ctx(t == 1 ? "seq" : "omp", t, n, 2);
                cr.ranks = ranks;
                cr.rank = r;
                struct triad_state *s = setup_and_run(&cr);
                check_is(&cr, s, 1);
                assert_memory_equal(ref->a + s->lo, s->a,
                                    (size_t)(s->hi - s->lo) * sizeof(double));
                kernel_triad.teardown(s);
            }
    kernel_triad.teardown(ref);
}

static void test_triad_models(void **unused)
{
    (void)unused;
    struct parity_ctx ctx = make_ctx("seq", 1, 1000, 7);
    assert_true(kernel_triad.bytes(&ctx, NULL) == 24.0 * 1000 * 7);
    assert_true(kernel_triad.flops(&ctx, NULL) == 2.0 * 1000 * 7);
    assert_true(kernel_triad.memory(&ctx) == 3.0 * 8 * 1000);
    ctx.ranks = 3;
    assert_true(kernel_triad.memory(&ctx) == 3.0 * 8 * 334);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_triad_self_check_passes_in_every_mode),
        cmocka_unit_test(test_triad_self_check_fails_on_a_wrong_element),
        cmocka_unit_test(test_triad_unswept_elements_fail),
        cmocka_unit_test(test_triad_decompositions_bitwise_equal_to_seq),
        cmocka_unit_test(test_triad_models),
    };
    return cmocka_run_group_tests_name("triad", tests, NULL, NULL);
}
