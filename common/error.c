/* One-line error messages on stderr (see error.h). */
#include "error.h"

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char last_error[1024];
static int hold;

void parity_error_hold(int on)
{
    hold = on;
}

/* Bytes of the well-formed UTF-8 character at p (2-4), or 0: an ASCII byte,
 * a broken or overlong sequence, a surrogate, or a C1 control (U+0080-U+009F,
 * which terminals obey like the C0 ones). */
static size_t utf8_char(const unsigned char *p)
{
    size_t n;
    uint32_t cp;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2, cp = p[0] & 0x1fu;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3, cp = p[0] & 0x0fu;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4, cp = p[0] & 0x07u;
    else
        return 0;
    for (size_t i = 1; i < n; i++) { /* stops at the NUL: it is no continuation byte */
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
        return 0;
    return n;
}

const char *parity_escape(const char *text, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (size == 0)
        return out;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        size_t u = utf8_char(p);
        if (u) { /* "µs", "naïve.h5": shown as they are */
            if (n + u >= size)
                break;
            memcpy(out + n, p, u);
            n += u;
            p += u - 1;
            continue;
        }
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

void parity_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    if (hold)
        return;
    fputs("parity: ", stderr);
    fputs(last_error, stderr);
    fputc('\n', stderr);
}
