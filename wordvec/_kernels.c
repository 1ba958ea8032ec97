/* Sparse (CSR, float32) times dense (float32) kernels for the randomized SVD, the
 * co-occurrence counter's pairs (formed, radix-sorted, weighted and merged), and the
 * default tokenizer's
 * ASCII path with a hash table of token types (ids in first-seen order).
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

/* The products are bound by fetching the dense operand's rows (one per non-zero, from
 * L2 or L3): the row PREFETCH_AHEAD non-zeros ahead is requested early (measured on the
 * wiki sample: 20 % less time than without, and than 8 or 32 ahead). */
#define PREFETCH_AHEAD 16
#define PREFETCH_ROW(ptr, nbytes) do {                                               \
        const char *f_ = (const char *)(ptr);                                       \
        for (int l_ = 0; l_ < (nbytes); l_ += 64) __builtin_prefetch(f_ + l_);      \
        __builtin_prefetch(f_ + (nbytes) - 1);                                      \
    } while (0)

/* y[r, 0:8M] (+)= sum_p data[p] * xb[indices[p], 0:8M] for rows r0 <= r < r1, the sum
 * in order of p (one set of M accumulators: two sets spilled registers at M = 8). */
#define GATHER(M)                                                                    \
static inline ALWAYS_INLINE void gather_##M(const int64_t *indptr, const int32_t *indices,         \
                              const float *data, int64_t r0, int64_t r1,             \
                              const float *xb, float *y, int64_t ldy, int accumulate) \
{                                                                                    \
    const int64_t last = indptr[r1];                                                 \
    for (int64_t r = r0; r < r1; r++) {                                              \
        v8 a[M];                                                                     \
        for (int q = 0; q < M; q++) a[q] = (v8){0};                                  \
        for (int64_t p = indptr[r], end = indptr[r + 1]; p < end; p++) {             \
            if (p + PREFETCH_AHEAD < last)                                           \
                PREFETCH_ROW(xb + (int64_t)indices[p + PREFETCH_AHEAD] * (8 * M), 32 * M); \
            const float *x0 = xb + (int64_t)indices[p] * (8 * M);                    \
            float d0 = data[p];                                                      \
            for (int q = 0; q < M; q++) a[q] += d0 * load8(x0 + 8 * q);              \
        }                                                                            \
        float *yr = y + (r - r0) * ldy;                                              \
        for (int q = 0; q < M; q++) {                                                \
            v8 s = a[q];                                                             \
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

/* ---- The dense operand in IEEE half precision (x86-64 with AVX2, FMA and F16C) ----
 *
 * The range finder's products only have to find a subspace: wordvec.reduce rounds their
 * dense operand to half precision (each column scaled by a power of two to at most 1
 * first) and accumulates in float32.  Half the bytes per row of the operand to fetch:
 * ~1.8x faster products on the wiki sample.  wv_pack_half rounds (round to nearest even,
 * as NumPy's astype(float16)); wv_gather_half is gather with the rows converted back,
 * exactly, in registers: with FMA it gives the float32 gather's sums of the rounded
 * operand, bit for bit.  Elsewhere wv_half_native() is 0 and the steps stay float32. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(WORDVEC_NO_CLONES)
#include <immintrin.h>
#define HAVE_HALF 1
#define HALF_TARGET __attribute__((target("avx2,fma,f16c")))

#define HGATHER(M)                                                                   \
static inline ALWAYS_INLINE HALF_TARGET void hgather_##M(                            \
    const int64_t *indptr, const int32_t *indices, const float *data, int64_t r0,    \
    int64_t r1, const uint16_t *xh, float *y, int64_t ldy, int accumulate)           \
{                                                                                    \
    const int64_t last = indptr[r1];                                                 \
    for (int64_t r = r0; r < r1; r++) {                                              \
        __m256 a[M];                                                                 \
        for (int q = 0; q < M; q++) a[q] = _mm256_setzero_ps();                      \
        for (int64_t p = indptr[r], end = indptr[r + 1]; p < end; p++) {             \
            if (p + PREFETCH_AHEAD < last)                                           \
                PREFETCH_ROW(xh + (int64_t)indices[p + PREFETCH_AHEAD] * (8 * M), 16 * M); \
            const uint16_t *x0 = xh + (int64_t)indices[p] * (8 * M);                 \
            __m256 d0 = _mm256_set1_ps(data[p]);                                     \
            for (int q = 0; q < M; q++)                                              \
                a[q] = _mm256_fmadd_ps(d0, _mm256_cvtph_ps(                          \
                    _mm_loadu_si128((const __m128i *)(x0 + 8 * q))), a[q]);          \
        }                                                                            \
        float *yr = y + (r - r0) * ldy;                                              \
        for (int q = 0; q < M; q++) {                                                \
            __m256 s = a[q];                                                         \
            if (accumulate) s = _mm256_add_ps(s, _mm256_loadu_ps(yr + 8 * q));       \
            _mm256_storeu_ps(yr + 8 * q, s);                                         \
        }                                                                            \
    }                                                                                \
}
HGATHER(1) HGATHER(2) HGATHER(3) HGATHER(4) HGATHER(5) HGATHER(6) HGATHER(7) HGATHER(8)
#endif

int wv_half_native(void)
{
#ifdef HAVE_HALF
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
        && __builtin_cpu_supports("f16c");
#else
    return 0;
#endif
}

/* out[r - r0, c] = half(x[r, c] * scale[c]) for c < ncols, 0 for ncols <= c < width (a
 * multiple of 8), rows r0..r1-1 of the row-major x (ldx floats per row).  Returns 0, or
 * -2 where the half kernels are not built (call only where wv_half_native() is 1). */
#ifdef HAVE_HALF
HALF_TARGET
#endif
int wv_pack_half(const float *x, int64_t ldx, int64_t r0, int64_t r1, int64_t ncols,
                 int64_t width, const float *scale, uint16_t *out)
{
#ifdef HAVE_HALF
    for (int64_t r = r0; r < r1; r++) {
        const float *xr = x + r * ldx;
        uint16_t *o = out + (r - r0) * width;
        int64_t c = 0;
        for (; c + 8 <= ncols; c += 8) {
            __m256 v = _mm256_mul_ps(_mm256_loadu_ps(xr + c), _mm256_loadu_ps(scale + c));
            _mm_storeu_si128((__m128i *)(o + c), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
        }
        for (; c < width; c += 8) {
            float tmp[8] = {0};
            for (int64_t j = c; j < ncols && j < c + 8; j++) tmp[j - c] = xr[j] * scale[j];
            _mm_storeu_si128((__m128i *)(o + c),
                             _mm256_cvtps_ph(_mm256_loadu_ps(tmp), _MM_FROUND_TO_NEAREST_INT));
        }
    }
    return 0;
#else
    (void)x; (void)ldx; (void)r0; (void)r1; (void)ncols; (void)width; (void)scale; (void)out;
    return -2;
#endif
}

/* out[c] = max |x[r, c]| over rows r0..r1-1 of the row-major x (ldx floats per row), for
 * c < ncols; NaN where the column has a NaN (the half scales then leave it alone).  out
 * holds its starting values (0 for a fresh pass). */
DISPATCH void wv_column_absmax(const float *x, int64_t ldx, int64_t r0, int64_t r1,
                               int64_t ncols, float *out)
{
    for (int64_t r = r0; r < r1; r++) {
        const float *xr = x + r * ldx;
        for (int64_t c = 0; c < ncols; c++) {
            float v = xr[c] < 0 ? -xr[c] : xr[c];
            out[c] = (v > out[c] || v != v) ? v : out[c];
        }
    }
}

/* Rows r0..r1 of A @ xh (a packed half block, width columns) into y, as wv_csr_gather.
 * Returns 0, -1 for a bad width, -2 where the half kernels are not built. */
#ifdef HAVE_HALF
HALF_TARGET
#endif
int wv_gather_half(const int64_t *indptr, const int32_t *indices, const float *data,
                   int64_t r0, int64_t r1, const uint16_t *xh, int64_t width, float *y,
                   int64_t ldy, int accumulate)
{
#ifdef HAVE_HALF
    switch (width) {
#define CASE(M) case 8 * M: hgather_##M(indptr, indices, data, r0, r1, xh, y, ldy, accumulate); return 0;
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
#undef CASE
    }
    return -1;
#else
    (void)indptr; (void)indices; (void)data; (void)r0; (void)r1; (void)xh; (void)width;
    (void)y; (void)ldy; (void)accumulate;
    return -2;
#endif
}

/* Rows r0..r1-1 of A @ G, for A cut into n_tiles column tiles (tile t: indptrs[t],
 * indices[t] (local columns), datas[t], its first column at offsets[t]) and G the sparse
 * sign matrix with z non-zeros in each row c, codes[c * z + s] = 2 * column + (1 if the
 * sign is negative).  Row r goes to y + (r - r0) * ldy, its first k entries
 * overwritten.  z scalar updates per non-zero of A (the row of y stays in L1), against
 * k multiply-adds for a dense G; G's row PREFETCH_AHEAD non-zeros ahead is requested
 * early (its rows are read in the order of A's columns, at random). */
void wv_sign_sketch(int64_t n_tiles, const int64_t *const *indptrs,
                    const int32_t *const *indices, const float *const *datas,
                    const int64_t *offsets, int64_t r0, int64_t r1, const int32_t *codes,
                    int z, int64_t k, float *y, int64_t ldy)
{
    for (int64_t r = r0; r < r1; r++) {
        float *yr = y + (r - r0) * ldy;
        memset(yr, 0, (size_t)k * sizeof(float));
        for (int64_t t = 0; t < n_tiles; t++) {
            const int32_t *ix = indices[t];
            const float *dv = datas[t];
            const int32_t *g = codes + offsets[t] * z;
            const int64_t end = indptrs[t][r + 1];
            for (int64_t p = indptrs[t][r]; p < end; p++) {
                if (p + PREFETCH_AHEAD < end)
                    PREFETCH_ROW(g + (int64_t)ix[p + PREFETCH_AHEAD] * z, 4 * z);
                const int32_t *gc = g + (int64_t)ix[p] * z;
                float d = dv[p];
                for (int s = 0; s < z; s++) yr[gc[s] >> 1] += (gc[s] & 1) ? -d : d;
            }
        }
    }
}

/* Rows r0..r1-1 of A, cut into n_tiles column tiles (as wv_sign_sketch), joined into one
 * full-width CSR: row r's entries (columns offsets[t] + local, tile after tile: sorted)
 * from position indptr[r - r0] on of cols and vals (indptr: r1 - r0 + 1 entries, from
 * the tiles' row counts). */
void wv_join_tiles(int64_t n_tiles, const int64_t *const *indptrs,
                   const int32_t *const *indices, const float *const *datas,
                   const int64_t *offsets, int64_t r0, int64_t r1, const int64_t *indptr,
                   int32_t *cols, float *vals)
{
    for (int64_t r = r0; r < r1; r++) {
        int64_t q = indptr[r - r0];
        for (int64_t t = 0; t < n_tiles; t++)
            for (int64_t p = indptrs[t][r]; p < indptrs[t][r + 1]; p++) {
                cols[q] = (int32_t)(offsets[t] + indices[t][p]);
                vals[q++] = datas[t][p];
            }
    }
}

/* Rows r0..r1-1 of a column tile of A (local columns, the tile's first column at
 * col_offset) into the transpose's tile of those rows: entry (r, c) goes to position
 * pos[c + col_offset] (then advanced) of tcols (r - r0) and tvals.  Rows visited in order:
 * the transpose's rows come out sorted. */
void wv_transpose_part(const int64_t *indptr, const int32_t *cols, const float *vals,
                       int64_t r0, int64_t r1, int64_t col_offset, int64_t *pos,
                       int32_t *tcols, float *tvals)
{
    for (int64_t r = r0; r < r1; r++)
        for (int64_t p = indptr[r]; p < indptr[r + 1]; p++) {
            int64_t q = pos[cols[p] + col_offset]++;
            tcols[q] = (int32_t)(r - r0);
            tvals[q] = vals[p];
        }
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

/* ---- Counting: the (word, context) pairs of a chunk of the id stream ----
 *
 * x[0:n] are word ids (>= 0), -1 (end of a document: no window crosses it) and other
 * negative ids (holes: not words, but they keep distances).  The pairs are
 * (x[j - d], x[j]) for 1 <= d <= window and p <= j < n (x[0:p] is the carry of the
 * previous chunk) with both words and no -1 between them.  Each is the key
 * ((x[j - d] * V + x[j]) << dbits) | (d - 1), sorted by the radix sort; a run of equal
 * keys counts weights[d - 1] per pair (weights[0] when dbits is 0), summed over d
 * into one value per (word, context) key x[j - d] * V + x[j].  The sums are of
 * integers in float64 (exact), in the order NumPy's reduceat would add them. */

/* The stored id stream to counting ids, in place: x[j] becomes lut[x[j]] (x[j] = -1,
 * the end of a document, stays -1) and ids that lut maps to `dropped` (out of the
 * vocabulary) are removed.  Returns the new length.  lut has n_lut entries; an id out of
 * range returns -1. */
int64_t wv_remap_ids(int32_t *x, int64_t n, const int32_t *lut, int64_t n_lut, int32_t dropped)
{
    int64_t k = 0;
    for (int64_t j = 0; j < n; j++) {
        int32_t v = x[j];
        if (v != -1) {
            if (v < 0 || v >= n_lut) return -1;
            v = lut[v];
            if (v == dropped) continue;
        }
        x[k++] = v;
    }
    return k;
}

/* word2vec's subsampling of x[0:n] in place: a word w (x[j] >= 0) goes when rand[j] >=
 * keep[w]; mode 0 removes it (dirty), mode 1 puts `hole` in its place (clean).  Returns
 * the new length, and the number of words left in *kept. */
int64_t wv_subsample_ids(int32_t *x, int64_t n, const float *rand, const float *keep,
                         int mode, int32_t hole, int64_t *kept)
{
    int64_t k = 0, words = 0;
    for (int64_t j = 0; j < n; j++) {
        int32_t v = x[j];
        if (v >= 0 && rand[j] >= keep[v]) {
            if (mode == 0) continue;
            v = hole;
        }
        words += v >= 0;
        x[k++] = v;
    }
    *kept = words;
    return k;
}

/* counts[x[j]]++ for the words (x[j] >= 0) of x[0:n].  Returns 0, or -1 for an id
 * >= n_counts (then counts are partly updated). */
int wv_count_ids(const int32_t *x, int64_t n, int64_t *counts, int64_t n_counts)
{
    for (int64_t j = 0; j < n; j++) {
        int32_t v = x[j];
        if (v < 0) continue;
        if (v >= n_counts) return -1;
        counts[v]++;
    }
    return 0;
}

/* The number of pairs of x[0:n] (those of j >= p). */
int64_t wv_count_pair_keys(const int32_t *x, int64_t n, int64_t p, int window)
{
    int64_t total = 0, last_sep = -1;
    for (int64_t j = 0; j < n; j++) {
        int32_t b = x[j];
        if (b == -1) { last_sep = j; continue; }
        if (b < 0 || j < p) continue;
        for (int d = 1; d <= window && j - d > last_sep; d++)
            total += x[j - d] >= 0;
    }
    return total;
}

/* The pairs of x counted into CSR: row w of indptr (V + 1 entries), cols and vals holds
 * the contexts of word w in increasing order with their weighted counts.  keys and tmp
 * are scratch room for the m pairs (m from wv_count_pair_keys), reused by the caller
 * from chunk to chunk (fresh memory costs a page fault per 4 KB); cols and vals need
 * room for the distinct pairs (at most m).  Returns their number, or -1 when out of
 * memory. */
int64_t wv_count_pairs(const int32_t *x, int64_t n, int64_t p, int window, int64_t V,
                       const double *weights, int dbits, int key_bits, int64_t m,
                       int64_t *keys, int64_t *tmp, int64_t *indptr, int32_t *cols,
                       double *vals)
{
    int64_t k = 0, last_sep = -1;
    for (int64_t j = 0; j < n && k < m; j++) {
        int32_t b = x[j];
        if (b == -1) { last_sep = j; continue; }
        if (b < 0 || j < p) continue;
        for (int d = 1; d <= window && j - d > last_sep && k < m; d++) {
            int32_t a = x[j - d];
            if (a >= 0) keys[k++] = (((int64_t)a * V + b) << dbits) | (dbits ? d - 1 : 0);
        }
    }
    m = k;
    if (m > 1 && wv_radix_sort_i64(keys, tmp, m, key_bits)) return -1;
    int64_t u = 0, mask = ((int64_t)1 << dbits) - 1, row = 0, row_end = V;
    indptr[0] = 0;
    for (int64_t i = 0; i < m;) {
        int64_t base = keys[i] >> dbits;
        double v = 0.0;
        while (i < m && (keys[i] >> dbits) == base) {
            int64_t key = keys[i], c = 0;
            while (i < m && keys[i] == key) { c++; i++; }
            v += (double)c * weights[dbits ? (key & mask) : 0];
        }
        while (base >= row_end) { indptr[++row] = u; row_end += V; }
        cols[u] = (int32_t)(base - (row_end - V));
        vals[u++] = v;
    }
    while (row < V) indptr[++row] = u;
    return u;
}

/* Rows r0..r1-1 of the sum of k n x n CSR matrices (indptr[i], cols[i], vals[i]: sorted
 * columns, float64 values) into out_indptr (r1 - r0 + 1 entries from 0), out_cols and
 * out_vals (room for all of their non-zeros in these rows).  A row held by one matrix
 * is copied; otherwise its values are added, in the order of the matrices, into a
 * dense accumulator (n doubles) while a bitmap marks the columns met, and the marked
 * columns are read back in order: sorted by insertion when they are few, else by
 * scanning the bitmap.  Returns the number of non-zeros, or -1 when out of memory. */
int64_t wv_merge_rows(int k, const int64_t *const *indptr, const int32_t *const *cols,
                      const double *const *vals, int64_t n_cols, int64_t r0, int64_t r1,
                      int64_t *out_indptr, int32_t *out_cols, double *out_vals)
{
    int64_t words = (n_cols + 63) / 64;
    double *acc = calloc((size_t)(n_cols ? n_cols : 1), sizeof *acc);
    uint64_t *mark = calloc((size_t)(words ? words : 1), sizeof *mark);
    int32_t *touched = malloc((size_t)(n_cols ? n_cols : 1) * sizeof *touched);
    if (!acc || !mark || !touched) { free(acc); free(mark); free(touched); return -1; }
    int64_t n = 0;
    out_indptr[0] = 0;
    for (int64_t r = r0; r < r1; r++) {
        int held = 0, only = -1;
        for (int i = 0; i < k; i++)
            if (indptr[i][r + 1] > indptr[i][r]) { held++; only = i; }
        if (held == 1) {  /* copy */
            int64_t a = indptr[only][r], len = indptr[only][r + 1] - a;
            memcpy(out_cols + n, cols[only] + a, (size_t)len * sizeof *out_cols);
            memcpy(out_vals + n, vals[only] + a, (size_t)len * sizeof *out_vals);
            n += len;
        } else if (held > 1) {
            int64_t nt = 0;
            int32_t lo = INT32_MAX, hi = -1;
            for (int i = 0; i < k; i++)
                for (int64_t p = indptr[i][r]; p < indptr[i][r + 1]; p++) {
                    int32_t c = cols[i][p];
                    uint64_t bit = (uint64_t)1 << (c & 63);
                    if (!(mark[c >> 6] & bit)) {
                        mark[c >> 6] |= bit;
                        touched[nt++] = c;
                        acc[c] = vals[i][p];
                        if (c < lo) lo = c;
                        if (c > hi) hi = c;
                    } else {
                        acc[c] += vals[i][p];
                    }
                }
            if (nt * 8 < (int64_t)(hi - lo) / 64 + 1 || nt <= 16) {  /* few: insertion sort */
                for (int64_t x = 1; x < nt; x++) {
                    int32_t v = touched[x];
                    int64_t y = x;
                    while (y > 0 && touched[y - 1] > v) { touched[y] = touched[y - 1]; y--; }
                    touched[y] = v;
                }
                for (int64_t x = 0; x < nt; x++) {
                    int32_t c = touched[x];
                    out_cols[n] = c;
                    out_vals[n++] = acc[c];
                    mark[c >> 6] = 0;
                }
            } else {  /* many: the bitmap in order */
                for (int64_t w = lo >> 6; w <= (hi >> 6); w++) {
                    uint64_t bits = mark[w];
                    mark[w] = 0;
                    while (bits) {
                        int32_t c = (int32_t)(w * 64 + __builtin_ctzll(bits));
                        bits &= bits - 1;
                        out_cols[n] = c;
                        out_vals[n++] = acc[c];
                    }
                }
            }
        }
        out_indptr[r - r0 + 1] = n;
    }
    free(acc); free(mark); free(touched);
    return n;
}

/* ---- C + C.T of the counted half C (n x n CSR, sorted columns, float64), over a scale,
 * as float32: what SciPy's float32 (C / scale) + (C / scale).T gives, in three passes
 * that threads share by ranges of rows: column counts, the transpose (a counting sort:
 * its rows come out sorted), and the row-by-row merge of C with C.T. */

/* counts[c] += the non-zeros of column c in rows r0..r1-1. */
void wv_column_counts(const int64_t *indptr, const int32_t *cols, int64_t r0, int64_t r1,
                      int64_t *counts)
{
    for (int64_t p = indptr[r0]; p < indptr[r1]; p++) counts[cols[p]]++;
}

/* Rows r0..r1-1 of C / scale into the transpose: entry (r, c) goes to position pos[c]
 * (then advanced) of tcols (r) and tvals (float32). */
void wv_transpose_rows(const int64_t *indptr, const int32_t *cols, const double *vals,
                       double scale, int64_t r0, int64_t r1, int64_t *pos, int32_t *tcols,
                       float *tvals)
{
    for (int64_t r = r0; r < r1; r++)
        for (int64_t p = indptr[r]; p < indptr[r + 1]; p++) {
            int64_t q = pos[cols[p]]++;
            tcols[q] = (int32_t)r;
            tvals[q] = (float)(vals[p] / scale);
        }
}

/* Rows r0..r1-1 of C / scale + T (T in CSR: tptr, tcols, tvals) into out_indptr
 * (r1 - r0 + 1 entries from 0), out_cols and out_vals.  Returns the non-zeros written. */
int64_t wv_add_transposed(const int64_t *indptr, const int32_t *cols, const double *vals,
                          double scale, const int64_t *tptr, const int32_t *tcols,
                          const float *tvals, int64_t r0, int64_t r1, int64_t *out_indptr,
                          int32_t *out_cols, float *out_vals)
{
    int64_t k = 0;
    out_indptr[0] = 0;
    for (int64_t r = r0; r < r1; r++) {
        int64_t a = indptr[r], ae = indptr[r + 1], b = tptr[r], be = tptr[r + 1];
        while (a < ae && b < be) {
            int32_t ca = cols[a], cb = tcols[b];
            if (ca < cb) { out_cols[k] = ca; out_vals[k++] = (float)(vals[a++] / scale); }
            else if (cb < ca) { out_cols[k] = cb; out_vals[k++] = tvals[b++]; }
            else { out_cols[k] = ca; out_vals[k++] = (float)(vals[a++] / scale) + tvals[b++]; }
        }
        for (; a < ae; a++) { out_cols[k] = cols[a]; out_vals[k++] = (float)(vals[a] / scale); }
        for (; b < be; b++) { out_cols[k] = tcols[b]; out_vals[k++] = tvals[b]; }
        out_indptr[r - r0 + 1] = k;
    }
    return k;
}

/* ---- Column tiles of a CSR matrix (the SVD's operand), in two passes over it ----
 *
 * Tile t holds columns cuts[t] <= c < cuts[t + 1] of every row, with local column numbers
 * c - cuts[t]; rows' columns must be sorted.  Pass 1 counts each row's entries per tile
 * into tile_indptr (n_tiles arrays of n_rows + 1, row r's count at [r + 1]); the caller
 * turns them into prefix sums; pass 2 copies the entries.  Rows r0..r1-1 only, so that
 * threads can share the work. */
void wv_tile_counts(const int64_t *indptr, const int32_t *cols, int64_t r0, int64_t r1,
                    const int64_t *cuts, int n_tiles, int64_t *const *tile_indptr)
{
    for (int64_t r = r0; r < r1; r++) {
        int t = 0;
        for (int64_t p = indptr[r]; p < indptr[r + 1]; p++) {
            while (t + 1 < n_tiles && cols[p] >= cuts[t + 1]) t++;
            tile_indptr[t][r + 1]++;
        }
    }
}

void wv_tile_copy(const int64_t *indptr, const int32_t *cols, const float *vals, int64_t r0,
                  int64_t r1, const int64_t *cuts, int n_tiles,
                  const int64_t *const *tile_indptr, int32_t *const *tile_cols,
                  float *const *tile_vals)
{
    for (int64_t r = r0; r < r1; r++) {
        int t = 0;
        int64_t q = tile_indptr[0][r];
        for (int64_t p = indptr[r]; p < indptr[r + 1]; p++) {
            while (t + 1 < n_tiles && cols[p] >= cuts[t + 1]) { t++; q = tile_indptr[t][r]; }
            tile_cols[t][q] = (int32_t)(cols[p] - cuts[t]);
            tile_vals[t][q++] = vals[p];
        }
    }
}

/* ---- Tokenizing: wordvec.tokenize.Tokenizer's regular expression on ASCII text ----
 *
 * A *piece* is a maximal run of bytes that are not ASCII whitespace (Python's str.split()
 * separators below 0x80: \t \n \v \f \r \x1c-\x1f and space).  A piece holding a byte
 * >= 0x80 is tokenized by Python (Unicode letters, digits and whitespace) and its tokens
 * are handed in; an ASCII piece is tokenized here by the expression
 *     [A-Za-z]+(?:'[A-Za-z]+)*  |  [0-9]+(?:[.,][0-9]+)*
 * (what WORD_PATTERN | NUMBER_PATTERN match in ASCII text), leftmost and greedy as
 * re.findall is.  Tokens are interned in a hash table: ids in first-seen order. */

static inline int is_letter(uint8_t c) { return (uint8_t)((c | 32) - 'a') < 26; }
static inline int is_digit(uint8_t c) { return (uint8_t)(c - '0') < 10; }
/* 1 for the ASCII whitespace of str.split(), by byte. */
static const uint8_t SPACE[256] = {
    [9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1,
    [28] = 1, [29] = 1, [30] = 1, [31] = 1, [32] = 1,
};
static inline int is_space(uint8_t c) { return SPACE[c]; }

/* A slot of the hash table: the type's bytes themselves when it has at most 8 (most
 * words: no other memory is read to match them), else its hash; id -1: empty. */
typedef struct { uint64_t key; int32_t id; int32_t len; } wv_slot;

typedef struct {
    wv_slot *slots;      /* cap slots, open addressing with linear probing */
    int64_t cap;         /* a power of two, at least twice n */
    int64_t n;           /* number of types */
    char *arena;         /* the types' bytes, one after the other */
    int64_t arena_len, arena_cap;
    int64_t *offsets;    /* n + 1 entries: type i is arena[offsets[i]:offsets[i + 1]] */
    int64_t offsets_cap;
} wv_types;

static wv_slot *new_slots(int64_t cap)
{
    wv_slot *s = malloc((size_t)cap * sizeof *s);
    if (s != NULL)
        for (int64_t i = 0; i < cap; i++) { s[i].id = -1; s[i].len = 0; s[i].key = 0; }
    return s;
}

void wv_types_free(void *handle)
{
    wv_types *t = handle;
    if (t == NULL) return;
    free(t->slots); free(t->arena); free(t->offsets); free(t);
}

void *wv_types_new(void)
{
    wv_types *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    t->cap = 1 << 12;
    t->slots = new_slots(t->cap);
    t->arena_cap = 1 << 16;
    t->arena = malloc((size_t)t->arena_cap);
    t->offsets_cap = 1 << 12;
    t->offsets = malloc((size_t)t->offsets_cap * sizeof *t->offsets);
    if (!t->slots || !t->arena || !t->offsets) { wv_types_free(t); return NULL; }
    t->offsets[0] = 0;
    return t;
}

int64_t wv_types_count(void *handle) { return ((wv_types *)handle)->n; }

/* Bytes of types lo..hi-1, and their offsets (hi - lo + 1 entries, the first 0) into
 * out, which holds at least that many bytes.  Returns the number of bytes, or -1. */
int64_t wv_types_copy(void *handle, int64_t lo, int64_t hi, char *out, int64_t *offsets)
{
    wv_types *t = handle;
    if (lo < 0 || hi > t->n || lo > hi) return -1;
    int64_t base = t->offsets[lo], size = t->offsets[hi] - base;
    if (out != NULL) memcpy(out, t->arena + base, (size_t)size);
    if (offsets != NULL)
        for (int64_t i = lo; i <= hi; i++) offsets[i - lo] = t->offsets[i] - base;
    return size;
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 32; h *= 0xd6e8feb86659fd93ULL; h ^= h >> 32;
    return h;
}

/* The slot key of s[0:len]: its bytes (len <= 8), else a hash of 8-byte words. */
static inline uint64_t slot_key(const uint8_t *s, int64_t len)
{
    uint64_t k = 0;
    if (len <= 8) {
        for (int64_t i = 0; i < len; i++) k |= (uint64_t)s[i] << (8 * i);
        return k;
    }
    int64_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        k = (k ^ w) * 0x9e3779b97f4a7c15ULL;
        k ^= k >> 29;
    }
    uint64_t w = 0;
    for (int64_t j = 0; i + j < len; j++) w |= (uint64_t)s[i + j] << (8 * j);
    return mix64((k ^ w) * 0x9e3779b97f4a7c15ULL);
}

static inline int64_t slot_index(uint64_t key, int64_t len, int64_t mask)
{
    return (int64_t)(mix64(key * 0x9e3779b97f4a7c15ULL + (uint64_t)len) & (uint64_t)mask);
}

static int types_grow(wv_types *t)
{
    int64_t cap = t->cap * 2;
    wv_slot *slots = new_slots(cap);
    if (slots == NULL) return -1;
    for (int64_t i = 0; i < t->cap; i++) {
        if (t->slots[i].id < 0) continue;
        int64_t j = slot_index(t->slots[i].key, t->slots[i].len, cap - 1);
        while (slots[j].id >= 0) j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots; t->cap = cap;
    return 0;
}

/* The id of the type s[0:len], added if new; -1 when out of memory or of int32 ids. */
static inline int32_t intern(wv_types *t, const uint8_t *s, int64_t len)
{
    uint64_t key = slot_key(s, len);
    int64_t mask = t->cap - 1, i = slot_index(key, len, mask);
    for (; t->slots[i].id >= 0; i = (i + 1) & mask) {
        const wv_slot *sl = &t->slots[i];
        if (sl->key == key && sl->len == len
                && (len <= 8 || memcmp(t->arena + t->offsets[sl->id], s, (size_t)len) == 0))
            return sl->id;
    }
    if (t->n >= INT32_MAX - 1 || len > INT32_MAX) return -1;
    if (t->arena_len + len > t->arena_cap) {
        int64_t cap = t->arena_cap;
        while (t->arena_len + len > cap) cap *= 2;
        char *a = realloc(t->arena, (size_t)cap);
        if (a == NULL) return -1;
        t->arena = a; t->arena_cap = cap;
    }
    if (t->n + 2 > t->offsets_cap) {
        int64_t *o = realloc(t->offsets, (size_t)t->offsets_cap * 2 * sizeof *o);
        if (o == NULL) return -1;
        t->offsets = o; t->offsets_cap *= 2;
    }
    int32_t id = (int32_t)t->n;
    memcpy(t->arena + t->arena_len, s, (size_t)len);
    t->arena_len += len;
    t->offsets[t->n + 1] = t->arena_len;
    t->n++;
    t->slots[i].key = key;
    t->slots[i].id = id;
    t->slots[i].len = (int32_t)len;
    if (t->n * 2 > t->cap && types_grow(t)) return -1;
    return id;
}

/* Bytes of the types ids[0:n], one after the other, into out (NULL: only measure) and
 * their ends into ends.  Returns the number of bytes, or -1 for an id out of range. */
int64_t wv_types_gather(void *handle, const int64_t *ids, int64_t n, char *out, int64_t *ends)
{
    wv_types *t = handle;
    int64_t size = 0;
    for (int64_t j = 0; j < n; j++) {
        int64_t i = ids[j];
        if (i < 0 || i >= t->n) return -1;
        int64_t len = t->offsets[i + 1] - t->offsets[i];
        if (out != NULL) memcpy(out + size, t->arena + t->offsets[i], (size_t)len);
        size += len;
        if (ends != NULL) ends[j] = size;
    }
    return size;
}

/* Ids of n types: type j is blob[ends[j-1] : ends[j]] (ends[-1] is 0), added where new.
 * Returns 0, or -1 when out of memory. */
int wv_types_intern(void *handle, const uint8_t *blob, const int64_t *ends, int64_t n,
                    int32_t *out)
{
    wv_types *t = handle;
    for (int64_t j = 0; j < n; j++) {
        int64_t a = j ? ends[j - 1] : 0;
        if ((out[j] = intern(t, blob + a, ends[j] - a)) < 0) return -1;
    }
    return 0;
}

/* Start and end offsets (2 entries each, up to cap pieces) of the pieces of text[0:n]
 * holding a byte >= 0x80.  Returns their number (which may exceed cap: call again). */
int64_t wv_nonascii_pieces(const uint8_t *text, int64_t n, int64_t *bounds, int64_t cap)
{
    int64_t k = 0, i = 0;
    while (i < n) {
        while (i < n && is_space(text[i])) i++;
        int64_t start = i;
        uint8_t high = 0;
        while (i < n && !is_space(text[i])) high |= text[i++];
        if (high & 0x80) {
            if (k < cap) { bounds[2 * k] = start; bounds[2 * k + 1] = i; }
            k++;
        }
    }
    return k;
}

/* Token ids of documents: text[doc_ends[d-1] : doc_ends[d]] is document d (doc_ends[-1]
 * is 0), with ids of its tokens, then -1 after a document that has tokens, written to
 * out (capacity out_cap: len(text) + n_docs always suffices).  The k-th piece holding a
 * byte >= 0x80, in text order, is replaced by side_count[k] tokens taken from side
 * (token j is side[side_ends[j-1] : side_ends[j]]).  numbers: 0 keep, 1 every digit
 * becomes 0, 2 drop numbers, 3 each number becomes "<num>".  *n_tokens gets the number
 * of tokens.  Returns the number of ids written, -1 out of memory, -2 out of capacity,
 * -3 when the side tokens do not match the pieces. */
int64_t wv_tokenize_ids(void *handle, const uint8_t *text, const int64_t *doc_ends,
                        int64_t n_docs, const uint8_t *side, const int64_t *side_ends,
                        const int64_t *side_count, int64_t n_side_pieces, int numbers,
                        int32_t *out, int64_t out_cap, int64_t *n_tokens)
{
    wv_types *t = handle;
    int64_t k = 0, tokens = 0, piece = 0, side_token = 0, i = 0;
    int64_t n_text = n_docs ? doc_ends[n_docs - 1] : 0;
    uint8_t *zeroed = NULL;  /* numbers == 1: numbers with their digits made 0 */
    static const uint8_t num_token[] = "<num>";
    if (numbers == 1 && (zeroed = malloc((size_t)n_text + 1)) == NULL) return -1;
#define PUSH(p_, len_) do {                                                   \
        if (k >= out_cap) { free(zeroed); return -2; }                        \
        int32_t id_ = (len_) < 0 ? -1 : intern(t, (p_), (len_));              \
        if (id_ < 0 && (len_) >= 0) { free(zeroed); return -1; }              \
        out[k++] = id_;                                                       \
    } while (0)
    for (int64_t d = 0; d < n_docs; d++) {
        int64_t end = doc_ends[d], doc_tokens = 0;
        while (i < end) {
            while (i < end && is_space(text[i])) i++;
            int64_t start = i;
            uint8_t high = 0;
            while (i < end && !is_space(text[i])) high |= text[i++];
            if (start == i) break;
            if (high & 0x80) {  /* tokenized by Python */
                if (piece >= n_side_pieces) { free(zeroed); return -3; }
                for (int64_t c = side_count[piece++]; c > 0; c--, side_token++) {
                    int64_t a = side_token ? side_ends[side_token - 1] : 0;
                    PUSH(side + a, side_ends[side_token] - a);
                    doc_tokens++;
                }
                continue;
            }
            for (int64_t p = start; p < i;) {
                uint8_t c = text[p];
                int64_t q = p;
                if (is_letter(c)) {
                    while (q < i && is_letter(text[q])) q++;
                    while (q + 1 < i && text[q] == '\'' && is_letter(text[q + 1])) {
                        q++;
                        while (q < i && is_letter(text[q])) q++;
                    }
                    PUSH(text + p, q - p);
                    doc_tokens++;
                } else if (is_digit(c)) {
                    while (q < i && is_digit(text[q])) q++;
                    while (q + 1 < i && (text[q] == '.' || text[q] == ',') && is_digit(text[q + 1])) {
                        q++;
                        while (q < i && is_digit(text[q])) q++;
                    }
                    if (numbers == 0) {
                        PUSH(text + p, q - p);
                        doc_tokens++;
                    } else if (numbers == 1) {
                        for (int64_t r = p; r < q; r++)
                            zeroed[r] = is_digit(text[r]) ? '0' : text[r];
                        PUSH(zeroed + p, q - p);
                        doc_tokens++;
                    } else if (numbers == 3) {
                        PUSH(num_token, 5);
                        doc_tokens++;
                    }
                } else {
                    q = p + 1;
                }
                p = q;
            }
        }
        tokens += doc_tokens;
        if (doc_tokens) PUSH(NULL, -1);
        i = end;
    }
#undef PUSH
    free(zeroed);
    if (piece != n_side_pieces) return -3;
    *n_tokens = tokens;
    return k;
}

/* The version of this file's interface, checked by the loader. */
int wv_kernels_version(void) { return 9; }
