/* mandelbrot: the self-check passes on a tiny image and fails on one changed
 * pixel and on a constant shift; mirrored rows get exactly opposite c_im;
 * every OpenMP schedule and the cyclic mpi layout give seq's counts; the
 * mpi check's mirror pairing and chunk arithmetic find a changed pixel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/mandelbrot/mandelbrot.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

extern const struct parity_kernel kernel_mandelbrot;

static struct parity_ctx tiny_ctx(const char *mode, int threads, int64_t w, int64_t h)
{
    struct parity_ctx ctx = {.kernel = &kernel_mandelbrot, .mode = mode,
                          .threads = threads, .ranks = 1, .reduce = PARITY_REPRO};
    ctx.param[0] = w;   /* width */
    ctx.param[1] = h;   /* height */
    ctx.param[2] = 200; /* max-iter */
    return ctx;
}

/* A whole image computed by seq or omp through the kernel's hooks. */
static struct mandel_state *image(const char *mode, int threads, int64_t w, int64_t h)
{
    struct parity_ctx ctx = tiny_ctx(mode, threads, w, h);
    void *s = NULL;
    assert_int_equal(kernel_mode(&kernel_mandelbrot, mode)->setup(&ctx, &s), 0);
    omp_set_num_threads(threads);
    kernel_mode(&kernel_mandelbrot, mode)->run(&ctx, s);
    return s;
}

static struct parity_check check(struct mandel_state *s)
{
    struct parity_ctx ctx = tiny_ctx("seq", 1, s->view.width, s->view.height);
    struct parity_check c;
    kernel_mandelbrot.check(&ctx, s, &c);
    return c;
}

static void test_mandelbrot_self_check_passes(void **state)
{
    (void)state;
    struct mandel_state *s = image("seq", 1, 64, 48);
    struct parity_check c = check(s);
    assert_true(c.error == 0.0 && c.bound == 0.0);
    /* Not vacuous: the image has escaping and non-escaping pixels. */
    int64_t inside = 0, n = s->view.width * s->view.height;
    for (int64_t p = 0; p < n; p++)
        inside += s->counts[p] == s->view.max_iter;
    assert_true(inside > n / 10 && inside < n / 2);
    kernel_mandelbrot.teardown(s);
}

static void test_mandelbrot_check_fails_on_one_changed_pixel(void **state)
{
    (void)state;
    struct mandel_state *s = image("seq", 1, 64, 48);
    s->counts[10 * 64 + 40] += 1; /* row 10 mirrors row 37 */
    struct parity_check c = check(s);
    assert_true(c.error > c.bound);
    assert_true(c.error == 2.0); /* the pixel and its mirror disagree */
    kernel_mandelbrot.teardown(s);
}

/* A uniform +1 keeps the image symmetric: the known pixels catch it. */
static void test_mandelbrot_check_fails_on_a_constant_shift(void **state)
{
    (void)state;
    struct mandel_state *s = image("seq", 1, 64, 48);
    for (int64_t p = 0; p < 64 * 48; p++)
        s->counts[p] += 1;
    assert_int_equal(mandel_mirror_mismatches(s->counts, s->counts, 48, 64), 0);
    struct parity_check c = check(s);
    assert_true(c.error > 100.0);
    kernel_mandelbrot.teardown(s);
}

static void test_mandelbrot_mirrored_rows_have_opposite_c_im(void **state)
{
    (void)state;
    for (int64_t h = 1; h <= 2000; h += 37) {
        struct mandel_view v = {.width = 1, .height = h, .max_iter = 1,
                                .y_half_step = MANDEL_YMAX / (double)h};
        for (int64_t i = 0; i < h; i++) {
            double a = mandel_y(i, &v), b = -mandel_y(h - 1 - i, &v);
            if (2 * i + 1 == h) /* the real axis itself: 0.0 vs -0.0 */
                assert_true(a == 0.0 && b == 0.0);
            else
                assert_memory_equal(&a, &b, sizeof a);
        }
    }
}

static void test_mandelbrot_omp_schedules_bitwise_equal_to_seq(void **state)
{
    (void)state;
    const omp_sched_t kinds[] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
    struct mandel_state *ref = image("seq", 1, 77, 53); /* odd: ragged groups */
    for (int k = 0; k < 3; k++)
        for (int t = 1; t <= 4; t++) {
            omp_set_schedule(kinds[k], k == 1 ? 1 : 0);
            struct mandel_state *s = image("omp", t, 77, 53);
            assert_memory_equal(ref->counts, s->counts, sizeof(int64_t) * 77 * 53);
            assert_true(ref->total_iterations == s->total_iterations);
            kernel_mandelbrot.teardown(s);
        }
    kernel_mandelbrot.teardown(ref);
}

/* The mpi layout without MPI: rank r's setup, its rows computed as
 * mandel_run_mpi does, and placed by row_first + k*row_step. */
static struct mandel_state *rank_block(int64_t w, int64_t h, int ranks, int rank,
                                       const struct mandel_state *ref)
{
    struct parity_ctx ctx = tiny_ctx("mpi", 1, w, h);
    ctx.ranks = ranks;
    ctx.rank = rank;
    void *p = NULL;
    assert_int_equal(kernel_mode(&kernel_mandelbrot, "mpi")->setup(&ctx, &p), 0);
    struct mandel_state *s = p;
    for (int64_t k = 0; k < s->rows_mine; k++) {
        int64_t i = s->row_first + k * s->row_step;
        mandel_row(i, &s->view, s->counts + k * w);
        assert_memory_equal(s->counts + k * w, ref->counts + i * w, sizeof(int64_t) * w);
    }
    return s;
}

/* The mpi check's arithmetic: my partner holds as many rows as I do, and
 * chunks of its rows, compared by mandel_mirror_chunk, find no mismatch in a
 * good image and exactly the changed pixel (and its mirror) in a bad one. */
static int64_t emulated_mpi_check(struct mandel_state **blocks, int ranks,
                                  int64_t chunk)
{
    int64_t bad = 0;
    for (int r = 0; r < ranks; r++) {
        struct mandel_state *me = blocks[r];
        int q = mandel_mirror_part(me->view.height, ranks, r);
        struct mandel_state *them = blocks[q];
        assert_int_equal(mandel_mirror_part(me->view.height, ranks, q), r);
        assert_true(them->rows_mine == me->rows_mine);
        for (int64_t a = 0; a < me->rows_mine; a += chunk) {
            int64_t c = me->rows_mine - a < chunk ? me->rows_mine - a : chunk;
            bad += mandel_mirror_chunk(me, a, c, them->counts + a * me->view.width);
        }
    }
    return bad;
}

static void test_mandelbrot_cyclic_layout_and_mirror_exchange(void **state)
{
    (void)state;
    const int64_t w = 21;
    for (int64_t h = 1; h <= 23; h++) {
        struct mandel_state *ref = image("seq", 1, w, h);
        for (int ranks = 1; ranks <= 7; ranks++) {
            struct mandel_state *blocks[7];
            int64_t rows = 0;
            for (int r = 0; r < ranks; r++) {
                blocks[r] = rank_block(w, h, ranks, r, ref);
                rows += blocks[r]->rows_mine;
            }
            assert_true(rows == h);
            for (int64_t chunk = 1; chunk <= 4; chunk++)
                assert_int_equal(emulated_mpi_check(blocks, ranks, chunk), 0);
            if (h >= 2 && blocks[0]->rows_mine > 0) {
                blocks[0]->counts[5] += 1; /* global row 0, column 5 */
                assert_int_equal(emulated_mpi_check(blocks, ranks, 3), 2);
            }
            for (int r = 0; r < ranks; r++)
                kernel_mandelbrot.teardown(blocks[r]);
        }
        kernel_mandelbrot.teardown(ref);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mandelbrot_self_check_passes),
        cmocka_unit_test(test_mandelbrot_check_fails_on_one_changed_pixel),
        cmocka_unit_test(test_mandelbrot_check_fails_on_a_constant_shift),
        cmocka_unit_test(test_mandelbrot_mirrored_rows_have_opposite_c_im),
        cmocka_unit_test(test_mandelbrot_omp_schedules_bitwise_equal_to_seq),
        cmocka_unit_test(test_mandelbrot_cyclic_layout_and_mirror_exchange),
    };
    return cmocka_run_group_tests_name("mandelbrot", tests, NULL, NULL);
}
