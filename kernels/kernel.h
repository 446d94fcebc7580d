/* The kernel interface: what every kernel tells the driver about itself, and
 * the hooks the driver calls.  One `struct kernel` per kernel, listed in
 * registry.c.  Kernels never call HDF5 or the timer: they compute, check
 * themselves, and describe their output arrays (struct kernel_output) for
 * the driver to write.  No kernel header includes mpi.h; only the kernels'
 * *_mpi.c files do, and they find their communicator in run_ctx.mpi_comm. */
#ifndef PARITY_KERNEL_H
#define PARITY_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define KERNEL_MAX_PARAMS 8
#define KERNEL_MAX_ARRAYS 6
#define KERNEL_MAX_SCALARS 8

enum preset { PRESET_TINY, PRESET_SMALL, PRESET_MEDIUM, PRESET_LARGE, PRESET_COUNT };
enum mode { MODE_SEQ, MODE_OMP, MODE_MPI, MODE_COUNT };
enum reduce { REDUCE_REPRO, REDUCE_FAST };

extern const char *const preset_names[PRESET_COUNT]; /* "tiny", ... */
extern const char *const mode_names[MODE_COUNT];     /* "seq", "omp", "mpi" */
extern const char *const reduce_names[2];            /* "repro", "fast" */

/* One integer parameter of a kernel, e.g. heat's grid size --n. */
struct param_desc {
    const char *name;               /* option name without dashes: "n", "wait-ms" */
    const char *help;               /* one line for `parity list` and --help */
    int64_t preset[PRESET_COUNT];   /* value in each preset */
    int64_t min, max;               /* accepted range, inclusive */
};

/* Everything a kernel needs to know about the run it is part of. */
struct run_ctx {
    const struct kernel *kernel;
    int64_t param[KERNEL_MAX_PARAMS]; /* values, in the order of kernel->params */
    enum mode mode;
    int threads;        /* OpenMP threads per process (1 = no threading) */
    int ranks, rank;    /* MPI world size and this process's rank (1, 0 outside MPI) */
    enum reduce reduce; /* repro: bitwise across modes; fast: native reductions */
    int variant;        /* index into kernel->variants (0 = the default) */
    uint64_t seed;      /* for kernels with pseudo-random inputs */
    void *mpi_comm;     /* MPI_Comm * in mpi mode, NULL otherwise */
};

enum out_type { OUT_F64, OUT_I64 };

/* One output array, as this process holds it.  The driver writes it as the
 * dataset /result/NAME (each rank its block, collectively) and digests it. */
struct out_array {
    const char *name;      /* dataset name under /result */
    enum out_type type;    /* element type; both are 8 bytes */
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
struct out_scalar {
    const char *name;
    double value;
};

struct kernel_output {
    int narrays;
    struct out_array array[KERNEL_MAX_ARRAYS];
    int nscalars;
    struct out_scalar scalar[KERNEL_MAX_SCALARS];
};

/* The kernel's independent self-check.  `error` is this process's part; the
 * driver takes the maximum over ranks and passes when error <= bound. */
struct check_result {
    double error; /* measured deviation from the independent reference */
    double bound; /* largest deviation the method and rounding allow */
};

/* The hooks one mode provides.  setup allocates and initialises this
 * process's part of the problem (untimed); run performs one repetition
 * (timed) and must give the same output every time it is called. */
struct mode_impl {
    int (*setup)(const struct run_ctx *ctx, void **state);
    void (*run)(const struct run_ctx *ctx, void *state);
    /* Optional: a check that needs this mode's communication (e.g. data
     * that lives on other ranks).  NULL = use kernel->check. */
    void (*check)(const struct run_ctx *ctx, void *state,
                  struct check_result *result);
};

/* How `parity verify` compares a parallel result with the sequential one. */
struct verify_policy {
    double rtol, atol; /* tolerance used for --reduce fast and for variants
                          that differ from the reference by design */
    /* NULL or NULL-terminated: variants that do exactly the default variant's
     * arithmetic, only in another order of points (heat temporal), so their
     * repro results must be bitwise the default's, not merely close. */
    const char *const *bitwise_variants;
};

struct kernel {
    const char *name;
    const char *summary;               /* one line */
    const struct param_desc *params;
    int nparams;
    const char *const *variants;       /* NULL-terminated; [0] is the default */
    const char *const *variant_help;   /* one line per variant */
    const char *outputs;               /* "value", "grid[n][n]" ... for listings */
    struct verify_policy verify;
    const char *check_what;            /* what the self-check compares with */

    /* Work and traffic of one repetition, for GFLOP/s and GB/s.  `state` is
     * the kernel's state after the timed repetitions, for kernels whose work
     * depends on the run (cg's iteration count); NULL means "estimate". */
    double (*flops)(const struct run_ctx *ctx, const void *state);
    double (*bytes)(const struct run_ctx *ctx, const void *state);
    /* Bytes this process will allocate, checked before any allocation. */
    double (*memory)(const struct run_ctx *ctx);
    /* Optional extra parameter rules; writes a message and returns < 0. */
    int (*validate)(const struct run_ctx *ctx, char *msg, size_t msg_size);

    struct mode_impl mode[MODE_COUNT];
    void (*output)(const struct run_ctx *ctx, void *state,
                   struct kernel_output *out);
    void (*check)(const struct run_ctx *ctx, void *state,
                  struct check_result *result);
    void (*teardown)(void *state);
};

/* The registry (registry.c): every kernel, ending with NULL. */
extern const struct kernel *const kernel_registry[];

const struct kernel *kernel_find(const char *name);
int kernel_param_index(const struct kernel *k, const char *name); /* -1 if none */
int kernel_variant_index(const struct kernel *k, const char *name); /* -1 if none */
int64_t kernel_param(const struct run_ctx *ctx, const char *name);

#endif
