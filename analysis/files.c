/* Result file discovery (see files.h): folders walked in name order, each
 * file and folder once by (device, inode), so symlink loops and hard links
 * neither hang nor count a run twice (tests/cli/verify.bats). */
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

/* Every file and folder seen, by (device, inode): a symlink loop or a
 * second name for the same file is walked or counted once. */
struct seen {
    struct { dev_t dev; ino_t ino; } *id;
    size_t count, capacity; /* capacity: a power of two (open addressing) */
};

/* 1 if new (and now recorded), 0 if seen before, -1 out of memory. */
static int seen_add(struct seen *s, const struct stat *st)
{
    if (2 * (s->count + 1) > s->capacity) {
        struct seen bigger = {NULL, 0, s->capacity ? 2 * s->capacity : 256};
        if (!(bigger.id = calloc(bigger.capacity, sizeof *bigger.id)))
            return -1;
        for (size_t i = 0; i < s->capacity; i++)
            if (s->id[i].ino || s->id[i].dev) {
                struct stat old = {.st_dev = s->id[i].dev, .st_ino = s->id[i].ino};
                seen_add(&bigger, &old);
            }
        free(s->id);
        *s = bigger;
    }
    size_t mask = s->capacity - 1;
    size_t h = ((size_t)st->st_ino * 0x9e3779b97f4a7c15ULL ^ (size_t)st->st_dev) & mask;
    for (;; h = (h + 1) & mask) {
        if (!s->id[h].ino && !s->id[h].dev) {
            s->id[h].dev = st->st_dev;
            s->id[h].ino = st->st_ino;
            s->count++;
            return 1;
        }
        if (s->id[h].dev == st->st_dev && s->id[h].ino == st->st_ino)
            return 0;
    }
}

static int add_once(struct path_list *l, struct seen *s, const char *path, const struct stat *st)
{
    int fresh = seen_add(s, st);
    if (fresh < 0)
        return PARITY_EFAIL;
    return fresh ? files_add(l, path) : 0;
}

static int walk(const char *dir, struct path_list *l, struct seen *s)
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
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
                parity_error("%s/...: path longer than %zu bytes", dir, sizeof path - 1);
                rc = PARITY_EUSAGE;
            } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                /* a campaign's damaged files (jobs/sweep.sh) are not results;
                 * a folder seen before (a symlink loop) is not walked again */
                int fresh = seen_add(s, &st);
                if (fresh < 0)
                    rc = PARITY_EFAIL;
                else if (fresh && strcmp(name, "quarantine") != 0)
                    rc = walk(path, l, s);
            } else if (ends_with(name, ".h5")) {
                /* a FIFO or a dangling link is listed, for result_read to
                 * refuse with one line (it opens regular files only) */
                if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                    rc = add_once(l, s, path, &st);
                else
                    rc = files_add(l, path);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int files_collect(char **paths, int npaths, struct path_list *out)
{
    struct seen s = {0};
    int rc = 0;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < npaths && rc == 0; i++) {
        struct stat st;
        if (stat(paths[i], &st) < 0) {
            parity_error("%s: %s", paths[i], strerror(errno));
            rc = PARITY_EUSAGE;
        } else if (S_ISDIR(st.st_mode)) {
            rc = seen_add(&s, &st) < 0 ? PARITY_EFAIL : walk(paths[i], out, &s);
        } else {
            rc = S_ISREG(st.st_mode) ? add_once(out, &s, paths[i], &st) : files_add(out, paths[i]);
        }
    }
    free(s.id);
    return rc;
}

void files_free(struct path_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->path[i]);
    free(list->path);
    memset(list, 0, sizeof *list);
}
