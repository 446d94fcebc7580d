/* mkdir -p (see fsutil.h). */
#include "fsutil.h"

#include "error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int make_dirs(const char *dir)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) {
        parity_error("folder name is %zu characters long, longer than PATH_MAX (%d)",
                     strlen(dir), PATH_MAX - 1);
        return PARITY_EUSAGE;
    }
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
                parity_error("cannot create folder %s: %s", buf, strerror(errno));
                return PARITY_EUSAGE;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    /* mkdir's EEXIST is also what a plain file of that name gives */
    struct stat st;
    if (stat(dir, &st) != 0) {
        parity_error("cannot create folder %s: %s", dir, strerror(errno));
        return PARITY_EUSAGE;
    }
    if (!S_ISDIR(st.st_mode)) {
        parity_error("cannot create folder %s: it exists and is not a folder", dir);
        return PARITY_EUSAGE;
    }
    return 0;
}
