"""Vectors for words outside the vocabulary, from character n-grams, by least squares.

fastText learns a vector per character n-gram while it trains and sums them into each
word's vector.  Here the word vectors come first (PPMI + SVD) and the n-gram vectors are
fitted to them afterwards: with ``G`` the (words x n-grams) incidence matrix, each row a
word's n-grams weighted ``1/len`` (a word's reconstruction is the mean of its n-grams'
vectors), and ``W`` the unit word vectors, the n-gram vectors ``Z`` solve the ridge
problem::

    min_Z ||G Z - W||^2 + lam ||Z||^2,   i.e.  (G.T G + lam I) Z = G.T W

by conjugate gradients on all columns at once (one sparse product with ``G`` and one
with ``G.T`` a step), preconditioned by the diagonal of ``G.T G + lam I``.  An unseen
word's vector is then the mean of the vectors of its n-grams that were seen.

N-grams are those of ``<word>`` (the markers tell prefixes and suffixes apart) of
``minn`` to ``maxn`` characters, as in fastText, hashed (CRC-32 of their UTF-8 bytes) into
``buckets`` buckets; only the buckets some vocabulary word uses get a row.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from .._util.validation import check_float, check_int

__all__ = ["char_ngrams", "ngram_buckets", "incidence", "Subwords", "fit_subwords"]


def char_ngrams(word: str, minn: int = 3, maxn: int = 6) -> list[str]:
    """The character n-grams of ``<word>``, ``minn`` to ``maxn`` long, in order of
    position then length (the whole ``<word>`` included when it is short enough).

    >>> char_ngrams("cat", 3, 4)
    ['<ca', '<cat', 'cat', 'cat>', 'at>']
    """
    marked = f"<{word}>"
    n = len(marked)
    return [marked[i:i + k] for i in range(n) for k in range(minn, maxn + 1) if i + k <= n]


def ngram_buckets(word: str, minn: int, maxn: int, buckets: int) -> np.ndarray:
    """The bucket of each n-gram of ``word`` (CRC-32 of its UTF-8 bytes modulo
    ``buckets``), int64, possibly with repeats (collisions, repeated n-grams)."""
    return np.array([zlib.crc32(g.encode("utf-8")) % buckets
                     for g in char_ngrams(word, minn, maxn)], dtype=np.int64)


def incidence(words: Sequence[str], minn: int, maxn: int, buckets: int,
              min_words: int = 1) -> tuple[sp.csr_matrix, np.ndarray]:
    """The (words x used buckets) matrix, each row the mean over a word's n-grams (each
    weighted 1/len), and the bucket number of each column (sorted).  Buckets used by fewer
    than ``min_words`` words are left out (they describe one word, not a pattern), and each
    row is the mean over its remaining n-grams."""
    rows, cols = [], []
    for i, w in enumerate(words):
        b = ngram_buckets(w, minn, maxn, buckets)
        rows.append(np.full(b.size, i, dtype=np.int64))
        cols.append(b)
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    if min_words > 1:
        pairs = np.unique(row * buckets + col)  # a word's repeated n-gram counts once here
        users = np.bincount(pairs % buckets, minlength=buckets)
        keep = users[col] >= min_words
        row, col = row[keep], col[keep]
    used, col = np.unique(col, return_inverse=True)
    lengths = np.maximum(np.bincount(row, minlength=len(words)), 1).astype(np.float32)
    data = 1.0 / lengths[row]
    g = sp.csr_matrix((data.astype(np.float32), (row, col)), shape=(len(words), used.size))
    g.sum_duplicates()  # a repeated n-gram of one word counts twice, as in the mean
    return g, used


class Subwords:
    """N-gram vectors fitted to a model's words: ``vector(word)`` for any word.

    Parameters
    ----------
    buckets_used : ndarray of int64, sorted
        The bucket of each row of ``table``.
    table : ndarray (len(buckets_used), dim) float32
        The n-gram vectors.
    minn, maxn, buckets : int
        The n-gram lengths and the hash range they were made with.
    """

    def __init__(self, buckets_used: np.ndarray, table: np.ndarray, *, minn: int, maxn: int,
                 buckets: int, fit: dict[str, float] | None = None) -> None:
        self.buckets_used = np.asarray(buckets_used, dtype=np.int64)
        self.table = np.asarray(table, dtype=np.float32)
        if self.table.ndim != 2 or self.table.shape[0] != self.buckets_used.size:
            raise ValueError(f"table must have one row per used bucket "
                             f"({self.buckets_used.size}); got shape {self.table.shape}")
        self.minn, self.maxn, self.buckets = minn, maxn, buckets
        self.fit = dict(fit or {})

    def __repr__(self) -> str:
        return (f"Subwords({self.table.shape[0]} n-gram rows, dim={self.table.shape[1]}, "
                f"n={self.minn}-{self.maxn}, buckets={self.buckets})")

    def known_ngrams(self, word: str) -> int:
        """How many of ``word``'s n-grams have a vector."""
        return int(self._rows(word).size)

    def _rows(self, word: str) -> np.ndarray:
        b = ngram_buckets(word, self.minn, self.maxn, self.buckets)
        at = np.searchsorted(self.buckets_used, b)
        at = np.minimum(at, max(self.buckets_used.size - 1, 0))
        hit = self.buckets_used.size > 0
        return at[self.buckets_used[at] == b] if hit else at[:0]

    def vector(self, word: str) -> np.ndarray | None:
        """The mean of ``word``'s known n-gram vectors, or None if it has none."""
        if not isinstance(word, str):
            raise TypeError(f"words are str; got {type(word).__name__}")
        rows = self._rows(word)
        if rows.size == 0:
            return None
        return self.table[rows].mean(axis=0)


def fit_subwords(words: Sequence[str], vectors: np.ndarray, *, minn: int = 3, maxn: int = 6,
                 buckets: int = 2_000_000, lam: float = 0.1, n_iter: int = 30,
                 tol: float = 1e-4, min_words: int = 1) -> Subwords:
    """Fit n-gram vectors whose means reproduce ``vectors`` (one row per word) by ridge
    least squares (module notes); ``lam`` weighs the penalty against the fit."""
    minn = check_int("minn", minn, low=1)  # type: ignore[assignment]
    maxn = check_int("maxn", maxn, low=minn)  # type: ignore[assignment]
    buckets = check_int("buckets", buckets, low=1)  # type: ignore[assignment]
    lam = check_float("lam", lam, low=0, low_open=True)
    n_iter = check_int("n_iter", n_iter, low=1)  # type: ignore[assignment]
    min_words = check_int("min_words", min_words, low=1)  # type: ignore[assignment]
    w = np.asarray(vectors, dtype=np.float32)
    if w.ndim != 2 or w.shape[0] != len(words):
        raise ValueError(f"vectors must have one row per word ({len(words)}); "
                         f"got shape {w.shape}")
    g, used = incidence(words, minn, maxn, buckets, min_words)
    gt = g.T.tocsr()
    diag = np.asarray(g.multiply(g).sum(axis=0)).ravel().astype(np.float32) + lam
    inv = (1.0 / diag)[:, None]

    def apply(x: np.ndarray) -> np.ndarray:  # (G.T G + lam I) x
        return gt @ (g @ x) + lam * x

    # The columns are independent problems with the same matrix: solved in blocks of
    # columns, so the solver's work arrays are (n-grams x block), not (n-grams x dim).
    z = np.empty((used.size, w.shape[1]), dtype=np.float32)
    steps, residual, total = 0, 0.0, 0.0
    for lo in range(0, w.shape[1], _COLUMNS):
        z_block, n, res, norm = _solve(apply, inv, gt @ w[:, lo:lo + _COLUMNS], n_iter, tol)
        z[:, lo:lo + _COLUMNS] = z_block
        steps, residual, total = max(steps, n), residual + res ** 2, total + norm ** 2
    fit = {"steps": steps, "relative_residual": float(np.sqrt(residual / (total or 1.0))),
           "lam": lam, "words": len(words)}
    return Subwords(used, z, minn=minn, maxn=maxn, buckets=buckets, fit=fit)


#: Columns of the n-gram vectors solved together (bounds the solver's memory).
_COLUMNS = 64


def _solve(apply: Callable[[np.ndarray], np.ndarray], inv: np.ndarray, b: np.ndarray,
           n_iter: int, tol: float) -> tuple[np.ndarray, int, float, float]:
    """Jacobi-preconditioned conjugate gradients for ``A z = b``, one CG per column of
    ``b`` run side by side; ``z``, the steps taken, the residual and ``b``'s norms."""
    tiny = np.finfo(np.float32).tiny
    z = inv * b  # the Jacobi start: each n-gram's weighted mean of its words
    r = b - apply(z)
    y = inv * r
    p = y.copy()
    ry = np.einsum("ij,ij->j", r, y)
    b_norm = float(np.linalg.norm(b)) or 1.0
    steps = 0
    for steps in range(1, n_iter + 1):
        ap = apply(p)
        alpha = ry / np.maximum(np.einsum("ij,ij->j", p, ap), tiny)
        z += alpha * p
        r -= alpha * ap
        if float(np.linalg.norm(r)) <= tol * b_norm:
            break
        y = inv * r
        ry_new = np.einsum("ij,ij->j", r, y)
        p = y + (ry_new / np.maximum(ry, tiny)) * p
        ry = ry_new
    return z, steps, float(np.linalg.norm(r)), b_norm
