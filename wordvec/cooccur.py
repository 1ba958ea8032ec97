"""Co-occurrence counting: an id stream to a sparse word x context matrix.

The input is a stream of ``int32`` word ids in chunks.  Two negative ids mark what
is not a word: :data:`SEPARATOR` ends a document (no window crosses it) and
:data:`HOLE` is a removed token that still occupies its position (so distances
around it are unchanged).  A document may continue across chunks.

Counting is vectorized: for each distance ``d`` the pairs ``(x[i], x[i+d])`` of a
chunk are formed as arrays, encoded as one ``int64`` key per pair (word, context and
distance), sorted once and run-length encoded.  Partial results are canonical CSR
matrices merged by SciPy's linear-time sparse addition, so peak memory is bounded by
the chunk size and the matrix, not by the corpus.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._validation import check_choice, check_int

__all__ = ["CooccurrenceCounter", "SEPARATOR", "HOLE", "WINDOW_WEIGHTINGS", "window_weights"]

SEPARATOR = -1
HOLE = -2
WINDOW_WEIGHTINGS = ("uniform", "harmonic", "dynamic")


def window_weights(window: int, weighting: str) -> np.ndarray:
    """Weight of a context at distance ``d = 1..window`` (index ``d - 1``).

    ``uniform``: 1; ``harmonic``: 1/d (GloVe); ``dynamic``: (window - d + 1) / window,
    the probability that word2vec's randomly shrunk window reaches distance ``d``.

    >>> window_weights(4, "dynamic").tolist()
    [1.0, 0.75, 0.5, 0.25]
    """
    window = check_int("window", window, low=1)  # type: ignore[assignment]
    check_choice("window_weighting", weighting, WINDOW_WEIGHTINGS)
    d = np.arange(1, window + 1, dtype=np.float64)
    if weighting == "uniform":
        w = np.ones_like(d)
    elif weighting == "harmonic":
        w = 1.0 / d
    else:
        w = (window - d + 1) / window
    return w


def _sum_csr(a: sp.csr_matrix, b: sp.csr_matrix) -> sp.csr_matrix:
    out = (a + b).tocsr()
    out.has_canonical_format = True
    return out


class CooccurrenceCounter:
    """Accumulate symmetric, distance-weighted co-occurrence counts.

    Parameters
    ----------
    vocab_size : int
        Number of word ids; the matrix is ``vocab_size x vocab_size``.
    window : int, default=5
        Largest distance between a word and its context.
    window_weighting : {"uniform", "harmonic", "dynamic"}, default="dynamic"
        Weight of a pair at distance ``d``; see :func:`window_weights`.

    Examples
    --------
    >>> c = CooccurrenceCounter(3, window=1, window_weighting="uniform")
    >>> c.update(np.array([0, 1, SEPARATOR, 1, 2], dtype=np.int32))
    >>> c.result().toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """

    def __init__(self, vocab_size: int, window: int = 5,
                 window_weighting: str = "dynamic") -> None:
        self.vocab_size = check_int("vocab_size", vocab_size, low=1)
        self.window = check_int("window", window, low=1)
        self.window_weighting = window_weighting
        self._weights = window_weights(window, window_weighting)
        self._dbits = int(np.ceil(np.log2(window))) if window_weighting != "uniform" else 0
        if self._dbits and int(vocab_size) ** 2 >= 2 ** (62 - self._dbits):
            raise ValueError(f"vocab_size={vocab_size} is too large for window={window}")
        self._carry = np.empty(0, dtype=np.int32)
        self._partials: list[sp.csr_matrix] = []
        self.pairs = 0  # number of (word, context) pairs counted, one direction

    # -- counting ---------------------------------------------------------------
    def update(self, ids: np.ndarray) -> None:
        """Count the pairs of the next chunk of the stream."""
        ids = np.asarray(ids, dtype=np.int32)
        if ids.size == 0:
            return
        if ids.max() >= self.vocab_size:
            raise ValueError(f"word id {int(ids.max())} out of range for vocab_size="
                             f"{self.vocab_size}")
        x = np.concatenate([self._carry, ids]) if self._carry.size else ids
        p = self._carry.size
        self._carry = x[-self.window:].copy()
        keys = self._pair_keys(x, p)
        if keys.size:
            self._add_partial(self._reduce(keys))

    def end_document(self) -> None:
        """Close the current document (same as a :data:`SEPARATOR` in the stream)."""
        self._carry = np.empty(0, dtype=np.int32)

    def _pair_keys(self, x: np.ndarray, p: int) -> np.ndarray:
        n = x.size
        seps = x == SEPARATOR
        seg = np.cumsum(seps, dtype=np.int32) if seps.any() else None
        is_word = x >= 0
        V = np.int64(self.vocab_size)
        parts = []
        for d in range(1, min(self.window, n - 1) + 1):
            start = max(0, p - d)
            valid = is_word[start:n - d] & is_word[start + d:]
            if seg is not None:
                valid &= seg[start:n - d] == seg[start + d:]
            a = x[start:n - d][valid].astype(np.int64)
            b = x[start + d:][valid]
            key = a * V + b
            if self._dbits:
                key <<= self._dbits
                key |= d - 1
            parts.append(key)
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def _reduce(self, keys: np.ndarray) -> sp.csr_matrix:
        self.pairs += keys.size
        keys.sort()
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        runs = np.diff(np.append(starts, keys.size)).astype(np.float32)
        uniq = keys[starts]
        if self._dbits:
            runs *= self._weights.astype(np.float32)[uniq & ((1 << self._dbits) - 1)]
            uniq >>= self._dbits
            first = np.flatnonzero(np.concatenate(([True], uniq[1:] != uniq[:-1])))
            runs = np.add.reduceat(runs, first)
            uniq = uniq[first]
        V = self.vocab_size
        rows = uniq // V
        cols = (uniq - rows * V).astype(np.int32)
        indptr = np.searchsorted(rows, np.arange(V + 1, dtype=np.int64)).astype(np.int64)
        m = sp.csr_matrix((runs, cols, indptr), shape=(V, V))
        m.has_canonical_format = True
        return m

    def _add_partial(self, m: sp.csr_matrix) -> None:
        self._partials.append(m)
        # Merge like a binary counter: sizes stay geometric, total work O(n log n).
        while len(self._partials) > 1 and \
                self._partials[-1].nnz * 2 >= self._partials[-2].nnz:
            b = self._partials.pop()
            a = self._partials.pop()
            self._partials.append(_sum_csr(a, b))

    # -- result ------------------------------------------------------------------
    def result(self) -> sp.csr_matrix:
        """The symmetric ``float32`` count matrix ``C + C.T`` (rows words, columns contexts)."""
        V = self.vocab_size
        total = sp.csr_matrix((V, V), dtype=np.float32)
        for m in self._partials:
            total = _sum_csr(total, m)
        sym = (total + total.T.tocsr()).tocsr()
        sym.sum_duplicates()
        return sym.astype(np.float32)

    def merge(self, other: CooccurrenceCounter) -> None:
        """Add another counter's counts (same vocabulary and window) to this one."""
        if (other.vocab_size, other.window, other.window_weighting) != \
                (self.vocab_size, self.window, self.window_weighting):
            raise ValueError("can only merge counters with the same vocab_size, window "
                             "and window_weighting")
        for m in other._partials:
            self._add_partial(m)
        self.pairs += other.pairs
