/* Error reporting shared by every part of parity.
 *
 * Functions that act return an int: 0 on success, a negative PARITY_E* code
 * on failure.  The first failure prints one line that says what and where;
 * callers pass the code up with CHECK(), which adds nothing to the message so
 * the user sees one line, not a stack of them. */
#ifndef PARITY_ERROR_H
#define PARITY_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum parity_status {
    PARITY_OK = 0,
    PARITY_EFAIL = -1,  /* a run or a check failed: exit status 1 */
    PARITY_EUSAGE = -2, /* bad usage or unreadable input: exit status 2 */
};

/* Print "parity: <message>" on stderr, once, as one line. */
void parity_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last message printed, without "parity: " (for listings of what was
 * skipped); "" before the first. */
const char *parity_last_error(void);

/* Copy `text` into out[size] with every byte that is neither printable
 * ASCII nor part of a well-formed UTF-8 character (C1 controls excluded), and
 * the backslash, written as \xHH: a message or a name read from a file
 * shows exactly what was there ("pi\x01", not "pi" and a terminal code),
 * while "µs" stays "µs".  Cut at a whole character.  Returns out. */
const char *parity_escape(const char *text, char *out, size_t size);

/* While on, parity_error() only records the message (parity_last_error)
 * instead of printing it: MPI ranks gather their messages so that one line
 * is printed, by rank 0, for a failure several ranks saw. */
void parity_error_hold(int on);

/* Propagate a negative status; the callee already said what went wrong. */
#define CHECK(expr)                                                            \
    do {                                                                       \
        int check_rc_ = (expr);                                                \
        if (check_rc_ < 0)                                                     \
            return check_rc_;                                                  \
    } while (0)

/* Map a status to the process exit code of DESIGN.md: 0, 1 or 2. */
static inline int parity_exit_code(int status)
{
    return status == PARITY_OK ? 0 : status == PARITY_EUSAGE ? 2 : 1;
}

#endif
