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

Analogy batches use an exact shortcut when many questions share their ``(a, b)``
pair, as the Google set does: with ``d = f(b) - f(a)`` (or ``f(b) / (f(a) + eps)``)
ranked once per pair and each ``c`` row ranked once, any word outside both top-K
lists scores at most ``d_K + c_K`` (or ``d_K * c_K``), so when the n-th best
candidate beats that bound the answer is proven exact; otherwise the full row is
scored.  Results are identical to scoring every word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._validation import check_choice, check_int

if TYPE_CHECKING:  # pragma: no cover
    from .vectors import WordVectors

__all__ = ["EPSILON", "METHODS", "UNKNOWN_POLICIES", "DEFAULT_BLOCK_BYTES", "top_n",
           "most_similar_batch", "similar_by_vectors", "analogy_batch", "analogy_indices"]

EPSILON = 1e-6
"""3CosMul denominator offset (gensim's value), avoiding division by zero."""

METHODS = ("add", "mul")
UNKNOWN_POLICIES = ("raise", "skip")
DEFAULT_BLOCK_BYTES = 64 * 2**20
"""Default size of one block of scores (queries x vocabulary float32)."""

_PRUNE_MIN_GROUP = 3      # questions sharing (a, b) before the top-K shortcut pays off
_PRUNE_K = 200             # length of the candidate lists of the shortcut

Result = list[tuple[str, float]]
Query = tuple[str | Sequence[str] | None, str | Sequence[str] | None]


# -- helpers --------------------------------------------------------------------------
def _n_rows(restrict_vocab: int | None, n_words: int) -> int:
    if restrict_vocab is None:
        return n_words
    restrict_vocab = check_int("restrict_vocab", restrict_vocab, low=1)  # type: ignore[assignment]
    return min(int(restrict_vocab), n_words)  # type: ignore[arg-type]


def _block_rows(block_size: int | None, n_cols: int) -> int:
    if block_size is None:
        return max(1, DEFAULT_BLOCK_BYTES // (4 * max(n_cols, 1)))
    return check_int("block_size", block_size, low=1)  # type: ignore[return-value]


def top_n(row: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest values of ``row``, best first.

    Ties are broken by index (smaller first), so the answer does not depend on
    how :func:`numpy.argpartition` orders equal values.  ``-inf`` entries (masked
    words) and NaN are never returned.

    Examples
    --------
    >>> top_n(np.array([0.1, 0.5, 0.5, -np.inf, 0.3], dtype=np.float32), 3).tolist()
    [1, 2, 4]
    """
    if np.isnan(row).any():  # a NaN compares as neither larger nor smaller: never a winner
        row = np.where(np.isnan(row), np.float32(-np.inf), row)
    size = row.shape[0]
    if n >= size:
        idx = np.arange(size)
    else:
        part = np.argpartition(row, size - n)[size - n:]
        cut = row[part].min()
        if np.count_nonzero(row >= cut) == n:
            idx = part  # no tie straddles the boundary
        else:
            above = np.flatnonzero(row > cut)
            idx = np.concatenate([above, np.flatnonzero(row == cut)[:n - len(above)]])
    idx = idx[row[idx] > -np.inf]
    return idx[np.lexsort((idx, -row[idx]))]


def _select(row: np.ndarray, n: int) -> np.ndarray:
    if n == 1:
        best = int(np.nanargmax(row)) if not np.isnan(row).all() else 0
        return np.array([best] if row[best] > -np.inf else [], dtype=np.int64)
    return top_n(row, n)


def _mask(line: np.ndarray, rows: np.ndarray) -> None:
    """``line[rows] = -inf`` for the rows inside ``line`` (never answered)."""
    if rows.size:
        line[rows[rows < line.shape[0]]] = -np.inf


def _resolve(wv: WordVectors, words: Iterable[str], unknown: str) -> list[int] | None:
    """Row indices of ``words``; ``None`` if one is unknown (or its vector is zero or
    not finite: no cosine) and ``unknown="skip"``."""
    ids = []
    unusable = wv.unusable_rows
    for word in words:
        idx = wv.key_to_index.get(word)
        if idx is None or (unusable.size and np.any(unusable == idx)):
            if unknown == "skip":
                return None
            if idx is None:
                raise KeyError(f"word {word!r} not in vocabulary")
            raise ValueError(f"word {word!r} has a zero or non-finite vector: no cosine "
                             "similarity is defined for it")
        ids.append(idx)
    return ids


def _as_words(words: str | Sequence[str] | None) -> list[str]:
    if words is None:
        return []
    if isinstance(words, str):
        return [words]
    return list(words)


def _pairs(wv: WordVectors, idx: np.ndarray, scores: np.ndarray) -> Result:
    keys = wv.index_to_key
    return [(keys[i], float(s)) for i, s in zip(idx.tolist(), scores.tolist())]


# -- nearest words --------------------------------------------------------------------
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
        pos_ids, neg_ids = _resolve(wv, pos, unknown), _resolve(wv, neg, unknown)
        parsed.append(None if pos_ids is None or neg_ids is None else (pos_ids, neg_ids))

    out: list[Result] = [[] for _ in parsed]
    todo = [i for i, q in enumerate(parsed) if q is not None]
    candidates = unit[:rows]
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


# -- analogies --------------------------------------------------------------------------
def analogy_batch(wv: WordVectors, triples: Sequence[Sequence[str]], *, method: str = "add",
                  topn: int = 1, restrict_vocab: int | None = None, unknown: str = "raise",
                  block_size: int | None = None) -> list[Result]:
    """Solve "a is to b as c is to ?" for many ``(a, b, c)`` triples.

    3CosAdd ranks by ``cos(x, b - a + c)``; 3CosMul by
    ``p(x, b) p(x, c) / (p(x, a) + EPSILON)`` with ``p = (1 + cos) / 2``.  The
    question words are excluded.  See :func:`most_similar_batch` for the other
    parameters.

    Examples
    --------
    >>> from wordvec import WordVectors
    >>> words = ["man", "woman", "king", "queen"]
    >>> wv = WordVectors(np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]]), words)
    >>> [r[0][0] for r in analogy_batch(wv, [("man", "woman", "king")] * 2)]
    ['queen', 'queen']
    """
    topn = check_int("topn", topn, low=1)  # type: ignore[assignment]
    check_choice("method", method, METHODS)
    check_choice("unknown", unknown, UNKNOWN_POLICIES)
    ids = np.full((len(triples), 3), -1, dtype=np.int64)
    for q, triple in enumerate(triples):
        if isinstance(triple, str) or len(triple) != 3:
            raise ValueError(f"each analogy must be three words (a, b, c); got {triple!r}")
        found = _resolve(wv, triple, unknown)
        if found is not None:
            ids[q] = found
    known = np.flatnonzero(ids[:, 0] >= 0)
    best, scores = analogy_indices(wv.unit_vectors, ids[known], methods=(method,), topn=topn,
                                   restrict_vocab=restrict_vocab, block_size=block_size,
                                   never=wv.unusable_rows)[method]
    out: list[Result] = [[] for _ in triples]
    for q, b, s in zip(known.tolist(), best, scores):
        keep = b >= 0
        out[q] = _pairs(wv, b[keep], s[keep])
    return out


def analogy_indices(unit: np.ndarray, triples: np.ndarray, *,
                    methods: Sequence[str] = ("add",), topn: int = 1,
                    restrict_vocab: int | None = None, block_size: int | None = None,
                    never: np.ndarray | None = None,
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Index-level analogy engine behind :func:`analogy_batch` and the evaluation.

    Parameters
    ----------
    unit : ndarray of shape (n_words, dim)
        Unit-normalised vectors.
    triples : int ndarray of shape (n, 3)
        Row indices of ``a, b, c``.
    methods : sequence of {"add", "mul"}
        Every method is answered from the same block of cosines.
    topn, restrict_vocab
        As in :func:`analogy_batch`.
    block_size : int, optional
        Distinct question words per matrix product (default: a block of about 64 MiB).
    never : int ndarray, optional
        Rows that are never answers (:attr:`WordVectors.unusable_rows`: zero vectors).

    Returns
    -------
    dict of method -> (best, scores)
        ``best``: int array (n, topn) of row indices, best first, ``-1`` padding
        when fewer candidates exist; ``scores``: float32 array (n, topn).

    Examples
    --------
    >>> unit = np.eye(4, dtype=np.float32)
    >>> best, _ = analogy_indices(unit, [[0, 1, 2]])["add"]
    >>> best.tolist()
    [[3]]
    """
    topn = check_int("topn", topn, low=1)  # type: ignore[assignment]
    methods = tuple(methods)
    for method in methods:
        check_choice("methods", method, METHODS)
    triples = np.asarray(triples, dtype=np.int64).reshape(-1, 3)
    if triples.size and (triples.min() < 0 or triples.max() >= unit.shape[0]):
        raise ValueError(f"triples must be row indices in [0, {unit.shape[0]})")
    never = np.zeros(0, dtype=np.int64) if never is None else np.asarray(never, np.int64)
    rows = _n_rows(restrict_vocab, unit.shape[0])
    max_words = max(3, _block_rows(block_size, rows))
    out = {m: (np.full((len(triples), topn), -1, dtype=np.int64),
               np.full((len(triples), topn), -np.inf, dtype=np.float32)) for m in methods}
    start = 0
    while start < len(triples):
        # grow the chunk while its distinct words fit in one block
        seen: set[int] = set()
        stop = start
        while stop < len(triples):
            new = seen | set(triples[stop].tolist())
            if len(new) > max_words and stop > start:
                break
            seen = new
            stop += 1
        chunk = triples[start:stop]
        words, local = np.unique(chunk, return_inverse=True)
        local = local.reshape(-1, 3)
        cos = unit[words] @ unit[:rows].T                 # (distinct words, rows)
        groups, c_top = _plan(cos, local, topn)
        for method in methods:
            if method == "add":
                vec = unit[chunk[:, 1]] - unit[chunk[:, 0]] + unit[chunk[:, 2]]
                scale = np.linalg.norm(vec, axis=1)
                scale[scale == 0] = 1.0
                shift = False
            else:
                scale = None
                shift = True                              # p(x, w) = (1 + cos) / 2
            best, scores = out[method]
            _analogy_chunk(cos, shift, chunk, local, groups, c_top, method, topn,
                           best[start:stop], scores[start:stop], never)
            if scale is not None:
                scores[start:stop] /= scale[:, None]
        start = stop
    return out


def _top_k_unordered(matrix: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest values of each row (any order), shape (rows, k).

    A threshold estimated from a strided sample of each row keeps about ``2k``
    entries in one comparison pass; only those are partitioned.  Rows where the
    estimate keeps fewer than ``k`` fall back to a full :func:`numpy.argpartition`.
    """
    n = matrix.shape[1]
    step = max(1, n // 4096)
    sample = matrix[:, ::step]
    j = min(sample.shape[1] - 1, max(0, int(sample.shape[1] * (1 - 2.0 * k / n))))
    thresholds = np.partition(sample, j, axis=1)[:, j]
    out = np.empty((matrix.shape[0], k), dtype=np.int64)
    for r, (row, cut) in enumerate(zip(matrix, thresholds)):
        idx = np.flatnonzero(row >= cut)
        if len(idx) < k:
            idx = np.argpartition(row, n - k)[n - k:]
        elif len(idx) > k:
            idx = idx[np.argpartition(row[idx], len(idx) - k)[len(idx) - k:]]
        out[r] = idx
    return out


def _plan(cos: np.ndarray, local: np.ndarray,
          topn: int) -> tuple[list[np.ndarray], dict[int, np.ndarray]]:
    """Group a block's questions by (a, b) pair; top-K rows of the ``c`` words worth it.

    The top-K lists are ranked on cosines and shared by both methods, as
    ``(1 + cos) / 2`` ranks words identically.
    """
    n_words, rows = cos.shape
    k = _PRUNE_K + topn
    pair_key = local[:, 0] * n_words + local[:, 1]
    order = np.argsort(pair_key, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(pair_key[order])) + 1)
    c_top: dict[int, np.ndarray] = {}
    if rows > 4 * k:
        big = [local[g, 2] for g in groups if len(g) >= _PRUNE_MIN_GROUP]
        if big:
            needed = np.unique(np.concatenate(big))
            top = _top_k_unordered(cos[needed], k)
            c_top = dict(zip(needed.tolist(), top))
    return groups, c_top


def _shifted(row: np.ndarray) -> np.ndarray:
    """p = (1 + cos) / 2, computed identically wherever it is needed."""
    return (np.float32(1.0) + row) / np.float32(2.0)


def _analogy_chunk(cos: np.ndarray, shift: bool, triples: np.ndarray, local: np.ndarray,
                   groups: list[np.ndarray], c_top: dict[int, np.ndarray], method: str,
                   topn: int, best: np.ndarray, scores: np.ndarray,
                   never: np.ndarray) -> None:
    """Fill ``best``/``scores`` for one block; ``cos`` holds cosines of its words.

    With ``shift`` (3CosMul), rows are mapped to ``p = (1 + cos) / 2`` when used.
    """
    rows = cos.shape[1]

    def base(w: int) -> np.ndarray:
        return _shifted(cos[w]) if shift else cos[w]

    k = _PRUNE_K + topn
    row = np.empty(rows, dtype=np.float32)
    for group in groups:
        a, b = local[group[0], 0], local[group[0], 1]
        if method == "add":
            pair = base(b) - base(a)
        else:
            pair = base(b) / (base(a) + np.float32(EPSILON))
        todo = group
        if c_top and len(group) >= _PRUNE_MIN_GROUP:
            todo = _pruned(pair, cos, shift, triples, local, group, method, topn, k, c_top,
                           best, scores, never)
        for q in todo.tolist():
            c = local[q, 2]
            if method == "add":
                np.add(pair, base(c), out=row)
            else:
                np.multiply(pair, base(c), out=row)
            row[[int(i) for i in triples[q] if i < rows]] = -np.inf
            _mask(row, never)
            pick = _select(row, topn)
            best[q, :len(pick)] = pick
            scores[q, :len(pick)] = row[pick]


def _pruned(pair: np.ndarray, cos: np.ndarray, shift: bool, triples: np.ndarray,
            local: np.ndarray,
            group: np.ndarray, method: str, topn: int, k: int,
            c_top: dict[int, np.ndarray], best: np.ndarray,
            scores: np.ndarray, never: np.ndarray) -> np.ndarray:
    """Answer the questions of one (a, b) group from top-K candidate lists.

    Returns the questions whose answer could not be proven exact (scored in full).
    """
    rows = pair.shape[0]
    pair_top = _top_k_unordered(pair[None, :], k)[0]
    pair_k = pair[pair_top].min()
    cs = local[group, 2]
    c_lists = np.stack([c_top[c] for c in cs.tolist()])
    flat = cos.reshape(-1)
    offsets = (cs * rows)[:, None]
    c_values = flat[offsets + c_lists]
    if shift:
        c_values = _shifted(c_values)
    c_k = c_values.min(axis=1)
    cand = np.concatenate([np.broadcast_to(pair_top, (len(group), k)), c_lists], axis=1)
    cand.sort(axis=1)
    if method == "add":
        cand_scores = pair[cand] + flat[offsets + cand]
        bound = pair_k + c_k
    else:
        cand_scores = pair[cand] * _shifted(flat[offsets + cand])
        bound = np.where((pair_k >= 0) & (c_k >= 0), pair_k * c_k, np.inf)
    excluded = triples[group]
    hit = cand == excluded[:, :1]
    hit |= cand == excluded[:, 1:2]
    hit |= cand == excluded[:, 2:]
    # a candidate listed twice (in both lists) keeps only its first copy
    hit[:, 1:] |= cand[:, 1:] == cand[:, :-1]
    if never.size:
        hit |= np.isin(cand, never)
    cand_scores[hit] = -np.inf
    if topn == 1:
        pick = cand_scores.argmax(axis=1)[:, None]    # sorted cand: ties -> smaller index
    else:
        picks = [top_n(line, topn) for line in cand_scores]
        pick = np.stack([p if len(p) == topn else np.zeros(topn, dtype=np.int64)
                         for p in picks])
    chosen = np.take_along_axis(cand_scores, pick, axis=1)
    ok = (chosen[:, -1] > bound) & (chosen[:, -1] > -np.inf)
    ok_rows = group[ok]
    best[ok_rows] = np.take_along_axis(cand, pick, axis=1)[ok]
    scores[ok_rows] = chosen[ok]
    return group[~ok]
