/* libFuzzer target for everything that reads a result file: each input is
 * written to a file on tmpfs and given to result_read (with and without the
 * arrays), `parity info`, `parity info --check` and `parity verify`; the
 * sanitizers (ASan + UBSan) and libFuzzer's crash/timeout/leak detection are
 * the checks.  Built by `make fuzz` (clang); the saved corpus in
 * tests/fuzz/corpus/ is replayed by tests/unit/test_fuzz_replay.c in
 * `make test` and `make check-asan`. */
#include "../../analysis/analysis.h"
#include "../../analysis/judge.h"
#include "../../analysis/result_read.h"
#include "../../common/h5util.h"
#include "../../drivers/kernel_facts.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The commands print; that is not what is checked.  (The replay test
 * keeps its own stdout for TAP and silences the commands itself.) */
static void quiet_stdout(void)
{
#ifndef FUZZ_REPLAY
    static int done;
    if (!done++)
        (void)freopen("/dev/null", "w", stdout);
#endif
}

static const char *input_path(void)
{
    static char path[128];
    if (!path[0]) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(path, sizeof path, "%s/parity-fuzz-%ld.h5", dir, (long)getpid());
    }
    return path;
}

static int write_input(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(fd, data + off, size - off);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    return close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h5_quiet();
    quiet_stdout();
    analysis_set_builtin_facts(builtin_kernel_facts); /* as parity's main() does */
    const char *path = input_path();
    if (write_input(path, data, size) < 0)
        return 0;
    struct result_file r;
    for (int arrays = 0; arrays <= 1; arrays++)
        if (result_read(path, &r, arrays) == 0) {
            struct comparison c;
            judge_compare(&r, &r, 1, &c); /* a file against itself: bitwise */
            if (c.verdict != V_BITWISE && c.nonfinite == 0 && arrays)
                abort();                  /* the reader and judge disagree */
            result_free(&r);
        }
    char *info[] = {"info", (char *)path, NULL};
    char *check[] = {"info", "--check", (char *)path, NULL};
    char *verify[] = {"verify", (char *)path, NULL};
    cmd_info(2, info);
    cmd_info(3, check);
    cmd_verify(2, verify);
    fflush(stdout);
    unlink(path);
    return 0;
}
