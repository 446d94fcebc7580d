/* LD_PRELOAD shim for the tests: every file lock fails with ENOLCK, as on an
 * NFS mount without a lock daemon.  flock() and the fcntl() lock commands
 * fail; every other fcntl() command is passed through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/file.h>

int flock(int fd, int op)
{
    (void)fd;
    (void)op;
    errno = ENOLCK;
    return -1;
}

static int is_lock(int cmd)
{
    return cmd == F_SETLK || cmd == F_SETLKW || cmd == F_GETLK
#ifdef F_OFD_SETLK
           || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW || cmd == F_OFD_GETLK
#endif
        ;
}

static int forward(const char *name, int fd, int cmd, void *arg)
{
    int (*real)(int, int, ...) = (int (*)(int, int, ...))dlsym(RTLD_NEXT, name);
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return real(fd, cmd, arg);
}

#define SHIM_FCNTL(NAME)                                                       \
    int NAME(int fd, int cmd, ...)                                             \
    {                                                                          \
        va_list ap;                                                            \
        va_start(ap, cmd);                                                     \
        void *arg = va_arg(ap, void *);                                        \
        va_end(ap);                                                            \
        if (is_lock(cmd)) {                                                    \
            errno = ENOLCK;                                                    \
            return -1;                                                         \
        }                                                                      \
        return forward(#NAME, fd, cmd, arg);                                   \
    }

SHIM_FCNTL(fcntl)
SHIM_FCNTL(fcntl64)
