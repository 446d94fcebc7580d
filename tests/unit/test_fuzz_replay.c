/* Replays the reader fuzzer's saved corpus (tests/fuzz/corpus/, real result
 * files and the inputs libFuzzer found interesting) through the same entry
 * point, so `make test` and `make check-asan` run every saved input under
 * the build's checks (ASan + UBSan in check-asan) without clang or libFuzzer.
 * Also checks the reader's verdicts on the seeds it can name: the real files
 * read, the mutants are refused.  Run from the repository root (make test);
 * PARITY_FUZZ_CORPUS names another folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define FUZZ_REPLAY
#include "../fuzz/fuzz_reader.c"

#include <dirent.h>
#include <sys/stat.h>

static const char *corpus_dir(void)
{
    const char *d = getenv("PARITY_FUZZ_CORPUS");
    return d && *d ? d : "tests/fuzz/corpus";
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || st.st_size < 0) {
        fclose(f);
        return -1;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *data = malloc(n ? n : 1);
    int rc = data && fread(data, 1, n, f) == n ? 0 : -1;
    fclose(f);
    if (rc == 0) {
        /* the commands' output is not what is checked here */
        fflush(stdout);
        int saved = dup(1), null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, 1);
        LLVMFuzzerTestOneInput(data, n);
        fflush(stdout);
        if (saved >= 0) dup2(saved, 1);
        if (saved >= 0) close(saved);
        if (null >= 0) close(null);
    }
    free(data);
    return rc;
}

static void test_fuzz_corpus_replays_cleanly(void **state)
{
    (void)state;
    struct dirent **names;
    int n = scandir(corpus_dir(), &names, NULL, alphasort);
    assert_true(n > 2); /* the corpus is there: a replay of nothing proves nothing */
    int files = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", corpus_dir(), names[i]->d_name);
        struct stat st;
        if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            assert_int_equal(replay_file(path), 0);
            files++;
        }
        free(names[i]);
    }
    free(names);
    assert_true(files > 2);
}

/* The seeds named after what they are: real files read, mutants do not. */
static void test_fuzz_seeds_are_judged_as_named(void **state)
{
    (void)state;
    static const struct { const char *name; int readable; } seeds[] = {
        {"pi_seq.h5", 1}, {"pi_omp.h5", 1}, {"heat_seq.h5", 1}, {"ep_seq.h5", 1},
        {"pi_omp_digest.h5", 1}, {"pi_omp-vlen-strings.h5", 1},
        {"pi_omp-control-char-kernel.h5", 0}, {"pi_omp-impossible-ranks-negative.h5", 0},
        {"pi_omp-del-result-array-digest.h5", 0},
        {"pi_omp_v2.h5", 1}, {"pi_omp_v2-kernel-rtol-nan.h5", 0}, /* schema 2, /kernel */
    };
    h5_quiet();
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[4096];
        struct result_file r;
        snprintf(path, sizeof path, "%s/%s", corpus_dir(), seeds[i].name);
        int ok = result_read(path, &r, 1) == 0;
        if (ok)
            result_free(&r);
        if (ok != seeds[i].readable)
            fail_msg("%s: read %s, expected %s", seeds[i].name, ok ? "ok" : "refused",
                     seeds[i].readable ? "ok" : "refused");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_corpus_replays_cleanly),
        cmocka_unit_test(test_fuzz_seeds_are_judged_as_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
