/* A 64-bit digest of an array's canonical bytes that can be computed in
 * pieces: digest = sum over elements of mix(global index, bits) mod 2^64.
 * Each rank (or thread) digests its own block with its global indices, and the
 * pieces add up to exactly what a sequential pass over the whole array gives,
 * so seq and MPI runs are compared by digest without gathering the arrays.
 * Not cryptographic: it detects accidental differences, not forgeries. */
#ifndef PARITY_DIGEST_H
#define PARITY_DIGEST_H

#include <stdint.h>

/* splitmix64's finaliser: a bijection with good avalanche. */
static inline uint64_t digest_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Contribution of one element: its bits at its global linear index. */
static inline uint64_t digest_element(uint64_t index, uint64_t bits)
{
    return digest_mix64(digest_mix64(bits) ^ (index * 0x9e3779b97f4a7c15ULL));
}

/* Digest of a 2-D block of 8-byte elements (doubles or int64 alike):
 * `rows` x `cols` elements, local row stride `stride` elements, placed at
 * global row `row0`, column `col0` (row step `row_step`) of an array with
 * `global_cols` columns.  1-D arrays are one row. */
uint64_t digest_block(const void *data, int64_t rows, int64_t cols,
                      int64_t stride, int64_t row0, int64_t row_step,
                      int64_t col0, int64_t global_cols);

#endif
