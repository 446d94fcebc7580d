/* Unit tests of the heat kernel, through the hooks the driver calls: the
 * self-check passes on a correct run and fails when one value is off by
 * 1e-8; one step multiplies the sin.sin mode by the discrete eigenvalue;
 * repetitions and OpenMP give the same bits as seq; the temporal variant
 * (tiles skewed in time) gives explicit seq's bits in seq and OpenMP with
 * tiles small enough that many tile edges, a partial last time block and
 * tile sizes that do not divide the grid are all crossed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../kernels/registry.h"
#include "../../kernels/heat/heat.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

extern const struct parity_kernel kernel_heat;

static struct parity_ctx heat_ctx(const char *mode, int threads, int64_t n, int64_t steps)
{
    struct parity_ctx c = {.kernel = &kernel_heat, .mode = mode, .threads = threads,
                        .ranks = 1, .rank = 0};
    c.param[kernel_param_index(&kernel_heat, "n")] = n;
    c.param[kernel_param_index(&kernel_heat, "steps")] = steps;
    return c;
}

static int64_t tiny(const char *name)
{
    return kernel_heat.params[kernel_param_index(&kernel_heat, name)].preset[PARITY_TINY];
}

/* setup + one repetition, as the driver does it. */
static struct heat_state *heat_run(const struct parity_ctx *c)
{
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_heat, c->mode)->setup(c, &state), 0);
    kernel_mode(&kernel_heat, c->mode)->run(c, state);
    return state;
}

static struct parity_check heat_check(const struct parity_ctx *c, struct heat_state *s)
{
    struct parity_check r = {0.0, 0.0};
    kernel_heat.check(c, s, &r);
    return r;
}

static void test_heat_self_check_passes_tiny_seq(void **unused)
{
    (void)unused;
    struct parity_ctx c = heat_ctx("seq", 1, tiny("n"), tiny("steps"));
    struct heat_state *s = heat_run(&c);
    struct parity_check r = heat_check(&c, s);
    assert_true(r.error <= r.bound);
    assert_true(r.bound < 1e-12); /* tight enough to mean something */
    kernel_heat.teardown(s);
}

static void test_heat_self_check_catches_one_perturbed_value(void **unused)
{
    (void)unused;
    struct parity_ctx c = heat_ctx("seq", 1, tiny("n"), tiny("steps"));
    struct heat_state *s = heat_run(&c);
    *heat_at(s, s->result, s->n / 3, s->n / 5) += 1e-8;
    struct parity_check r = heat_check(&c, s);
    assert_true(r.error > r.bound);
    assert_true(r.error >= 1e-8 - r.bound);
    kernel_heat.teardown(s);
}

static void test_heat_self_check_catches_nan(void **unused)
{
    (void)unused;
    struct parity_ctx c = heat_ctx("seq", 1, 9, 3);
    struct heat_state *s = heat_run(&c);
    *heat_at(s, s->result, 0, 0) = NAN; /* the first point: later ones must not hide it */
    struct parity_check r = heat_check(&c, s);
    assert_false(r.error <= r.bound);
    kernel_heat.teardown(s);
}

/* lambda = 1 - 4r(1 - cos(pi h)), written independently of heat.c's
 * 1 - 8r sin^2(pi h/2): the 5-point Laplacian of sin(pi x) sin(pi y). */
static double lambda_independent(int64_t n)
{
    double h = 1.0 / (double)(n + 1);
    return 1.0 - 4.0 * HEAT_R * (1.0 - cos(M_PI * h));
}

static void test_heat_one_step_multiplies_mode_by_lambda(void **unused)
{
    (void)unused;
    const int64_t sizes[] = {1, 2, 37, 200};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int64_t n = sizes[k];
        double lambda = lambda_independent(n);
        assert_true(fabs(heat_lambda(n) - lambda) <= 4.0 * DBL_EPSILON);
        struct parity_ctx c = heat_ctx("seq", 1, n, 1);
        struct heat_state *s = heat_run(&c);
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) {
                double u0 = s->sine[i] * s->sine[j];
                /* one step's rounding (<= 3 eps), u0's distance from the
                 * exact mode carried by A - lambda (<= 2 x 4 eps), lambda's */
                assert_true(fabs(*heat_at(s, s->result, i, j) - lambda * u0) <=
                            16.0 * DBL_EPSILON);
            }
        kernel_heat.teardown(s);
    }
}

/* A copy of the final interior grid, row after row. */
static double *heat_copy(const struct heat_state *s)
{
    double *g = malloc(sizeof(double) * (size_t)(s->rows * s->cols));
    assert_non_null(g);
    for (int64_t i = 0; i < s->rows; i++)
        memcpy(g + i * s->cols, heat_at(s, s->result, i, 0),
               sizeof(double) * (size_t)s->cols);
    return g;
}

static void test_heat_repetitions_give_the_same_bits(void **unused)
{
    (void)unused;
    struct parity_ctx c = heat_ctx("seq", 1, 37, 11);
    struct heat_state *s = heat_run(&c);
    double *first = heat_copy(s);
    kernel_mode(&kernel_heat, "seq")->run(&c, s);
    double *second = heat_copy(s);
    assert_memory_equal(first, second, sizeof(double) * 37 * 37);
    free(first);
    free(second);
    kernel_heat.teardown(s);
}

static void test_heat_omp_bitwise_equals_seq(void **unused)
{
    (void)unused;
    struct parity_ctx c = heat_ctx("seq", 1, 37, 12);
    struct heat_state *ref = heat_run(&c);
    double *want = heat_copy(ref);
    for (int t = 1; t <= 3; t++) {
        omp_set_num_threads(t);
        struct parity_ctx co = heat_ctx("omp", t, 37, 12);
        struct heat_state *s = heat_run(&co);
        double *got = heat_copy(s);
        assert_memory_equal(want, got, sizeof(double) * 37 * 37);
        assert_memory_equal(&ref->max_value, &s->max_value, sizeof(double));
        free(got);
        kernel_heat.teardown(s);
    }
    free(want);
    kernel_heat.teardown(ref);
}

static void test_heat_output_describes_the_interior(void **unused)
{
    (void)unused;
    struct parity_ctx c = heat_ctx("seq", 1, 9, 3);
    struct heat_state *s = heat_run(&c);
    struct parity_output out = {0};
    kernel_heat.output(&c, s, &out);
    const struct parity_out_array *a = &out.array[0];
    assert_int_equal(out.narrays, 1);
    assert_string_equal(a->name, "grid");
    assert_int_equal(a->dims[0], 9);
    assert_int_equal(a->dims[1], 9);
    assert_int_equal(a->count[0], 9);
    assert_int_equal(a->count[1], 9);
    assert_int_equal(a->stride, s->ld); /* halo and padding columns skipped */
    assert_true(s->ld >= 11 && s->ld % 8 == 0);
    assert_ptr_equal(a->data, heat_at(s, s->result, 0, 0));
    /* every interior row starts on a 64-byte boundary (aligned vectors) */
    assert_int_equal((uintptr_t)a->data % 64, 0);
    assert_int_equal((uintptr_t)heat_at(s, s->result, 1, 0) % 64, 0);
    assert_string_equal(out.scalar[0].name, "max_value");
    assert_true(out.scalar[0].value == *heat_at(s, s->result, 4, 4)); /* the mode peaks at the centre */
    kernel_heat.teardown(s);
}

/* setup, then shrink the temporal tiles before the one repetition. */
static struct heat_state *heat_run_tiles(const struct parity_ctx *c, int steps_per_pass,
                                         int64_t rows, int64_t cols)
{
    void *state = NULL;
    assert_int_equal(kernel_mode(&kernel_heat, c->mode)->setup(c, &state), 0);
    struct heat_state *s = state;
    assert_int_equal(s->variant, HEAT_TEMPORAL);
    s->tb_steps = steps_per_pass;
    s->tb_rows = rows;
    s->tb_cols = cols;
    kernel_mode(&kernel_heat, c->mode)->run(c, state);
    return s;
}

static void test_heat_temporal_bitwise_equals_explicit(void **unused)
{
    (void)unused;
    /* n x steps: steps not a multiple of the pass depth, grids not a
     * multiple of the tiles; n = 3 is smaller than one tile */
    const int64_t cases[][2] = {{37, 12}, {41, 7}, {64, 1}, {3, 5}};
    const int depth[] = {3, 8};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int64_t n = cases[k][0], steps = cases[k][1];
        struct parity_ctx c = heat_ctx("seq", 1, n, steps);
        struct heat_state *ref = heat_run(&c);
        double *want = heat_copy(ref);
        for (size_t d = 0; d < sizeof depth / sizeof depth[0]; d++)
            for (int t = 0; t <= 3; t++) { /* t = 0: seq */
                omp_set_num_threads(t ? t : 1);
                struct parity_ctx ct = heat_ctx(t ? "omp" : "seq", t ? t : 1, n, steps);
                ct.variant = HEAT_TEMPORAL;
                struct heat_state *s = heat_run_tiles(&ct, depth[d], 5, 16);
                double *got = heat_copy(s);
                assert_memory_equal(want, got, sizeof(double) * (size_t)(n * n));
                assert_memory_equal(&ref->max_value, &s->max_value, sizeof(double));
                free(got);
                kernel_heat.teardown(s);
            }
        free(want);
        kernel_heat.teardown(ref);
    }
}

/* The shipped tile sizes too (several column tiles need n > 2 x 512). */
static void test_heat_temporal_default_tiles(void **unused)
{
    (void)unused;
    struct parity_ctx c = heat_ctx("seq", 1, 1100, 11);
    struct heat_state *ref = heat_run(&c);
    double *want = heat_copy(ref);
    for (int t = 0; t <= 2; t++) {
        omp_set_num_threads(t ? t : 1);
        struct parity_ctx ct = heat_ctx(t ? "omp" : "seq", t ? t : 1, 1100, 11);
        ct.variant = HEAT_TEMPORAL;
        struct heat_state *s = heat_run(&ct);
        assert_int_equal(s->tb_steps, HEAT_TB_STEPS);
        double *got = heat_copy(s);
        assert_memory_equal(want, got, sizeof(double) * 1100 * 1100);
        free(got);
        kernel_heat.teardown(s);
    }
    free(want);
    kernel_heat.teardown(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heat_self_check_passes_tiny_seq),
        cmocka_unit_test(test_heat_self_check_catches_one_perturbed_value),
        cmocka_unit_test(test_heat_self_check_catches_nan),
        cmocka_unit_test(test_heat_one_step_multiplies_mode_by_lambda),
        cmocka_unit_test(test_heat_repetitions_give_the_same_bits),
        cmocka_unit_test(test_heat_omp_bitwise_equals_seq),
        cmocka_unit_test(test_heat_output_describes_the_interior),
        cmocka_unit_test(test_heat_temporal_bitwise_equals_explicit),
        cmocka_unit_test(test_heat_temporal_default_tiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
