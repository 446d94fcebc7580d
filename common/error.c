/* One-line error messages on stderr (see error.h). */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>

static void verror(const char *file, int line, const char *fmt, va_list ap)
{
    const char *debug = getenv("PARITY_DEBUG");
    fputs("parity: ", stderr);
    vfprintf(stderr, fmt, ap);
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
