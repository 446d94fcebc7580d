/* One-line error messages on stderr (see error.h). */
#include "error.h"

#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>

static char last_error[1024];
static int hold;

void parity_error_hold(int on)
{
    hold = on;
}

const char *parity_escape(const char *text, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (size == 0)
        return out;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        int plain = *p >= 0x20 && *p < 0x7f && *p != '\\';
        if (n + (plain ? 1 : 4) >= size)
            break;
        if (plain) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = '\0';
    return out;
}

const char *parity_last_error(void)
{
    return last_error;
}

static void verror(const char *file, int line, const char *fmt, va_list ap)
{
    const char *debug = getenv("PARITY_DEBUG");
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    if (hold)
        return;
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
