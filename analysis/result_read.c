/* Result file reader (see result_read.h). */
#include "result_read.h"

#include "../common/error.h"
#include "../common/h5util.h"

#include <hdf5.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCHEMA_VERSION 1

/* One line saying what is wrong, and whether the file is damaged or only
 * unreadable here (result_read.h). */
__attribute__((format(printf, 3, 4)))
static int fault(struct result_file *r, enum read_fault why, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    parity_error("%s: %s", r->path, what);
    r->fault = why;
    return PARITY_EUSAGE;
}

static int fail(struct result_file *r, const char *what)
{
    return fault(r, READ_DAMAGED, "%s", what);
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
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t type = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    int64_t i;
    double d;
    int ok = 0;
    snprintf(a->name, sizeof a->name, "%s", name);
    if (cls == H5T_STRING)
        ok = h5_attr_get_string(loc, name, a->value, sizeof a->value) == 0;
    else if (cls == H5T_INTEGER && (ok = h5_attr_get_int64(loc, name, &i) == 0))
        snprintf(a->value, sizeof a->value, "%lld", (long long)i);
    else if (cls == H5T_FLOAT && (ok = h5_attr_get_double(loc, name, &d) == 0))
        snprintf(a->value, sizeof a->value, "%.17g", d);
    r->nrun_attrs += ok;
    return 0;
}

static int read_run(hid_t file, struct result_file *r)
{
    char kernel[64];
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
    if (e == 0 && !(r->kernel = kernel_find(kernel))) {
        H5Gclose(run);
        /* a newer parity's kernel: the file may be good */
        return fault(r, READ_ELSEWHERE, "kernel '%s' is not known to this parity", kernel);
    }
    for (int i = 0; e == 0 && i < r->kernel->nparams; i++)
        e |= h5_attr_get_int64(run, r->kernel->params[i].name, &r->param[i]);
    hsize_t idx = 0;
    if (e == 0)
        H5Aiterate2(run, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_run_attr, r);
    H5Gclose(run);
    return e ? fail(r, "incomplete /run attributes") : 0;
}

/* Every HDF5 filter the dataset was written with can be run here (a
 * compression plugin may be missing on this machine: the file is not damaged). */
static int filters_available(hid_t set)
{
    hid_t dcpl = H5Dget_create_plist(set);
    if (dcpl < 0)
        return 1; /* let the read itself fail */
    int ok = 1, n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n && ok; i++) {
        unsigned flags = 0;
        size_t nvalues = 0;
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &nvalues, NULL, 0, NULL, NULL);
        ok = id >= 0 && H5Zfilter_avail(id) > 0;
    }
    H5Pclose(dcpl);
    return ok;
}

/* 0, -1 (unreadable: damaged) or -2 (a filter this HDF5 does not have). */
static int load_dataset(hid_t group, struct result_array *a)
{
    int rc = -1;
    hid_t set = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
    if ((set = H5Dopen2(group, a->name, H5P_DEFAULT)) < 0)
        goto out;
    if ((space = H5Dget_space(set)) < 0 || (type = H5Dget_type(set)) < 0)
        goto out;
    if (!filters_available(set)) {
        rc = -2;
        goto out;
    }
    hsize_t dims[2] = {1, 1};
    a->ndims = H5Sget_simple_extent_ndims(space);
    if (a->ndims < 1 || a->ndims > 2)
        goto out;
    H5Sget_simple_extent_dims(space, dims, NULL);
    a->dims[0] = (int64_t)dims[0];
    a->dims[1] = a->ndims == 2 ? (int64_t)dims[1] : 1;
    a->n = a->dims[0] * a->dims[1];
    a->is_int = H5Tget_class(type) == H5T_INTEGER;
    if (a->is_int) {
        a->i64 = malloc(sizeof(int64_t) * (size_t)(a->n ? a->n : 1));
        if (!a->i64 || H5Dread(set, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->i64) < 0)
            goto out;
    } else {
        a->f64 = malloc(sizeof(double) * (size_t)(a->n ? a->n : 1));
        if (!a->f64 || H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->f64) < 0)
            goto out;
    }
    a->present = 1;
    rc = 0;
out:
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (set >= 0) H5Dclose(set);
    return rc;
}

/* Arrays are listed by their digest_NAME attributes on /result. */
struct attr_walk {
    struct result_file *r;
};

static herr_t collect_digest(hid_t loc, const char *name, const H5A_info_t *info,
                             void *data)
{
    (void)info;
    struct result_file *r = ((struct attr_walk *)data)->r;
    if (strncmp(name, "digest_", 7) != 0 || r->narrays >= KERNEL_MAX_ARRAYS)
        return 0;
    struct result_array *a = &r->array[r->narrays++];
    snprintf(a->name, sizeof a->name, "%s", name + 7);
    h5_attr_get_uint64(loc, name, &a->digest);
    return 0;
}

static int read_result(hid_t file, struct result_file *r, int load_arrays)
{
    hid_t group = H5Gopen2(file, "result", H5P_DEFAULT);
    if (group < 0)
        return fail(r, "no /result group");
    struct attr_walk walk = {r};
    int e = h5_attr_get_uint64(group, "digest", &r->digest);
    hsize_t idx = 0;
    H5Aiterate2(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_digest, &walk);
    if (load_arrays && strcmp(r->store, "full") == 0)
        for (int i = 0; i < r->narrays && e == 0; i++) {
            int lrc = load_dataset(group, &r->array[i]);
            if (lrc < 0) {
                H5Gclose(group);
                if (lrc == -2)
                    return fault(r, READ_ELSEWHERE,
                                 "dataset /result/%s needs an HDF5 filter (plugin) "
                                 "that is not available here", r->array[i].name);
                return fault(r, READ_DAMAGED, "dataset /result/%s is unreadable",
                             r->array[i].name);
            }
        }
    H5Gclose(group);
    return e ? fail(r, "no /result digest") : 0;
}

static int read_timing(hid_t file, struct result_file *r)
{
    hid_t t = H5Gopen2(file, "timing", H5P_DEFAULT);
    if (t < 0)
        return fail(r, "no /timing group");
    int e = h5_attr_get_double(t, "median_seconds", &r->median_seconds);
    e |= h5_attr_get_double(t, "init_seconds", &r->init_seconds);
    hid_t set = H5Dopen2(t, "wall", H5P_DEFAULT);
    if (set >= 0) {
        hid_t space = H5Dget_space(set);
        hsize_t n = 0;
        H5Sget_simple_extent_dims(space, &n, NULL);
        r->nreps = (int)n;
        r->wall = calloc(n ? n : 1, sizeof(double));
        if (!r->wall || H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->wall) < 0)
            e = -1;
        H5Sclose(space);
        H5Dclose(set);
    } else {
        e = -1;
    }
    H5Gclose(t);
    hid_t m = H5Gopen2(file, "metrics", H5P_DEFAULT);
    if (m >= 0) {
        h5_attr_get_double(m, "gflops", &r->gflops);
        h5_attr_get_double(m, "gbytes_per_s", &r->gbytes_per_s);
        H5Gclose(m);
    }
    return e ? fail(r, "incomplete /timing") : 0;
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
    h5_attr_get_string(c, "what", r->check_what, sizeof r->check_what);
    r->check_passed = (int)passed;
    H5Gclose(c);
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

int result_read(const char *path, struct result_file *r, int load_arrays)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    if (access(path, R_OK) != 0)
        return fault(r, errno == ENOENT || errno == ENOTDIR ? READ_DAMAGED : READ_ELSEWHERE,
                     "cannot read: %s", strerror(errno));
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
    else if (version != SCHEMA_VERSION)
        rc = fault(r, READ_DAMAGED, "schema version %lld, this parity reads version %d",
                   (long long)version, SCHEMA_VERSION);
    if (rc == 0) {
        h5_attr_get_string(file, "hostname", r->hostname, sizeof r->hostname);
        h5_attr_get_string(file, "created_utc", r->created_utc, sizeof r->created_utc);
        h5_attr_get_string(file, "cflags", r->cflags, sizeof r->cflags);
        h5_attr_get_string(file, "git_commit", r->git_commit, sizeof r->git_commit);
        h5_attr_get_string(file, "cpu_model", r->cpu_model, sizeof r->cpu_model);
        h5_attr_get_string(file, "slurm_job_id", r->slurm_job_id, sizeof r->slurm_job_id);
        h5_attr_get_int64(file, "cores_online", &r->cores_online);
    }
    if (rc == 0) rc = read_run(file, r);
    if (rc == 0) rc = read_result(file, r, load_arrays);
    if (rc == 0) rc = read_timing(file, r);
    if (rc == 0) rc = read_check(file, r);
    if (rc == 0) {
        hid_t g = H5Gopen2(file, "placement", H5P_DEFAULT);
        if (g < 0) {
            rc = fail(r, "no /placement group");
        } else {
            h5_attr_get_int64(g, "cpus_available", &r->cpus_available);
            h5_attr_get_int64(g, "oversubscribed", &r->oversubscribed);
            H5Gclose(g);
        }
    }
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
