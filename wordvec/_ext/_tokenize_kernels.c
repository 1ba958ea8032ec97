/* The default tokenizer's ASCII path (wordvec.tokenize.Tokenizer's regular expression)
 * and a hash table of token types, ids in first-seen order.  Built with the package and
 * bound by _tokenize_ext.pyx (the GIL is released around every call).
 */
#include "_tokenize_kernels.h"

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
