/* The interface of _count_kernels.c (the counting kernels); included by the C file itself and by
 * its Cython binding, so that the compiler checks both against these prototypes. */
#ifndef WORDVEC_COUNT_KERNELS_H
#define WORDVEC_COUNT_KERNELS_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int wv_radix_sort_i64(int64_t *keys, int64_t *tmp, int64_t n, int bits);
int64_t wv_remap_ids(int32_t *x, int64_t n, const int32_t *lut, int64_t n_lut, int32_t dropped);
int64_t wv_subsample_ids(int32_t *x, int64_t n, const float *rand, const float *keep, int mode, int32_t hole, int64_t *kept);
int wv_count_ids(const int32_t *x, int64_t n, int64_t *counts, int64_t n_counts);
int64_t wv_count_pair_keys(const int32_t *x, int64_t n, int64_t p, int window);
int64_t wv_count_pairs(const int32_t *x, int64_t n, int64_t p, int window, int64_t V, const double *weights, int dbits, int key_bits, int64_t m, int64_t *keys, int64_t *tmp, int64_t *indptr, int32_t *cols, double *vals);
int64_t wv_merge_rows(int k, const int64_t *const *indptr, const int32_t *const *cols, const double *const *vals, int64_t n_cols, int64_t r0, int64_t r1, int64_t *out_indptr, int32_t *out_cols, double *out_vals);

#endif
