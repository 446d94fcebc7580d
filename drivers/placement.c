/* Sampling and recording placement (see placement.h). */
#define _GNU_SOURCE
#include "placement.h"

#include "../common/h5util.h"
#include "comm.h"

#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "0-3,8,10-11" from a CPU set, as in /proc/self/status Cpus_allowed_list. */
static void cpulist(const cpu_set_t *set, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < CPU_SETSIZE && used < size; c++) {
        if (!CPU_ISSET(c, set))
            continue;
        int end = c;
        while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, set))
            end++;
        used += (size_t)snprintf(buf + used, size - used, "%s%d", used ? "," : "", c);
        if (end > c && used < size)
            used += (size_t)snprintf(buf + used, size - used, "-%d", end);
        c = end;
    }
}

/* The CPUs in a cpulist, added to `set`. */
static void parse_cpulist(const char *list, cpu_set_t *set)
{
    const char *p = list;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10), b = a;
        if (end == p)
            break;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        for (long c = a; c <= b && c < CPU_SETSIZE; c++)
            CPU_SET((int)c, set);
        p = *end == ',' ? end + 1 : end;
    }
}

/* Per host: the union of its ranks' masks is what the job may use there. */
static void judge(struct placement *p)
{
    p->cpus_available = 0;
    p->oversubscribed = 0;
    for (int r = 0; r < p->ranks; r++) {
        const char *host = p->host + (size_t)r * PLACEMENT_HOST_LEN;
        int first = 1, ranks_here = 0;
        cpu_set_t usable;
        CPU_ZERO(&usable);
        for (int q = 0; q < p->ranks; q++) {
            if (strcmp(host, p->host + (size_t)q * PLACEMENT_HOST_LEN) != 0)
                continue;
            if (q < r)
                first = 0; /* this host was judged at its first rank */
            ranks_here++;
            for (int t = 0; t < p->threads; t++)
                parse_cpulist(p->mask + ((size_t)q * p->threads + t) * PLACEMENT_MASK_LEN,
                              &usable);
        }
        if (!first)
            continue;
        int n = CPU_COUNT(&usable);
        if (n > p->cpus_available)
            p->cpus_available = n;
        if (ranks_here * p->threads > n)
            p->oversubscribed = 1;
    }
}

int placement_collect(int threads, int rank, int ranks, struct placement *p)
{
    memset(p, 0, sizeof *p);
    p->ranks = ranks;
    p->threads = threads;
    int mine_cpu[threads];
    char *mine_mask = calloc((size_t)threads, PLACEMENT_MASK_LEN);
    char host[PLACEMENT_HOST_LEN] = "";
    if (!mine_mask)
        return -1;
    gethostname(host, sizeof host - 1);
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num();
        cpu_set_t set;
        CPU_ZERO(&set);
        mine_cpu[t] = sched_getcpu();
        if (sched_getaffinity(0, sizeof set, &set) == 0) /* 0 = this thread */
            cpulist(&set, mine_mask + (size_t)t * PLACEMENT_MASK_LEN, PLACEMENT_MASK_LEN);
    }
    if (rank == 0) {
        p->cpu = calloc((size_t)ranks * threads, sizeof(int));
        p->mask = calloc((size_t)ranks * threads, PLACEMENT_MASK_LEN);
        p->host = calloc((size_t)ranks, PLACEMENT_HOST_LEN);
    }
    int ok = rank != 0 || (p->cpu && p->mask && p->host);
    double cpus[threads], *all_cpus = rank == 0 ? calloc((size_t)ranks * threads, sizeof(double)) : NULL;
    for (int t = 0; t < threads; t++)
        cpus[t] = mine_cpu[t];
    comm_gather_doubles(cpus, threads, all_cpus);
    comm_gather_bytes(mine_mask, (size_t)threads * PLACEMENT_MASK_LEN, p->mask);
    comm_gather_bytes(host, PLACEMENT_HOST_LEN, p->host);
    if (rank == 0 && ok && all_cpus) {
        for (int i = 0; i < ranks * threads; i++)
            p->cpu[i] = (int)all_cpus[i];
        judge(p);
    }
    free(all_cpus);
    free(mine_mask);
    return ok ? 0 : -1;
}

static int put_strings(hid_t loc, const char *name, int ndims, const hsize_t *dims,
                       size_t len, const char *data)
{
    int rc = -1;
    hid_t type = H5Tcopy(H5T_C_S1), space = H5I_INVALID_HID, set = H5I_INVALID_HID;
    H5Tset_size(type, len);
    H5Tset_strpad(type, H5T_STR_NULLTERM);
    if ((space = H5Screate_simple(ndims, dims, NULL)) < 0)
        goto out;
    if ((set = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    rc = H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ? -1 : 0;
out:
    if (set >= 0 && H5Dclose(set) < 0) rc = -1;
    if (space >= 0) H5Sclose(space);
    H5Tclose(type);
    return rc;
}

int placement_write(hid_t file, const struct placement *p)
{
    int rc = -1;
    size_t n = (size_t)p->ranks * (size_t)p->threads;
    hsize_t dims[2] = {(hsize_t)p->ranks, (hsize_t)p->threads};
    hid_t g = H5I_INVALID_HID, space = H5I_INVALID_HID, set = H5I_INVALID_HID;
    int64_t *cpu = malloc(sizeof(int64_t) * n);
    if (!cpu)
        goto out;
    for (size_t i = 0; i < n; i++)
        cpu[i] = p->cpu[i];
    if ((g = H5Gcreate2(file, "placement", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    if ((space = H5Screate_simple(2, dims, NULL)) < 0)
        goto out;
    if ((set = H5Dcreate2(g, "cpu", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0 ||
        H5Dwrite(set, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, cpu) < 0)
        goto out;
    if (put_strings(g, "affinity", 2, dims, PLACEMENT_MASK_LEN, p->mask) < 0 ||
        put_strings(g, "host", 1, dims, PLACEMENT_HOST_LEN, p->host) < 0 ||
        h5_attr_put_int64(g, "cpus_available", p->cpus_available) < 0 ||
        h5_attr_put_int64(g, "oversubscribed", p->oversubscribed) < 0)
        goto out;
    rc = 0;
out:
    /* H5Dclose flushes what H5Dwrite buffered: its failure is a failed write. */
    if (set >= 0 && H5Dclose(set) < 0) rc = -1;
    if (space >= 0) H5Sclose(space);
    if (g >= 0) H5Gclose(g);
    free(cpu);
    return rc;
}

void placement_free(struct placement *p)
{
    free(p->cpu);
    free(p->mask);
    free(p->host);
    memset(p, 0, sizeof *p);
}
