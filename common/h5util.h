/* Small HDF5 helpers shared by the result writer and reader: explicit,
 * plain types (fixed-length strings, little-endian int64/uint64/float64), so
 * h5dump, h5py and HDFView read the files.  All return 0 or -1. */
#ifndef PARITY_H5UTIL_H
#define PARITY_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* Silence HDF5's own error stack printing: parity reports one line itself. */
void h5_quiet(void);

int h5_attr_put_string(hid_t loc, const char *name, const char *value);
int h5_attr_put_int64(hid_t loc, const char *name, int64_t value);
int h5_attr_put_uint64(hid_t loc, const char *name, uint64_t value);
int h5_attr_put_double(hid_t loc, const char *name, double value);

/* The getters read one value: an attribute that is not a single element
 * (scalar or one-element array) of the right class is refused (-1), so a
 * file can never make them write past `value`.  Strings of any stored length
 * are read with a bounded memory type (no stack or heap buffer sized by the
 * file): longer ones are cut to size-1 bytes.  They come back escaped by
 * parity_escape (common/error.h), since callers print what files say. */
int h5_attr_get_string(hid_t loc, const char *name, char *buf, size_t size);
int h5_attr_get_int64(hid_t loc, const char *name, int64_t *value);
int h5_attr_get_uint64(hid_t loc, const char *name, uint64_t *value);
int h5_attr_get_double(hid_t loc, const char *name, double *value);

/* Lists: a 1-D attribute of n elements (n may be 0).  Strings are written
 * fixed-length; read back, fixed- or variable-length (h5py), into
 * out[max][width], each escaped like h5_attr_get_string.  A list of more
 * than max elements, or with a string of width bytes or more, is refused
 * (-1), never cut: a cut name would be another name. */
int h5_attr_put_strings(hid_t loc, const char *name, int n, const char *const *values);
int h5_attr_put_int64s(hid_t loc, const char *name, int n, const int64_t *values);
int h5_attr_get_strings(hid_t loc, const char *name, char *out, size_t width, int max, int *n);
int h5_attr_get_int64s(hid_t loc, const char *name, int64_t *out, int max, int *n);

/* Write a whole small dataset (serial; rank 0). dims has ndims entries. */
int h5_put_doubles(hid_t loc, const char *name, int ndims, const hsize_t *dims,
                   const double *data);

#endif
