/* Collect provenance (see provenance.h).  Build facts come from build_info.c
 * (the Makefile's -D's); the rest is read from the running system. */
#include "provenance.h"
#include "build_info.h"

#include "../common/h5util.h"
#include "plugin.h"

#include <hdf5.h>
#include <mpi.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void env(char *dst, size_t size, const char *name)
{
    copy(dst, size, getenv(name));
}

static void cpu_model(char *dst, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[1024];
    copy(dst, size, "unknown");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            copy(dst, size, colon + 2);
            dst[strcspn(dst, "\n")] = '\0';
            break;
        }
    }
    fclose(f);
}

/* The schedule that schedule(runtime) loops actually use, e.g. "dynamic,1";
 * "(default)" when OMP_SCHEDULE is unset and the runtime chose it. */
static void omp_schedule(char *dst, size_t size)
{
    static const char *const kinds[] = {"?", "static", "dynamic", "guided", "auto"};
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    int k = (int)kind & ~(int)0x80000000u; /* drop the monotonic modifier */
    snprintf(dst, size, "%s,%d%s", k >= 1 && k <= 4 ? kinds[k] : "?", chunk,
             getenv("OMP_SCHEDULE") ? "" : " (default)");
}

void provenance_collect(struct provenance *p)
{
    memset(p, 0, sizeof *p);
    copy(p->parity_version, sizeof p->parity_version, parity_build_version);
    copy(p->git_commit, sizeof p->git_commit, parity_build_commit);
    time_t t = time(NULL);
    struct tm utc;
    gmtime_r(&t, &utc);
    strftime(p->created_utc, sizeof p->created_utc, "%Y-%m-%dT%H:%M:%SZ", &utc);
    gethostname(p->hostname, sizeof p->hostname - 1);
    cpu_model(p->cpu_model, sizeof p->cpu_model);
    p->cores_online = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef __clang__
    snprintf(p->compiler, sizeof p->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(p->compiler, sizeof p->compiler, "gcc %s", __VERSION__);
#else
    copy(p->compiler, sizeof p->compiler, "unknown");
#endif
    copy(p->cflags, sizeof p->cflags, parity_build_cflags);
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(lib, &len); /* allowed before MPI_Init */
    lib[strcspn(lib, "\n,")] = '\0';
    copy(p->mpi_library, sizeof p->mpi_library, lib);
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    snprintf(p->hdf5_version, sizeof p->hdf5_version, "%u.%u.%u", maj, min, rel);
    env(p->omp_proc_bind, sizeof p->omp_proc_bind, "OMP_PROC_BIND");
    env(p->omp_places, sizeof p->omp_places, "OMP_PLACES");
    omp_schedule(p->omp_schedule, sizeof p->omp_schedule);
    env(p->slurm_job_id, sizeof p->slurm_job_id, "SLURM_JOB_ID");
    env(p->slurm_array_task_id, sizeof p->slurm_array_task_id, "SLURM_ARRAY_TASK_ID");
}

void provenance_kernel(struct provenance *p, const struct parity_kernel *k)
{
    const struct plugin_info *plugin = plugin_of(k);
    copy(p->kernel_origin, sizeof p->kernel_origin, plugin ? "plugin" : "built-in");
    copy(p->plugin_path, sizeof p->plugin_path, plugin ? plugin->path : "");
    copy(p->plugin_sha256, sizeof p->plugin_sha256, plugin ? plugin->sha256 : "");
    copy(p->plugin_version, sizeof p->plugin_version, plugin ? plugin->version : "");
}

int provenance_write_kernel(hid_t f, const struct provenance *p)
{
    int e = 0;
    e |= h5_attr_put_string(f, "kernel_origin", p->kernel_origin);
    e |= h5_attr_put_string(f, "plugin_path", p->plugin_path);
    e |= h5_attr_put_string(f, "plugin_sha256", p->plugin_sha256);
    e |= h5_attr_put_string(f, "plugin_version", p->plugin_version);
    return e ? -1 : 0;
}
