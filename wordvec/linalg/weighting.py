"""Weighting: co-occurrence counts to (shifted) positive PMI, kept sparse.

``PMI(w, c) = log( #(w,c) * sum_c' #(c')^a / ( #(w) * #(c)^a ) )`` where ``#(w)`` and
``#(c)`` are the row and column sums of the count matrix and ``a`` is the
context-distribution smoothing exponent (``context_smoothing``; Levy, Goldberg &
Dagan 2015, "cds").  The shifted positive PMI keeps ``max(PMI - log k, 0)`` with
``k = shift`` (k = 1 is plain PPMI) and stores only its positive entries.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from .._util.validation import check_float, check_int
from .blocks import BlockMatrix, sums64

__all__ = ["ppmi"]

_BLOCK_NNZ = 1 << 23


def ppmi(counts: sp.spmatrix | BlockMatrix, context_smoothing: float = 0.75,
         shift: float = 1.0, *, tile_width: int | None = None,
         block_nnz: int | None = None, copy: bool = True,
         n_jobs: int = 1) -> sp.csr_matrix | BlockMatrix:
    """Shifted positive PMI of a word x context count matrix.

    Parameters
    ----------
    counts : sparse matrix or BlockMatrix of shape (n_words, n_contexts)
        Non-negative (weighted) co-occurrence counts.  A
        :class:`~wordvec.linalg.blocks.BlockMatrix` (on disk) gives a BlockMatrix, computed
        one block at a time, with the same values.
    context_smoothing : float, default=0.75
        Exponent ``a`` in (0, 1] applied to context counts; 1 disables smoothing.
    shift : float, default=1.0
        ``k >= 1``; ``log k`` is subtracted before clipping at zero (SGNS's negative
        sample count).
    tile_width : int, optional
        Columns per tile of the blocks of a BlockMatrix result (for the SVD's
        products); ignored for in-memory counts.
    block_nnz : int, optional
        Consecutive blocks of a BlockMatrix result are joined until they hold at
        least this many non-zeros (default: one block per block of counts).
    copy : bool, default=True
        False lets a canonical float32 CSR ``counts`` be overwritten (its values
        become PMI), which saves a copy of the matrix; the caller must not use it again.
    n_jobs : int, default=1
        Threads that weight blocks of rows of in-memory counts (the values do not
        depend on it).

    Returns
    -------
    scipy.sparse.csr_matrix of float32 (or BlockMatrix)
        Only the strictly positive values are stored.  Marginals are summed in
        float64.

    Examples
    --------
    >>> m = sp.csr_matrix(np.array([[2.0, 0.0], [1.0, 1.0]]))
    >>> ppmi(m, context_smoothing=1.0).toarray().astype(float).round(4).tolist()
    [[0.2877, 0.0], [0.0, 0.6931]]
    """
    a = check_float("context_smoothing", context_smoothing, low=0.0, high=1.0, low_open=True)
    k = check_float("shift", shift, low=1.0)
    if isinstance(counts, BlockMatrix):
        return _ppmi_blocks(counts, a, k, tile_width=tile_width,
                            block_nnz=1 if block_nnz is None else block_nnz)
    m = sp.csr_matrix(counts, dtype=np.float32, copy=copy)
    m.sum_duplicates()
    _check_non_negative(m)
    inv_rows, inv_ctx = _inverse_marginals(*sums64(m), a)
    return _shifted_pmi(m, inv_rows, inv_ctx, np.float32(np.log(k)),
                        n_threads=check_int("n_jobs", n_jobs, low=1))


def _check_non_negative(m: sp.csr_matrix) -> None:
    if m.data.size and m.data.min() < 0:
        raise ValueError("counts must be non-negative")


def _inverse_marginals(row_sums: np.ndarray, col_sums: np.ndarray, a: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    """``1 / #(w)`` and ``sum_c' #(c')^a / #(c)^a`` from float64 marginals (0 where empty)."""
    ctx = col_sums ** a
    ctx_total = ctx.sum()
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 where all are empty
        inv_rows = np.where(row_sums > 0, 1.0 / row_sums, 0.0)
        inv_ctx = np.where(ctx > 0, ctx_total / ctx, 0.0)
    return inv_rows, inv_ctx


def _ppmi_blocks(counts: BlockMatrix, a: float, k: float, tile_width: int | None,
                 block_nnz: int) -> BlockMatrix:
    """:func:`ppmi` of a matrix on disk, block by block: the same values, one block in memory."""
    row_sums, col_sums = counts.sums()
    inv_rows, inv_ctx = _inverse_marginals(row_sums, col_sums, a)
    out = BlockMatrix(counts.shape, tile_width=tile_width, dir=counts.dir)
    pending: list[sp.csr_matrix] = []
    try:
        for lo, hi, block in counts.blocks():
            _check_non_negative(block)
            pending.append(_shifted_pmi(block, inv_rows[lo:hi], inv_ctx,
                                        np.float32(np.log(k))))
            if sum(b.nnz for b in pending) >= block_nnz or hi == counts.shape[0]:
                out.append(sp.vstack(pending, format="csr") if len(pending) > 1 else pending[0])
                pending = []
    except BaseException:
        out.close()
        raise
    return out


def _shifted_pmi(m: sp.csr_matrix, inv_rows: np.ndarray, inv_ctx: np.ndarray,
                 log_k: np.float32, n_threads: int = 1) -> sp.csr_matrix:
    """``max(PMI - log k, 0)`` of the counts ``m`` (overwritten), positives only.

    Computed in blocks of rows of about :data:`_BLOCK_NNZ` entries (bounded temporaries),
    ``n_threads`` blocks at a time (NumPy's loops release the GIL); each entry's value
    does not depend on the blocks or the threads."""
    indptr, indices, data = m.indptr, m.indices, m.data
    keep = np.empty(data.size, dtype=bool)
    n_rows = m.shape[0]
    kept_per_row = np.zeros(n_rows, dtype=np.int64)
    bounds = []
    row = 0
    while row < n_rows:
        end = int(np.searchsorted(indptr, indptr[row] + _BLOCK_NNZ, side="right")) - 1
        end = max(end, row + 1)
        bounds.append((row, end))
        row = end

    def block(rows_range: tuple[int, int]) -> None:
        row, end = rows_range
        lo, hi = indptr[row], indptr[end]
        rows = np.repeat(np.arange(row, end), np.diff(indptr[row:end + 1]))
        scale = (inv_rows[rows] * inv_ctx[indices[lo:hi]]).astype(np.float32)
        values = np.log(data[lo:hi] * scale)
        values -= log_k
        data[lo:hi] = values
        keep[lo:hi] = values > 0
        kept_per_row[row:end] = np.bincount(rows[keep[lo:hi]] - row, minlength=end - row)

    if n_threads > 1 and len(bounds) > 1:
        with ThreadPoolExecutor(min(n_threads, len(bounds))) as pool:
            list(pool.map(block, bounds))
    else:
        for b in bounds:
            block(b)
    return _select(m, keep, kept_per_row)


def _select(m: sp.csr_matrix, keep: np.ndarray, kept_per_row: np.ndarray) -> sp.csr_matrix:
    """The entries of ``m`` where ``keep`` is true, as a canonical CSR matrix."""
    indptr = np.concatenate(([0], np.cumsum(kept_per_row)))
    out = sp.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape)
    out.has_canonical_format = True
    return out
