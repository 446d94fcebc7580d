/* Shared formatting (see format.h). */
#include "format.h"

#include <math.h>
#include <string.h>

void fmt_seconds(char *buf, size_t size, double s)
{
    if (!isfinite(s))
        snprintf(buf, size, "—");
    else if (fabs(s) >= 1)
        snprintf(buf, size, "%.3g s", s);
    else if (fabs(s) >= 1e-3)
        snprintf(buf, size, "%.3g ms", s * 1e3);
    else
        snprintf(buf, size, "%.3g µs", s * 1e6);
}

void fmt_size(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "—");
    else if (v == floor(v) && fabs(v) < 1e5)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.3g", v);
}

void fmt_ratio(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "—");
    else if (v < 0.1)
        snprintf(buf, size, "%.2g", v); /* 0.0018, not 0.00 */
    else
        snprintf(buf, size, "%.2f", v);
}

void fmt_num(char *buf, size_t size, const char *fmt, double v)
{
    if (isfinite(v))
        snprintf(buf, size, fmt, v);
    else
        snprintf(buf, size, "—");
}

void csv_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}
