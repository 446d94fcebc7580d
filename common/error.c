/* One-line error messages on stderr (see error.h). */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>

static char last_error[1024];

const char *parity_last_error(void)
{
    return last_error;
}

static void verror(const char *file, int line, const char *fmt, va_list ap)
{
    const char *debug = getenv("PARITY_DEBUG");
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    fputs("parity: ", stderr);
    fputs(last_error, stderr);
    if (file && debug && *debug && *debug != '0')
        fprintf(stderr, " [%s:%d]", file, line);
    fputc('\n', stderr);
}

void parity_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(NULL, 0, fmt, ap);
    va_end(ap);
}

void parity_error_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(file, line, fmt, ap);
    va_end(ap);
}
