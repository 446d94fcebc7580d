/* Aligned text tables for the analysis commands: markdown (report.md) or
 * plain columns (terminal).  Widths count UTF-8 characters, not bytes, so
 * "×" and "µ" line up. */
#ifndef PARITY_TABLE_H
#define PARITY_TABLE_H

#include <stdio.h>

#define TABLE_MAX_COLS 20

struct table {
    int ncols, nrows, cap;
    char align[TABLE_MAX_COLS]; /* per column: 'l' or 'r' */
    char **cell;                /* row-major, row 0 the header */
};

/* Append a row of ncols strings (copied); the first row is the header. */
void table_row(struct table *t, ...);
/* markdown: | a | b | with a --- line; else plain columns, indented. */
void table_print(const struct table *t, FILE *out, int markdown);
void table_free(struct table *t);

#endif
