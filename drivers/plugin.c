/* Loading an out-of-tree kernel: the file is read once (SHA-256 for the
 * result's provenance, its ELF header and DT_NEEDED list for a clear refusal
 * of a non-shared-object or of a plugin built against another MPI), then
 * dlopen()ed with RTLD_NOW | RTLD_LOCAL, and its descriptor is checked field
 * by field before parity uses any of it.  Every refusal is one line naming
 * the file.  Checked by tests/cli/plugin.bats. */
#define _GNU_SOURCE
#include "plugin.h"

#include "../common/error.h"
#include "../kernels/registry.h"
#include "modes.h"
#include "run.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <math.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PLUGINS 64
#define MAX_NAME 32    /* kernel names appear in file names and tables */
#define MAX_TEXT 1024  /* summaries, help lines: one line each */
#define MAX_MODE_ROWS 64 /* a modes list without its NULL row is caught here */

struct plugin {
    struct plugin_info info;
    const struct parity_kernel *kernel;
};

static struct plugin loaded[MAX_PLUGINS];
static int nloaded;

const struct plugin_info *plugin_of(const struct parity_kernel *k)
{
    for (int i = 0; i < nloaded; i++)
        if (loaded[i].kernel == k)
            return &loaded[i].info;
    return NULL;
}

/* ---- the file: digest and ELF facts, from one read-only mapping ---------- */

/* The file offset of virtual address `addr`, through the PT_LOAD segments. */
static int64_t vaddr_offset(const unsigned char *map, size_t size, const Elf64_Ehdr *eh,
                            uint64_t addr)
{
    for (int i = 0; i < eh->e_phnum; i++) {
        uint64_t at = eh->e_phoff + (uint64_t)i * eh->e_phentsize;
        if (at + sizeof(Elf64_Phdr) > size)
            return -1;
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(map + at);
        if (ph->p_type == PT_LOAD && addr >= ph->p_vaddr &&
            addr - ph->p_vaddr < ph->p_filesz)
            return (int64_t)(ph->p_offset + (addr - ph->p_vaddr));
    }
    return -1;
}

/* Calls fn on every DT_NEEDED name; returns 1 at the first fn that returns 1. */
static int each_needed(const unsigned char *map, size_t size, const Elf64_Ehdr *eh,
                       int (*fn)(const char *name, void *arg), void *arg)
{
    for (int i = 0; i < eh->e_phnum; i++) {
        uint64_t at = eh->e_phoff + (uint64_t)i * eh->e_phentsize;
        if (at + sizeof(Elf64_Phdr) > size)
            return 0;
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(map + at);
        if (ph->p_type != PT_DYNAMIC || ph->p_offset > size ||
            ph->p_filesz > size - ph->p_offset)
            continue;
        const Elf64_Dyn *dyn = (const Elf64_Dyn *)(map + ph->p_offset);
        size_t ndyn = ph->p_filesz / sizeof(Elf64_Dyn);
        int64_t strtab = -1;
        for (size_t d = 0; d < ndyn && dyn[d].d_tag != DT_NULL; d++)
            if (dyn[d].d_tag == DT_STRTAB)
                strtab = vaddr_offset(map, size, eh, dyn[d].d_un.d_ptr);
        if (strtab < 0)
            return 0;
        for (size_t d = 0; d < ndyn && dyn[d].d_tag != DT_NULL; d++) {
            if (dyn[d].d_tag != DT_NEEDED || dyn[d].d_un.d_val >= size - (size_t)strtab)
                continue;
            const char *name = (const char *)map + strtab + dyn[d].d_un.d_val;
            size_t room = size - (size_t)strtab - dyn[d].d_un.d_val;
            if (memchr(name, '\0', room) && fn(name, arg))
                return 1;
        }
    }
    return 0;
}

/* An MPI library is one whose name starts "libmpi" (Open MPI's libmpi.so.40,
 * MPICH's libmpich.so.12 and libmpi.so.12, their Fortran parts). */
static int is_mpi_library(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    return strncmp(base, "libmpi", 6) == 0;
}

struct mpi_search {
    const char *want;   /* the plugin's MPI library name */
    char ours[256];     /* an MPI library this process has loaded */
    int found;
};

static int loaded_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct mpi_search *s = arg;
    const char *base = strrchr(info->dlpi_name, '/');
    base = base ? base + 1 : info->dlpi_name;
    if (!is_mpi_library(base))
        return 0;
    if (!s->ours[0] || strcmp(base, s->want) == 0)
        snprintf(s->ours, sizeof s->ours, "%s", base);
    if (strcmp(base, s->want) == 0)
        s->found = 1;
    return 0;
}

/* Returns 1 (and says so) when the plugin needs an MPI library this parity
 * does not use: an MPICH-built plugin in the Open MPI parity would pass
 * MPICH's integer MPI_Comm to Open MPI's functions and crash. */
static int foreign_mpi(const char *name, void *arg)
{
    const char *shown = arg; /* the plugin's name as the user gave it */
    if (!is_mpi_library(name))
        return 0;
    struct mpi_search s = {.want = name};
    dl_iterate_phdr(loaded_object, &s);
    if (s.found)
        return 0;
    parity_error("plugin %s: linked against %s but this parity uses %s: rebuild it with "
                 "this parity's MPI compiler (`pkg-config --variable=mpicc parity`)",
                 shown, name,
                 s.ours[0] ? s.ours : "no MPI library");
    return 1;
}

/* The machine this parity runs on, as an ELF header says it. */
#if defined(__x86_64__)
#define OWN_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define OWN_MACHINE EM_AARCH64
#elif defined(__powerpc64__)
#define OWN_MACHINE EM_PPC64
#else
#define OWN_MACHINE EM_NONE /* unknown: not checked */
#endif

/* Digest, shape and MPI of the file at `path`, before dlopen runs any of its
 * code (constructors included). */
static int inspect_file(const char *path, const char *shown, char sha256[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        parity_error("plugin %s: cannot open it: %s", shown, strerror(errno));
        return PARITY_EUSAGE;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        parity_error("plugin %s: not a regular file", shown);
        return PARITY_EUSAGE;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *map = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (size && map == MAP_FAILED) {
        parity_error("plugin %s: cannot read it: %s", shown, strerror(errno));
        return PARITY_EUSAGE;
    }
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, size, map);
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(sha256 + 2 * i, 3, "%02x", digest[i]);

    int rc = PARITY_EUSAGE;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)map;
    if (size < sizeof *eh || memcmp(map, ELFMAG, SELFMAG) != 0)
        parity_error("plugin %s: not a shared object (no ELF header): build it with "
                     "`cc -shared -fPIC ...`", shown);
    else if (map[EI_CLASS] != ELFCLASS64 || (OWN_MACHINE != EM_NONE && eh->e_machine != OWN_MACHINE))
        parity_error("plugin %s: built for another machine (ELF class %d, machine %d)",
                     shown, map[EI_CLASS], eh->e_machine);
    else if (eh->e_type != ET_DYN)
        parity_error("plugin %s: an ELF file but not a shared object (type %d): build it "
                     "with `cc -shared -fPIC ...`", shown, eh->e_type);
    else if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size)
        parity_error("plugin %s: damaged ELF program headers", shown);
    else if (!each_needed(map, size, eh, foreign_mpi, (void *)shown))
        rc = 0;
    if (size)
        munmap(map, size);
    return rc;
}

/* ---- the descriptor ------------------------------------------------------- */

/* A bounded, non-empty, printable one-line text (NULL counts as missing). */
static int good_text(const char *s)
{
    if (!s || !s[0])
        return 0;
    size_t n = strnlen(s, MAX_TEXT + 1);
    if (n > MAX_TEXT)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

/* [a-z0-9_-], 1 to `max` characters: safe in file names, options and tables. */
static int good_name(const char *s, size_t max, int dash_ok, int underscore_ok)
{
    if (!s || !s[0] || strnlen(s, max + 1) > max)
        return 0;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
              (*p == '-' && dash_ok) || (*p == '_' && underscore_ok)))
            return 0;
    return 1;
}

static int check_params(const struct parity_kernel *k, char *why, size_t n)
{
    if (k->nparams < 0 || k->nparams > PARITY_MAX_PARAMS)
        return snprintf(why, n, "%d parameters (at most %d)", k->nparams, PARITY_MAX_PARAMS);
    if (k->nparams > 0 && !k->params)
        return snprintf(why, n, "nparams is %d but params is NULL", k->nparams);
    for (int i = 0; i < k->nparams; i++) {
        const struct parity_param *p = &k->params[i];
        if (!good_name(p->name, MAX_NAME, 1, 0))
            return snprintf(why, n, "parameter %d: name missing or not [a-z0-9-]", i + 1);
        if (run_option_reserved(p->name))
            return snprintf(why, n, "parameter --%s: parity's own option has that name", p->name);
        for (int j = 0; j < i; j++)
            if (strcmp(k->params[j].name, p->name) == 0)
                return snprintf(why, n, "parameter --%s appears twice", p->name);
        if (!good_text(p->help))
            return snprintf(why, n, "parameter --%s: no help line", p->name);
        if (p->min > p->max)
            return snprintf(why, n, "parameter --%s: range min %lld > max %lld", p->name,
                            (long long)p->min, (long long)p->max);
        for (int s = 0; s < PARITY_PRESETS; s++)
            if (p->preset[s] < p->min || p->preset[s] > p->max)
                return snprintf(why, n, "parameter --%s: preset %s = %lld is outside [%lld, "
                                "%lld]", p->name, preset_names[s], (long long)p->preset[s],
                                (long long)p->min, (long long)p->max);
    }
    return 0;
}

static int check_variants(const struct parity_kernel *k, char *why, size_t n)
{
    if (!k->variants || !k->variants[0])
        return snprintf(why, n, "no variants: list at least the default, e.g. "
                        "{\"default\", NULL}");
    if (!k->variant_help)
        return snprintf(why, n, "variant_help is NULL (one line per variant)");
    for (int i = 0; k->variants[i]; i++) {
        if (i >= 64)
            return snprintf(why, n, "more than 64 variants (is the NULL at the end missing?)");
        if (!good_name(k->variants[i], MAX_NAME, 1, 1))
            return snprintf(why, n, "variant %d: name not [a-z0-9_-]", i + 1);
        if (!good_text(k->variant_help[i]))
            return snprintf(why, n, "variant %s: no help line", k->variants[i]);
    }
    return 0;
}

static int check_modes(const struct parity_kernel *k, char *why, size_t n)
{
    if (!k->modes)
        return snprintf(why, n, "no modes (modes is NULL; \"seq\" is required)");
    int rows = 0;
    for (const struct parity_mode_impl *m = k->modes; m->mode; m++, rows++) {
        if (rows >= MAX_MODE_ROWS)
            return snprintf(why, n, "more than %d modes (is the {.mode = NULL} row missing?)",
                            MAX_MODE_ROWS);
        char shown[64];
        if (strnlen(m->mode, 32) >= 32 || !mode_find(m->mode))
            return snprintf(why, n, "mode '%s' is not one of parity's modes (`parity list`)",
                            parity_escape(m->mode, shown, sizeof shown));
        if (!m->setup || !m->run)
            return snprintf(why, n, "mode %s: setup or run is NULL", m->mode);
        for (const struct parity_mode_impl *o = k->modes; o < m; o++)
            if (strcmp(o->mode, m->mode) == 0)
                return snprintf(why, n, "mode %s is listed twice", m->mode);
    }
    if (!kernel_mode(k, "seq"))
        return snprintf(why, n, "no \"seq\" mode (the reference every other mode is "
                        "verified against)");
    return 0;
}

/* Everything parity will read or call, present and sane; `why` gets the first
 * problem.  Returns 0 when the descriptor is fine. */
static int check_descriptor(const struct parity_kernel *k, char *why, size_t n)
{
    char shown[128];
    if (k->api_version != PARITY_KERNEL_API_VERSION)
        return snprintf(why, n, "built against kernel API version %d, this parity has "
                        "version %d: rebuild it against this parity's <parity/kernel.h>",
                        k->api_version, PARITY_KERNEL_API_VERSION);
    if (!k->name || !k->name[0])
        return snprintf(why, n, "the descriptor has no name");
    if (!good_name(k->name, MAX_NAME, 1, 1))
        return snprintf(why, n, "kernel name '%s' is not 1-%d characters of [a-z0-9_-]",
                        parity_escape(k->name, shown, sizeof shown), MAX_NAME);
    if (kernel_find(k->name))
        return snprintf(why, n, "kernel name '%s' is a built-in kernel's: choose another "
                        "(result files and campaigns tell kernels apart by name)", k->name);
    if (!good_text(k->summary))
        return snprintf(why, n, "kernel %s: no summary line", k->name);
    if (k->version && strnlen(k->version, 129) > 128)
        return snprintf(why, n, "kernel %s: version string longer than 128", k->name);
    int rc;
    if ((rc = check_params(k, why, n)) || (rc = check_variants(k, why, n)) ||
        (rc = check_modes(k, why, n)))
        return rc;
    if (!k->outputs || strnlen(k->outputs, MAX_TEXT + 1) > MAX_TEXT)
        return snprintf(why, n, "kernel %s: no outputs text (e.g. \"u[n]\")", k->name);
    if (!good_text(k->check_what))
        return snprintf(why, n, "kernel %s: no check_what line (what the self-check "
                        "compares with)", k->name);
    if (!(k->verify.rtol >= 0.0) || !(k->verify.atol >= 0.0) || !isfinite(k->verify.rtol) ||
        !isfinite(k->verify.atol))
        return snprintf(why, n, "kernel %s: verify tolerances must be finite and >= 0",
                        k->name);
    const char *missing = !k->output ? "output" : !k->check ? "check" : !k->flops ? "flops"
                        : !k->bytes ? "bytes" : !k->memory ? "memory"
                        : !k->teardown ? "teardown" : NULL;
    if (missing)
        return snprintf(why, n, "kernel %s: the %s hook is NULL", k->name, missing);
    return 0;
}

/* ---- loading ---------------------------------------------------------------- */

static int load_plugin(const char *arg, const struct parity_kernel **kernel)
{
    char shown[512], path[PATH_MAX], why[512];
    parity_escape(arg, shown, sizeof shown);
    if (!realpath(arg, path)) {
        parity_error("plugin %s: %s", shown, strerror(errno));
        return PARITY_EUSAGE;
    }
    for (int i = 0; i < nloaded; i++)
        if (strcmp(loaded[i].info.path, path) == 0) {
            *kernel = loaded[i].kernel;
            return 0;
        }
    if (nloaded == MAX_PLUGINS) {
        parity_error("plugin %s: more than %d plugins loaded", shown, MAX_PLUGINS);
        return PARITY_EUSAGE;
    }
    struct plugin *p = &loaded[nloaded];
    snprintf(p->info.path, sizeof p->info.path, "%s", path);
    CHECK(inspect_file(path, shown, p->info.sha256));
    /* RTLD_NOW: a missing symbol is reported here, not as a crash mid-run;
     * RTLD_LOCAL: two plugins' symbols never resolve against each other. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *err = dlerror();
        parity_error("plugin %s: cannot load it: %s", shown, err ? err : "dlopen failed");
        return PARITY_EUSAGE;
    }
    const struct parity_kernel *(*entry)(void);
    *(void **)&entry = dlsym(handle, PARITY_KERNEL_ENTRY_SYMBOL);
    if (!entry) {
        parity_error("plugin %s: no %s symbol: write PARITY_KERNEL_ENTRY(your_kernel) after "
                     "its descriptor", shown, PARITY_KERNEL_ENTRY_SYMBOL);
        dlclose(handle);
        return PARITY_EUSAGE;
    }
    const struct parity_kernel *k = entry();
    if (!k)
        snprintf(why, sizeof why, "%s() returned NULL", PARITY_KERNEL_ENTRY_SYMBOL);
    if (!k || check_descriptor(k, why, sizeof why)) {
        parity_error("plugin %s: %s", shown, why);
        dlclose(handle);
        return PARITY_EUSAGE;
    }
    /* The handle stays open for the life of the process: the descriptor and
     * its hooks live in it. */
    p->kernel = k;
    p->info.version = k->version ? k->version : "";
    nloaded++;
    *kernel = k;
    return 0;
}

static int looks_like_path(const char *arg)
{
    size_t n = strlen(arg);
    return strchr(arg, '/') || (n > 3 && strcmp(arg + n - 3, ".so") == 0);
}

/* NAME.so in the first folder of PARITY_KERNEL_PATH that has one, into
 * found[size]; returns 1 when found. */
static int search_path(const char *name, char *found, size_t size)
{
    const char *list = getenv("PARITY_KERNEL_PATH");
    if (!list || !good_name(name, MAX_NAME, 1, 1))
        return 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ":");
        struct stat st;
        if (len > 0 && (size_t)snprintf(found, size, "%.*s/%s.so", (int)len, p, name) < size &&
            stat(found, &st) == 0)
            return 1;
        p += len;
        if (*p == ':')
            p++;
    }
    return 0;
}

int kernel_lookup(const char *arg, const struct parity_kernel **kernel)
{
    char path[PATH_MAX];
    if (looks_like_path(arg))
        return load_plugin(arg, kernel);
    if ((*kernel = kernel_find(arg)))
        return 0;
    if (search_path(arg, path, sizeof path)) {
        CHECK(load_plugin(path, kernel));
        if (strcmp((*kernel)->name, arg) != 0) {
            char shown[512];
            parity_error("plugin %s: found for kernel '%s' but its descriptor names '%s'",
                         parity_escape(path, shown, sizeof shown), arg, (*kernel)->name);
            return PARITY_EUSAGE;
        }
        return 0;
    }
    char shown[256];
    parity_error("unknown kernel '%s' (`parity list` shows the kernels; a plugin is a path "
                 "such as ./%s.so, or NAME.so on PARITY_KERNEL_PATH)",
                 parity_escape(arg, shown, sizeof shown),
                 good_name(arg, MAX_NAME, 1, 1) ? arg : "mykernel");
    return PARITY_EUSAGE;
}

static int so_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

int plugin_scan_path(void (*fn)(const struct parity_kernel *k, void *arg), void *arg,
                     int quiet)
{
    const char *list = getenv("PARITY_KERNEL_PATH");
    const struct parity_kernel *seen[MAX_PLUGINS];
    int count = 0;
    for (const char *p = list ? list : ""; *p;) {
        size_t len = strcspn(p, ":");
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", (int)(len < sizeof dir ? len : sizeof dir - 1), p);
        p += len + (p[len] == ':');
        struct dirent **names = NULL;
        int n = dir[0] ? scandir(dir, &names, so_file, alphasort) : 0;
        for (int i = 0; i < n; i++) {
            char path[PATH_MAX], stem[NAME_MAX + 1];
            snprintf(stem, sizeof stem, "%s", names[i]->d_name);
            stem[strlen(stem) - 3] = '\0';
            int dup = kernel_find(stem) != NULL;
            for (int j = 0; j < count && !dup; j++)
                dup = strcmp(seen[j]->name, stem) == 0;
            const struct parity_kernel *k = NULL;
            if (!dup && count < MAX_PLUGINS &&
                (size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name) < sizeof path) {
                parity_error_hold(quiet);
                if (load_plugin(path, &k) == 0 && strcmp(k->name, stem) == 0) {
                    seen[count++] = k;
                    fn(k, arg);
                } else if (k && !quiet) {
                    char shown[512];
                    parity_error("plugin %s: found for kernel '%s' but its descriptor names '%s'",
                                 parity_escape(path, shown, sizeof shown), stem, k->name);
                }
                parity_error_hold(0);
            }
            free(names[i]);
        }
        free(names);
    }
    return count;
}

/* ---- a crash in the plugin's code ------------------------------------------ */

static char crash_kernel[MAX_NAME + PATH_MAX + 8]; /* "NAME (PATH)" */
static char crash_tmp[PATH_MAX + 8];
static volatile sig_atomic_t crash_rank = -1;

/* Appends s to the message being built in on_crash (strlen and memcpy are
 * async-signal-safe). */
static size_t append(char *buf, size_t used, size_t size, const char *s)
{
    size_t n = strlen(s);
    if (n > size - 1 - used)
        n = size - 1 - used;
    memcpy(buf + used, s, n);
    return used + n;
}

/* Async-signal-safe: the message is built on the stack and written with one
 * write() (so two ranks' lines do not interleave), then unlink() and _exit(). */
static void on_crash(int sig)
{
    const char *name = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS"
                     : sig == SIGFPE ? "SIGFPE" : "SIGILL";
    if (crash_tmp[0])
        unlink(crash_tmp);
    char msg[sizeof crash_kernel + 256], digits[16], *d = digits + sizeof digits - 1;
    size_t n = append(msg, 0, sizeof msg, "parity: kernel ");
    n = append(msg, n, sizeof msg, crash_kernel);
    n = append(msg, n, sizeof msg, " crashed (");
    n = append(msg, n, sizeof msg, name);
    n = append(msg, n, sizeof msg, ")");
    if (crash_rank >= 0) {
        int r = crash_rank;
        *d = '\0';
        do
            *--d = (char)('0' + r % 10);
        while ((r /= 10) > 0);
        n = append(msg, n, sizeof msg, " on rank ");
        n = append(msg, n, sizeof msg, d);
    }
    n = append(msg, n, sizeof msg, ": a bug in the plugin (run it under gdb); no result "
               "file was written\n");
    ssize_t rc = write(STDERR_FILENO, msg, n);
    (void)rc;
    _exit(2);
}

void plugin_crash_guard(const struct parity_kernel *k)
{
    const struct plugin_info *info = plugin_of(k);
    if (!info)
        return;
    snprintf(crash_kernel, sizeof crash_kernel, "%s (%s)", k->name, info->path);
    /* Its own stack, so a stack overflow in the kernel is reported too (on
     * the main thread; OpenMP workers have none and die by the signal). */
    static char alt[1 << 16];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_handler = on_crash, .sa_flags = SA_ONSTACK | SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

void plugin_crash_rank(int rank)
{
    crash_rank = rank;
}

void plugin_crash_tmp(const char *path)
{
    /* Filled before the file exists and never while a signal can read it
     * half-written: the name is copied, then made visible by its first byte. */
    crash_tmp[0] = '\0';
    if (path && strlen(path) < sizeof crash_tmp) {
        memcpy(crash_tmp + 1, path + 1, strlen(path));
        crash_tmp[0] = path[0];
    }
}
