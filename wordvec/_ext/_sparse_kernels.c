/* The SVD's sparse operations: CSR (float32) times packed dense blocks (float32 or IEEE
 * half), the sparse sign sketch, column tiles, their transposes and joins, and C + C.T of
 * the counted half (what wordvec.reduce, wordvec.blocks and the weighting stage use).
 *
 * Built with the package by its build backend (setup.py) and bound by _sparse_ext.pyx,
 * which releases the GIL around every call, so Python threads run them in parallel.  The
 * dense operand is a packed column block: an (n x width) row-major array, width = 8 * M,
 * M = 1..8.  The accumulators of one output row are M 8-float vectors held in registers.
 * With GCC/Clang on x86-64 the products are compiled twice, for x86-64-v3 (AVX2 + FMA) and
 * the baseline, and the dynamic loader picks one by the CPU (target_clones); the half
 * precision kernels are compiled for AVX2 + FMA + F16C and used only where cpuid says so.
 */
#include "_sparse_kernels.h"

typedef float v8 __attribute__((vector_size(32)));
/* Helpers are inlined into each clone below, so they are compiled for its instruction set. */
#define ALWAYS_INLINE __attribute__((always_inline))

static inline ALWAYS_INLINE v8 load8(const float *p) { v8 v; memcpy(&v, p, sizeof v); return v; }
static inline ALWAYS_INLINE void store8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

#if defined(__x86_64__) && defined(__GNUC__) && !defined(WORDVEC_NO_CLONES)
#define DISPATCH __attribute__((target_clones("arch=x86-64-v3", "default")))
#define WV_CLONES 1
#else
#define DISPATCH
#define WV_CLONES 0
#endif

int wv_dispatch_clones(void) { return WV_CLONES; }

/* Which of the features the clones and half kernels choose by are on this CPU: bit 0
 * AVX2, 1 FMA, 2 F16C (x86-64 with GCC/Clang; 0 elsewhere). */
int wv_cpu_features(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx2") ? 1 : 0) | (__builtin_cpu_supports("fma") ? 2 : 0)
        | (__builtin_cpu_supports("f16c") ? 4 : 0);
#else
    return 0;
#endif
}


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
