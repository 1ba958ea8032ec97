/* The interface of _tokenize_kernels.c (the tokenizer's kernels); included by the C file itself and by
 * its Cython binding, so that the compiler checks both against these prototypes. */
#ifndef WORDVEC_TOKENIZE_KERNELS_H
#define WORDVEC_TOKENIZE_KERNELS_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void wv_types_free(void *handle);
void *wv_types_new(void);
int64_t wv_types_count(void *handle);
int64_t wv_types_copy(void *handle, int64_t lo, int64_t hi, char *out, int64_t *offsets);
int64_t wv_types_gather(void *handle, const int64_t *ids, int64_t n, char *out, int64_t *ends);
int wv_types_intern(void *handle, const uint8_t *blob, const int64_t *ends, int64_t n, int32_t *out);
int64_t wv_nonascii_pieces(const uint8_t *text, int64_t n, int64_t *bounds, int64_t cap);
int64_t wv_tokenize_ids(void *handle, const uint8_t *text, const int64_t *doc_ends, int64_t n_docs, const uint8_t *side, const int64_t *side_ends, const int64_t *side_count, int64_t n_side_pieces, int numbers, int32_t *out, int64_t out_cap, int64_t *n_tokens);

#endif
