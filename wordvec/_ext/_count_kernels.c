/* Counting kernels: the (word, context) pairs of a chunk of the id stream formed,
 * radix-sorted, weighted and merged into CSR; the id stream's remapping, subsampling and
 * word counts; the row-wise sum of partial count matrices (what wordvec.cooccur and
 * wordvec.pipeline use).  Built with the package and bound by _count_ext.pyx (the GIL is
 * released around every call).
 */
#include "_count_kernels.h"

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
