/* The result writer (see result_write.h). */
#include "result_write.h"

#include "../common/error.h"
#include "../common/h5util.h"
#include "comm.h"

#include <errno.h>
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int make_dirs(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
                parity_error("cannot create folder %s: %s", buf, strerror(errno));
                return PARITY_EUSAGE;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    return 0;
}

int result_path(const struct run_config *cfg, char *path, size_t size)
{
    if (cfg->out_file) {
        snprintf(path, size, "%s", cfg->out_file);
        char *slash = strrchr(path, '/');
        if (slash && slash != path) { /* create the folder it goes into */
            *slash = '\0';
            int rc = make_dirs(path);
            *slash = '/';
            CHECK(rc);
        }
        return 0;
    }
    CHECK(make_dirs(cfg->outdir));
    /* KERNEL_MODE_pRANKS_tTHREADS_SIZE_ID.h5, ID = UTC time + a random tag,
     * so concurrent jobs never collide on a name. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm utc;
    gmtime_r(&ts.tv_sec, &utc);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    unsigned tag = (unsigned)(ts.tv_nsec ^ ((long)getpid() << 12)) & 0xffffffu;
    const struct run_ctx *c = &cfg->ctx;
    snprintf(path, size, "%s/%s_%s_p%d_t%d_%s_%s-%06x.h5", cfg->outdir,
             c->kernel->name, mode_names[c->mode], c->ranks, c->threads,
             run_preset_name(cfg), stamp, tag);
    return 0;
}

/* Select this process's block of an array in the file and in memory. */
static int select_block(const struct out_array *a, hid_t file_space,
                        hid_t *mem_space)
{
    if (a->count[0] == 0 || a->count[1] == 0) {
        H5Sselect_none(file_space);
        hsize_t one = 1;
        *mem_space = H5Screate_simple(1, &one, NULL);
        H5Sselect_none(*mem_space);
        return *mem_space < 0 ? -1 : 0;
    }
    if (a->ndims == 1) {
        hsize_t start = (hsize_t)a->offset[0], count = (hsize_t)a->count[0];
        hsize_t step = (hsize_t)(a->row_step > 0 ? a->row_step : 1);
        if (H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, &step,
                                &count, NULL) < 0)
            return -1;
        *mem_space = H5Screate_simple(1, &count, NULL);
        return *mem_space < 0 ? -1 : 0;
    }
    hsize_t start[2] = {(hsize_t)a->offset[0], (hsize_t)a->offset[1]};
    hsize_t count[2] = {(hsize_t)a->count[0], (hsize_t)a->count[1]};
    hsize_t step[2] = {(hsize_t)(a->row_step > 0 ? a->row_step : 1), 1};
    if (H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, step, count, NULL) < 0)
        return -1;
    /* Local rows are `stride` elements apart (halo cells are skipped). */
    hsize_t mem_dims[2] = {count[0], (hsize_t)a->stride};
    hsize_t zero[2] = {0, 0};
    if ((*mem_space = H5Screate_simple(2, mem_dims, NULL)) < 0)
        return -1;
    return H5Sselect_hyperslab(*mem_space, H5S_SELECT_SET, zero, NULL, count, NULL);
}

static int write_array(hid_t group, const struct out_array *a, hid_t xfer)
{
    int rc = -1;
    hid_t file_space = H5I_INVALID_HID, mem_space = H5I_INVALID_HID,
          set = H5I_INVALID_HID;
    hsize_t dims[2] = {(hsize_t)a->dims[0], (hsize_t)a->dims[1]};
    int f64 = a->type == OUT_F64;
    if ((file_space = H5Screate_simple(a->ndims, dims, NULL)) < 0)
        goto out;
    if ((set = H5Dcreate2(group, a->name, f64 ? H5T_IEEE_F64LE : H5T_STD_I64LE,
                          file_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    if (select_block(a, file_space, &mem_space) < 0)
        goto out;
    const void *data = a->data ? a->data : (const void *)dims; /* unused if none */
    if (H5Dwrite(set, f64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, mem_space,
                 file_space, xfer, data) < 0)
        goto out;
    rc = 0;
out:
    if (set >= 0)
        H5Dclose(set);
    if (mem_space >= 0)
        H5Sclose(mem_space);
    if (file_space >= 0)
        H5Sclose(file_space);
    return rc;
}

int result_write_arrays(const char *tmp_path, const struct run_config *cfg,
                        const struct kernel_output *out)
{
    int rc = PARITY_EFAIL;
    hid_t fapl = H5I_INVALID_HID, file = H5I_INVALID_HID,
          group = H5I_INVALID_HID, xfer = H5P_DEFAULT;
    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0)
        goto out;
    if (comm_active()) {
        H5Pset_fapl_mpio(fapl, *(MPI_Comm *)comm_world(), MPI_INFO_NULL);
        xfer = H5Pcreate(H5P_DATASET_XFER);
        H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
    }
    if ((file = H5Fcreate(tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0) {
        parity_error("cannot create result file %s", tmp_path);
        goto out;
    }
    if ((group = H5Gcreate2(file, "result", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    if (cfg->store_full)
        for (int i = 0; i < out->narrays; i++)
            if (write_array(group, &out->array[i], xfer) < 0) {
                parity_error("writing /result/%s to %s failed", out->array[i].name,
                             tmp_path);
                goto out;
            }
    rc = PARITY_OK;
out:
    if (group >= 0)
        H5Gclose(group);
    if (file >= 0 && H5Fclose(file) < 0)
        rc = PARITY_EFAIL;
    if (xfer != H5P_DEFAULT)
        H5Pclose(xfer);
    if (fapl >= 0)
        H5Pclose(fapl);
    return rc;
}

static int write_provenance(hid_t file, const struct run_record *rec)
{
    const struct provenance *p = &rec->prov;
    int e = 0;
    e |= h5_attr_put_int64(file, "schema_version", RESULT_SCHEMA_VERSION);
    e |= h5_attr_put_string(file, "parity_version", p->parity_version);
    e |= h5_attr_put_string(file, "git_commit", p->git_commit);
    e |= h5_attr_put_string(file, "created_utc", p->created_utc);
    e |= h5_attr_put_string(file, "hostname", p->hostname);
    e |= h5_attr_put_string(file, "cpu_model", p->cpu_model);
    e |= h5_attr_put_int64(file, "cores_online", p->cores_online);
    e |= h5_attr_put_string(file, "compiler", p->compiler);
    e |= h5_attr_put_string(file, "cflags", p->cflags);
    e |= h5_attr_put_string(file, "mpi_library", p->mpi_library);
    e |= h5_attr_put_string(file, "hdf5_version", p->hdf5_version);
    e |= h5_attr_put_string(file, "omp_proc_bind", p->omp_proc_bind);
    e |= h5_attr_put_string(file, "omp_places", p->omp_places);
    e |= h5_attr_put_string(file, "omp_schedule", p->omp_schedule);
    e |= h5_attr_put_string(file, "slurm_job_id", p->slurm_job_id);
    e |= h5_attr_put_string(file, "slurm_array_task_id", p->slurm_array_task_id);
    e |= h5_attr_put_string(file, "command_line", rec->cfg->command_line);
    return e ? -1 : 0;
}

static int write_run(hid_t group, const struct run_config *cfg)
{
    const struct run_ctx *c = &cfg->ctx;
    const struct kernel *k = c->kernel;
    int e = 0;
    e |= h5_attr_put_string(group, "kernel", k->name);
    e |= h5_attr_put_string(group, "mode", mode_names[c->mode]);
    e |= h5_attr_put_int64(group, "ranks", c->ranks);
    e |= h5_attr_put_int64(group, "threads", c->threads);
    e |= h5_attr_put_string(group, "reduce", reduce_names[c->reduce]);
    e |= h5_attr_put_string(group, "variant", k->variants[c->variant]);
    e |= h5_attr_put_string(group, "preset", run_preset_name(cfg));
    e |= h5_attr_put_int64(group, "seed", (int64_t)c->seed);
    e |= h5_attr_put_int64(group, "reps", cfg->reps);
    e |= h5_attr_put_int64(group, "warmup", cfg->warmup);
    e |= h5_attr_put_string(group, "store", cfg->store_full ? "full" : "digest");
    for (int i = 0; i < k->nparams; i++)
        e |= h5_attr_put_int64(group, k->params[i].name, c->param[i]);
    return e ? -1 : 0;
}

static int write_timing(hid_t group, const struct run_record *rec)
{
    const struct run_config *cfg = rec->cfg;
    hsize_t reps = (hsize_t)cfg->reps;
    hsize_t per_rank[2] = {reps, (hsize_t)cfg->ctx.ranks};
    int e = 0;
    e |= h5_put_doubles(group, "wall", 1, &reps, rec->wall);
    e |= h5_put_doubles(group, "rank_wall", 2, per_rank, rec->rank_wall);
    e |= h5_attr_put_double(group, "init_seconds", rec->init_seconds);
    e |= h5_attr_put_double(group, "write_seconds", rec->write_seconds);
    e |= h5_attr_put_double(group, "median_seconds", rec->median_seconds);
    return e ? -1 : 0;
}

static int write_result_attrs(hid_t group, const struct run_record *rec)
{
    const struct kernel_output *out = rec->out;
    char name[128];
    int e = 0;
    e |= h5_attr_put_uint64(group, "digest", rec->digest_all);
    for (int i = 0; i < out->narrays; i++) {
        /* The digest of every array lives on /result too, so files stored
         * with --store digest (no datasets) can still be compared. */
        snprintf(name, sizeof name, "digest_%s", out->array[i].name);
        e |= h5_attr_put_uint64(group, name, rec->digest[i]);
        if (rec->cfg->store_full) {
            hid_t set = H5Dopen2(group, out->array[i].name, H5P_DEFAULT);
            e |= set < 0 ? -1 : h5_attr_put_uint64(set, "digest", rec->digest[i]);
            if (set >= 0)
                H5Dclose(set);
        }
    }
    for (int i = 0; i < out->nscalars; i++)
        e |= h5_attr_put_double(group, out->scalar[i].name, out->scalar[i].value);
    return e ? -1 : 0;
}

static int write_check(hid_t group, const struct run_record *rec)
{
    int e = 0;
    e |= h5_attr_put_int64(group, "passed", rec->check_passed);
    e |= h5_attr_put_double(group, "error", rec->check.error);
    e |= h5_attr_put_double(group, "bound", rec->check.bound);
    e |= h5_attr_put_string(group, "what", rec->cfg->ctx.kernel->check_what);
    return e ? -1 : 0;
}

static hid_t make_group(hid_t file, const char *name)
{
    return H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

int result_write_metadata(const char *tmp_path, const char *path,
                          const struct run_record *rec)
{
    int rc = PARITY_EFAIL;
    hid_t file = H5I_INVALID_HID, run = H5I_INVALID_HID, timing = H5I_INVALID_HID,
          metrics = H5I_INVALID_HID, result = H5I_INVALID_HID,
          check = H5I_INVALID_HID;
    if ((file = H5Fopen(tmp_path, H5F_ACC_RDWR, H5P_DEFAULT)) < 0)
        goto out;
    if (write_provenance(file, rec) < 0)
        goto out;
    if ((run = make_group(file, "run")) < 0 || write_run(run, rec->cfg) < 0)
        goto out;
    if ((timing = make_group(file, "timing")) < 0 || write_timing(timing, rec) < 0)
        goto out;
    if ((metrics = make_group(file, "metrics")) < 0 ||
        h5_attr_put_double(metrics, "gflops", rec->gflops) < 0 ||
        h5_attr_put_double(metrics, "gbytes_per_s", rec->gbytes_per_s) < 0)
        goto out;
    if ((result = H5Gopen2(file, "result", H5P_DEFAULT)) < 0 ||
        write_result_attrs(result, rec) < 0)
        goto out;
    if ((check = make_group(file, "check")) < 0 || write_check(check, rec) < 0)
        goto out;
    if (placement_write(file, &rec->placement) < 0)
        goto out;
    rc = PARITY_OK;
out:
    if (check >= 0) H5Gclose(check);
    if (result >= 0) H5Gclose(result);
    if (metrics >= 0) H5Gclose(metrics);
    if (timing >= 0) H5Gclose(timing);
    if (run >= 0) H5Gclose(run);
    if (file >= 0 && H5Fclose(file) < 0)
        rc = PARITY_EFAIL;
    if (rc != PARITY_OK) {
        parity_error("writing the metadata of %s failed", tmp_path);
        return rc;
    }
    /* Only a complete file gets the real name. */
    if (rename(tmp_path, path) < 0) {
        parity_error("cannot rename %s to %s: %s", tmp_path, path, strerror(errno));
        return PARITY_EFAIL;
    }
    return PARITY_OK;
}
