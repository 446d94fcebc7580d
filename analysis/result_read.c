/* Result file reader (see result_read.h). */
#include "result_read.h"

#include "../common/error.h"
#include "../common/h5util.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCHEMA_VERSION 1

static int fail(const char *path, const char *what)
{
    parity_error("%s: %s", path, what);
    return PARITY_EUSAGE;
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
        return fail(r->path, "no /run group (not a complete parity result file)");
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
        parity_error("%s: kernel '%s' is not known to this parity", r->path, kernel);
        return PARITY_EUSAGE;
    }
    for (int i = 0; e == 0 && i < r->kernel->nparams; i++)
        e |= h5_attr_get_int64(run, r->kernel->params[i].name, &r->param[i]);
    hsize_t idx = 0;
    if (e == 0)
        H5Aiterate2(run, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_run_attr, r);
    H5Gclose(run);
    return e ? fail(r->path, "incomplete /run attributes") : 0;
}

static int load_dataset(hid_t group, struct result_array *a)
{
    int rc = -1;
    hid_t set = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
    if ((set = H5Dopen2(group, a->name, H5P_DEFAULT)) < 0)
        goto out;
    if ((space = H5Dget_space(set)) < 0 || (type = H5Dget_type(set)) < 0)
        goto out;
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
        return fail(r->path, "no /result group");
    struct attr_walk walk = {r};
    int e = h5_attr_get_uint64(group, "digest", &r->digest);
    hsize_t idx = 0;
    H5Aiterate2(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_digest, &walk);
    if (load_arrays && strcmp(r->store, "full") == 0)
        for (int i = 0; i < r->narrays && e == 0; i++)
            if (load_dataset(group, &r->array[i]) < 0) {
                H5Gclose(group);
                parity_error("%s: dataset /result/%s is unreadable", r->path,
                             r->array[i].name);
                return PARITY_EUSAGE;
            }
    H5Gclose(group);
    return e ? fail(r->path, "no /result digest") : 0;
}

static int read_timing(hid_t file, struct result_file *r)
{
    hid_t t = H5Gopen2(file, "timing", H5P_DEFAULT);
    if (t < 0)
        return fail(r->path, "no /timing group");
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
    return e ? fail(r->path, "incomplete /timing") : 0;
}

static int read_check(hid_t file, struct result_file *r)
{
    hid_t c = H5Gopen2(file, "check", H5P_DEFAULT);
    if (c < 0)
        return fail(r->path, "no /check group");
    int64_t passed = 0;
    int e = h5_attr_get_int64(c, "passed", &passed);
    e |= h5_attr_get_double(c, "error", &r->check_error);
    e |= h5_attr_get_double(c, "bound", &r->check_bound);
    h5_attr_get_string(c, "what", r->check_what, sizeof r->check_what);
    r->check_passed = (int)passed;
    H5Gclose(c);
    return e ? fail(r->path, "incomplete /check attributes") : 0;
}

int result_read(const char *path, struct result_file *r, int load_arrays)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    if (access(path, R_OK) != 0)
        return fail(path, "no such file or not readable");
    if (H5Fis_hdf5(path) <= 0)
        return fail(path, "not an HDF5 file, or truncated/corrupt");
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return fail(path, "cannot open as HDF5 (truncated or corrupt?)");
    int64_t version = 0;
    int rc = 0;
    if (h5_attr_get_int64(file, "schema_version", &version) < 0)
        rc = fail(path, "not a parity result file (no schema_version attribute)");
    else if (version != SCHEMA_VERSION) {
        parity_error("%s: schema version %lld, this parity reads version %d", path,
                     (long long)version, SCHEMA_VERSION);
        rc = PARITY_EUSAGE;
    }
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
            rc = fail(path, "no /placement group");
        } else {
            h5_attr_get_int64(g, "cpus_available", &r->cpus_available);
            h5_attr_get_int64(g, "oversubscribed", &r->oversubscribed);
            H5Gclose(g);
        }
        placement_read(file, &r->spread);
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
