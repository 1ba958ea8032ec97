# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Bindings of ``_tokenize_kernels.c``: the default tokenizer's ASCII path and its hash
table of token types.  Types, dtypes and contiguity are checked by the typed memoryviews
on entry; offsets into the texts by :mod:`wordvec._ext._kernels`, which calls these.  The GIL
is released around every call."""

from libc.stdint cimport int32_t, int64_t, uint8_t


cdef extern from "_tokenize_kernels.h" nogil:
    void wv_types_free(void *handle)
    void *wv_types_new()
    int64_t wv_types_count(void *handle)
    int64_t wv_types_copy(void *handle, int64_t lo, int64_t hi, char *out, int64_t *offsets)
    int64_t wv_types_gather(void *handle, const int64_t *ids, int64_t n, char *out,
                            int64_t *ends)
    int wv_types_intern(void *handle, const uint8_t *blob, const int64_t *ends, int64_t n,
                        int32_t *out)
    int64_t wv_nonascii_pieces(const uint8_t *text, int64_t n, int64_t *bounds, int64_t cap)
    int64_t wv_tokenize_ids(void *handle, const uint8_t *text, const int64_t *doc_ends,
                            int64_t n_docs, const uint8_t *side, const int64_t *side_ends,
                            const int64_t *side_count, int64_t n_side_pieces, int numbers,
                            int32_t *out, int64_t out_cap, int64_t *n_tokens)


cdef class Types:
    """The C hash table of token types (UTF-8 bytes to int32 ids in first-seen order),
    freed with the object.  Calls on one table must not overlap (the Python side gives
    each worker its own)."""
    cdef void *handle

    def __cinit__(self):
        self.handle = wv_types_new()
        if self.handle == NULL:
            raise MemoryError("no memory for the kernels' table of token types")

    def __dealloc__(self):
        if self.handle != NULL:
            wv_types_free(self.handle)
            self.handle = NULL

    def __len__(self):
        return wv_types_count(self.handle)

    def copy_size(self, int64_t lo, int64_t hi):
        return wv_types_copy(self.handle, lo, hi, NULL, NULL)

    def copy(self, int64_t lo, int64_t hi, uint8_t[::1] out, int64_t[::1] offsets):
        cdef int64_t size
        if offsets.shape[0] < hi - lo + 1 or out.shape[0] < self.copy_size(lo, hi):
            raise ValueError("types_copy: output arrays too small")
        with nogil:
            size = wv_types_copy(self.handle, lo, hi, <char *>&out[0], &offsets[0])
        return size

    def gather_size(self, const int64_t[::1] ids):
        cdef int64_t size
        with nogil:
            size = wv_types_gather(self.handle, &ids[0], ids.shape[0], NULL, NULL)
        return size

    def gather(self, const int64_t[::1] ids, uint8_t[::1] out, int64_t[::1] ends):
        cdef int64_t size
        if ends.shape[0] < ids.shape[0] or out.shape[0] < self.gather_size(ids):
            raise ValueError("types_gather: output arrays too small")
        with nogil:
            size = wv_types_gather(self.handle, &ids[0], ids.shape[0], <char *>&out[0],
                                   &ends[0])
        return size

    def intern(self, const uint8_t[::1] blob, const int64_t[::1] ends, int32_t[::1] out):
        cdef int rc
        if out.shape[0] < ends.shape[0]:
            raise ValueError("types_intern: out too small")
        with nogil:
            rc = wv_types_intern(self.handle, &blob[0], &ends[0], ends.shape[0], &out[0])
        return rc

    def tokenize_ids(self, const uint8_t[::1] text, const int64_t[::1] doc_ends,
                     const uint8_t[::1] side, const int64_t[::1] side_ends,
                     const int64_t[::1] side_count, int numbers, int32_t[::1] out):
        cdef int64_t k, n_tokens = 0
        with nogil:
            k = wv_tokenize_ids(self.handle, &text[0], &doc_ends[0], doc_ends.shape[0],
                                &side[0], &side_ends[0], &side_count[0],
                                side_count.shape[0], numbers, &out[0], out.shape[0],
                                &n_tokens)
        return k, n_tokens


def nonascii_pieces(const uint8_t[::1] text, int64_t[:, ::1] bounds):
    cdef int64_t k
    if bounds.shape[1] != 2:
        raise ValueError("bounds must be (cap, 2)")
    with nogil:
        k = wv_nonascii_pieces(&text[0], text.shape[0], &bounds[0, 0], bounds.shape[0])
    return k
