/* Piecewise array digest (see digest.h). */
#include "digest.h"

#include <string.h>

uint64_t digest_block(const void *data, int64_t rows, int64_t cols,
                      int64_t stride, int64_t row0, int64_t row_step,
                      int64_t col0, int64_t global_cols)
{
    const unsigned char *bytes = data;
    uint64_t sum = 0;
    for (int64_t r = 0; r < rows; r++) {
        uint64_t base = (uint64_t)(row0 + r * row_step) * (uint64_t)global_cols +
                        (uint64_t)col0;
        for (int64_t c = 0; c < cols; c++) {
            uint64_t bits;
            memcpy(&bits, bytes + 8 * (r * stride + c), 8);
            sum += digest_element(base + (uint64_t)c, bits);
        }
    }
    return sum;
}
