/* Aligned text tables (see table.h). */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void table_row(struct table *t, ...)
{
    if (t->nrows == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        char **cell = realloc(t->cell, sizeof(char *) * (size_t)(cap * t->ncols));
        if (!cell)
            return;
        t->cell = cell;
        t->cap = cap;
    }
    va_list ap;
    va_start(ap, t);
    for (int c = 0; c < t->ncols; c++)
        t->cell[t->nrows * t->ncols + c] = strdup(va_arg(ap, const char *));
    va_end(ap);
    t->nrows++;
}

void table_free(struct table *t)
{
    for (int i = 0; i < t->nrows * t->ncols; i++)
        free(t->cell[i]);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

/* Columns on screen, counting a UTF-8 sequence as one. */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *out, const char *s, int width, char align)
{
    int n = width - text_width(s);
    if (align == 'r')
        fprintf(out, "%*s%s", n > 0 ? n : 0, "", s);
    else
        fprintf(out, "%s%*s", s, n > 0 ? n : 0, "");
}

/* markdown: | a | b | with a --- line; else plain columns, indented. */
void table_print(const struct table *t, FILE *out, int markdown)
{
    int width[TABLE_MAX_COLS] = {0};
    for (int i = 0; i < t->nrows * t->ncols; i++) {
        int w = text_width(t->cell[i]);
        if (w > width[i % t->ncols])
            width[i % t->ncols] = w;
    }
    for (int r = 0; r < t->nrows; r++) {
        fputs(markdown ? "|" : "  ", out);
        for (int c = 0; c < t->ncols; c++) {
            const char *cell = t->cell[r * t->ncols + c];
            if (!markdown && c == t->ncols - 1 && !cell[0])
                break; /* no trailing blanks */
            fputs(markdown ? " " : c ? "  " : "", out);
            char align = r ? t->align[c] : 'l';
            if (!markdown && c == t->ncols - 1 && align == 'l')
                fputs(cell, out); /* no trailing blanks */
            else
                pad(out, cell, width[c], align);
            fputs(markdown ? " |" : "", out);
        }
        fputc('\n', out);
        if (r == 0 && markdown) {
            fputc('|', out);
            for (int c = 0; c < t->ncols; c++) {
                fputc(t->align[c] == 'r' ? '-' : ':', out);
                for (int k = 0; k < width[c]; k++)
                    fputc('-', out);
                fputs(t->align[c] == 'r' ? ":|" : "-|", out);
            }
            fputc('\n', out);
        }
    }
}
