/* Collecting result files from the paths a user names. */
#ifndef PARITY_FILES_H
#define PARITY_FILES_H

#include <stddef.h>

struct path_list {
    char **path;
    size_t count, capacity;
};

/* Add every *.h5 under each PATH (files as given, folders recursively, in
 * sorted order; *.tmp files of unfinished runs and the damaged files in a
 * campaign's quarantine/ folder are skipped, unless named as the PATH).
 * Each file and folder is taken once (by device and inode): a symlink loop
 * or a second name of the same file is not counted again.  A path that
 * does not exist is an error (one line, PARITY_EUSAGE). */
int files_collect(char **paths, int npaths, struct path_list *out);
/* Append a copy of `path` (any string); 0 or PARITY_EFAIL. */
int files_add(struct path_list *list, const char *path);
void files_free(struct path_list *list);

#endif
