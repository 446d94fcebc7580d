/* Command-line values: numbers are parsed strictly, kernel parameters become
 * options, and presets/hand-set values resolve as documented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/error.h"
#include "../../common/numparse.h"
#include "../../drivers/run.h"

static void test_parse_int64_accepts_exact_forms(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(parse_int64("1000000", &v), 0);
    assert_int_equal(v, 1000000);
    assert_int_equal(parse_int64("1e6", &v), 0);
    assert_int_equal(v, 1000000);
    assert_int_equal(parse_int64("4_000_000", &v), 0);
    assert_int_equal(v, 4000000);
    assert_int_equal(parse_int64("-3", &v), 0);
    assert_int_equal(v, -3);
}

static void test_parse_int64_rejects_garbage(void **state)
{
    (void)state;
    int64_t v;
    const char *bad[] = {"", "abc", "12abc", "1.5", "1e400", "99999999999999999999", " 7x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_int64(bad[i], &v), -1);
}

static int parse(struct run_config *cfg, int argc, char **argv)
{
    return run_parse(argc, argv, cfg);
}

static void test_run_parse_preset_then_param_is_custom(void **state)
{
    (void)state;
    static struct run_config cfg;
    char *argv[] = {"run", "pi", "--size", "tiny", "--n", "1234", "--mode", "omp",
                    "--threads", "3", "--reduce", "fast", NULL};
    assert_int_equal(parse(&cfg, 12, argv), 0);
    assert_int_equal(parity_param(&cfg.ctx, "n"), 1234);
    assert_int_equal(cfg.preset, PRESET_CUSTOM);
    assert_int_equal(cfg.ctx.mode, "omp");
    assert_int_equal(cfg.ctx.threads, 3);
    assert_int_equal(cfg.ctx.reduce, PARITY_FAST);
}

static void test_run_parse_param_equal_to_preset_keeps_preset(void **state)
{
    (void)state;
    static struct run_config cfg;
    char *argv[] = {"run", "pi", "--n", "1e6", "--size", "tiny", NULL};
    assert_int_equal(parse(&cfg, 6, argv), 0);
    assert_int_equal(cfg.preset, PARITY_TINY);
    assert_string_equal(run_preset_name(&cfg), "tiny");
}

static void test_run_parse_two_hand_set_params_stay_custom(void **state)
{
    (void)state;
    static struct run_config cfg;
    char *argv[] = {"run", "heat", "--n", "37", "--steps", "11", NULL};
    assert_int_equal(parse(&cfg, 6, argv), 0);
    assert_int_equal(cfg.preset, PRESET_CUSTOM);
    assert_int_equal(parity_param(&cfg.ctx, "steps"), 11);
}

static void test_run_parse_rejects_bad_input(void **state)
{
    (void)state;
    static struct run_config cfg;
    char *unknown[] = {"run", "nosuch", NULL};
    char *badnum[] = {"run", "pi", "--n", "lots", NULL};
    char *range[] = {"run", "pi", "--n", "0", NULL};
    char *seqthreads[] = {"run", "pi", "--threads", "2", NULL};
    char *variant[] = {"run", "pi", "--variant", "nope", NULL};
    assert_int_equal(parse(&cfg, 2, unknown), -2);
    assert_int_equal(parse(&cfg, 4, badnum), -2);
    assert_int_equal(parse(&cfg, 4, range), -2);
    assert_int_equal(parse(&cfg, 4, seqthreads), -2);
    assert_int_equal(parse(&cfg, 4, variant), -2);
}

/* Only decimal forms: strtod would read 0x10 as 16 and "inf" as infinity. */
static void test_run_parse_accepts_only_decimal_numbers(void **state)
{
    (void)state;
    static struct run_config cfg;
    const char *bad[] = {"0x10", "0X1A", " 16", "16 ", "inf", "nan", "1e", "e5", "_1", "0b11", "+"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[] = {"run", "pi", "--n", (char *)bad[i], NULL};
        assert_int_equal(parse(&cfg, 4, argv), PARITY_EUSAGE);
    }
    const char *good[] = {"16", "2e7", "2E7", "4_000_000", "1.5e3", "+16"};
    const int64_t want[] = {16, 20000000, 20000000, 4000000, 1500, 16};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *argv[] = {"run", "pi", "--n", (char *)good[i], NULL};
        assert_int_equal(parse(&cfg, 4, argv), 0);
        assert_int_equal(parity_param(&cfg.ctx, "n"), want[i]);
    }
}

/* OMP_NUM_THREADS gets the --threads limit (100000 segfaulted libgomp). */
static void test_run_parse_limits_omp_num_threads(void **state)
{
    (void)state;
    static struct run_config cfg;
    char *argv[] = {"run", "pi", "--mode", "omp", NULL};
    setenv("OMP_NUM_THREADS", "100000", 1);
    assert_int_equal(parse(&cfg, 4, argv), PARITY_EUSAGE);
    assert_non_null(strstr(parity_last_error(), "out of range"));
    setenv("OMP_NUM_THREADS", "0x10", 1);
    assert_int_equal(parse(&cfg, 4, argv), PARITY_EUSAGE);
    setenv("OMP_NUM_THREADS", "4096,2", 1);
    assert_int_equal(parse(&cfg, 4, argv), 0);
    assert_int_equal(cfg.ctx.threads, 4096);
    setenv("OMP_NUM_THREADS", "3", 1);
    assert_int_equal(parse(&cfg, 4, argv), 0);
    assert_int_equal(cfg.ctx.threads, 3);
    unsetenv("OMP_NUM_THREADS");
}

/* Names are shown as typed: "pi\x01", never a "pi" that looks valid. */
static void test_unknown_names_are_printed_escaped(void **state)
{
    (void)state;
    static struct run_config cfg;
    char out[64];
    assert_string_equal(parity_escape("pi\x01", out, sizeof out), "pi\\x01");
    assert_string_equal(parity_escape("a\\b\tc\xff", out, sizeof out), "a\\x5cb\\x09c\\xff");
    assert_string_equal(parity_escape("heat", out, sizeof out), "heat");
    assert_string_equal(parity_escape("\x01\x02\x03", out, 6), "\\x01"); /* cut whole */
    char *argv[] = {"run", "pi\x01", NULL};
    assert_int_equal(parse(&cfg, 2, argv), PARITY_EUSAGE);
    assert_non_null(strstr(parity_last_error(), "'pi\\x01'"));
}

/* --out/--overwrite parse; the refusal itself needs a file (faults.bats). */
static void test_run_parse_overwrite_flag(void **state)
{
    (void)state;
    static struct run_config cfg;
    char *plain[] = {"run", "pi", "--out", "x.h5", NULL};
    char *over[] = {"run", "pi", "--out", "x.h5", "--overwrite", NULL};
    assert_int_equal(parse(&cfg, 4, plain), 0);
    assert_int_equal(cfg.overwrite, 0);
    assert_int_equal(parse(&cfg, 5, over), 0);
    assert_int_equal(cfg.overwrite, 1);
}

/* Kernels with fewer modes than the table, seen only by this test: the
 * Makefile links it with -Wl,--wrap=kernel_find, so options.c's lookup of
 * "seqonly" and "nomodes" lands here and every other name in the registry. */
static const struct parity_param fake_params[] = {
    {"n", "size", {1, 2, 3, 4}, 1, 100},
};
static const char *const fake_variants[] = {"plain", NULL};
static const char *const fake_variant_help[] = {"the only one", NULL};
static int fake_setup(const struct parity_ctx *ctx, void **state)
{
    (void)ctx;
    *state = NULL;
    return 0;
}
static void fake_run(const struct parity_ctx *ctx, void *state)
{
    (void)ctx;
    (void)state;
}
static const struct parity_kernel fake_seq_only = {
    .api_version = PARITY_KERNEL_API_VERSION, .name = "seqonly", .summary = "test",
    .params = fake_params, .nparams = 1, .variants = fake_variants,
    .variant_help = fake_variant_help, .outputs = "value[1]",
    .modes = (const struct parity_mode_impl[]){{.mode = "seq", .setup = fake_setup,
                                                .run = fake_run},
                                               {.mode = NULL}},
};
static const struct parity_kernel fake_no_modes = {
    .api_version = PARITY_KERNEL_API_VERSION, .name = "nomodes", .summary = "test",
    .params = fake_params, .nparams = 1, .variants = fake_variants,
    .variant_help = fake_variant_help, .outputs = "value[1]",
    .modes = (const struct parity_mode_impl[]){{.mode = NULL}},
};
const struct parity_kernel *__real_kernel_find(const char *name);
const struct parity_kernel *__wrap_kernel_find(const char *name);
const struct parity_kernel *__wrap_kernel_find(const char *name)
{
    if (strcmp(name, "seqonly") == 0)
        return &fake_seq_only;
    if (strcmp(name, "nomodes") == 0)
        return &fake_no_modes;
    return __real_kernel_find(name);
}

/* A mode of the table that the kernel does not provide is refused with one
 * line naming what it provides (before: run.c called a NULL setup). */
static void test_run_parse_refuses_a_mode_the_kernel_lacks(void **state)
{
    (void)state;
    static struct run_config cfg;
    char *seq[] = {"run", "seqonly", "--mode", "seq", NULL};
    assert_int_equal(parse(&cfg, 4, seq), 0);
    assert_non_null(cfg.impl);
    assert_ptr_equal(cfg.impl->setup, fake_setup);
    const char *lacking[] = {"omp", "mpi"};
    for (size_t i = 0; i < sizeof lacking / sizeof lacking[0]; i++) {
        char *argv[] = {"run", "seqonly", "--mode", (char *)lacking[i], NULL};
        assert_int_equal(parse(&cfg, 4, argv), PARITY_EUSAGE);
        const char *msg = parity_last_error();
        assert_non_null(strstr(msg, "does not provide"));
        assert_non_null(strstr(msg, "it provides: seq)"));
        assert_non_null(strstr(msg, lacking[i]));
        assert_null(strchr(msg, '\n'));
    }
    /* a real kernel still gets every mode of the table */
    for (const struct mode_desc *m = mode_table; m->name; m++) {
        char *argv[] = {"run", "pi", "--mode", (char *)m->name, NULL};
        assert_int_equal(parse(&cfg, 4, argv), 0);
        assert_string_equal(cfg.impl->mode, m->name);
    }
    /* a name outside the table: the table's names are listed */
    char *unknown[] = {"run", "seqonly", "--mode", "rma", NULL};
    assert_int_equal(parse(&cfg, 4, unknown), PARITY_EUSAGE);
    assert_non_null(strstr(parity_last_error(), "modes: seq, omp, mpi"));
    /* a descriptor without even seq is refused, not run */
    char *none[] = {"run", "nomodes", NULL};
    assert_int_equal(parse(&cfg, 2, none), PARITY_EUSAGE);
    assert_non_null(strstr(parity_last_error(), "does not provide --mode seq"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_int64_accepts_exact_forms),
        cmocka_unit_test(test_parse_int64_rejects_garbage),
        cmocka_unit_test(test_run_parse_preset_then_param_is_custom),
        cmocka_unit_test(test_run_parse_param_equal_to_preset_keeps_preset),
        cmocka_unit_test(test_run_parse_two_hand_set_params_stay_custom),
        cmocka_unit_test(test_run_parse_rejects_bad_input),
        cmocka_unit_test(test_run_parse_accepts_only_decimal_numbers),
        cmocka_unit_test(test_run_parse_limits_omp_num_threads),
        cmocka_unit_test(test_unknown_names_are_printed_escaped),
        cmocka_unit_test(test_run_parse_overwrite_flag),
        cmocka_unit_test(test_run_parse_refuses_a_mode_the_kernel_lacks),
    };
    return cmocka_run_group_tests_name("cli_parsing", tests, NULL, NULL);
}
