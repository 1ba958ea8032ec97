"""Batched top-n queries over unit-normalised word vectors.

Every query kind (nearest words, 3CosAdd / 3CosMul analogies, raw vectors) is
answered in blocks: one matrix product per block of queries against the (possibly
restricted) vocabulary, then :func:`numpy.argpartition` per row and a sort of the
winners only.  Memory is bounded by the block size, never by the number of
queries.

Scores
------
``"add"`` (3CosAdd, Mikolov et al. 2013)
    cosine between each word and ``sum(positive) - sum(negative)`` of unit
    vectors, exactly gensim's ``most_similar``.
``"mul"`` (3CosMul, Levy & Goldberg 2014, eq. 4)
    ``prod(p(x, w) for w in positive) / (prod(p(x, w) for w in negative) + EPSILON)``
    with cosines shifted to ``[0, 1]`` by ``p = (1 + cos) / 2`` (their footnote 7),
    ``EPSILON = 1e-6``, exactly gensim's ``most_similar_cosmul``.

Question words are never returned.  Ties are broken by vocabulary order (the
more frequent word first), so results are deterministic.

Analogies are answered by :mod:`wordvec.vectors.analogies` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._util.validation import check_choice, check_int
from ._ranking import (DEFAULT_BLOCK_BYTES, EPSILON, METHODS, UNKNOWN_POLICIES, Query, Result,
                       _as_words, _block_rows, _mask, _n_rows, _pairs, _resolve, _select,
                       _with_extra, top_n)
from .analogies import analogy_batch, analogy_indices

if TYPE_CHECKING:  # pragma: no cover
    from .vectors import WordVectors

__all__ = ["EPSILON", "METHODS", "UNKNOWN_POLICIES", "DEFAULT_BLOCK_BYTES", "top_n",
           "most_similar_batch", "similar_by_vectors", "analogy_batch", "analogy_indices"]


def most_similar_batch(wv: WordVectors, queries: Sequence[Query], *, topn: int = 10,
                       method: str = "add", restrict_vocab: int | None = None,
                       unknown: str = "raise", block_size: int | None = None) -> list[Result]:
    """Answer many ``(positive, negative)`` queries, one matrix product per block.

    Parameters
    ----------
    wv : WordVectors
    queries : sequence of (positive, negative)
        Each a pair of word lists (a ``str`` counts as a one-word list).
    topn : int
        Words per answer.
    method : {"add", "mul"}
        3CosAdd (cosine to the summed unit vectors) or 3CosMul (see module notes).
    restrict_vocab : int, optional
        Only the first ``restrict_vocab`` words (the most frequent) are candidates.
    unknown : {"raise", "skip"}
        ``"raise"``: an unknown word raises ``KeyError`` naming it.  ``"skip"``: a
        query with an unknown word is answered with an empty list.
    block_size : int, optional
        Queries scored per matrix product (default: a block of about 64 MiB).

    Returns
    -------
    list of list of (str, float)
        One answer per query, best first; question words are never returned.

    Examples
    --------
    >>> from wordvec import WordVectors
    >>> wv = WordVectors(np.array([[1, 0], [0.8, 0.6], [0, 1]]), ["a", "b", "c"])
    >>> most_similar_batch(wv, [(["a"], []), (["c"], [])], topn=1)
    [[('b', 0.800000011920929)], [('b', 0.6000000238418579)]]
    """
    topn = check_int("topn", topn, low=1)  # type: ignore[assignment]
    check_choice("method", method, METHODS)
    check_choice("unknown", unknown, UNKNOWN_POLICIES)
    unit = wv.unit_vectors
    rows = _n_rows(restrict_vocab, unit.shape[0])
    block = _block_rows(block_size, rows)
    extra: list[np.ndarray] = []  # query words outside the vocabulary, from n-grams
    parsed: list[tuple[list[int], list[int]] | None] = []
    for query in queries:
        if not (isinstance(query, tuple) and len(query) == 2):
            raise ValueError("each query must be a (positive, negative) pair of word lists; "
                             f"got {query!r}")
        pos, neg = _as_words(query[0]), _as_words(query[1])
        if method == "mul" and not pos:
            raise ValueError(f"3CosMul needs at least one positive word; got query {query!r}")
        if not pos and not neg:
            raise ValueError(f"a query needs at least one positive or negative word; got {query!r}")
        pos_ids = _resolve(wv, pos, unknown, extra)
        neg_ids = _resolve(wv, neg, unknown, extra)
        parsed.append(None if pos_ids is None or neg_ids is None else (pos_ids, neg_ids))

    out: list[Result] = [[] for _ in parsed]
    todo = [i for i, q in enumerate(parsed) if q is not None]
    candidates = unit[:rows]
    unit = _with_extra(unit, extra)
    for start in range(0, len(todo), block):
        chunk = todo[start:start + block]
        if method == "add":
            targets = np.zeros((len(chunk), unit.shape[1]), dtype=np.float32)
            for row, i in enumerate(chunk):
                pos_ids, neg_ids = parsed[i]  # type: ignore[misc]
                targets[row] = unit[pos_ids].sum(axis=0) - unit[neg_ids].sum(axis=0)
            norms = np.linalg.norm(targets, axis=1, keepdims=True)
            if not norms.all():
                q = queries[chunk[int(np.argmin(norms[:, 0]))]]
                raise ValueError(f"the vectors of query {q!r} cancel out (their sum is "
                                 "zero): no direction to compare with")
            scores = candidates @ (targets / norms).T
            scores = np.ascontiguousarray(scores.T)
        else:
            words = sorted({w for i in chunk for side in parsed[i] for w in side})  # type: ignore[union-attr]
            where = {w: k for k, w in enumerate(words)}
            shifted = (1.0 + (unit[words] @ candidates.T)) / 2.0
            scores = np.empty((len(chunk), rows), dtype=np.float32)
            for row, i in enumerate(chunk):
                pos_ids, neg_ids = parsed[i]  # type: ignore[misc]
                num = np.prod(shifted[[where[w] for w in pos_ids]], axis=0)
                den = np.prod(shifted[[where[w] for w in neg_ids]], axis=0)
                scores[row] = num / (den + EPSILON)
        for row, i in enumerate(chunk):
            pos_ids, neg_ids = parsed[i]  # type: ignore[misc]
            line = scores[row]
            excluded = [w for w in pos_ids + neg_ids if w < rows]
            line[excluded] = -np.inf
            _mask(line, wv.unusable_rows)
            best = _select(line, topn)
            out[i] = _pairs(wv, best, line[best])
    return out


def similar_by_vectors(wv: WordVectors, vectors: np.ndarray, *, topn: int = 10,
                       restrict_vocab: int | None = None,
                       block_size: int | None = None) -> list[Result]:
    """Nearest words (by cosine) to each row of ``vectors``; nothing is excluded.

    Examples
    --------
    >>> from wordvec import WordVectors
    >>> wv = WordVectors(np.array([[1, 0], [0.8, 0.6], [0, 1]]), ["a", "b", "c"])
    >>> [[w for w, _ in r] for r in similar_by_vectors(wv, np.array([[2, 0], [0, 3]]), topn=2)]
    [['a', 'b'], ['c', 'b']]
    """
    topn = check_int("topn", topn, low=1)  # type: ignore[assignment]
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] != wv.vector_size:
        raise ValueError(f"vectors must have shape (n, {wv.vector_size}); got {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("vectors must be finite; got NaN or infinity")
    zero = np.flatnonzero(~matrix.any(axis=1))
    if zero.size:
        raise ValueError(f"row {int(zero[0])} of vectors is zero: no direction to compare with")
    unit = wv.unit_vectors
    rows = _n_rows(restrict_vocab, unit.shape[0])
    block = _block_rows(block_size, rows)
    out: list[Result] = []
    for start in range(0, matrix.shape[0], block):
        query = matrix[start:start + block]
        norms = np.linalg.norm(query, axis=1, keepdims=True)
        scores = np.ascontiguousarray((unit[:rows] @ (query / norms).T).T)
        for line in scores:
            _mask(line, wv.unusable_rows)
            best = _select(line, topn)
            out.append(_pairs(wv, best, line[best]))
    return out
