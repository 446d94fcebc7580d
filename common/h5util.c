/* HDF5 attribute and dataset helpers (see h5util.h).  Every handle starts
 * invalid and is closed on the single exit path.  Reads are bounded by the
 * caller's buffer, never by sizes stored in the file (tests/corpus, tests/fuzz). */
#include "h5util.h"

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static int put(hid_t loc, const char *name, hid_t file_type, hid_t mem_type,
               const void *value)
{
    int rc = -1;
    hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    if ((space = H5Screate(H5S_SCALAR)) < 0)
        goto out;
    if (H5Aexists(loc, name) > 0)
        H5Adelete(loc, name);
    if ((attr = H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    if (H5Awrite(attr, mem_type, value) < 0)
        goto out;
    rc = 0;
out:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

int h5_attr_put_string(hid_t loc, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return -1;
    size_t len = strlen(value);
    H5Tset_size(type, len > 0 ? len + 1 : 1);
    H5Tset_strpad(type, H5T_STR_NULLTERM);
    int rc = put(loc, name, type, type, value);
    H5Tclose(type);
    return rc;
}

int h5_attr_put_int64(hid_t loc, const char *name, int64_t value)
{
    return put(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

int h5_attr_put_uint64(hid_t loc, const char *name, uint64_t value)
{
    return put(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

int h5_attr_put_double(hid_t loc, const char *name, double value)
{
    return put(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

/* Is the attribute exactly one element (scalar, or a 1-element array)? */
static int single(hid_t attr)
{
    hid_t space = H5Aget_space(attr);
    if (space < 0)
        return 0;
    hssize_t n = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    return n == 1;
}

static int get(hid_t loc, const char *name, hid_t mem_type, int float_ok, void *value)
{
    if (H5Aexists(loc, name) <= 0)
        return -1;
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    int rc = -1;
    hid_t type = H5Aget_type(attr);
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    if (type >= 0)
        H5Tclose(type);
    if (single(attr) && (cls == H5T_INTEGER || (float_ok && cls == H5T_FLOAT)))
        rc = H5Aread(attr, mem_type, value) < 0 ? -1 : 0;
    H5Aclose(attr);
    return rc;
}

int h5_attr_get_int64(hid_t loc, const char *name, int64_t *value)
{
    return get(loc, name, H5T_NATIVE_INT64, 0, value);
}

int h5_attr_get_uint64(hid_t loc, const char *name, uint64_t *value)
{
    return get(loc, name, H5T_NATIVE_UINT64, 0, value);
}

int h5_attr_get_double(hid_t loc, const char *name, double *value)
{
    return get(loc, name, H5T_NATIVE_DOUBLE, 1, value);
}

int h5_attr_get_string(hid_t loc, const char *name, char *buf, size_t size)
{
    int rc = -1;
    hid_t attr = H5I_INVALID_HID, type = H5I_INVALID_HID, mem = H5I_INVALID_HID;
    if (size == 0 || H5Aexists(loc, name) <= 0)
        return -1;
    if ((attr = H5Aopen(loc, name, H5P_DEFAULT)) < 0 || !single(attr))
        goto out;
    if ((type = H5Aget_type(attr)) < 0 || H5Tget_class(type) != H5T_STRING)
        goto out;
    /* the file's character set: HDF5 converts no ASCII <-> UTF-8 (h5py
     * writes UTF-8 variable-length strings) */
    if ((mem = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_cset(mem, H5Tget_cset(type)) < 0)
        goto out;
    if (H5Tis_variable_str(type) > 0) { /* written by another tool */
        char *s = NULL;
        if (H5Tset_size(mem, H5T_VARIABLE) < 0 || H5Aread(attr, mem, &s) < 0)
            goto out;
        parity_escape(s ? s : "", buf, size);
        H5free_memory(s);
    } else {
        /* A fixed-length string of any stored size is converted into a
         * `size`-byte one: HDF5 cuts it, nothing here is sized by the file. */
        char tmp[512];
        char *t = size <= sizeof tmp ? tmp : malloc(size);
        if (!t || H5Tset_size(mem, size) < 0 || H5Tset_strpad(mem, H5T_STR_NULLTERM) < 0 ||
            H5Aread(attr, mem, t) < 0) {
            if (t != tmp) free(t);
            goto out;
        }
        t[size - 1] = '\0';
        parity_escape(t, buf, size);
        if (t != tmp) free(t);
    }
    rc = 0;
out:
    if (mem >= 0)
        H5Tclose(mem);
    if (type >= 0)
        H5Tclose(type);
    if (attr >= 0)
        H5Aclose(attr);
    return rc;
}

int h5_put_doubles(hid_t loc, const char *name, int ndims, const hsize_t *dims,
                   const double *data)
{
    int rc = -1;
    hid_t space = H5I_INVALID_HID, set = H5I_INVALID_HID;
    if ((space = H5Screate_simple(ndims, dims, NULL)) < 0)
        goto out;
    if ((set = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    if (H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        goto out;
    rc = 0;
out:
    /* The close may flush data HDF5 still holds: its failure is a failed write. */
    if (set >= 0 && H5Dclose(set) < 0)
        rc = -1;
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* ---- lists ---------------------------------------------------------------- */

static int put_list(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, int n,
                    const void *values)
{
    int rc = -1;
    hsize_t dims[1] = {(hsize_t)(n > 0 ? n : 0)};
    hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    if (n < 0 || (space = H5Screate_simple(1, dims, NULL)) < 0)
        goto out;
    if (H5Aexists(loc, name) > 0)
        H5Adelete(loc, name);
    if ((attr = H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto out;
    if (n > 0 && H5Awrite(attr, mem_type, values) < 0)
        goto out;
    rc = 0;
out:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

int h5_attr_put_strings(hid_t loc, const char *name, int n, const char *const *values)
{
    size_t width = 1;
    for (int i = 0; i < n; i++)
        if (strlen(values[i]) + 1 > width)
            width = strlen(values[i]) + 1;
    char *buf = calloc(n > 0 ? (size_t)n : 1, width);
    hid_t type = H5Tcopy(H5T_C_S1);
    int rc = -1;
    if (buf && type >= 0 && H5Tset_size(type, width) >= 0 &&
        H5Tset_strpad(type, H5T_STR_NULLTERM) >= 0) {
        for (int i = 0; i < n; i++)
            memcpy(buf + (size_t)i * width, values[i], strlen(values[i]));
        rc = put_list(loc, name, type, type, n, buf);
    }
    if (type >= 0)
        H5Tclose(type);
    free(buf);
    return rc;
}

int h5_attr_put_int64s(hid_t loc, const char *name, int n, const int64_t *values)
{
    return put_list(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, n, values);
}

/* Open a list attribute of class `cls` and at most max elements; *n = its
 * length.  A scalar counts as one element. */
static hid_t open_list(hid_t loc, const char *name, H5T_class_t cls, int max, int *n)
{
    if (H5Aexists(loc, name) <= 0)
        return H5I_INVALID_HID;
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0)
        return H5I_INVALID_HID;
    hid_t space = H5Aget_space(attr), type = H5Aget_type(attr);
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hssize_t count = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    int ok = type >= 0 && H5Tget_class(type) == cls && (rank == 0 || rank == 1) &&
             count >= 0 && count <= max;
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (!ok) {
        H5Aclose(attr);
        return H5I_INVALID_HID;
    }
    *n = (int)count;
    return attr;
}

int h5_attr_get_int64s(hid_t loc, const char *name, int64_t *out, int max, int *n)
{
    hid_t attr = open_list(loc, name, H5T_INTEGER, max, n);
    if (attr < 0)
        return -1;
    int rc = *n == 0 || H5Aread(attr, H5T_NATIVE_INT64, out) >= 0 ? 0 : -1;
    H5Aclose(attr);
    return rc;
}

int h5_attr_get_strings(hid_t loc, const char *name, char *out, size_t width, int max, int *n)
{
    int rc = -1;
    hid_t type = H5I_INVALID_HID, mem = H5I_INVALID_HID, space = H5I_INVALID_HID;
    char *buf = NULL;
    char **vl = NULL;
    hid_t attr = open_list(loc, name, H5T_STRING, max, n);
    if (attr < 0 || width < 2)
        goto out;
    if (*n == 0) {
        rc = 0;
        goto out;
    }
    if ((type = H5Aget_type(attr)) < 0 || (mem = H5Tcopy(H5T_C_S1)) < 0 ||
        H5Tset_cset(mem, H5Tget_cset(type)) < 0)
        goto out;
    if (H5Tis_variable_str(type) > 0) { /* written by another tool (h5py) */
        if (!(vl = calloc((size_t)*n, sizeof *vl)) || H5Tset_size(mem, H5T_VARIABLE) < 0 ||
            (space = H5Aget_space(attr)) < 0)
            goto out;
        if (H5Aread(attr, mem, vl) < 0)
            goto out;
        rc = 0;
        for (int i = 0; i < *n; i++) {
            const char *s = vl[i] ? vl[i] : "";
            if (strlen(s) >= width)
                rc = -1;
            else
                parity_escape(s, out + (size_t)i * width, width);
        }
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, vl);
        goto out;
    }
    /* One byte more than fits: a string that fills it was too long. */
    if (!(buf = calloc((size_t)*n, width + 1)) || H5Tset_size(mem, width + 1) < 0 ||
        H5Tset_strpad(mem, H5T_STR_NULLTERM) < 0 || H5Aread(attr, mem, buf) < 0)
        goto out;
    rc = 0;
    for (int i = 0; i < *n; i++) {
        char *s = buf + (size_t)i * (width + 1);
        s[width] = '\0';
        if (strlen(s) >= width)
            rc = -1;
        else
            parity_escape(s, out + (size_t)i * width, width);
    }
out:
    free(buf);
    free(vl);
    if (space >= 0)
        H5Sclose(space);
    if (mem >= 0)
        H5Tclose(mem);
    if (type >= 0)
        H5Tclose(type);
    if (attr >= 0)
        H5Aclose(attr);
    return rc;
}
