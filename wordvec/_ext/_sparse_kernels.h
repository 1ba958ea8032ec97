/* The interface of _sparse_kernels.c (the SVD's sparse operations); included by the C file itself and by
 * its Cython binding, so that the compiler checks both against these prototypes. */
#ifndef WORDVEC_SPARSE_KERNELS_H
#define WORDVEC_SPARSE_KERNELS_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int wv_dispatch_clones(void);
int wv_cpu_features(void);
int wv_csr_gather(const int64_t *indptr, const int32_t *indices, const float *data, int64_t r0, int64_t r1, const float *xb, int64_t width, float *y, int64_t ldy, int accumulate);
int wv_csr_scatter(const int64_t *indptr, const int32_t *indices, const float *data, int64_t r0, int64_t r1, const float *yb, int64_t width, float *out, int64_t ldo);
int wv_half_native(void);
int wv_pack_half(const float *x, int64_t ldx, int64_t r0, int64_t r1, int64_t ncols, int64_t width, const float *scale, uint16_t *out);
void wv_column_absmax(const float *x, int64_t ldx, int64_t r0, int64_t r1, int64_t ncols, float *out);
int wv_gather_half(const int64_t *indptr, const int32_t *indices, const float *data, int64_t r0, int64_t r1, const uint16_t *xh, int64_t width, float *y, int64_t ldy, int accumulate);
void wv_sign_sketch(int64_t n_tiles, const int64_t *const *indptrs, const int32_t *const *indices, const float *const *datas, const int64_t *offsets, int64_t r0, int64_t r1, const int32_t *codes, int z, int64_t k, float *y, int64_t ldy);
void wv_join_tiles(int64_t n_tiles, const int64_t *const *indptrs, const int32_t *const *indices, const float *const *datas, const int64_t *offsets, int64_t r0, int64_t r1, const int64_t *indptr, int32_t *cols, float *vals);
void wv_transpose_part(const int64_t *indptr, const int32_t *cols, const float *vals, int64_t r0, int64_t r1, int64_t col_offset, int64_t *pos, int32_t *tcols, float *tvals);
void wv_column_counts(const int64_t *indptr, const int32_t *cols, int64_t r0, int64_t r1, int64_t *counts);
void wv_transpose_rows(const int64_t *indptr, const int32_t *cols, const double *vals, double scale, int64_t r0, int64_t r1, int64_t *pos, int32_t *tcols, float *tvals);
int64_t wv_add_transposed(const int64_t *indptr, const int32_t *cols, const double *vals, double scale, const int64_t *tptr, const int32_t *tcols, const float *tvals, int64_t r0, int64_t r1, int64_t *out_indptr, int32_t *out_cols, float *out_vals);
void wv_tile_counts(const int64_t *indptr, const int32_t *cols, int64_t r0, int64_t r1, const int64_t *cuts, int n_tiles, int64_t *const *tile_indptr);
void wv_tile_copy(const int64_t *indptr, const int32_t *cols, const float *vals, int64_t r0, int64_t r1, const int64_t *cuts, int n_tiles, const int64_t *const *tile_indptr, int32_t *const *tile_cols, float *const *tile_vals);

#endif
