# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Bindings of ``_sparse_kernels.c``: the SVD's sparse products, sketches, tiles and
transposes.  Each argument's type, dtype and contiguity are checked by the typed
memoryviews on entry (a wrong one is a ``ValueError``/``TypeError`` here, not memory
overwritten); the ranges the C trusts are checked by :mod:`wordvec._ext._kernels`, which calls
these.  The GIL is released around every call.  Offsets (``x_row``, ``row``, ``col``)
select where in a 2-d array a kernel starts, as the C takes it."""

from libc.stdint cimport int32_t, int64_t, uint16_t
from libc.stdlib cimport free, malloc


cdef extern from "_sparse_kernels.h" nogil:
    int wv_dispatch_clones()
    int wv_cpu_features()
    int wv_csr_gather(const int64_t *indptr, const int32_t *indices, const float *data,
                      int64_t r0, int64_t r1, const float *xb, int64_t width, float *y,
                      int64_t ldy, int accumulate)
    int wv_csr_scatter(const int64_t *indptr, const int32_t *indices, const float *data,
                       int64_t r0, int64_t r1, const float *yb, int64_t width, float *out,
                       int64_t ldo)
    int wv_half_native()
    int wv_pack_half(const float *x, int64_t ldx, int64_t r0, int64_t r1, int64_t ncols,
                     int64_t width, const float *scale, uint16_t *out)
    void wv_column_absmax(const float *x, int64_t ldx, int64_t r0, int64_t r1,
                          int64_t ncols, float *out)
    int wv_gather_half(const int64_t *indptr, const int32_t *indices, const float *data,
                       int64_t r0, int64_t r1, const uint16_t *xh, int64_t width, float *y,
                       int64_t ldy, int accumulate)
    void wv_sign_sketch(int64_t n_tiles, const int64_t *const *indptrs,
                        const int32_t *const *indices, const float *const *datas,
                        const int64_t *offsets, int64_t r0, int64_t r1,
                        const int32_t *codes, int z, int64_t k, float *y, int64_t ldy)
    void wv_join_tiles(int64_t n_tiles, const int64_t *const *indptrs,
                       const int32_t *const *indices, const float *const *datas,
                       const int64_t *offsets, int64_t r0, int64_t r1,
                       const int64_t *indptr, int32_t *cols, float *vals)
    void wv_transpose_part(const int64_t *indptr, const int32_t *cols, const float *vals,
                           int64_t r0, int64_t r1, int64_t col_offset, int64_t *pos,
                           int32_t *tcols, float *tvals)
    void wv_column_counts(const int64_t *indptr, const int32_t *cols, int64_t r0,
                          int64_t r1, int64_t *counts)
    void wv_transpose_rows(const int64_t *indptr, const int32_t *cols, const double *vals,
                           double scale, int64_t r0, int64_t r1, int64_t *pos,
                           int32_t *tcols, float *tvals)
    int64_t wv_add_transposed(const int64_t *indptr, const int32_t *cols,
                              const double *vals, double scale, const int64_t *tptr,
                              const int32_t *tcols, const float *tvals, int64_t r0,
                              int64_t r1, int64_t *out_indptr, int32_t *out_cols,
                              float *out_vals)
    void wv_tile_counts(const int64_t *indptr, const int32_t *cols, int64_t r0, int64_t r1,
                        const int64_t *cuts, int n_tiles, int64_t *const *tile_indptr)
    void wv_tile_copy(const int64_t *indptr, const int32_t *cols, const float *vals,
                      int64_t r0, int64_t r1, const int64_t *cuts, int n_tiles,
                      const int64_t *const *tile_indptr, int32_t *const *tile_cols,
                      float *const *tile_vals)


def cpu_features():
    """The CPU features the kernels choose their code by, and whether the products were
    compiled twice (x86-64-v3 and the baseline) for the loader to pick from."""
    bits = wv_cpu_features()
    return {"avx2": bool(bits & 1), "fma": bool(bits & 2), "f16c": bool(bits & 4),
            "clones": bool(wv_dispatch_clones()), "half": bool(wv_half_native())}


def half_native():
    return bool(wv_half_native())


def csr_gather(const int64_t[::1] indptr, const int32_t[::1] indices, const float[::1] data,
               int64_t r0, int64_t r1, const float[:, ::1] xb, int64_t x_row,
               float[:, ::1] y, int64_t row, int64_t col, bint accumulate):
    cdef int rc
    cdef int64_t w = xb.shape[1], ldy = y.shape[1]
    with nogil:
        rc = wv_csr_gather(&indptr[0], &indices[0], &data[0], r0, r1, &xb[0, 0] + x_row * w,
                           w, &y[0, 0] + row * ldy + col, ldy, accumulate)
    return rc


def csr_scatter(const int64_t[::1] indptr, const int32_t[::1] indices, const float[::1] data,
                int64_t r0, int64_t r1, const float[:, ::1] yb, float[:, ::1] out,
                int64_t row, int64_t col):
    cdef int rc
    cdef int64_t ldo = out.shape[1]
    with nogil:
        rc = wv_csr_scatter(&indptr[0], &indices[0], &data[0], r0, r1, &yb[0, 0],
                            yb.shape[1], &out[0, 0] + row * ldo + col, ldo)
    return rc


def gather_half(const int64_t[::1] indptr, const int32_t[::1] indices,
                const float[::1] data, int64_t r0, int64_t r1, const uint16_t[:, ::1] xh,
                int64_t x_row, float[:, ::1] y, int64_t row, int64_t col, bint accumulate):
    cdef int rc
    cdef int64_t w = xh.shape[1], ldy = y.shape[1]
    with nogil:
        rc = wv_gather_half(&indptr[0], &indices[0], &data[0], r0, r1, &xh[0, 0] + x_row * w,
                            w, &y[0, 0] + row * ldy + col, ldy, accumulate)
    return rc


def pack_half(const float[:, ::1] x, int64_t start, int64_t r0, int64_t r1, int64_t ncols,
              const float[::1] scale, uint16_t[:, ::1] out):
    cdef int rc
    cdef int64_t width = out.shape[1]
    with nogil:
        rc = wv_pack_half(&x[0, 0] + start, x.shape[1], r0, r1, ncols, width, &scale[0],
                          &out[0, 0] + r0 * width)
    return rc


def column_absmax(const float[:, ::1] x, int64_t r0, int64_t r1, float[::1] out):
    with nogil:
        wv_column_absmax(&x[0, 0], x.shape[1], r0, r1, x.shape[1], &out[0])


cdef class _Tiles:
    """The C arrays of pointers to the arrays of column tiles (held while it lives)."""
    cdef const int64_t **indptrs
    cdef const int32_t **indices
    cdef const float **datas
    cdef int64_t n
    cdef object keep

    def __cinit__(self, list indptrs, list indices, list datas):
        cdef int64_t i
        cdef const int64_t[::1] p
        cdef const int32_t[::1] c
        cdef const float[::1] v
        self.n = len(indptrs)
        if len(indices) != self.n or len(datas) != self.n:
            raise ValueError("as many indptr, indices and data arrays as tiles")
        self.keep = (indptrs, indices, datas)
        self.indptrs = <const int64_t **>malloc(max(self.n, 1) * sizeof(int64_t *))
        self.indices = <const int32_t **>malloc(max(self.n, 1) * sizeof(int32_t *))
        self.datas = <const float **>malloc(max(self.n, 1) * sizeof(float *))
        if not (self.indptrs and self.indices and self.datas):
            raise MemoryError()
        for i in range(self.n):
            p = indptrs[i]
            c = indices[i]
            v = datas[i]
            self.indptrs[i] = &p[0]
            self.indices[i] = &c[0]
            self.datas[i] = &v[0]

    def __dealloc__(self):
        free(self.indptrs)
        free(self.indices)
        free(self.datas)


def sign_sketch(list indptrs, list indices, list datas, const int64_t[::1] offsets,
                int64_t r0, int64_t r1, const int32_t[:, ::1] codes, int64_t k,
                float[:, ::1] y, int64_t row):
    cdef _Tiles t = _Tiles(indptrs, indices, datas)
    cdef int64_t ldy = y.shape[1]
    with nogil:
        wv_sign_sketch(t.n, t.indptrs, t.indices, t.datas, &offsets[0], r0, r1,
                       &codes[0, 0], <int>codes.shape[1], k, &y[0, 0] + row * ldy, ldy)


def join_tiles(list indptrs, list indices, list datas, const int64_t[::1] offsets,
               int64_t r0, int64_t r1, const int64_t[::1] indptr, int64_t at,
               int32_t[::1] cols, float[::1] vals):
    cdef _Tiles t = _Tiles(indptrs, indices, datas)
    with nogil:
        wv_join_tiles(t.n, t.indptrs, t.indices, t.datas, &offsets[0], r0, r1,
                      &indptr[0] + at, &cols[0], &vals[0])


def transpose_part(const int64_t[::1] indptr, const int32_t[::1] cols,
                   const float[::1] vals, int64_t r0, int64_t r1, int64_t col_offset,
                   int64_t[::1] pos, int32_t[::1] tcols, float[::1] tvals):
    with nogil:
        wv_transpose_part(&indptr[0], &cols[0], &vals[0], r0, r1, col_offset, &pos[0],
                          &tcols[0], &tvals[0])


def column_counts(const int64_t[::1] indptr, const int32_t[::1] cols, int64_t r0,
                  int64_t r1, int64_t[::1] counts, int64_t at):
    with nogil:
        wv_column_counts(&indptr[0], &cols[0], r0, r1, &counts[0] + at)


def transpose_rows(const int64_t[::1] indptr, const int32_t[::1] cols,
                   const double[::1] vals, double scale, int64_t r0, int64_t r1,
                   int64_t[::1] pos, int32_t[::1] tcols, float[::1] tvals):
    with nogil:
        wv_transpose_rows(&indptr[0], &cols[0], &vals[0], scale, r0, r1, &pos[0],
                          &tcols[0], &tvals[0])


def add_transposed(const int64_t[::1] indptr, const int32_t[::1] cols,
                   const double[::1] vals, double scale, const int64_t[::1] tptr,
                   const int32_t[::1] tcols, const float[::1] tvals, int64_t r0, int64_t r1,
                   int64_t[::1] out_indptr, int32_t[::1] out_cols, float[::1] out_vals,
                   int64_t at):
    cdef int64_t k
    with nogil:
        k = wv_add_transposed(&indptr[0], &cols[0], &vals[0], scale, &tptr[0], &tcols[0],
                              &tvals[0], r0, r1, &out_indptr[0], &out_cols[0] + at,
                              &out_vals[0] + at)
    return k


cdef class _Columns:
    """The C arrays of pointers to the tiles' new arrays, for :func:`tile_counts` and
    :func:`tile_copy` (held while it lives)."""
    cdef int64_t **ptrs
    cdef int32_t **cols
    cdef float **vals
    cdef object keep

    def __cinit__(self, list ptrs, list cols, list vals):
        cdef Py_ssize_t i, n = len(ptrs)
        cdef int64_t[::1] p
        cdef int32_t[::1] c
        cdef float[::1] v
        self.keep = (ptrs, cols, vals)
        self.ptrs = <int64_t **>malloc(max(n, 1) * sizeof(int64_t *))
        self.cols = <int32_t **>malloc(max(n, 1) * sizeof(int32_t *))
        self.vals = <float **>malloc(max(n, 1) * sizeof(float *))
        if not (self.ptrs and self.cols and self.vals):
            raise MemoryError()
        for i in range(n):
            p = ptrs[i]
            self.ptrs[i] = &p[0]
            if cols:
                c = cols[i]
                v = vals[i]
                self.cols[i] = &c[0]
                self.vals[i] = &v[0]

    def __dealloc__(self):
        free(self.ptrs)
        free(self.cols)
        free(self.vals)


def tile_counts(const int64_t[::1] indptr, const int32_t[::1] cols, int64_t r0, int64_t r1,
                const int64_t[::1] cuts, list ptrs):
    if len(ptrs) != cuts.shape[0] - 1:
        raise ValueError("one row pointer array per tile")
    cdef _Columns t = _Columns(ptrs, [], [])
    with nogil:
        wv_tile_counts(&indptr[0], &cols[0], r0, r1, &cuts[0], <int>(cuts.shape[0] - 1),
                       t.ptrs)


def tile_copy(const int64_t[::1] indptr, const int32_t[::1] cols, const float[::1] vals,
              int64_t r0, int64_t r1, const int64_t[::1] cuts, list ptrs, list tile_cols,
              list tile_vals):
    if not len(ptrs) == len(tile_cols) == len(tile_vals) == cuts.shape[0] - 1:
        raise ValueError("one row pointer, column and value array per tile")
    cdef _Columns t = _Columns(ptrs, tile_cols, tile_vals)
    with nogil:
        wv_tile_copy(&indptr[0], &cols[0], &vals[0], r0, r1, &cuts[0],
                     <int>(cuts.shape[0] - 1), <const int64_t *const *>t.ptrs, t.cols,
                     t.vals)
