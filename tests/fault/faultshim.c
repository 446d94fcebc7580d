/* LD_PRELOAD fault injector for tests/cli/faults.bats: makes the Nth call of
 * one kind fail, in one process (or one MPI rank), so the tests can prove
 * that parity's writer fails cleanly at every step.  Checked by faults.bats
 * itself: every injected failure is logged and the table shows it fired.
 *
 *   PARITY_FAULT_CALL   write (write, pwrite, pwritev on a *.h5* file) |
 *                       rename (rename/renameat/renameat2/link of a *.h5* path) |
 *                       fsync (fsync/fdatasync of a *.h5* file or a folder) |
 *                       H5Dwrite
 *   PARITY_FAULT_N      which call fails (1 = the first); later ones succeed
 *   PARITY_FAULT_RANK   only in this MPI rank (OMPI_COMM_WORLD_RANK, PMI_RANK,
 *                       PMIX_RANK); unset: in every process
 *   PARITY_FAULT_ERRNO  errno to fail with (default ENOSPC; EIO for fsync)
 *   PARITY_FAULT_LOG    file that gets one line "CALL N" when it fires */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static long counter;

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int my_rank(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", NULL};
    for (int i = 0; vars[i]; i++)
        if (env(vars[i]))
            return atoi(env(vars[i]));
    return -1;
}

static int is_h5(const char *path)
{
    return path && strstr(path, ".h5") != NULL;
}

/* A *.h5* file or (for fsync) a folder behind this descriptor. */
static int fd_counts(int fd, int dirs_too)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    if (is_h5(path))
        return 1;
    struct stat st;
    return dirs_too && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 if this call (of kind `call`, already known to count) must fail. */
static int fire(const char *call, int default_errno)
{
    const char *want = env("PARITY_FAULT_CALL"), *nth = env("PARITY_FAULT_N");
    if (!want || !nth || strcmp(want, call) != 0)
        return 0;
    if (env("PARITY_FAULT_RANK") && atoi(env("PARITY_FAULT_RANK")) != my_rank())
        return 0;
    long n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    if (n != atol(nth))
        return 0;
    const char *log = env("PARITY_FAULT_LOG");
    if (log) {
        char line[128];
        int len = snprintf(line, sizeof line, "%s %ld rank %d\n", call, n, my_rank());
        int fd = (int)syscall(SYS_open, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            if (syscall(SYS_write, fd, line, (size_t)len) < 0) { /* best effort */ }
            syscall(SYS_close, fd);
        }
    }
    errno = env("PARITY_FAULT_ERRNO") ? atoi(env("PARITY_FAULT_ERRNO")) : default_errno;
    return 1;
}

#define REAL(name) static __typeof__(name) *real; if (!real) real = dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t len)
{
    REAL(write);
    if (fd > 2 && fd_counts(fd, 0) && fire("write", ENOSPC))
        return -1;
    return real(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t at)
{
    REAL(pwrite);
    if (fd_counts(fd, 0) && fire("write", ENOSPC))
        return -1;
    return real(fd, buf, len, at);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t at)
{
    REAL(pwrite64);
    if (fd_counts(fd, 0) && fire("write", ENOSPC))
        return -1;
    return real(fd, buf, len, at);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t at)
{
    REAL(pwritev);
    if (fd_counts(fd, 0) && fire("write", ENOSPC))
        return -1;
    return real(fd, iov, n, at);
}

int fsync(int fd)
{
    REAL(fsync);
    if (fd_counts(fd, 1) && fire("fsync", EIO))
        return -1;
    return real(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync);
    if (fd_counts(fd, 1) && fire("fsync", EIO))
        return -1;
    return real(fd);
}

int rename(const char *from, const char *to)
{
    REAL(rename);
    if (is_h5(from) && fire("rename", EIO))
        return -1;
    return real(from, to);
}

int renameat(int dfrom, const char *from, int dto, const char *to)
{
    REAL(renameat);
    if (is_h5(from) && fire("rename", EIO))
        return -1;
    return real(dfrom, from, dto, to);
}

int renameat2(int dfrom, const char *from, int dto, const char *to, unsigned flags)
{
    REAL(renameat2);
    if (is_h5(from) && fire("rename", EIO))
        return -1;
    return real(dfrom, from, dto, to, flags);
}

int link(const char *from, const char *to)
{
    REAL(link);
    if (is_h5(from) && fire("rename", EIO))
        return -1;
    return real(from, to);
}

/* hid_t is int64_t and herr_t int in HDF5 1.10+; declared here so the shim
 * needs no HDF5 headers. */
int H5Dwrite(int64_t set, int64_t mem_type, int64_t mem_space, int64_t file_space,
             int64_t xfer, const void *buf)
{
    REAL(H5Dwrite);
    if (fire("H5Dwrite", EIO))
        return -1;
    return real(set, mem_type, mem_space, file_space, xfer, buf);
}
