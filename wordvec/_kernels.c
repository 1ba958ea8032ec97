/* Sparse (CSR, float32) times dense (float32) kernels for the randomized SVD, and a
 * radix sort of the co-occurrence counter's int64 pair keys.
 *
 * Compiled on first use by wordvec/_kernels.py and called through ctypes (which
 * releases the GIL, so Python threads run them in parallel).  The dense operand is a
 * packed column block: an (n x width) row-major array, width = 8 * M, M = 1..8.  The
 * accumulators of one output row are M 8-float vectors held in registers.  With
 * GCC/Clang on x86-64 the exported functions are compiled twice, for x86-64-v3
 * (AVX2 + FMA) and the baseline, and the loader picks one by the CPU (target_clones).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
/* Helpers are inlined into each clone below, so they are compiled for its instruction set. */
#define ALWAYS_INLINE __attribute__((always_inline))

static inline ALWAYS_INLINE v8 load8(const float *p) { v8 v; memcpy(&v, p, sizeof v); return v; }
static inline ALWAYS_INLINE void store8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

#if defined(__x86_64__) && defined(__GNUC__) && !defined(WORDVEC_NO_CLONES)
#define DISPATCH __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define DISPATCH
#endif

/* y[r, 0:8M] (+)= sum_p data[p] * xb[indices[p], 0:8M] for rows r0 <= r < r1.
 * Two sets of accumulators (even and odd non-zeros) halve the FMA dependency chains. */
#define GATHER(M)                                                                    \
static inline ALWAYS_INLINE void gather_##M(const int64_t *indptr, const int32_t *indices,         \
                              const float *data, int64_t r0, int64_t r1,             \
                              const float *xb, float *y, int64_t ldy, int accumulate) \
{                                                                                    \
    for (int64_t r = r0; r < r1; r++) {                                              \
        v8 a[M], b[M];                                                               \
        for (int q = 0; q < M; q++) { a[q] = (v8){0}; b[q] = (v8){0}; }              \
        int64_t p = indptr[r], end = indptr[r + 1];                                  \
        for (; p + 1 < end; p += 2) {                                                \
            const float *x0 = xb + (int64_t)indices[p] * (8 * M);                    \
            const float *x1 = xb + (int64_t)indices[p + 1] * (8 * M);                \
            float d0 = data[p], d1 = data[p + 1];                                    \
            for (int q = 0; q < M; q++) {                                            \
                a[q] += d0 * load8(x0 + 8 * q);                                      \
                b[q] += d1 * load8(x1 + 8 * q);                                      \
            }                                                                        \
        }                                                                            \
        if (p < end) {                                                               \
            const float *x0 = xb + (int64_t)indices[p] * (8 * M);                    \
            float d0 = data[p];                                                      \
            for (int q = 0; q < M; q++) a[q] += d0 * load8(x0 + 8 * q);              \
        }                                                                            \
        float *yr = y + (r - r0) * ldy;                                              \
        for (int q = 0; q < M; q++) {                                                \
            v8 s = a[q] + b[q];                                                      \
            if (accumulate) s += load8(yr + 8 * q);                                  \
            store8(yr + 8 * q, s);                                                   \
        }                                                                            \
    }                                                                                \
}

/* out[indices[p] * ldo, 0:8M] += data[p] * yb[r - r0, 0:8M] for rows r0 <= r < r1. */
#define SCATTER(M)                                                                   \
static inline ALWAYS_INLINE void scatter_##M(const int64_t *indptr, const int32_t *indices,        \
                               const float *data, int64_t r0, int64_t r1,            \
                               const float *yb, float *out, int64_t ldo)             \
{                                                                                    \
    for (int64_t r = r0; r < r1; r++) {                                              \
        int64_t p = indptr[r], end = indptr[r + 1];                                  \
        if (p == end) continue;                                                      \
        v8 a[M];                                                                     \
        for (int q = 0; q < M; q++) a[q] = load8(yb + (r - r0) * (8 * M) + 8 * q);   \
        for (; p < end; p++) {                                                       \
            float *o = out + (int64_t)indices[p] * ldo;                          \
            float d = data[p];                                                       \
            for (int q = 0; q < M; q++) store8(o + 8 * q, load8(o + 8 * q) + d * a[q]); \
        }                                                                            \
    }                                                                                \
}

GATHER(1) GATHER(2) GATHER(3) GATHER(4) GATHER(5) GATHER(6) GATHER(7) GATHER(8)
SCATTER(1) SCATTER(2) SCATTER(3) SCATTER(4) SCATTER(5) SCATTER(6) SCATTER(7) SCATTER(8)

/* Rows r0..r1 of A @ xb into y (row r goes to y + (r - r0) * ldy).  Returns 0, or -1
 * for a width that is not 8, 16, ..., 64. */
DISPATCH int wv_csr_gather(const int64_t *indptr, const int32_t *indices, const float *data,
                           int64_t r0, int64_t r1, const float *xb, int64_t width,
                           float *y, int64_t ldy, int accumulate)
{
    switch (width) {
#define CASE(M) case 8 * M: gather_##M(indptr, indices, data, r0, r1, xb, y, ldy, accumulate); return 0;
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
#undef CASE
    }
    return -1;
}

/* out += A[r0:r1].T @ yb, with yb holding rows r0..r1 (packed, width columns) and out
 * the columns of A (row c at out + c * ldo).  Returns 0, or -1 for a bad width. */
DISPATCH int wv_csr_scatter(const int64_t *indptr, const int32_t *indices, const float *data,
                            int64_t r0, int64_t r1, const float *yb, int64_t width,
                            float *out, int64_t ldo)
{
    switch (width) {
#define CASE(M) case 8 * M: scatter_##M(indptr, indices, data, r0, r1, yb, out, ldo); return 0;
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
#undef CASE
    }
    return -1;
}

/* Sorts n keys 0 <= key < 2**bits in place: LSD radix sort, 11-bit digits (a 16 KB
 * histogram per digit), all histograms in one first pass, passes whose digit is the same
 * for every key skipped.  tmp holds n keys.  Returns 0, or -1 for bits outside 1..63
 * or no memory for the histograms. */
int wv_radix_sort_i64(int64_t *keys, int64_t *tmp, int64_t n, int bits)
{
    enum { D = 11, B = 1 << D };
    if (bits < 1 || bits > 63) return -1;
    if (n < 2) return 0;
    int passes = (bits + D - 1) / D;
    int64_t *hist = calloc((size_t)passes * B, sizeof(int64_t));
    if (hist == NULL) return -1;
    for (int64_t i = 0; i < n; i++) {
        uint64_t k = (uint64_t)keys[i];
        for (int p = 0; p < passes; p++) hist[p * B + ((k >> (p * D)) & (B - 1))]++;
    }
    int64_t *src = keys, *dst = tmp;
    for (int p = 0; p < passes; p++) {
        int64_t *h = hist + p * B;
        int shift = p * D;
        if (h[((uint64_t)src[0] >> shift) & (B - 1)] == n) continue;  /* one digit value */
        int64_t at = 0;
        for (int d = 0; d < B; d++) { int64_t c = h[d]; h[d] = at; at += c; }
        for (int64_t i = 0; i < n; i++) {
            int64_t k = src[i];
            dst[h[((uint64_t)k >> shift) & (B - 1)]++] = k;
        }
        int64_t *t = src; src = dst; dst = t;
    }
    if (src != keys) memcpy(keys, src, (size_t)n * sizeof(int64_t));
    free(hist);
    return 0;
}

/* The version of this file's interface, checked by the loader. */
int wv_kernels_version(void) { return 3; }
