/* parity's kernel API: what a kernel tells parity about itself, and the hooks
 * parity calls.  The built-in kernels (kernels/) and out-of-tree kernels
 * (shared objects loaded by `parity run ./mykernel.so`) use exactly this
 * header, <parity/repro.h>, <parity/repro_mpi.h> and <parity/partition.h>.
 *
 * A kernel computes, checks itself, and describes its output arrays; it never
 * calls HDF5 or a timer (parity times, digests and writes).  Only a kernel's
 * MPI code includes mpi.h; it finds its communicator in ctx->mpi_comm.
 *
 * Versioning: PARITY_KERNEL_API_VERSION changes whenever a structure below
 * changes layout or meaning; parity refuses a kernel built against another
 * version.  Fields are only ever appended within a version's lifetime. */
#ifndef PARITY_KERNEL_API_H
#define PARITY_KERNEL_API_H

#include <stddef.h>
#include <stdint.h>

#define PARITY_KERNEL_API_VERSION 1

#define PARITY_MAX_PARAMS 8
#define PARITY_MAX_ARRAYS 6
#define PARITY_MAX_SCALARS 8

/* Parameter presets, chosen with --size. */
enum parity_preset { PARITY_TINY, PARITY_SMALL, PARITY_MEDIUM, PARITY_LARGE, PARITY_PRESETS };

/* --reduce: repro sums are bitwise equal in every mode (<parity/repro.h>);
 * fast may use native reductions and is verified within a tolerance. */
enum parity_reduce { PARITY_REPRO, PARITY_FAST };

/* One integer parameter of a kernel, e.g. heat's grid size --n. */
struct parity_param {
    const char *name;                /* option name without dashes: "n", "wait-ms" */
    const char *help;                /* one line for `parity list` and --help */
    int64_t preset[PARITY_PRESETS];  /* value in each preset */
    int64_t min, max;                /* accepted range, inclusive */
};

/* Everything a kernel needs to know about the run it is part of. */
struct parity_ctx {
    const struct parity_kernel *kernel;
    int64_t param[PARITY_MAX_PARAMS]; /* values, in the order of kernel->params */
    const char *mode;   /* the mode's name: "seq", "omp" or "mpi" */
    int threads;        /* OpenMP threads per process (1 = no threading) */
    int ranks, rank;    /* MPI world size and this process's rank (1, 0 outside MPI) */
    enum parity_reduce reduce;
    int variant;        /* index into kernel->variants (0 = the default) */
    uint64_t seed;      /* for kernels with pseudo-random inputs */
    /* MPI_Comm * in a mode run under MPI, NULL otherwise: write
     * `MPI_Comm comm = *(MPI_Comm *)ctx->mpi_comm;`.  With --threads > 1
     * (hybrid) MPI is initialised with MPI_THREAD_FUNNELED: only the thread
     * that called run() (the master of any team it opens) may call MPI. */
    void *mpi_comm;
};

enum parity_out_type { PARITY_F64, PARITY_I64 };

/* One output array, as this process holds it.  parity writes it as the
 * dataset /result/NAME (each rank its block) and digests it. */
struct parity_out_array {
    const char *name;      /* dataset name under /result */
    enum parity_out_type type; /* element type; both are 8 bytes */
    int ndims;             /* 1 or 2 */
    int64_t dims[2];       /* global shape (dims[1] = 1 for 1-D) */
    int64_t offset[2];     /* where this process's block starts, globally */
    int64_t count[2];      /* shape of this process's block (0 rows = none) */
    int64_t row_step;      /* global distance between the block's rows (1 =
                              contiguous; P for rows dealt cyclically) */
    const void *data;      /* first element of the block */
    int64_t stride;        /* elements between consecutive local rows */
};

/* A named summary number stored as an attribute of /result (checksum,
 * residual, energy...).  Must have the same value on every rank. */
struct parity_out_scalar {
    const char *name;
    double value;
};

struct parity_output {
    int narrays;
    struct parity_out_array array[PARITY_MAX_ARRAYS];
    int nscalars;
    struct parity_out_scalar scalar[PARITY_MAX_SCALARS];
};

/* The kernel's independent self-check.  `error` is this process's part;
 * parity takes the maximum over ranks and passes when error <= bound. */
struct parity_check {
    double error; /* measured deviation from the independent reference */
    double bound; /* largest deviation the method and rounding allow */
};

/* One mode a kernel provides.  `mode` names a row of parity's mode table
 * (`parity list --modes`); parity refuses a mode the kernel does not list.
 * setup allocates and initialises this process's part of the problem
 * (untimed) and returns 0, or non-zero when it cannot (out of memory):
 * parity then stops with exit status 2 (teardown is called if *state was
 * set).  run performs one repetition (timed) and must give the same output
 * every time it is called.  omp and hybrid runs are only parallel if the
 * kernel was compiled with -fopenmp: parity sets the thread count, the
 * kernel opens its own parallel regions.  The optional hooks override the
 * kernel-wide ones of struct parity_kernel for this mode (NULL = use those):
 * a mode whose data or checks differ (halos, data on other ranks) keeps its
 * differences here instead of testing ctx->mode inside shared code. */
struct parity_mode_impl {
    const char *mode;
    int (*setup)(const struct parity_ctx *ctx, void **state);
    void (*run)(const struct parity_ctx *ctx, void *state);
    void (*check)(const struct parity_ctx *ctx, void *state,
                  struct parity_check *result);
    int (*validate)(const struct parity_ctx *ctx, char *msg, size_t msg_size);
    double (*memory)(const struct parity_ctx *ctx);
    void (*teardown)(void *state);
};

/* How `parity verify` compares a parallel result with the sequential one.
 * Written into every result file, so any parity can judge the file. */
struct parity_verify_policy {
    double rtol, atol; /* tolerance used for --reduce fast and for variants
                          that differ from the reference by design */
    /* NULL or NULL-terminated: variants that do exactly the default variant's
     * arithmetic, only in another order of points (heat temporal), so their
     * repro results must be bitwise the default's, not merely close. */
    const char *const *bitwise_variants;
};

struct parity_kernel {
    int api_version;                   /* PARITY_KERNEL_API_VERSION */
    const char *name;                  /* [a-z0-9_-], at most 32 characters */
    const char *summary;               /* one line */
    const char *version;               /* the kernel's own version (NULL: none) */
    const struct parity_param *params;
    int nparams;
    const char *const *variants;       /* NULL-terminated; [0] is the default */
    const char *const *variant_help;   /* one line per variant */
    /* The output arrays for listings, "u[n]", "grid[n][n]" ...: each extent
     * a number or a parameter's name.  parity also sizes the result file
     * from it before computing (is the folder's free space enough?). */
    const char *outputs;
    struct parity_verify_policy verify;
    const char *check_what;            /* what the self-check compares with */

    /* Work and traffic of one repetition, for GFLOP/s and GB/s.  `state` is
     * the kernel's state after the timed repetitions, for kernels whose work
     * depends on the run (cg's iteration count); NULL means "estimate". */
    double (*flops)(const struct parity_ctx *ctx, const void *state);
    double (*bytes)(const struct parity_ctx *ctx, const void *state);
    /* Bytes this process will allocate, checked before any allocation. */
    double (*memory)(const struct parity_ctx *ctx);
    /* Optional extra parameter rules; writes a message and returns < 0. */
    int (*validate)(const struct parity_ctx *ctx, char *msg, size_t msg_size);

    /* The modes, ending with an entry whose .mode is NULL; "seq" is required. */
    const struct parity_mode_impl *modes;
    void (*output)(const struct parity_ctx *ctx, void *state,
                   struct parity_output *out);
    void (*check)(const struct parity_ctx *ctx, void *state,
                  struct parity_check *result);
    void (*teardown)(void *state);
};

/* A parameter's value by name.  Kernels call it with their own names, so an
 * unknown name is a programming error: it aborts. */
int64_t parity_param(const struct parity_ctx *ctx, const char *name);

/* The entry point of an out-of-tree kernel: parity dlopen()s the shared
 * object and calls parity_kernel_entry().  Write PARITY_KERNEL_ENTRY(k) once,
 * after the descriptor k.  parity checks the descriptor before using it
 * (api_version, a [a-z0-9_-] name no built-in kernel has, the summary,
 * parameters with min <= max and presets inside, variants with help lines,
 * a "seq" mode, setup and run in every mode row, and every kernel-wide hook
 * above except validate) and refuses the plugin with one line otherwise.
 * The functions declared in these headers are parity's own, exported by the
 * parity executable: a plugin links no parity library (docs/writing-a-kernel.md). */
#define PARITY_KERNEL_ENTRY_SYMBOL "parity_kernel_entry"
#define PARITY_KERNEL_ENTRY(k)                                                     \
    __attribute__((visibility("default"))) const struct parity_kernel *           \
    parity_kernel_entry(void);                                                     \
    const struct parity_kernel *parity_kernel_entry(void) { return &(k); }

#endif
