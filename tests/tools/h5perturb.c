/* Test tool: change one element of a result dataset in place, the way a
 * silent corruption or a wrong parallel answer would, so the tests can show
 * that `parity verify` catches it.
 *   h5perturb FILE.h5 DATASET INDEX DELTA    adds DELTA to /result/DATASET[INDEX] */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: h5perturb FILE.h5 DATASET INDEX DELTA\n");
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
            v[index] += delta;
            rc = H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0;
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
