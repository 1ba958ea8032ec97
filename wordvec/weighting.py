"""Weighting: co-occurrence counts to (shifted) positive PMI, kept sparse.

``PMI(w, c) = log( #(w,c) * sum_c' #(c')^a / ( #(w) * #(c)^a ) )`` where ``#(w)`` and
``#(c)`` are the row and column sums of the count matrix and ``a`` is the
context-distribution smoothing exponent (``context_smoothing``; Levy, Goldberg &
Dagan 2015, "cds").  The shifted positive PMI keeps ``max(PMI - log k, 0)`` with
``k = shift`` (k = 1 is plain PPMI) and stores only its positive entries.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._validation import check_float

__all__ = ["ppmi"]

_BLOCK_NNZ = 1 << 23


def ppmi(counts: sp.spmatrix, context_smoothing: float = 0.75,
         shift: float = 1.0) -> sp.csr_matrix:
    """Shifted positive PMI of a word x context count matrix.

    Parameters
    ----------
    counts : sparse matrix of shape (n_words, n_contexts)
        Non-negative (weighted) co-occurrence counts.
    context_smoothing : float, default=0.75
        Exponent ``a`` in (0, 1] applied to context counts; 1 disables smoothing.
    shift : float, default=1.0
        ``k >= 1``; ``log k`` is subtracted before clipping at zero (SGNS's negative
        sample count).

    Returns
    -------
    scipy.sparse.csr_matrix of float32
        Only the strictly positive values are stored.

    Examples
    --------
    >>> m = sp.csr_matrix(np.array([[2.0, 0.0], [1.0, 1.0]]))
    >>> ppmi(m, context_smoothing=1.0).toarray().astype(float).round(4).tolist()
    [[0.2877, 0.0], [0.0, 0.6931]]
    """
    a = check_float("context_smoothing", context_smoothing, low=0.0, high=1.0, low_open=True)
    k = check_float("shift", shift, low=1.0)
    m = sp.csr_matrix(counts, dtype=np.float32, copy=True)
    m.sum_duplicates()
    if m.data.size and m.data.min() < 0:
        raise ValueError("counts must be non-negative")
    row_sums = np.asarray(m.sum(axis=1), dtype=np.float64).ravel()
    ctx = np.asarray(m.sum(axis=0), dtype=np.float64).ravel() ** a  # type: ignore[operator]
    ctx_total = ctx.sum()
    with np.errstate(divide="ignore"):
        inv_rows = np.where(row_sums > 0, 1.0 / row_sums, 0.0)
        inv_ctx = np.where(ctx > 0, ctx_total / ctx, 0.0)
    log_k = np.float32(np.log(k))
    indptr, indices, data = m.indptr, m.indices, m.data
    keep = np.empty(data.size, dtype=bool)
    n_rows = m.shape[0]
    kept_per_row = np.zeros(n_rows, dtype=np.int64)
    # Work in row blocks so temporaries stay bounded by _BLOCK_NNZ entries.
    row = 0
    while row < n_rows:
        end = int(np.searchsorted(indptr, indptr[row] + _BLOCK_NNZ, side="right")) - 1
        end = max(end, row + 1)
        lo, hi = indptr[row], indptr[end]
        rows = np.repeat(np.arange(row, end), np.diff(indptr[row:end + 1]))
        scale = (inv_rows[rows] * inv_ctx[indices[lo:hi]]).astype(np.float32)
        block = np.log(data[lo:hi] * scale)
        block -= log_k
        data[lo:hi] = block
        keep[lo:hi] = block > 0
        kept_per_row += np.bincount(rows[keep[lo:hi]], minlength=n_rows)
        row = end
    out = _select(m, keep, kept_per_row)
    return out


def _select(m: sp.csr_matrix, keep: np.ndarray, kept_per_row: np.ndarray) -> sp.csr_matrix:
    """The entries of ``m`` where ``keep`` is true, as a canonical CSR matrix."""
    indptr = np.concatenate(([0], np.cumsum(kept_per_row)))
    out = sp.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape)
    out.has_canonical_format = True
    return out
