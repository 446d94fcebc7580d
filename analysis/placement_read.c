/* Reading /placement/host and mpi_library back (see placement_read.h).
 * Sizes are checked before anything is allocated: a damaged file gives
 * "unknown", never a huge allocation or a crash. */
#define _GNU_SOURCE /* qsort_r */
#include "placement_read.h"

#include "../common/h5util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_RANKS    (1 << 20) /* more host names than this: not a parity file */
#define MAX_HOST_LEN 1024

static int cmp_host(const void *a, const void *b, void *len)
{
    return strncmp(a, b, *(size_t *)len);
}

/* Distinct names among n fixed-length strings of `len` bytes, sorted in place. */
static int64_t distinct(char *names, size_t n, size_t len)
{
    qsort_r(names, n, len, cmp_host, &len);
    int64_t count = n > 0;
    for (size_t i = 1; i < n; i++)
        count += strncmp(names + (i - 1) * len, names + i * len, len) != 0;
    return count;
}

static int64_t count_hosts(hid_t file)
{
    int64_t nodes = 0;
    hid_t set = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID,
          mem = H5I_INVALID_HID;
    char *names = NULL;
    if (H5Lexists(file, "placement", H5P_DEFAULT) <= 0 ||
        H5Lexists(file, "placement/host", H5P_DEFAULT) <= 0)
        return 0;
    if ((set = H5Dopen2(file, "placement/host", H5P_DEFAULT)) < 0 ||
        (type = H5Dget_type(set)) < 0 || (space = H5Dget_space(set)) < 0)
        goto out;
    hsize_t dims[1];
    if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) != 0 ||
        H5Sget_simple_extent_ndims(space) != 1 || H5Sget_simple_extent_dims(space, dims, NULL) != 1)
        goto out;
    size_t len = H5Tget_size(type) + 1; /* room for a terminator */
    if (dims[0] == 0 || dims[0] > MAX_RANKS || len < 2 || len > MAX_HOST_LEN)
        goto out;
    if (!(names = calloc(dims[0], len)) || (mem = H5Tcopy(H5T_C_S1)) < 0 ||
        H5Tset_size(mem, len) < 0 || H5Tset_strpad(mem, H5T_STR_NULLTERM) < 0 ||
        H5Dread(set, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0)
        goto out;
    nodes = distinct(names, dims[0], len);
out:
    free(names);
    if (mem >= 0) H5Tclose(mem);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (set >= 0) H5Dclose(set);
    return nodes;
}

void placement_read(hid_t file, struct run_spread *s)
{
    memset(s, 0, sizeof *s);
    s->nodes = count_hosts(file);
    char lib[512] = "";
    if (h5_attr_get_string(file, "mpi_library", lib, sizeof lib) == 0) {
        /* one line, tabs and runs of blanks as one space: "MPICH Version:\t4.0.2" */
        size_t o = 0;
        for (size_t i = 0; lib[i] && lib[i] != '\n' && o + 1 < sizeof s->mpi_library; i++) {
            /* h5_attr_get_string hands control characters back escaped:
             * MPICH's tab arrives as the four characters \x09 */
            if (strncmp(lib + i, "\\x0a", 4) == 0)
                break; /* an escaped newline: the first line only */
            int tab = strncmp(lib + i, "\\x09", 4) == 0;
            char c = tab || lib[i] == '\t' ? ' ' : lib[i];
            if (tab)
                i += 3;
            if (c == ' ' && (o == 0 || s->mpi_library[o - 1] == ' '))
                continue;
            s->mpi_library[o++] = c;
        }
        while (o > 0 && s->mpi_library[o - 1] == ' ')
            o--;
        s->mpi_library[o] = '\0';
    }
}
