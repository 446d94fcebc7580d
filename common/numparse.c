/* Strict number parsing (see numparse.h). */
#include "numparse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int parse_int64(const char *text, int64_t *value)
{
    char buf[64];
    size_t n = 0;
    if (!text || !*text)
        return -1;
    for (const char *p = text; *p; p++) { /* drop digit-group underscores */
        if (*p == '_')
            continue;
        if (n + 1 >= sizeof buf)
            return -1;
        buf[n++] = *p;
    }
    buf[n] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end == '\0' && errno == 0 && end != buf) {
        *value = v;
        return 0;
    }
    /* 1e6 and friends: only if the value is an exact integer in range. */
    double d;
    if (parse_double(buf, &d) == 0 && d == floor(d) && fabs(d) < 9.0e18) {
        *value = (int64_t)d;
        return 0;
    }
    return -1;
}

int parse_double(const char *text, double *value)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double d = strtod(text, &end);
    if (*end != '\0' || errno != 0 || end == text || !isfinite(d))
        return -1;
    *value = d;
    return 0;
}
