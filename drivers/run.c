/* `parity run`, phase by phase:
 *   start (MPI / thread team) -> validate and size check -> setup ->
 *   warm-ups -> timed repetitions -> self-check -> digests -> write -> summary.
 * Every rank runs the same phases; failures are agreed on (comm_any) so no
 * rank is left waiting in a collective. */
#include "run.h"

#include "../common/digest.h"
#include "../common/error.h"
#include "../common/stats.h"
#include "../common/timer.h"
#include "comm.h"
#include "plugin.h"
#include "result_write.h"

#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Ranks agree on failure (PRK's max-reduce of an error flag) and the lowest
 * failing rank's message is printed once, by rank 0: messages are held (not
 * printed) on every rank during the step, see hold_errors(). */
static int agree(const struct parity_ctx *c, int rc)
{
    if (!comm_active())
        return rc;
    parity_error_hold(0);
    if (!comm_any(rc != 0))
        return PARITY_OK;
    struct {
        int rc;
        char msg[252];
    } mine = {rc, ""}, *all = NULL;
    snprintf(mine.msg, sizeof mine.msg, "%s", rc ? parity_last_error() : "");
    if (c->rank == 0 && !(all = calloc((size_t)c->ranks, sizeof mine)))
        comm_abort(1);
    comm_gather_bytes(&mine, sizeof mine, all);
    int worst = PARITY_EFAIL;
    if (c->rank == 0) {
        const char *say = "failed on another rank";
        for (int p = c->ranks - 1; p >= 0; p--)
            if (all[p].rc != 0) {
                worst = all[p].rc;
                say = all[p].msg[0] ? all[p].msg : say;
            }
        parity_error("%s", say);
        free(all);
    }
    /* Every rank returns the same status, so mpirun's exit code is it. */
    comm_bcast_bytes(&worst, sizeof worst);
    return worst;
}

static void hold_errors(void)
{
    parity_error_hold(comm_active());
}

/* Start MPI (mpi mode) or refuse a launcher we were not asked to use, then
 * start the thread team so its cost is not in the first repetition. */
static int start(struct run_config *cfg, double *init_seconds)
{
    struct parity_ctx *c = &cfg->ctx;
    int launched = comm_launcher_size();
    *init_seconds = 0.0;
    if (cfg->mode->needs_launcher) {
        if (launched == 0) {
            parity_error("--mode %s needs an MPI launcher: run it as `mpirun -np 4 %s` "
                         "or, under Slurm, `srun -n 4 %s`",
                         c->mode, cfg->command_line, cfg->command_line);
            return PARITY_EUSAGE;
        }
        CHECK(comm_init(c->threads, &c->rank, &c->ranks, init_seconds));
        c->mpi_comm = comm_world();
    } else if (launched > 1) {
        parity_error("started by an MPI launcher as %d processes but --mode %s would "
                     "run the same thing %d times: add --mode mpi",
                     launched, c->mode, launched);
        return PARITY_EUSAGE;
    }
    omp_set_dynamic(0);
    omp_set_num_threads(c->threads);
    /* Start the thread team now (libgomp creates it at the first region) so
     * its cost is recorded here, not in the first repetition.  The region
     * must do something: GCC removes an empty one. */
    double t0 = timer_now();
    int team = 1;
    if (cfg->mode->uses_threads) {
        team = 0;
#pragma omp parallel
        {
#pragma omp atomic
            team++;
        }
    }
    *init_seconds += timer_now() - t0;
    if (team != c->threads) {
        parity_error("asked for %d threads, the OpenMP runtime started %d", c->threads, team);
        return PARITY_EFAIL;
    }
    return PARITY_OK;
}

static double available_memory(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    double kib = -1.0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    if (kib < 0)
        return (double)sysconf(_SC_AVPHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    return kib * 1024.0;
}

/* Kernel rules, the memory the run would take and where its file goes
 * (folder writable, free space), before allocating or computing. */
static int validate(const struct run_config *cfg, char *path, size_t size)
{
    const struct parity_ctx *c = &cfg->ctx;
    const struct parity_kernel *k = c->kernel;
    const struct parity_mode_impl *m = cfg->impl;
    int (*kernel_rules)(const struct parity_ctx *, char *, size_t) =
        m->validate ? m->validate : k->validate;
    char msg[512] = "";
    int rc = 0;
    if (kernel_rules && kernel_rules(c, msg, sizeof msg) < 0)
        rc = PARITY_EUSAGE;
    double need = (m->memory ? m->memory : k->memory)(c) * comm_local_size();
    double have = available_memory();
    if (rc == 0 && need > 0.9 * have) {
        snprintf(msg, sizeof msg,
                 "%s needs %.1f GiB of memory on this host (%d process(es)) but %.1f "
                 "GiB is available: choose a smaller --size or parameters",
                 k->name, need / 1073741824.0, comm_local_size(), have / 1073741824.0);
        rc = PARITY_EUSAGE;
    }
    if (comm_any(rc != 0)) {
        if (c->rank == 0)
            parity_error("%s", msg[0] ? msg : "invalid parameters on another rank");
        return PARITY_EUSAGE;
    }
    hold_errors();
    if (c->rank == 0)
        rc = result_prepare(cfg, result_estimate_bytes(cfg, NULL), path, size);
    CHECK(agree(c, rc));
    comm_bcast_bytes(path, size);
    return PARITY_OK;
}

/* Warm-ups, then timed repetitions.  Each repetition starts together
 * (barrier) and the run's time for it is the slowest rank's. */
static void timed_reps(struct run_config *cfg, void *state, double *my_wall)
{
    const struct parity_mode_impl *m = cfg->impl;
    for (int w = 0; w < cfg->warmup; w++)
        m->run(&cfg->ctx, state);
    for (int r = 0; r < cfg->reps; r++) {
        comm_barrier();
        double t0 = timer_now();
        m->run(&cfg->ctx, state);
        my_wall[r] = timer_now() - t0;
    }
}

static void self_check(const struct run_config *cfg, void *state,
                       struct run_record *rec)
{
    const struct parity_kernel *k = cfg->ctx.kernel;
    const struct parity_mode_impl *m = cfg->impl;
    struct parity_check local = {0.0, 0.0};
    (m->check ? m->check : k->check)(&cfg->ctx, state, &local);
    rec->check.error = comm_max_double(isnan(local.error) ? INFINITY : local.error);
    rec->check.bound = comm_max_double(local.bound);
    rec->check_passed = rec->check.error <= rec->check.bound;
}

static void digests(const struct parity_output *out, struct run_record *rec)
{
    rec->digest_all = 0;
    for (int i = 0; i < out->narrays; i++) {
        const struct parity_out_array *a = &out->array[i];
        uint64_t mine = 0;
        if (a->count[0] > 0 && a->count[1] > 0)
            mine = digest_block(a->data, a->count[0], a->count[1],
                                a->ndims == 1 ? 1 : a->stride, a->offset[0],
                                a->row_step > 0 ? a->row_step : 1,
                                a->offset[1], a->dims[1]);
        rec->digest[i] = comm_sum_u64(mine);
        rec->digest_all += digest_mix64(rec->digest[i] + (uint64_t)i);
    }
}

/* Rank 0 turns the per-rank times into the run's times and model rates. */
static void timings(const struct run_config *cfg, const void *state,
                    const double *my_wall, double *rank_wall, double *wall,
                    struct run_record *rec)
{
    int reps = cfg->reps, ranks = cfg->ctx.ranks;
    double *gathered = malloc(sizeof(double) * (size_t)reps * (size_t)ranks);
    if (!gathered)
        comm_abort(1);
    comm_gather_doubles(my_wall, reps, gathered); /* [ranks][reps] */
    for (int r = 0; r < reps; r++) {
        wall[r] = 0.0;
        for (int p = 0; p < ranks; p++) {
            rank_wall[r * ranks + p] = gathered[p * reps + r];
            if (gathered[p * reps + r] > wall[r])
                wall[r] = gathered[p * reps + r];
        }
    }
    free(gathered);
    rec->wall = wall;
    rec->rank_wall = rank_wall;
    rec->median_seconds = stats_median(wall, (size_t)reps);
    const struct parity_kernel *k = cfg->ctx.kernel;
    rec->gflops = k->flops(&cfg->ctx, state) / rec->median_seconds / 1e9;
    rec->gbytes_per_s = k->bytes(&cfg->ctx, state) / rec->median_seconds / 1e9;
}

/* The steps of result_write.h, agreed after each; a failure removes the
 * temporary file, so nothing that looks finished is left. */
static int write_result(struct run_config *cfg, struct run_record *rec, const char *path)
{
    const struct parity_ctx *c = &cfg->ctx;
    char tmp[PATH_MAX + 8];
    int64_t offsets[PARITY_MAX_ARRAYS];
    int rc = 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    plugin_crash_tmp(tmp);
    hold_errors();
    if (c->rank == 0) {
        rc = result_check_space(path, result_estimate_bytes(cfg, rec->out));
        if (rc == 0)
            rc = result_create(tmp, cfg, rec->out, offsets);
    }
    if ((rc = agree(c, rc)) != 0)
        goto fail;
    comm_bcast_bytes(offsets, sizeof offsets);
    hold_errors();
    double t0 = timer_now();
    rc = result_write_blocks(tmp, rec->out, offsets, c->rank);
    rec->write_seconds = comm_max_double(timer_now() - t0);
    if ((rc = agree(c, rc)) != 0)
        goto fail;
    hold_errors();
    if (c->rank == 0)
        rc = result_write_metadata(tmp, path, rec);
    if ((rc = agree(c, rc)) != 0)
        goto fail;
    return PARITY_OK;
fail:
    if (c->rank == 0)
        unlink(tmp);
    return rc;
}

static void summary(const struct run_config *cfg, const struct run_record *rec,
                    const char *path)
{
    const struct parity_ctx *c = &cfg->ctx;
    printf("%s %s p=%d t=%d %s %s%s%s: median %.4g s (min %.4g, max %.4g) "
           "%.3g GFLOP/s %.3g GB/s, self-check %s (error %.3g, bound %.3g) -> %s\n",
           c->kernel->name, c->mode, c->ranks, c->threads,
           run_preset_name(cfg), reduce_names[c->reduce],
           c->variant ? " variant=" : "", c->variant ? c->kernel->variants[c->variant] : "",
           rec->median_seconds, stats_min(rec->wall, (size_t)cfg->reps),
           stats_max(rec->wall, (size_t)cfg->reps), rec->gflops, rec->gbytes_per_s,
           rec->check_passed ? "passed" : "FAILED", rec->check.error,
           rec->check.bound, path);
    if (rec->placement.oversubscribed)
        printf("  note: oversubscribed: %d rank(s) x %d thread(s) on %d usable CPU(s) "
               "(see /placement)\n", c->ranks, c->threads, rec->placement.cpus_available);
}

/* Setup through write, with the kernel's state alive. */
static int measure_and_write(struct run_config *cfg, struct run_record *rec,
                             const char *path)
{
    const struct parity_kernel *k = cfg->ctx.kernel;
    void (*teardown)(void *) = cfg->impl->teardown ? cfg->impl->teardown : k->teardown;
    void *state = NULL;
    int rc = cfg->impl->setup(&cfg->ctx, &state);
    if (rc != 0)
        fprintf(stderr, "parity: rank %d: %s setup failed (out of memory, or the kernel "
                "refused the parameters)\n", cfg->ctx.rank, k->name);
    /* Nothing was computed: like a size refused by validate, exit status 2. */
    if (comm_any(rc != 0)) {
        if (state)
            teardown(state);
        return PARITY_EUSAGE;
    }
    size_t reps = (size_t)cfg->reps, ranks = (size_t)cfg->ctx.ranks;
    double *my_wall = calloc(reps, sizeof(double));
    double *wall = calloc(reps, sizeof(double));
    double *rank_wall = calloc(reps * ranks, sizeof(double));
    if (!my_wall || !wall || !rank_wall)
        comm_abort(1);

    timed_reps(cfg, state, my_wall);
    if (placement_collect(cfg->ctx.threads, cfg->ctx.rank, cfg->ctx.ranks, &rec->placement) < 0)
        comm_abort(1);
    self_check(cfg, state, rec);
    struct parity_output out = {0};
    k->output(&cfg->ctx, state, &out);
    rec->out = &out;
    digests(&out, rec);
    timings(cfg, state, my_wall, rank_wall, wall, rec);

    rc = write_result(cfg, rec, path);
    if (rc == 0 && cfg->ctx.rank == 0 && !cfg->quiet)
        summary(cfg, rec, path);
    teardown(state);
    placement_free(&rec->placement);
    free(my_wall);
    free(wall);
    free(rank_wall);
    if (rc == 0 && !rec->check_passed)
        rc = PARITY_EFAIL;
    return rc;
}

int run_execute(struct run_config *cfg)
{
    struct run_record rec = {.cfg = cfg};
    provenance_collect(&rec.prov);
    provenance_kernel(&rec.prov, cfg->ctx.kernel);
    char path[PATH_MAX] = "";
    plugin_crash_guard(cfg->ctx.kernel); /* a plugin's crash: one line, exit 2 */
    int rc = start(cfg, &rec.init_seconds);
    plugin_crash_rank(comm_active() ? cfg->ctx.rank : -1);
    if (rc == 0)
        rc = validate(cfg, path, sizeof path);
    if (rc == 0)
        rc = measure_and_write(cfg, &rec, path);
    comm_finalize();
    return rc;
}
