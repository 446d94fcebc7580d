/* The result writer (see result_write.h).  HDF5 is only ever driven by one
 * process (rank 0), so a failing write cannot leave other ranks waiting inside
 * a collective HDF5 call; every rank writes its own block of the arrays with
 * plain pwrite() into space rank 0 reserved, and the ranks agree afterwards.
 * Checked by tests/cli/faults.bats (injected write/rename/fsync/H5Dwrite
 * failures, a full tmpfs) and tests/cli/modes.bats. */
#include "result_write.h"

#include "kernel_facts.h"

#include "../common/error.h"
#include "../common/fsutil.h"
#include "../common/h5util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* Set when an HDF5 file failed to close: HDF5 would close it again at exit
 * and crash (H5F_term_package), so main() must not call H5close then. */
int result_hdf5_unsafe;

/* The folder a path goes into ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t size)
{
    snprintf(dir, size, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
}

static int result_path(const struct run_config *cfg, char *path, size_t size)
{
    /* The longest generated name, and room for ".tmp" after any name. */
    size_t room = size - strlen(".tmp") - 1;
    if (cfg->out_file) {
        if (strlen(cfg->out_file) > room) {
            parity_error("--out is %zu characters long; at most %zu fit in PATH_MAX",
                         strlen(cfg->out_file), room);
            return PARITY_EUSAGE;
        }
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
    /* KERNEL_MODE_pRANKS_tTHREADS_SIZE_ID.h5, ID = UTC time + a random tag,
     * so concurrent jobs never collide on a name. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm utc;
    gmtime_r(&ts.tv_sec, &utc);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    unsigned tag = (unsigned)(ts.tv_nsec ^ ((long)getpid() << 12)) & 0xffffffu;
    const struct parity_ctx *c = &cfg->ctx;
    int n = snprintf(path, size, "%s/%s_%s_p%d_t%d_%s_%s-%06x.h5", cfg->outdir,
                     c->kernel->name, c->mode, c->ranks, c->threads,
                     run_preset_name(cfg), stamp, tag);
    /* Checked before any folder is made: never a tree cut at PATH_MAX. */
    if (n < 0 || (size_t)n > room) {
        parity_error("--outdir is %zu characters long; the result file's path would "
                     "not fit in PATH_MAX (%zu)", strlen(cfg->outdir), size);
        return PARITY_EUSAGE;
    }
    return make_dirs(cfg->outdir);
}

/* Elements of one `name[a][b]` entry of the kernel's documented outputs:
 * each extent is a number or a parameter name (an unknown word counts 1). */
static double documented_count(const struct parity_ctx *c, const char **text)
{
    const char *p = *text;
    double count = 1.0;
    while (*p == '[') {
        char word[64];
        size_t n = 0;
        for (p++; *p && *p != ']'; p++) /* the extent's first word: "n" of "n+1" */
            if (n + 1 < sizeof word && (isalnum((unsigned char)*p) || *p == '_'))
                word[n++] = *p;
            else
                break;
        word[n] = '\0';
        while (*p && *p != ']')
            p++;
        double extent = 1.0;
        if (isdigit((unsigned char)word[0]))
            extent = strtod(word, NULL);
        else if (n && kernel_param_index(c->kernel, word) >= 0)
            extent = (double)parity_param(c, word);
        count *= extent;
        if (*p == ']')
            p++;
    }
    *text = p;
    return count;
}

double result_estimate_bytes(const struct run_config *cfg, const struct parity_output *out)
{
    const struct parity_ctx *c = &cfg->ctx;
    double ranks = c->ranks, threads = c->threads, reps = cfg->reps;
    /* Measured: a seq file holds ~13 KiB besides its arrays; placement and
     * timing grow with ranks x threads and reps x ranks. */
    double bytes = 32768.0 + ranks * threads * 80.0 + ranks * 64.0 + reps * (ranks + 1.0) * 8.0;
    if (!cfg->store_full)
        return bytes;
    if (out) {
        for (int i = 0; i < out->narrays; i++)
            bytes += 8.0 * (double)out->array[i].dims[0] * (double)out->array[i].dims[1] + 2048.0;
        return bytes;
    }
    for (const char *p = c->kernel->outputs; p && *p;) {
        if (*p == '[') {
            bytes += 8.0 * documented_count(c, &p) + 2048.0;
            continue;
        }
        p++;
    }
    return bytes;
}

/* Folder writable (a probe file is made and removed: root passes access()
 * checks that a read-only mount still fails) and free space for `bytes`. */
static int check_folder(const char *path, double bytes)
{
    char dir[PATH_MAX], probe[PATH_MAX + 32];
    folder_of(path, dir, sizeof dir);
    snprintf(probe, sizeof probe, "%s/.parity-probe-%ld.tmp", dir, (long)getpid());
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        parity_error("cannot write into folder %s: %s", dir, strerror(errno));
        return PARITY_EUSAGE;
    }
    close(fd);
    unlink(probe);
    struct statvfs fs;
    if (statvfs(dir, &fs) == 0 && fs.f_blocks > 0) {
        double free_bytes = (double)fs.f_bavail * (double)fs.f_frsize;
        if (bytes > free_bytes) {
            parity_error("folder %s has %.0f KiB free, the result file needs about "
                         "%.0f KiB: free some space or choose another --outdir",
                         dir, free_bytes / 1024.0, bytes / 1024.0);
            return PARITY_EUSAGE;
        }
    }
    return 0;
}

int result_prepare(const struct run_config *cfg, double bytes, char *path, size_t size)
{
    struct kernel_facts facts; /* refused before computing, not after */
    CHECK(kernel_facts_of(cfg->ctx.kernel, &facts));
    CHECK(result_path(cfg, path, size));
    struct stat st;
    if (cfg->out_file && !cfg->overwrite && lstat(path, &st) == 0) {
        parity_error("--out %s exists: give --overwrite to replace it, or another name",
                     path);
        return PARITY_EUSAGE;
    }
    if (cfg->out_file && lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        parity_error("--out %s exists and is not a regular file", path);
        return PARITY_EUSAGE;
    }
    return check_folder(path, bytes);
}

int result_check_space(const char *path, double bytes)
{
    return check_folder(path, bytes);
}

/* Close an HDF5 file once; a failed close poisons the library (see above). */
static int close_file(hid_t file)
{
    if (file < 0)
        return 0;
    if (H5Fclose(file) < 0) {
        result_hdf5_unsafe = 1;
        return -1;
    }
    return 0;
}

/* One /result dataset, contiguous, its space allocated now and never filled:
 * the ranks write the bytes themselves.  *offset = where they start. */
static int create_array(hid_t group, const struct parity_out_array *a, int64_t *offset)
{
    int rc = -1;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, set = H5I_INVALID_HID;
    hsize_t dims[2] = {(hsize_t)a->dims[0], (hsize_t)a->dims[1]};
    *offset = -1;
    if ((space = H5Screate_simple(a->ndims, dims, NULL)) < 0 ||
        (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
        H5Pset_layout(dcpl, H5D_CONTIGUOUS) < 0 ||
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0)
        goto out;
    if ((set = H5Dcreate2(group, a->name, a->type == PARITY_F64 ? H5T_IEEE_F64LE : H5T_STD_I64LE,
                          space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
        goto out;
    haddr_t at = H5Dget_offset(set);
    if (dims[0] * dims[1] > 0 && at == HADDR_UNDEF)
        goto out;
    *offset = at == HADDR_UNDEF ? -1 : (int64_t)at;
    rc = 0;
out:
    if (set >= 0)
        H5Dclose(set);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

int result_create(const char *tmp_path, const struct run_config *cfg,
                  const struct parity_output *out, int64_t *offsets)
{
    int rc = PARITY_EFAIL;
    hid_t file = H5I_INVALID_HID, group = H5I_INVALID_HID;
    for (int i = 0; i < out->narrays; i++)
        offsets[i] = -1;
    if ((file = H5Fcreate(tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
        parity_error("cannot create result file %s", tmp_path);
        return PARITY_EFAIL;
    }
    if ((group = H5Gcreate2(file, "result", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    if (cfg->store_full)
        for (int i = 0; i < out->narrays; i++)
            if (create_array(group, &out->array[i], &offsets[i]) < 0)
                goto out;
    rc = PARITY_OK;
out:
    if (group >= 0)
        H5Gclose(group);
    /* The close extends the file to its allocated size (the arrays' space). */
    if (close_file(file) < 0)
        rc = PARITY_EFAIL;
    if (rc != PARITY_OK)
        parity_error("creating result file %s failed", tmp_path);
    return rc;
}

/* pwrite all of buf, through short writes and signals. */
static int write_all(int fd, const char *buf, size_t len, off_t at)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
        at += n;
    }
    return 0;
}

/* This process's block of one array: rows that follow each other in the file
 * go out together through a bounded buffer, others one row at a time. */
static int write_block(int fd, const struct parity_out_array *a, int64_t base, char *buf,
                       size_t buf_size)
{
    int two_d = a->ndims == 2;
    int64_t cols = two_d ? a->count[1] : 1;
    int64_t stride = two_d ? a->stride : 1;
    int64_t step = a->row_step > 0 ? a->row_step : 1;
    int64_t width = two_d ? a->dims[1] : 1;
    size_t row_bytes = (size_t)cols * 8;
    const char *data = a->data;
    int contiguous = step == 1 && (!two_d || (a->offset[1] == 0 && cols == width));
    size_t used = 0;
    off_t start = 0;
    for (int64_t r = 0; r < a->count[0]; r++) {
        int64_t row = a->offset[0] + r * step;
        off_t at = (off_t)base + (off_t)((row * width + (two_d ? a->offset[1] : 0)) * 8);
        const char *src = data + (size_t)(r * stride) * 8;
        if (!contiguous || row_bytes > buf_size) {
            if (write_all(fd, src, row_bytes, at) < 0)
                return -1;
            continue;
        }
        if (used + row_bytes > buf_size) {
            if (write_all(fd, buf, used, start) < 0)
                return -1;
            used = 0;
        }
        if (used == 0)
            start = at;
        memcpy(buf + used, src, row_bytes);
        used += row_bytes;
    }
    return used ? write_all(fd, buf, used, start) : 0;
}

int result_write_blocks(const char *tmp_path, const struct parity_output *out,
                        const int64_t *offsets, int rank)
{
    _Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
                   "the arrays are stored little-endian as they are in memory");
    int any = 0;
    for (int i = 0; i < out->narrays; i++)
        any |= offsets[i] >= 0 && out->array[i].count[0] > 0 && out->array[i].count[1] > 0;
    if (!any)
        return PARITY_OK;
    int fd = open(tmp_path, O_WRONLY);
    if (fd < 0) {
        parity_error("rank %d: cannot open %s: %s", rank, tmp_path, strerror(errno));
        return PARITY_EFAIL;
    }
    size_t buf_size = 4u << 20;
    char *buf = malloc(buf_size);
    int rc = buf ? 0 : -1;
    const char *what = "out of memory";
    for (int i = 0; rc == 0 && i < out->narrays; i++) {
        const struct parity_out_array *a = &out->array[i];
        if (offsets[i] < 0 || a->count[0] == 0 || a->count[1] == 0)
            continue;
        if (write_block(fd, a, offsets[i], buf, buf_size) < 0) {
            rc = -1;
            what = a->name;
        }
    }
    /* Each writer flushes its own part: on a parallel file system another
     * client's fsync does not cover it. */
    if (rc == 0 && fsync(fd) < 0) {
        rc = -1;
        what = "fsync";
    }
    int err = errno;
    if (close(fd) < 0 && rc == 0) {
        rc = -1;
        what = "close";
        err = errno;
    }
    free(buf);
    if (rc < 0) {
        parity_error("rank %d: writing /result/%s to %s failed: %s", rank, what, tmp_path,
                     strerror(err));
        return PARITY_EFAIL;
    }
    return PARITY_OK;
}

/* Root attributes: where the result came from (parity build, machine, job).
 * Provenance of what ran belongs here too (a plugin kernel's path and file
 * digest): add it below; a reader takes what it knows and ignores the rest. */
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
    /* Where the kernel came from: a plugin's path, SHA-256 and version. */
    e |= provenance_write_kernel(file, p);
    return e ? -1 : 0;
}

/* /run: what was run.  These attributes describe this run only; what
 * describes the kernel goes to /kernel (write_kernel), what describes the
 * build and the machine to the root (write_provenance). */
static int write_run(hid_t group, const struct run_config *cfg)
{
    const struct parity_ctx *c = &cfg->ctx;
    const struct parity_kernel *k = c->kernel;
    int e = 0;
    e |= h5_attr_put_string(group, "kernel", k->name);
    e |= h5_attr_put_string(group, "mode", c->mode);
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

/* Pointers to the rows of a facts name table, for h5_attr_put_strings. */
static const char *const *rows(const char *first, size_t width, int n, const char **buf)
{
    for (int i = 0; i < n; i++)
        buf[i] = first + (size_t)i * width;
    return buf;
}

/* /kernel (schema 2): everything verify, report, compare and info need to
 * know about the kernel, so that a parity without this kernel (a user's
 * plugin, another version) judges the file by what the file says. */
static int write_kernel(hid_t group, const struct kernel_facts *f)
{
    const char *names[FACTS_MAX_KEYS];
    int e = 0;
    e |= h5_attr_put_string(group, "summary", f->summary);
    if (f->has_version)
        e |= h5_attr_put_string(group, "version", f->version);
    e |= h5_attr_put_int64(group, "api_version", f->api_version);
    e |= h5_attr_put_strings(group, "params", f->nparams,
                             rows(f->param[0], FACTS_NAME, f->nparams, names));
    e |= h5_attr_put_strings(group, "param_help", f->nparams,
                             rows(f->param_help[0], FACTS_LINE, f->nparams, names));
    e |= h5_attr_put_int64s(group, "param_min", f->nparams, f->param_min);
    e |= h5_attr_put_int64s(group, "param_max", f->nparams, f->param_max);
    e |= h5_attr_put_strings(group, "variants", f->nvariants,
                             rows(f->variant[0], FACTS_NAME, f->nvariants, names));
    e |= h5_attr_put_double(group, "verify_rtol", f->rtol);
    e |= h5_attr_put_double(group, "verify_atol", f->atol);
    e |= h5_attr_put_strings(group, "bitwise_variants", f->nbitwise,
                             rows(f->bitwise[0], FACTS_NAME, f->nbitwise, names));
    e |= h5_attr_put_strings(group, "problem_keys", f->nkeys,
                             rows(f->key[0], FACTS_NAME, f->nkeys, names));
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
    const struct parity_output *out = rec->out;
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

/* fsync a file or folder by name. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    errno = err;
    return rc;
}

/* rename() that refuses to replace an existing file unless told to:
 * renameat2(RENAME_NOREPLACE), or, where the file system lacks it, link()
 * (which also never replaces) then unlink. */
static int move_into_place(const char *from, const char *to, int replace)
{
    if (replace)
        return rename(from, to);
#ifdef RENAME_NOREPLACE
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
#endif
    if (link(from, to) < 0)
        return -1;
    return unlink(from);
}

int result_write_metadata(const char *tmp_path, const char *path,
                          const struct run_record *rec)
{
    int rc = PARITY_EFAIL;
    struct kernel_facts facts;
    hid_t file = H5I_INVALID_HID, run = H5I_INVALID_HID, kernel = H5I_INVALID_HID,
          timing = H5I_INVALID_HID,
          metrics = H5I_INVALID_HID, result = H5I_INVALID_HID,
          check = H5I_INVALID_HID, fapl = H5I_INVALID_HID;
    /* No sieve buffer: small datasets are then written inside H5Dwrite, whose
     * failure is seen, not flushed later by an H5Dclose whose result the
     * helpers do not check (a failed write there left a file of zeros). */
    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 || H5Pset_sieve_buf_size(fapl, 0) < 0)
        goto out;
    if ((file = H5Fopen(tmp_path, H5F_ACC_RDWR, fapl)) < 0)
        goto out;
    if (write_provenance(file, rec) < 0)
        goto out;
    if ((run = make_group(file, "run")) < 0 || write_run(run, rec->cfg) < 0)
        goto out;
    if (kernel_facts_of(rec->cfg->ctx.kernel, &facts) < 0 ||
        (kernel = make_group(file, "kernel")) < 0 || write_kernel(kernel, &facts) < 0)
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
    if (kernel >= 0) H5Gclose(kernel);
    if (run >= 0) H5Gclose(run);
    if (close_file(file) < 0)
        rc = PARITY_EFAIL;
    if (fapl >= 0) H5Pclose(fapl);
    if (rc != PARITY_OK) {
        parity_error("writing the metadata of %s failed", tmp_path);
        return rc;
    }
    /* Durable before visible: the data reaches the disk before the name
     * does, and the name before we say the run is done. */
    if (sync_path(tmp_path, O_RDWR) < 0) {
        parity_error("cannot flush %s to disk: %s", tmp_path, strerror(errno));
        return PARITY_EFAIL;
    }
    /* Only a complete file gets the real name. */
    if (move_into_place(tmp_path, path, rec->cfg->overwrite) < 0) {
        if (errno == EEXIST)
            parity_error("%s appeared while the run was going: kept it; give --overwrite "
                         "to replace it", path);
        else
            parity_error("cannot rename %s to %s: %s", tmp_path, path, strerror(errno));
        return PARITY_EFAIL;
    }
    char dir[PATH_MAX];
    folder_of(path, dir, sizeof dir);
    if (sync_path(dir, O_RDONLY | O_DIRECTORY) < 0) {
        /* The file is complete and named: removing it now would lose a good
         * result, so say the name may not survive a power loss and fail. */
        parity_error("%s is complete but flushing its folder %s failed: %s", path, dir,
                     strerror(errno));
        return PARITY_EFAIL;
    }
    return PARITY_OK;
}
