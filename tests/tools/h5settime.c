/* Test tool: overwrite the timed repetitions of a result file in place, so
 * the tests can give `parity report` and `parity compare` timings whose
 * speedups, intervals, break-even sizes and U tests are known by hand.
 *   h5settime FILE.h5 T1 [T2 ...]    /timing/wall := T1..Tr (r = reps stored),
 *                                    /timing median_seconds := their median
 *   h5settime FILE.h5 --scale F      every repetition multiplied by F */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: h5settime FILE.h5 T1 [T2 ...] | --scale F\n");
        return 2;
    }
    int rc = 1;
    hid_t file = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t timing = file >= 0 ? H5Gopen2(file, "timing", H5P_DEFAULT) : -1;
    hid_t set = timing >= 0 ? H5Dopen2(timing, "wall", H5P_DEFAULT) : -1;
    hid_t space = set >= 0 ? H5Dget_space(set) : -1;
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : 0;
    double *v = malloc(sizeof(double) * (size_t)(n > 0 ? 2 * n : 1));
    int scale = strcmp(argv[2], "--scale") == 0;
    if (v && n > 0 && H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
        if (scale && argc == 4) {
            for (hssize_t i = 0; i < n; i++)
                v[i] *= atof(argv[3]);
        } else if (!scale && argc - 2 == n) {
            for (hssize_t i = 0; i < n; i++)
                v[i] = atof(argv[2 + i]);
        } else {
            fprintf(stderr, "h5settime: %s stores %lld repetitions\n", argv[1], (long long)n);
            n = 0;
        }
        if (n > 0 && H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
            memcpy(v + n, v, sizeof(double) * (size_t)n);
            qsort(v + n, (size_t)n, sizeof(double), cmp);
            double median = n % 2 ? v[n + n / 2] : 0.5 * (v[n + n / 2 - 1] + v[n + n / 2]);
            hid_t attr = H5Aopen(timing, "median_seconds", H5P_DEFAULT);
            rc = attr < 0 || H5Awrite(attr, H5T_NATIVE_DOUBLE, &median) < 0;
            if (attr >= 0)
                H5Aclose(attr);
        }
    }
    free(v);
    if (space >= 0) H5Sclose(space);
    if (set >= 0) H5Dclose(set);
    if (timing >= 0) H5Gclose(timing);
    if (file >= 0) H5Fclose(file);
    if (rc)
        fprintf(stderr, "h5settime: could not rewrite /timing/wall of %s\n", argv[1]);
    return rc;
}
