# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Bindings of ``_count_kernels.c``: pair keys formed, radix-sorted and summed into CSR,
the id stream's remapping, subsampling and counts, and the row-wise merge of partial
counts.  Types, dtypes and contiguity are checked by the typed memoryviews on entry; the
ranges the C trusts by :mod:`wordvec._ext._kernels`, which calls these.  The GIL is released
around every call."""

from libc.stdint cimport int32_t, int64_t
from libc.stdlib cimport free, malloc


cdef extern from "_count_kernels.h" nogil:
    int wv_radix_sort_i64(int64_t *keys, int64_t *tmp, int64_t n, int bits)
    int64_t wv_remap_ids(int32_t *x, int64_t n, const int32_t *lut, int64_t n_lut,
                         int32_t dropped)
    int64_t wv_subsample_ids(int32_t *x, int64_t n, const float *rand, const float *keep,
                             int mode, int32_t hole, int64_t *kept)
    int wv_count_ids(const int32_t *x, int64_t n, int64_t *counts, int64_t n_counts)
    int64_t wv_count_pair_keys(const int32_t *x, int64_t n, int64_t p, int window)
    int64_t wv_count_pairs(const int32_t *x, int64_t n, int64_t p, int window, int64_t V,
                           const double *weights, int dbits, int key_bits, int64_t m,
                           int64_t *keys, int64_t *tmp, int64_t *indptr, int32_t *cols,
                           double *vals)
    int64_t wv_merge_rows(int k, const int64_t *const *indptr, const int32_t *const *cols,
                          const double *const *vals, int64_t n_cols, int64_t r0, int64_t r1,
                          int64_t *out_indptr, int32_t *out_cols, double *out_vals)


def radix_sort(int64_t[::1] keys, int64_t[::1] tmp, int bits):
    cdef int rc
    if tmp.shape[0] < keys.shape[0]:
        raise ValueError("tmp must hold as many keys as keys")
    with nogil:
        rc = wv_radix_sort_i64(&keys[0], &tmp[0], keys.shape[0], bits)
    return rc


def remap_ids(int32_t[::1] x, const int32_t[::1] lut, int32_t dropped):
    cdef int64_t k
    with nogil:
        k = wv_remap_ids(&x[0], x.shape[0], &lut[0], lut.shape[0], dropped)
    return k


def subsample_ids(int32_t[::1] x, const float[::1] rand, const float[::1] keep, bint clean,
                  int32_t hole):
    cdef int64_t k, kept = 0
    if rand.shape[0] < x.shape[0]:
        raise ValueError("rand must hold a number per id")
    with nogil:
        k = wv_subsample_ids(&x[0], x.shape[0], &rand[0], &keep[0], clean, hole, &kept)
    return k, kept


def count_ids(const int32_t[::1] x, int64_t[::1] counts):
    cdef int rc
    with nogil:
        rc = wv_count_ids(&x[0], x.shape[0], &counts[0], counts.shape[0])
    return rc


def count_pair_keys(const int32_t[::1] x, int64_t p, int window):
    cdef int64_t m
    with nogil:
        m = wv_count_pair_keys(&x[0], x.shape[0], p, window)
    return m


def count_pairs(const int32_t[::1] x, int64_t p, int window, int64_t vocab_size,
                const double[::1] weights, int dbits, int key_bits, int64_t m,
                int64_t[::1] keys, int64_t[::1] tmp, int64_t[::1] indptr, int32_t[::1] cols,
                double[::1] vals):
    cdef int64_t u
    if min(keys.shape[0], tmp.shape[0], cols.shape[0], vals.shape[0]) < m \
            or indptr.shape[0] < vocab_size + 1:
        raise ValueError("count_pairs: output arrays too small")
    with nogil:
        u = wv_count_pairs(&x[0], x.shape[0], p, window, vocab_size, &weights[0], dbits,
                           key_bits, m, &keys[0], &tmp[0], &indptr[0], &cols[0], &vals[0])
    return u


def merge_rows(list indptrs, list cols, list vals, int64_t n_cols, int64_t r0, int64_t r1,
               int64_t[::1] out_indptr, int32_t[::1] out_cols, double[::1] out_vals,
               int64_t at):
    cdef Py_ssize_t i, k = len(indptrs)
    cdef const int64_t[::1] p
    cdef const int32_t[::1] c
    cdef const double[::1] v
    cdef int64_t n = 0
    if len(cols) != k or len(vals) != k:
        raise ValueError("as many indptr, cols and vals arrays as parts")
    cdef const int64_t **pp = <const int64_t **>malloc(max(k, 1) * sizeof(int64_t *))
    cdef const int32_t **cp = <const int32_t **>malloc(max(k, 1) * sizeof(int32_t *))
    cdef const double **vp = <const double **>malloc(max(k, 1) * sizeof(double *))
    try:
        if not (pp and cp and vp):
            raise MemoryError()
        for i in range(k):
            p = indptrs[i]
            c = cols[i]
            v = vals[i]
            pp[i] = &p[0]
            cp[i] = &c[0]
            vp[i] = &v[0]
        with nogil:
            n = wv_merge_rows(<int>k, pp, cp, vp, n_cols, r0, r1, &out_indptr[0],
                              &out_cols[0] + at, &out_vals[0] + at)
    finally:
        free(pp)
        free(cp)
        free(vp)
    return n
