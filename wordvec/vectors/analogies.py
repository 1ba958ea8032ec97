"""Analogy queries (3CosAdd, 3CosMul) answered in batches.

Analogy batches use an exact shortcut when many questions share their ``(a, b)``
pair, as the Google set does: with ``d = f(b) - f(a)`` (or ``f(b) / (f(a) + eps)``)
ranked once per pair and each ``c`` row ranked once, any word outside both top-K
lists scores at most ``d_K + c_K`` (or ``d_K * c_K``), so when the n-th best
candidate beats that bound the answer is proven exact; otherwise the full row is
scored.  Results are identical to scoring every word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._util.validation import check_choice, check_int
from ._ranking import (EPSILON, METHODS, UNKNOWN_POLICIES, Result, _block_rows, _mask, _n_rows,
                       _pairs, _resolve, _select, _with_extra, top_n)

if TYPE_CHECKING:  # pragma: no cover
    from .vectors import WordVectors

__all__ = ["analogy_batch", "analogy_indices"]

_PRUNE_MIN_GROUP = 3      # questions sharing (a, b) before the top-K shortcut pays off
_PRUNE_K = 200             # length of the candidate lists of the shortcut


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
    extra: list[np.ndarray] = []  # question words outside the vocabulary, from n-grams
    for q, triple in enumerate(triples):
        if isinstance(triple, str) or len(triple) != 3:
            raise ValueError(f"each analogy must be three words (a, b, c); got {triple!r}")
        found = _resolve(wv, triple, unknown, extra)
        if found is not None:
            ids[q] = found
    known = np.flatnonzero(ids[:, 0] >= 0)
    best, scores = analogy_indices(_with_extra(wv.unit_vectors, extra), ids[known],
                                   methods=(method,), topn=topn,
                                   restrict_vocab=restrict_vocab, block_size=block_size,
                                   never=wv.unusable_rows, candidates=len(wv))[method]
    out: list[Result] = [[] for _ in triples]
    for q, b, s in zip(known.tolist(), best, scores):
        keep = b >= 0
        out[q] = _pairs(wv, b[keep], s[keep])
    return out


def analogy_indices(unit: np.ndarray, triples: np.ndarray, *,
                    methods: Sequence[str] = ("add",), topn: int = 1,
                    restrict_vocab: int | None = None, block_size: int | None = None,
                    never: np.ndarray | None = None, candidates: int | None = None,
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
    candidates : int, optional
        Only the first ``candidates`` rows may be answers (default: all); the rows
        after them are question words from n-grams, outside the vocabulary.

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
    n_cand = unit.shape[0] if candidates is None else \
        check_int("candidates", candidates, low=1, high=unit.shape[0])
    rows = _n_rows(restrict_vocab, n_cand)  # type: ignore[arg-type]
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
