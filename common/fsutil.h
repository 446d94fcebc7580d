/* File-system helpers shared by the result writer and the report: one copy,
 * so the two cannot drift (issue 10 §4).  Checked by tests/cli/errors.bats
 * (--outdir past PATH_MAX) and tests/cli/report.bats (--out under a file). */
#ifndef PARITY_FSUTIL_H
#define PARITY_FSUTIL_H

/* mkdir -p: create `dir` and every missing folder above it.  0, or
 * PARITY_EUSAGE after one line (a name longer than PATH_MAX, a folder that
 * cannot be created, a path that exists and is not a folder). */
int make_dirs(const char *dir);

#endif
