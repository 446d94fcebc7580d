/* Result file discovery (see files.h). */
#include "files.h"

#include "../common/error.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int files_add(struct path_list *l, const char *path)
{
    if (l->count == l->capacity) {
        size_t cap = l->capacity ? 2 * l->capacity : 64;
        char **p = realloc(l->path, cap * sizeof *p);
        if (!p)
            return PARITY_EFAIL;
        l->path = p;
        l->capacity = cap;
    }
    if (!(l->path[l->count] = strdup(path)))
        return PARITY_EFAIL;
    l->count++;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk(const char *dir, struct path_list *l)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, cmp_name);
    if (n < 0) {
        parity_error("%s: cannot read folder: %s", dir, strerror(errno));
        return PARITY_EUSAGE;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char path[4096];
        struct stat st;
        if (rc == 0 && name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, name);
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                /* a campaign's damaged files (jobs/sweep.sh) are not results */
                if (strcmp(name, "quarantine") != 0)
                    rc = walk(path, l);
            }
            else if (ends_with(name, ".h5"))
                rc = files_add(l, path);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int files_collect(char **paths, int npaths, struct path_list *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) < 0) {
            parity_error("%s: %s", paths[i], strerror(errno));
            return PARITY_EUSAGE;
        }
        CHECK(S_ISDIR(st.st_mode) ? walk(paths[i], out) : files_add(out, paths[i]));
    }
    return 0;
}

void files_free(struct path_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->path[i]);
    free(list->path);
    memset(list, 0, sizeof *list);
}
