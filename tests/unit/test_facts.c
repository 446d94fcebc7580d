/* analysis/facts.c, analysis/format.c and parity_escape: the built-in facts
 * hook (what a schema 1 file is judged by), facts validation, CSV quoting,
 * and how names read from files are printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../analysis/facts.h"
#include "../../analysis/format.h"
#include "../../common/error.h"
#include "../../drivers/kernel_facts.h"
#include "../../kernels/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_without_the_hook_no_kernel_is_known(void **state)
{
    (void)state;
    struct kernel_facts f;
    analysis_set_builtin_facts(NULL);
    assert_int_equal(analysis_builtin_facts("pi", &f), -1);
}

static void test_every_builtin_kernel_has_valid_facts(void **state)
{
    (void)state;
    char why[256];
    analysis_set_builtin_facts(builtin_kernel_facts);
    for (const struct parity_kernel *const *k = kernel_registry; *k; k++) {
        struct kernel_facts f;
        assert_int_equal(analysis_builtin_facts((*k)->name, &f), 0);
        assert_int_equal(facts_validate(&f, why, sizeof why), 0);
        assert_string_equal(f.name, (*k)->name);
        assert_int_equal(f.nparams, (*k)->nparams);
        assert_int_equal(f.nkeys, (*k)->nparams + 1); /* the parameters, then the seed */
        assert_string_equal(f.key[f.nkeys - 1], "seed");
        assert_string_equal(f.variant[0], (*k)->variants[0]);
        assert_true(f.rtol == (*k)->verify.rtol && f.atol == (*k)->verify.atol);
        assert_int_equal(f.from_file, 0);
    }
    struct kernel_facts f;
    assert_int_equal(analysis_builtin_facts("heat", &f), 0);
    assert_int_equal(f.nbitwise, 1);
    assert_string_equal(f.bitwise[0], "temporal");
    assert_int_equal(analysis_builtin_facts("no-such-kernel", &f), -1);
}

static void test_validation_refuses_what_no_writer_writes(void **state)
{
    (void)state;
    char why[256];
    struct kernel_facts good, f;
    analysis_set_builtin_facts(builtin_kernel_facts);
    assert_int_equal(analysis_builtin_facts("heat", &good), 0);
    f = good; snprintf(f.name, sizeof f.name, "Heat");
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
    f = good; snprintf(f.name, sizeof f.name, "%s", "a23456789012345678901234567890123");
    assert_int_equal(facts_validate(&f, why, sizeof why), -1); /* 33 characters */
    f = good; snprintf(f.param[1], FACTS_NAME, "n");
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
    assert_non_null(strstr(why, "appears twice"));
    f = good; snprintf(f.param[0], FACTS_NAME, "seed");
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
    f = good; f.nvariants = 0;
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
    f = good; f.rtol = -1e-3;
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
    f = good; snprintf(f.bitwise[0], FACTS_NAME, "nosuch");
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
    f = good; snprintf(f.key[0], FACTS_NAME, "nosuch");
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
    f = good; snprintf(f.key[0], FACTS_NAME, "variant"); /* a fixed /run attribute */
    assert_int_equal(facts_validate(&f, why, sizeof why), 0);
    f = good; f.nparams = FACTS_MAX_PARAMS + 1;
    assert_int_equal(facts_validate(&f, why, sizeof why), -1);
}

static void test_csv_fields_are_quoted_when_needed(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    csv_field(f, "plain", 0);
    csv_field(f, "a,b", 0);
    csv_field(f, "say \"x\"", 0);
    csv_field(f, "cr\r", 0); /* a bare CR too (RFC 4180), which neither old copy quoted */
    csv_field(f, "", 1);
    fclose(f);
    assert_string_equal(text, "plain,\"a,b\",\"say \"\"x\"\"\",\"cr\r\",\n");
    free(text);
}

static void test_escape_keeps_utf8_and_escapes_controls(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(parity_escape("12 \xc2\xb5s na\xc3\xafve \xe2\x89\xa4", out, sizeof out),
                        "12 \xc2\xb5s na\xc3\xafve \xe2\x89\xa4"); /* µ ï ≤ */
    assert_string_equal(parity_escape("pi\x01", out, sizeof out), "pi\\x01");
    assert_string_equal(parity_escape("a\\b", out, sizeof out), "a\\x5cb");
    assert_string_equal(parity_escape("\xc2\x85", out, sizeof out), "\\xc2\\x85"); /* C1 NEL */
    assert_string_equal(parity_escape("\xe0\x80\x80", out, sizeof out), "\\xe0\\x80\\x80");
    assert_string_equal(parity_escape("\xed\xa0\x80", out, sizeof out), "\\xed\\xa0\\x80");
    assert_string_equal(parity_escape("\xc3", out, sizeof out), "\\xc3"); /* cut short */
    assert_string_equal(parity_escape("a\xc2\xb5", out, 3), "a"); /* cut at a whole character */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_the_hook_no_kernel_is_known),
        cmocka_unit_test(test_every_builtin_kernel_has_valid_facts),
        cmocka_unit_test(test_validation_refuses_what_no_writer_writes),
        cmocka_unit_test(test_csv_fields_are_quoted_when_needed),
        cmocka_unit_test(test_escape_keeps_utf8_and_escapes_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
