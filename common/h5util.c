/* HDF5 attribute and dataset helpers (see h5util.h).  Every handle starts
 * invalid and is closed on the single exit path. */
#include "h5util.h"

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

static int get(hid_t loc, const char *name, hid_t mem_type, void *value)
{
    if (H5Aexists(loc, name) <= 0)
        return -1;
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    int rc = H5Aread(attr, mem_type, value) < 0 ? -1 : 0;
    H5Aclose(attr);
    return rc;
}

int h5_attr_get_int64(hid_t loc, const char *name, int64_t *value)
{
    return get(loc, name, H5T_NATIVE_INT64, value);
}

int h5_attr_get_uint64(hid_t loc, const char *name, uint64_t *value)
{
    return get(loc, name, H5T_NATIVE_UINT64, value);
}

int h5_attr_get_double(hid_t loc, const char *name, double *value)
{
    return get(loc, name, H5T_NATIVE_DOUBLE, value);
}

int h5_attr_get_string(hid_t loc, const char *name, char *buf, size_t size)
{
    int rc = -1;
    hid_t attr = H5I_INVALID_HID, type = H5I_INVALID_HID, mem = H5I_INVALID_HID;
    if (size == 0 || H5Aexists(loc, name) <= 0)
        return -1;
    if ((attr = H5Aopen(loc, name, H5P_DEFAULT)) < 0)
        goto out;
    if ((type = H5Aget_type(attr)) < 0 || H5Tget_class(type) != H5T_STRING)
        goto out;
    if (H5Tis_variable_str(type) > 0) { /* written by another tool */
        char *s = NULL;
        mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        if (H5Aread(attr, mem, &s) < 0)
            goto out;
        snprintf(buf, size, "%s", s ? s : "");
        H5free_memory(s);
    } else {
        size_t len = H5Tget_size(type);
        char tmp[len + 1];
        mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, len + 1);
        H5Tset_strpad(mem, H5T_STR_NULLTERM);
        if (H5Aread(attr, mem, tmp) < 0)
            goto out;
        tmp[len] = '\0';
        snprintf(buf, size, "%s", tmp);
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
    if (set >= 0)
        H5Dclose(set);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}
