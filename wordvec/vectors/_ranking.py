"""What every query kind shares: the scores' constants, top-n selection, blocks of rows,
and turning words into rows (with the ``unknown`` policy) and rows into answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._util.validation import check_int
from ._lookup import find, normal_form, unknown_word

if TYPE_CHECKING:  # pragma: no cover
    from .vectors import WordVectors

__all__ = ["EPSILON", "METHODS", "UNKNOWN_POLICIES", "DEFAULT_BLOCK_BYTES", "top_n"]

EPSILON = 1e-6
"""3CosMul denominator offset (gensim's value), avoiding division by zero."""

METHODS = ("add", "mul")
UNKNOWN_POLICIES = ("raise", "skip")
DEFAULT_BLOCK_BYTES = 64 * 2**20
"""Default size of one block of scores (queries x vocabulary float32)."""

Result = list[tuple[str, float]]
Query = tuple[str | Sequence[str] | None, str | Sequence[str] | None]


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


def _resolve(wv: WordVectors, words: Iterable[str], unknown: str,
             extra: list[np.ndarray] | None = None) -> list[int] | None:
    """Row indices of ``words``; ``None`` if one is unknown (or its vector is zero or
    not finite: no cosine) and ``unknown="skip"``.

    With ``extra`` (a list) and a model with n-gram vectors, a word outside the
    vocabulary that has one gets the index ``len(wv) + k``: its unit vector is appended
    to ``extra`` as its ``k``-th entry (see :func:`_with_extra`)."""
    ids = []
    unusable = wv.unusable_rows
    for word in words:
        idx = find(wv, word)
        if idx is None and extra is not None and wv.subwords is not None \
                and isinstance(word, str):
            v = wv.subwords.vector(normal_form(wv, word))  # hashed once
            if v is not None:
                extra.append((v / np.linalg.norm(v)).astype(np.float32))
                ids.append(len(wv) + len(extra) - 1)
                continue
        if idx is None or (unusable.size and np.any(unusable == idx)):
            if unknown == "skip":
                return None
            if idx is None:
                raise unknown_word(wv, word)
            raise ValueError(f"word {word!r} has a zero or non-finite vector: no cosine "
                             "similarity is defined for it")
        ids.append(idx)
    return ids


def _with_extra(unit: np.ndarray, extra: list[np.ndarray]) -> np.ndarray:
    """The unit vectors with the query words from n-grams appended as extra rows (never
    candidates: the queries score rows below ``len(wv)`` only)."""
    if not extra:
        return unit
    return np.concatenate([unit, np.stack(extra).astype(np.float32)])


def _as_words(words: str | Sequence[str] | None) -> list[str]:
    if words is None:
        return []
    if isinstance(words, str):
        return [words]
    return list(words)


def _pairs(wv: WordVectors, idx: np.ndarray, scores: np.ndarray) -> Result:
    keys = wv.index_to_key
    return [(keys[i], float(s)) for i, s in zip(idx.tolist(), scores.tolist())]
