/* Test tool: change one element of a result dataset in place, so the tests
 * can show that `parity verify` catches it.
 *   h5perturb FILE.h5 DATASET INDEX DELTA
 *       a wrong answer: adds DELTA to /result/DATASET[INDEX] and updates the
 *       array's digests (digest_DATASET, the dataset's digest, /result digest)
 *       as a run that computed this value would have written them;
 *   h5perturb --damage FILE.h5 DATASET INDEX DELTA
 *       silent corruption: changes the element only, so the stored data no
 *       longer matches its digest (verify: DAMAGED). */
#include "../../common/digest.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int get_u64(hid_t loc, const char *name, uint64_t *v)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    int rc = a < 0 || H5Aread(a, H5T_NATIVE_UINT64, v) < 0;
    if (a >= 0) H5Aclose(a);
    return rc;
}

static int put_u64(hid_t loc, const char *name, uint64_t v)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    int rc = a < 0 || H5Awrite(a, H5T_NATIVE_UINT64, &v) < 0;
    if (a >= 0) H5Aclose(a);
    return rc;
}

struct digests {
    int n;
    char name[8][64];
    uint64_t d[8];
};

static herr_t collect(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    struct digests *ds = data;
    if (strncmp(name, "digest_", 7) == 0 && ds->n < 8) {
        snprintf(ds->name[ds->n], sizeof ds->name[0], "%s", name + 7);
        get_u64(loc, name, &ds->d[ds->n++]);
    }
    return 0;
}

/* /result digest = sum over arrays, in the kernel's order k, of
 * mix(digest_k + k); the file does not record that order, so find the
 * permutation (at most 8! tries) that gives the stored value. */
static int find_order(const struct digests *ds, uint64_t all, int *perm, int depth, int used,
                      uint64_t sum)
{
    if (depth == ds->n)
        return sum == all;
    for (int i = 0; i < ds->n; i++)
        if (!(used & (1 << i))) {
            perm[depth] = i;
            if (find_order(ds, all, perm, depth + 1, used | (1 << i),
                           sum + digest_mix64(ds->d[i] + (uint64_t)depth)))
                return 1;
        }
    return 0;
}

/* Update the digests after element `index` of `name` went from old to new bits. */
static int fix_digests(hid_t file, hid_t set, const char *name, long long index, double old,
                       double new)
{
    uint64_t ob, nb;
    memcpy(&ob, &old, 8);
    memcpy(&nb, &new, 8);
    uint64_t delta = digest_element((uint64_t)index, nb) - digest_element((uint64_t)index, ob);
    hid_t g = H5Gopen2(file, "/result", H5P_DEFAULT);
    if (g < 0)
        return 1;
    struct digests ds = {0};
    hsize_t idx = 0;
    uint64_t all = 0;
    int perm[8], rc = 1;
    H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &ds);
    if (get_u64(g, "digest", &all) == 0 && find_order(&ds, all, perm, 0, 0, 0)) {
        uint64_t sum = 0;
        char attr[80];
        for (int k = 0; k < ds.n; k++) {
            int i = perm[k];
            if (strcmp(ds.name[i], name) == 0)
                ds.d[i] += delta;
            sum += digest_mix64(ds.d[i] + (uint64_t)k);
        }
        snprintf(attr, sizeof attr, "digest_%s", name);
        uint64_t d = 0;
        rc = get_u64(g, attr, &d) || put_u64(g, attr, d + delta) || put_u64(g, "digest", sum);
        if (rc == 0 && H5Aexists(set, "digest") > 0)
            rc = get_u64(set, "digest", &d) || put_u64(set, "digest", d + delta);
    }
    H5Gclose(g);
    return rc;
}

int main(int argc, char **argv)
{
    int damage = argc > 1 && strcmp(argv[1], "--damage") == 0;
    argv += damage;
    argc -= damage;
    if (argc != 5) {
        fprintf(stderr, "usage: h5perturb [--damage] FILE.h5 DATASET INDEX DELTA\n");
        return 2;
    }
    char name[256];
    snprintf(name, sizeof name, "/result/%s", argv[2]);
    long long index = atoll(argv[3]);
    double delta = atof(argv[4]);
    int rc = 1;
    hid_t file = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t set = file >= 0 ? H5Dopen2(file, name, H5P_DEFAULT) : -1;
    hid_t space = set >= 0 ? H5Dget_space(set) : -1;
    if (space >= 0) {
        hssize_t n = H5Sget_simple_extent_npoints(space);
        double *v = malloc(sizeof(double) * (size_t)n);
        if (v && index >= 0 && index < n &&
            H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
            double old = v[index];
            v[index] += delta;
            rc = H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0;
            if (rc == 0 && !damage)
                rc = fix_digests(file, set, argv[2], index, old, v[index]);
        }
        free(v);
        H5Sclose(space);
    }
    if (set >= 0) H5Dclose(set);
    if (file >= 0) H5Fclose(file);
    if (rc)
        fprintf(stderr, "h5perturb: could not change %s[%lld] in %s\n", name, index, argv[1]);
    return rc;
}
