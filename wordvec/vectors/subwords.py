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

from .._util.progress import bar
from .._util.validation import check_float, check_int, default_n_jobs
from ..linalg.operators import _TiledOperator

__all__ = ["char_ngrams", "ngram_buckets", "incidence", "Subwords", "fit_subwords",
           "blend_weights", "blend", "fit_and_blend", "RARE_COUNT"]


#: The count at which a word's rare share of the blend is halved (:func:`blend_weights`).
RARE_COUNT = 50.0


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
    """N-gram vectors fitted to a model's words: a vector for any word with a known n-gram.

    Parameters
    ----------
    buckets_used : ndarray of int64, sorted
        The bucket of each row of ``table``.
    table : ndarray (len(buckets_used), dim) float32
        The n-gram vectors.
    minn, maxn, buckets : int
        The n-gram lengths and the hash range they were made with.
    scale : float, default=1.0
        Length of the vectors :meth:`vector` gives (the n-gram mean's direction, this
        long), so that an unseen word weighs in a sum of vectors as a model's word
        does (:func:`wordvec.build` sets it).
    fit : dict, optional
        How the table was fitted (steps, residual, ``lam``, words), saved with it.
    """

    def __init__(self, buckets_used: np.ndarray, table: np.ndarray, *, minn: int, maxn: int,
                 buckets: int, scale: float = 1.0, fit: dict[str, float] | None = None) -> None:
        self.buckets_used = np.asarray(buckets_used, dtype=np.int64)
        self.table = np.asarray(table, dtype=np.float32)
        if self.table.ndim != 2 or self.table.shape[0] != self.buckets_used.size:
            raise ValueError(f"table must have one row per used bucket "
                             f"({self.buckets_used.size}); got shape {self.table.shape}")
        if self.buckets_used.size and (np.any(np.diff(self.buckets_used) <= 0)
                                       or self.buckets_used[0] < 0
                                       or self.buckets_used[-1] >= buckets):
            raise ValueError(f"buckets_used must be increasing bucket numbers in [0, {buckets})")
        if not (1 <= minn <= maxn):
            raise ValueError(f"n-gram lengths must satisfy 1 <= minn <= maxn; got {minn}, {maxn}")
        if not (np.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a positive number; got {scale!r}")
        self.minn, self.maxn, self.buckets = int(minn), int(maxn), int(buckets)
        self.scale = float(scale)
        self.fit = dict(fit or {})

    @property
    def dim(self) -> int:
        return int(self.table.shape[1])

    def __repr__(self) -> str:
        return (f"Subwords({self.table.shape[0]} n-gram rows, dim={self.dim}, "
                f"n={self.minn}-{self.maxn}, buckets={self.buckets})")

    def known_ngrams(self, word: str) -> int:
        """How many of ``word``'s n-grams have a vector."""
        return int(self._rows(word).size)

    def _rows(self, word: str) -> np.ndarray:
        if not isinstance(word, str):
            raise TypeError(f"words are str; got {word!r} ({type(word).__name__})")
        b = ngram_buckets(word, self.minn, self.maxn, self.buckets)
        if self.buckets_used.size == 0:
            return b[:0]
        at = np.minimum(np.searchsorted(self.buckets_used, b), self.buckets_used.size - 1)
        return at[self.buckets_used[at] == b]

    def mean(self, words: Sequence[str]) -> np.ndarray:
        """(len(words), dim) float32: each word's mean known n-gram vector, zero for a
        word with none (one sparse product for all the words)."""
        rows = [self._rows(w) for w in words]
        sizes = np.array([r.size for r in rows], dtype=np.int64)
        cols = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        row = np.repeat(np.arange(len(rows)), sizes)
        data = (1.0 / np.maximum(sizes, 1))[row].astype(np.float32)
        m = sp.csr_matrix((data, (row, cols)), shape=(len(rows), self.table.shape[0]))
        return np.asarray(m @ self.table, dtype=np.float32).reshape(len(rows), self.dim)

    def vector(self, word: str) -> np.ndarray | None:
        """``word``'s vector from its n-grams (their mean's direction, :attr:`scale`
        long), or None if none of its n-grams is known."""
        v = self.mean([word])[0]
        norm = float(np.linalg.norm(v))
        if not norm or not np.isfinite(norm):
            return None
        return (v * np.float32(self.scale / norm)).astype(np.float32)

    def vectors(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Vectors of many words (as :meth:`vector`) and a mask of the words that have
        one (rows of the others are zero)."""
        v = self.mean(words)
        norms = np.linalg.norm(v, axis=1)
        ok = (norms > 0) & np.isfinite(norms)
        v[ok] *= (self.scale / norms[ok])[:, None].astype(np.float32)
        v[~ok] = 0.0
        return v, ok


def blend_weights(counts: np.ndarray, weight: float, rare_weight: float,
                  rare_count: float = RARE_COUNT) -> np.ndarray:
    """Each word's share of its n-gram vector in the blend of :func:`wordvec.build`:
    ``weight + rare_weight * rare_count / (rare_count + count)`` (a frequent word's own
    vector is reliable; a rare word's is noise its n-grams correct).

    >>> [round(float(x), 3) for x in blend_weights(np.array([0, 50, 950]), 0.2, 0.5)]
    [0.7, 0.45, 0.225]
    """
    c = np.asarray(counts, dtype=np.float64)
    return (weight + rare_weight * rare_count / (rare_count + c)).astype(np.float32)


def blend(unit: np.ndarray, reconstruction: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """``unit + shares * unit(reconstruction)``, row by row (a zero reconstruction adds
    nothing): each word's vector pulled towards the vectors of its n-grams."""
    norms = np.linalg.norm(reconstruction, axis=1, keepdims=True)
    r = reconstruction / np.where(norms > 0, norms, 1).astype(np.float32)
    return np.ascontiguousarray(unit + shares[:, None].astype(np.float32) * r,
                                dtype=np.float32)


def fit_subwords(words: Sequence[str], vectors: np.ndarray, *, minn: int = 3, maxn: int = 6,
                 buckets: int = 2_000_000, lam: float = 0.1, n_iter: int = 3,
                 tol: float = 1e-4, min_words: int = 1, n_jobs: int | None = None,
                 progress: bool = False, keep_table: bool = True,
                 stats: dict[str, float] | None = None) -> tuple[Subwords | None, np.ndarray]:
    """Fit n-gram vectors whose means reproduce ``vectors`` (one row per word) by ridge
    least squares (module notes); ``lam`` weighs the penalty against the fit.

    Returns the :class:`Subwords` (None with ``keep_table=False``: then only the
    reconstructions are wanted, and each block of n-gram vectors is dropped once it has
    given its columns of them, so the table is never held whole) and the words'
    reconstructions ``G Z`` (the mean of each word's n-gram vectors, same shape as
    ``vectors``); ``stats`` (a dict), if given, receives the fit's statistics.  Three CG steps from the
    Jacobi start give the hidden words' vectors as good as thirty
    (``benchmarks/study_subwords.py``)."""
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
    diag = np.asarray(g.multiply(g).sum(axis=0)).ravel().astype(np.float32) + lam
    inv = (1.0 / diag)[:, None]
    op = _TiledOperator(g, default_n_jobs() if n_jobs is None else n_jobs)

    def apply(x: np.ndarray) -> np.ndarray:  # (G.T G + lam I) x, on all cores
        out = op.rmatmat(op.matmat(x))
        out += np.float32(lam) * x
        return out

    # The columns are independent problems with the same matrix: solved in blocks of
    # columns, so the solver's work arrays are (n-grams x block), not (n-grams x dim).
    z = np.empty((used.size, w.shape[1]) if keep_table else (0, 0), dtype=np.float32)
    recon = np.empty_like(w)
    steps, residual, total = 0, 0.0, 0.0
    starts = range(0, w.shape[1], _COLUMNS)
    line = bar(progress, total=len(starts), desc="subwords", unit="block")
    try:
        for lo in starts:
            b = op.rmatmat(np.ascontiguousarray(w[:, lo:lo + _COLUMNS]))
            z_block, n, res, norm = _solve(apply, inv, b, n_iter, tol)
            if keep_table:
                z[:, lo:lo + _COLUMNS] = z_block
            recon[:, lo:lo + _COLUMNS] = op.matmat(z_block)
            del z_block
            steps, residual, total = max(steps, n), residual + res ** 2, total + norm ** 2
            line.update()
    finally:
        line.close()
        op.close()
    fit = {"steps": steps, "relative_residual": float(np.sqrt(residual / (total or 1.0))),
           "lam": lam, "words": len(words), "min_words": min_words,
           "ngram_rows": int(used.size)}
    if stats is not None:
        stats.update(fit)
    if not keep_table:
        return None, recon
    return Subwords(used, z, minn=minn, maxn=maxn, buckets=buckets, fit=fit), recon


def fit_and_blend(words: Sequence[str], counts: np.ndarray, vectors: np.ndarray, *,
                  weight: float, rare_weight: float, keep: bool = True,
                  n_jobs: int | None = None, progress: bool = False
                  ) -> tuple[np.ndarray, Subwords | None, dict[str, float]]:
    """The n-gram step of :func:`wordvec.build`: fit n-gram vectors to the words' unit
    vectors, then blend each word's reconstruction into its unit vector with the shares
    of :func:`blend_weights` (no blend when both weights are 0: the vectors are returned
    as they are).

    The blend gives every vector what fastText's sum of n-grams gives it: words sharing
    affixes move together (walk : walked, city : cities), and a rare word's noisy vector
    leans more on its n-grams (``benchmarks/study_subword_blend.py``).  With ``keep``,
    the returned :class:`Subwords` give unseen words vectors as long as the median
    vector (else None: the table is never held whole).  Also returns the fit's
    statistics."""
    w = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(w, axis=1, keepdims=True)
    unit = w / np.where(norms > 0, norms, 1).astype(np.float32)
    stats: dict[str, float] = {}
    subwords, recon = fit_subwords(words, unit, n_jobs=n_jobs, progress=progress,
                                   keep_table=keep, stats=stats)
    if weight or rare_weight:
        w = blend(unit, recon, blend_weights(counts, weight, rare_weight))
    del recon
    if subwords is not None:
        lengths = np.linalg.norm(w, axis=1)
        subwords.scale = float(np.median(lengths[lengths > 0])) if np.any(lengths > 0) else 1.0
    return w, subwords, stats


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
    tmp = np.empty_like(z)
    for steps in range(1, n_iter + 1):
        ap = apply(p)
        alpha = ry / np.maximum(np.einsum("ij,ij->j", p, ap), tiny)
        z += np.multiply(p, alpha, out=tmp)
        r -= np.multiply(ap, alpha, out=ap)
        if float(np.linalg.norm(r)) <= tol * b_norm:
            break
        np.multiply(inv, r, out=y)
        ry_new = np.einsum("ij,ij->j", r, y)
        p *= ry_new / np.maximum(ry, tiny)
        p += y
        ry = ry_new
    return z, steps, float(np.linalg.norm(r)), b_norm
