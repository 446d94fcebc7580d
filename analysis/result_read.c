/* Result file reader (see result_read.h).  A result file is untrusted input:
 * every attribute is read as one bounded value, every dataset's rank, class,
 * element size and shape are checked before a byte is read, stored arrays
 * are re-digested, and impossible metadata is refused with one line saying
 * whether the file is damaged or cannot be read here.  Tested by
 * tests/cli/corpus.bats (mutated files) and tests/fuzz (libFuzzer). */
#include "result_read.h"

#include "../common/digest.h"
#include "../common/error.h"
#include "../common/h5util.h"

#include <hdf5.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The newest schema this parity reads; it reads every older one too (1:
 * the kernel's facts come from this binary's tables; 2: from /kernel). */
#define SCHEMA_VERSION 2

/* Limits of what parity run can have written (drivers/options.c); anything
 * past them is a damaged file, not a run. */
#define MAX_RANKS   (INT64_C(1) << 24)
#define MAX_THREADS 4096
#define MAX_REPS    1000000
/* Arrays larger than this are refused before allocating (2^34 elements:
 * 128 GiB), whatever the file claims. */
#define MAX_ELEMENTS (INT64_C(1) << 34)

/* One line saying what is wrong, and whether the file is damaged or only
 * unreadable here (result_read.h).  The path is printed escaped. */
__attribute__((format(printf, 3, 4)))
static int fault(struct result_file *r, enum read_fault why, const char *fmt, ...)
{
    char what[512], path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    parity_escape(r->path, path, sizeof path);
    parity_error("%s: %s", path, what);
    r->fault = why;
    return PARITY_EUSAGE;
}

static int fail(struct result_file *r, const char *what)
{
    return fault(r, READ_DAMAGED, "%s", what);
}

/* One attribute as text, whatever its type: 0, or -1 if it is missing,
 * not a single value, or neither a string, an integer nor a float. */
static int attr_text(hid_t loc, const char *name, char *buf, size_t size)
{
    hid_t attr = H5Aexists(loc, name) > 0 ? H5Aopen(loc, name, H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t type = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    int64_t i;
    double d;
    if (cls == H5T_STRING)
        return h5_attr_get_string(loc, name, buf, size);
    if (cls == H5T_INTEGER && h5_attr_get_int64(loc, name, &i) == 0) {
        snprintf(buf, size, "%lld", (long long)i);
        return 0;
    }
    if (cls == H5T_FLOAT && h5_attr_get_double(loc, name, &d) == 0) {
        snprintf(buf, size, "%.17g", d);
        return 0;
    }
    return -1;
}

/* Every /run attribute as text, whatever its type. */
static herr_t collect_run_attr(hid_t loc, const char *name, const H5A_info_t *info,
                               void *data)
{
    (void)info;
    struct result_file *r = data;
    if (r->nrun_attrs >= RESULT_MAX_RUN_ATTRS)
        return 0;
    struct run_attr *a = &r->run_attr[r->nrun_attrs];
    parity_escape(name, a->name, sizeof a->name);
    r->nrun_attrs += attr_text(loc, name, a->value, sizeof a->value) == 0;
    return 0;
}

static int one_of(const char *s, const char *a, const char *b, const char *c)
{
    return strcmp(s, a) == 0 || strcmp(s, b) == 0 || (c && strcmp(s, c) == 0);
}

/* Metadata that parity run cannot have written (issue 9: ranks=-1 shown as
 * "-1x2", threads=2^62, reps=0, a seq run with 4 ranks). */
static int check_run(struct result_file *r)
{
    const struct kernel_facts *k = &r->facts;
    if (!one_of(r->mode, "seq", "omp", "mpi"))
        return fault(r, READ_DAMAGED, "/run mode '%s' is not seq, omp or mpi", r->mode);
    if (!one_of(r->reduce, "repro", "fast", NULL))
        return fault(r, READ_DAMAGED, "/run reduce '%s' is not repro or fast", r->reduce);
    if (!one_of(r->store, "full", "digest", NULL))
        return fault(r, READ_DAMAGED, "/run store '%s' is not full or digest", r->store);
    /* A file's own facts must list its variant; the built-in tables of this
     * parity may just be older than the file. */
    if (facts_variant_index(k, r->variant) < 0)
        return k->from_file
                   ? fault(r, READ_DAMAGED, "/run variant '%s' is not one of /kernel variants",
                           r->variant)
                   : fault(r, READ_ELSEWHERE, "%s has no variant '%s' in this parity", k->name,
                           r->variant);
    if (r->ranks < 1 || r->ranks > MAX_RANKS || r->threads < 1 || r->threads > MAX_THREADS)
        return fault(r, READ_DAMAGED, "impossible /run ranks=%lld threads=%lld",
                     (long long)r->ranks, (long long)r->threads);
    if (strcmp(r->mode, "mpi") != 0 && (r->ranks != 1 || (r->threads != 1 && r->mode[0] == 's')))
        return fault(r, READ_DAMAGED, "impossible /run: mode %s with %lld rank(s) x %lld thread(s)",
                     r->mode, (long long)r->ranks, (long long)r->threads);
    if (r->reps < 1 || r->reps > MAX_REPS || r->warmup < 0 || r->warmup > MAX_REPS)
        return fault(r, READ_DAMAGED, "impossible /run reps=%lld warmup=%lld",
                     (long long)r->reps, (long long)r->warmup);
    for (int i = 0; i < k->nparams; i++)
        if (r->param[i] < k->param_min[i] || r->param[i] > k->param_max[i])
            return fault(r, READ_DAMAGED, "/run %s=%lld is outside %s's range [%lld, %lld]",
                         k->param[i], (long long)r->param[i], k->name,
                         (long long)k->param_min[i], (long long)k->param_max[i]);
    return 0;
}

/* Schema 2: what the file says about its kernel, in /kernel (README "Result
 * files").  Every attribute but version is required; the facts must pass
 * facts_validate, else the file is damaged. */
static int read_kernel_facts(hid_t file, struct result_file *r)
{
    struct kernel_facts *f = &r->facts;
    hid_t g = H5Lexists(file, "kernel", H5P_DEFAULT) > 0 ? H5Gopen2(file, "kernel", H5P_DEFAULT)
                                                        : H5I_INVALID_HID;
    if (g < 0)
        return fail(r, "schema 2 file without a readable /kernel group");
    int e = 0, nhelp = -1, nmin = -1, nmax = -1;
    f->from_file = 1;
    e |= h5_attr_get_string(g, "summary", f->summary, sizeof f->summary);
    if (H5Aexists(g, "version") > 0) {
        e |= h5_attr_get_string(g, "version", f->version, sizeof f->version);
        f->has_version = 1;
    }
    e |= h5_attr_get_int64(g, "api_version", &f->api_version);
    e |= h5_attr_get_strings(g, "params", f->param[0], FACTS_NAME, FACTS_MAX_PARAMS,
                             &f->nparams);
    e |= h5_attr_get_strings(g, "param_help", f->param_help[0], FACTS_LINE, FACTS_MAX_PARAMS,
                             &nhelp);
    e |= h5_attr_get_int64s(g, "param_min", f->param_min, FACTS_MAX_PARAMS, &nmin);
    e |= h5_attr_get_int64s(g, "param_max", f->param_max, FACTS_MAX_PARAMS, &nmax);
    e |= h5_attr_get_strings(g, "variants", f->variant[0], FACTS_NAME, FACTS_MAX_VARIANTS,
                             &f->nvariants);
    e |= h5_attr_get_double(g, "verify_rtol", &f->rtol);
    e |= h5_attr_get_double(g, "verify_atol", &f->atol);
    e |= h5_attr_get_strings(g, "bitwise_variants", f->bitwise[0], FACTS_NAME,
                             FACTS_MAX_VARIANTS, &f->nbitwise);
    e |= h5_attr_get_strings(g, "problem_keys", f->key[0], FACTS_NAME, FACTS_MAX_KEYS,
                             &f->nkeys);
    H5Gclose(g);
    if (e)
        return fail(r, "/kernel attributes missing, unreadable, too many or too long");
    if (nhelp != f->nparams || nmin != f->nparams || nmax != f->nparams)
        return fail(r, "/kernel params, param_help, param_min and param_max differ in length");
    return 0;
}

static int read_run(hid_t file, struct result_file *r)
{
    char kernel[64];
    struct kernel_facts *f = &r->facts;
    hid_t run = H5Gopen2(file, "run", H5P_DEFAULT);
    if (run < 0)
        return fail(r, "no /run group (not a complete parity result file)");
    int e = 0;
    e |= h5_attr_get_string(run, "kernel", kernel, sizeof kernel);
    e |= h5_attr_get_string(run, "mode", r->mode, sizeof r->mode);
    e |= h5_attr_get_string(run, "reduce", r->reduce, sizeof r->reduce);
    e |= h5_attr_get_string(run, "variant", r->variant, sizeof r->variant);
    e |= h5_attr_get_string(run, "preset", r->preset, sizeof r->preset);
    e |= h5_attr_get_int64(run, "ranks", &r->ranks);
    e |= h5_attr_get_int64(run, "threads", &r->threads);
    e |= h5_attr_get_int64(run, "seed", &r->seed);
    e |= h5_attr_get_int64(run, "reps", &r->reps);
    e |= h5_attr_get_int64(run, "warmup", &r->warmup);
    if (h5_attr_get_string(run, "store", r->store, sizeof r->store) < 0)
        snprintf(r->store, sizeof r->store, "full");
    if (e) {
        H5Gclose(run);
        return fail(r, "incomplete /run attributes");
    }
    int rc = 0;
    if (r->schema >= 2) {
        char why[256];
        rc = read_kernel_facts(file, r);
        kernel[sizeof f->name - 1] = '\0'; /* a longer name fails validation (32) */
        memcpy(f->name, kernel, sizeof f->name);
        if (rc == 0 && facts_validate(f, why, sizeof why) < 0)
            rc = fault(r, READ_DAMAGED, "/kernel: %s", why);
    } else if (analysis_builtin_facts(kernel, f) < 0) {
        /* a v1 file of a newer parity's kernel, or a damaged name: keep it */
        rc = fault(r, READ_ELSEWHERE, "kernel '%s' is not known to this parity (a schema 1 "
                                      "file does not describe its kernel)", kernel);
    }
    /* Facts from this parity's tables that the file does not match (a v1
     * file of a parity whose kernel had other parameters) say nothing about
     * damage: such a file may be good elsewhere. */
    enum read_fault why = f->from_file ? READ_DAMAGED : READ_ELSEWHERE;
    for (int i = 0; rc == 0 && i < f->nparams; i++)
        if (h5_attr_get_int64(run, f->param[i], &r->param[i]) < 0)
            rc = fault(r, why, "/run parameter %s is missing or not an integer%s", f->param[i],
                       f->from_file ? "" : " (as this parity's kernel has it)");
    for (int i = 0; rc == 0 && i < f->nkeys; i++)
        if (attr_text(run, f->key[i], r->key_value[i], sizeof r->key_value[i]) < 0)
            rc = fault(r, why, "/run %s (a problem key) is missing or unreadable", f->key[i]);
    hsize_t idx = 0;
    if (rc == 0)
        H5Aiterate2(run, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_run_attr, r);
    H5Gclose(run);
    return rc ? rc : check_run(r);
}

/* Every HDF5 filter the dataset was written with can be run here (a
 * compression plugin may be missing on this machine: the file is not damaged). */
static int filters_available(hid_t dcpl)
{
    int ok = 1, n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n && ok; i++) {
        unsigned flags = 0;
        size_t nvalues = 0;
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &nvalues, NULL, 0, NULL, NULL);
        ok = id >= 0 && H5Zfilter_avail(id) > 0;
    }
    return ok;
}

/* The dataset's shape, checked: rank 1 or 2, no zero extent, the element
 * count without overflow and below MAX_ELEMENTS.  0 or -1. */
static int dataset_shape(hid_t space, struct result_array *a)
{
    hsize_t dims[H5S_MAX_RANK];
    int nd = H5Sget_simple_extent_ndims(space);
    if (nd < 1 || nd > 2 || H5Sget_simple_extent_dims(space, dims, NULL) != nd)
        return -1;
    a->ndims = nd;
    a->dims[1] = 1;
    int64_t n = 1;
    for (int d = 0; d < nd; d++) {
        if (dims[d] < 1 || dims[d] > (hsize_t)MAX_ELEMENTS ||
            __builtin_mul_overflow(n, (int64_t)dims[d], &n) || n > MAX_ELEMENTS)
            return -1;
        a->dims[d] = (int64_t)dims[d];
    }
    a->n = n;
    return 0;
}

/* Load /result/NAME into a, checking it before reading: a dataset of 8-byte
 * integers or floats, a sane shape, as many stored bytes as the shape needs
 * (a huge shape over a small file is refused before allocating), and data
 * whose digest is the one the file records.  0, or -1 with why[] filled, or
 * -2 (a filter this HDF5 does not have: the file may be good). */
static int load_dataset(hid_t group, struct result_array *a, char *why, size_t size)
{
    int rc = -1;
    hid_t set = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
    hid_t dcpl = H5I_INVALID_HID;
    snprintf(why, size, "dataset /result/%s is missing or unreadable", a->name);
    if (H5Lexists(group, a->name, H5P_DEFAULT) <= 0 ||
        (set = H5Dopen2(group, a->name, H5P_DEFAULT)) < 0)
        goto out;
    if ((space = H5Dget_space(set)) < 0 || (type = H5Dget_type(set)) < 0 ||
        (dcpl = H5Dget_create_plist(set)) < 0)
        goto out;
    if (!filters_available(dcpl)) {
        rc = -2;
        goto out;
    }
    H5T_class_t cls = H5Tget_class(type);
    if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Tget_size(type) != 8) {
        snprintf(why, size, "dataset /result/%s is not 8-byte integers or floats", a->name);
        goto out;
    }
    if (dataset_shape(space, a) < 0) {
        snprintf(why, size, "dataset /result/%s has an impossible shape", a->name);
        goto out;
    }
    if (H5Pget_nfilters(dcpl) == 0 && H5Dget_storage_size(set) < (hsize_t)a->n * 8) {
        snprintf(why, size, "dataset /result/%s stores fewer bytes than its shape needs",
                 a->name);
        goto out;
    }
    a->is_int = cls == H5T_INTEGER;
    void *data = malloc(sizeof(double) * (size_t)a->n);
    if (a->is_int) a->i64 = data; else a->f64 = data;
    if (!data) {
        snprintf(why, size, "dataset /result/%s: out of memory for %lld elements", a->name,
                 (long long)a->n);
        goto out;
    }
    if (H5Dread(set, a->is_int ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                H5P_DEFAULT, data) < 0)
        goto out;
    /* the driver's digest of the whole array (1-D arrays are one column) */
    uint64_t digest = digest_block(data, a->dims[0], a->dims[1], a->dims[1], 0, 1, 0, a->dims[1]);
    if (digest != a->digest) {
        snprintf(why, size, "dataset /result/%s does not match its stored digest "
                 "(the data or the digest was damaged)", a->name);
        goto out;
    }
    a->present = 1;
    rc = 0;
out:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (set >= 0) H5Dclose(set);
    return rc;
}

/* Arrays are listed by their digest_NAME attributes on /result. */
struct attr_walk {
    struct result_file *r;
    int bad;    /* a digest_ attribute that is unreadable, too long, or one too many */
};

static herr_t collect_digest(hid_t loc, const char *name, const H5A_info_t *info,
                             void *data)
{
    (void)info;
    struct attr_walk *w = data;
    struct result_file *r = w->r;
    if (strncmp(name, "digest_", 7) != 0)
        return 0;
    if (r->narrays >= RESULT_MAX_ARRAYS || strlen(name + 7) >= sizeof r->array[0].name ||
        name[7] == '\0') {
        w->bad = 1;
        return 0;
    }
    struct result_array *a = &r->array[r->narrays++];
    snprintf(a->name, sizeof a->name, "%s", name + 7);
    if (h5_attr_get_uint64(loc, name, &a->digest) < 0)
        w->bad = 1;
    return 0;
}

static int read_result(hid_t file, struct result_file *r, int load_arrays)
{
    hid_t group = H5Gopen2(file, "result", H5P_DEFAULT);
    if (group < 0)
        return fail(r, "no /result group");
    struct attr_walk walk = {r, 0};
    int e = h5_attr_get_uint64(group, "digest", &r->digest);
    hsize_t idx = 0;
    if (H5Aiterate2(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_digest, &walk) < 0)
        walk.bad = 1;
    if (e == 0 && (walk.bad || r->narrays == 0)) {
        H5Gclose(group);
        return fail(r, "/result has no, too many or unreadable digest_NAME attributes");
    }
    if (load_arrays && strcmp(r->store, "full") == 0)
        for (int i = 0; i < r->narrays && e == 0; i++) {
            char why[256];
            int lrc = load_dataset(group, &r->array[i], why, sizeof why);
            if (lrc < 0) {
                H5Gclose(group);
                if (lrc == -2)
                    return fault(r, READ_ELSEWHERE,
                                 "dataset /result/%s needs an HDF5 filter (plugin) "
                                 "that is not available here", r->array[i].name);
                return fail(r, why);
            }
        }
    H5Gclose(group);
    return e ? fail(r, "no /result digest") : 0;
}

/* /timing/wall: float64[reps], every repetition's seconds finite and >= 0. */
static int read_wall(hid_t t, struct result_file *r)
{
    int rc = -1;
    hid_t set = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
    hsize_t n = 0;
    if (H5Lexists(t, "wall", H5P_DEFAULT) <= 0 || (set = H5Dopen2(t, "wall", H5P_DEFAULT)) < 0)
        goto out;
    if ((space = H5Dget_space(set)) < 0 || (type = H5Dget_type(set)) < 0)
        goto out;
    if (H5Tget_class(type) != H5T_FLOAT || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, &n, NULL) != 1 || n < 1 || n != (hsize_t)r->reps)
        goto out;
    if (!(r->wall = malloc(sizeof(double) * (size_t)n)) ||
        H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->wall) < 0)
        goto out;
    r->nreps = (int)n;
    for (int i = 0; i < r->nreps; i++)
        if (!isfinite(r->wall[i]) || r->wall[i] < 0)
            goto out;
    rc = 0;
out:
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (set >= 0) H5Dclose(set);
    return rc;
}

static int read_timing(hid_t file, struct result_file *r)
{
    hid_t t = H5Gopen2(file, "timing", H5P_DEFAULT);
    if (t < 0)
        return fail(r, "no /timing group");
    int e = h5_attr_get_double(t, "median_seconds", &r->median_seconds);
    e |= h5_attr_get_double(t, "init_seconds", &r->init_seconds);
    int wall = read_wall(t, r);
    H5Gclose(t);
    if (e)
        return fail(r, "incomplete /timing attributes");
    if (wall < 0)
        return fail(r, "/timing/wall is not float64[reps] of finite, non-negative seconds");
    if (!isfinite(r->median_seconds) || r->median_seconds < 0)
        return fail(r, "/timing median_seconds is not a finite, non-negative time");
    /* Every parity writes /metrics, and report takes the work per run from
     * these rates: a file whose metrics cannot be read is damaged. */
    hid_t m = H5Lexists(file, "metrics", H5P_DEFAULT) > 0
                  ? H5Gopen2(file, "metrics", H5P_DEFAULT) : H5I_INVALID_HID;
    if (m < 0)
        return fail(r, "no readable /metrics group");
    e = h5_attr_get_double(m, "gflops", &r->gflops);
    e |= h5_attr_get_double(m, "gbytes_per_s", &r->gbytes_per_s);
    H5Gclose(m);
    if (e || !isfinite(r->gflops) || r->gflops < 0 || !isfinite(r->gbytes_per_s) ||
        r->gbytes_per_s < 0)
        return fail(r, "/metrics gflops and gbytes_per_s are not finite, non-negative rates");
    return 0;
}

static int read_check(hid_t file, struct result_file *r)
{
    hid_t c = H5Gopen2(file, "check", H5P_DEFAULT);
    if (c < 0)
        return fail(r, "no /check group");
    int64_t passed = 0;
    int e = h5_attr_get_int64(c, "passed", &passed);
    e |= h5_attr_get_double(c, "error", &r->check_error);
    e |= h5_attr_get_double(c, "bound", &r->check_bound);
    /* what the self-check compares with: part of the kernel's facts in schema 2 */
    int what = h5_attr_get_string(c, "what", r->check_what, sizeof r->check_what);
    if (r->schema >= 2)
        e |= what;
    r->check_passed = passed == 1;
    H5Gclose(c);
    if (e == 0 && passed != 0 && passed != 1)
        return fail(r, "/check passed is neither 0 nor 1");
    return e ? fail(r, "incomplete /check attributes") : 0;
}

/* Open read-only; where taking HDF5's file lock fails (ENOLCK on NFS
 * without locks, a file system without flock), open again without locking
 * and say so once.  A file that fails both ways is damaged. */
static hid_t open_readonly(const char *path)
{
    static int said;
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0)
        return file;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_file_locking(fapl, 0, 1) < 0) {
        if (fapl >= 0) H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (file >= 0 && !said++)
        fprintf(stderr, "parity: note: file locking failed here (NFS without locks?); "
                        "reading result files without locks\n");
    return file;
}

/* Only a regular file is opened: a FIFO or device named x.h5 would block
 * or never end. */
static int check_access(struct result_file *r)
{
    struct stat st;
    if (stat(r->path, &st) != 0)
        return fault(r, errno == ENOENT || errno == ENOTDIR ? READ_DAMAGED : READ_ELSEWHERE,
                     "cannot read: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fault(r, READ_ELSEWHERE, "not a regular file");
    if (access(r->path, R_OK) != 0)
        return fault(r, READ_ELSEWHERE, "cannot read: %s", strerror(errno));
    return 0;
}

static void read_provenance(hid_t file, struct result_file *r)
{
    h5_attr_get_string(file, "hostname", r->hostname, sizeof r->hostname);
    h5_attr_get_string(file, "created_utc", r->created_utc, sizeof r->created_utc);
    h5_attr_get_string(file, "cflags", r->cflags, sizeof r->cflags);
    h5_attr_get_string(file, "git_commit", r->git_commit, sizeof r->git_commit);
    h5_attr_get_string(file, "cpu_model", r->cpu_model, sizeof r->cpu_model);
    h5_attr_get_string(file, "slurm_job_id", r->slurm_job_id, sizeof r->slurm_job_id);
    h5_attr_get_int64(file, "cores_online", &r->cores_online);
}

static int read_placement(hid_t file, struct result_file *r)
{
    hid_t g = H5Gopen2(file, "placement", H5P_DEFAULT);
    if (g < 0)
        return fail(r, "no /placement group");
    h5_attr_get_int64(g, "cpus_available", &r->cpus_available);
    h5_attr_get_int64(g, "oversubscribed", &r->oversubscribed);
    H5Gclose(g);
    placement_read(file, &r->spread); /* hosts of the ranks: optional, bounded */
    return 0;
}

int result_read(const char *path, struct result_file *r, int load_arrays)
{
    memset(r, 0, sizeof *r);
    if (strlen(path) >= sizeof r->path) {
        snprintf(r->path, sizeof r->path, "%.64s...", path);
        return fault(r, READ_ELSEWHERE, "path longer than %zu bytes", sizeof r->path - 1);
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    CHECK(check_access(r));
    if (H5Fis_hdf5(path) <= 0)
        return fail(r, "not an HDF5 file, or truncated/corrupt");
    hid_t file = open_readonly(path);
    if (file < 0)
        return fail(r, "cannot open as HDF5 (truncated or corrupt?)");
    int64_t version = 0;
    int rc = 0;
    if (h5_attr_get_int64(file, "schema_version", &version) < 0)
        rc = fail(r, "not a parity result file (no schema_version attribute)");
    else if (version > SCHEMA_VERSION) /* a newer parity's file: may be good */
        rc = fault(r, READ_ELSEWHERE, "schema version %lld, this parity reads version %d",
                   (long long)version, SCHEMA_VERSION);
    else if (version < 1)
        rc = fault(r, READ_DAMAGED, "schema version %lld, this parity reads versions 1 to %d",
                   (long long)version, SCHEMA_VERSION);
    r->schema = version;
    if (rc == 0) read_provenance(file, r);
    if (rc == 0) rc = read_run(file, r);
    if (rc == 0) rc = read_result(file, r, load_arrays);
    if (rc == 0) rc = read_timing(file, r);
    if (rc == 0) rc = read_check(file, r);
    if (rc == 0) rc = read_placement(file, r);
    H5Fclose(file);
    if (rc != 0)
        result_free(r);
    return rc;
}

void result_free(struct result_file *r)
{
    for (int i = 0; i < r->narrays; i++) {
        free(r->array[i].f64);
        free(r->array[i].i64);
        r->array[i].f64 = NULL;
        r->array[i].i64 = NULL;
    }
    free(r->wall);
    r->wall = NULL;
}
