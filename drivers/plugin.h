/* Kernels by name or by file: the built-in registry, or an out-of-tree kernel
 * in a shared object (`parity run ./mykernel.so`, or NAME found as NAME.so on
 * PARITY_KERNEL_PATH), loaded with dlopen and checked before anything runs.
 * Checked by tests/cli/plugin.bats (one bad-plugin case per check). */
#ifndef PARITY_PLUGIN_H
#define PARITY_PLUGIN_H

#include <parity/kernel.h>

/* What parity knows about a loaded plugin (for provenance and listings). */
struct plugin_info {
    char path[4096];     /* absolute path of the shared object (realpath) */
    char sha256[65];     /* SHA-256 of the file's bytes, lower-case hex */
    const char *version; /* the kernel's own version string, "" when it has none */
};

/* The one way parity turns a command-line KERNEL into a descriptor: a path
 * (contains '/' or ends in ".so") is loaded as a plugin; otherwise a built-in
 * kernel of that name, else NAME.so in a folder of PARITY_KERNEL_PATH.
 * Returns 0, or PARITY_EUSAGE after printing one line. */
int kernel_lookup(const char *arg, const struct parity_kernel **kernel);

/* The plugin a descriptor came from, or NULL for a built-in kernel. */
const struct plugin_info *plugin_of(const struct parity_kernel *k);

/* Calls fn for every NAME.so on PARITY_KERNEL_PATH that loads and passes the
 * checks (the first of a name wins, as in kernel_lookup); a file that fails
 * is reported on stderr by fn's caller's choice: `quiet` = 1 skips it
 * silently.  Returns the number of kernels found. */
int plugin_scan_path(void (*fn)(const struct parity_kernel *k, void *arg), void *arg,
                     int quiet);

/* From here until the process exits, a SIGSEGV, SIGBUS, SIGFPE or SIGILL
 * becomes one line, "kernel NAME crashed (SIGSEGV) ...", exit status 2, and
 * the removal of the temporary result file named by plugin_crash_tmp().
 * Only for plugins (a built-in kernel's crash is parity's bug: it keeps its
 * core dump and the sanitizers' reports); does nothing for built-ins. */
void plugin_crash_guard(const struct parity_kernel *k);
void plugin_crash_rank(int rank);         /* say which rank crashed */
void plugin_crash_tmp(const char *path);  /* NULL: no temporary file yet */

#endif
