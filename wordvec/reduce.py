"""Reduction: truncated SVD of the weighted matrix to dense word vectors.

``W = U_d * S_d ** eig`` (Levy, Goldberg & Dagan 2015 "eigenvalue weighting"), and
optionally ``W + C`` with context vectors ``C = V_d * S_d ** eig`` (both rows
normalized first and ``C`` weighted, if asked: see :func:`embed`).

Two subspace iterations from a random start share one machinery in float32:
cache-tiled sparse products on all cores (compiled kernels from :mod:`wordvec._kernels`
where a C compiler is available, else SciPy's), one Cholesky-QR basis (BLAS-3) per
step, and the small SVD through a k x k eigendecomposition.  ``"randomized"`` is the
range finder with power iterations of Halko, Martinsson & Tropp (2011): each step
multiplies by ``A A.T``.  ``"chebyshev"`` multiplies by Chebyshev polynomials of
``A A.T`` instead (Chebyshev-filtered subspace iteration, Zhou & Saad 2007), which
damp every direction below a cutoff and grow the wanted ones much faster than powers
do where the spectrum is flat, as PPMI spectra are: at the same number of products it
is markedly more accurate, so fewer products give the same accuracy.  ARPACK
(``scipy.sparse.linalg.svds``) is the exact alternative.  Signs are fixed so that
each component's largest-magnitude entry in ``U`` is positive, so results are
deterministic for a given ``seed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg

from ._validation import check_bool, check_choice, check_float, check_int, default_n_jobs
from . import _kernels
from ._memory import release_freed_memory
from .blocks import _TILE_WIDTH, BlockMatrix, TiledMatrix, row_cuts

__all__ = ["truncated_svd", "embed", "SVD_ALGORITHMS"]

_T = TypeVar("_T")

SVD_ALGORITHMS = ("randomized", "chebyshev", "arpack")
_SUBSPACE = ("randomized", "chebyshev")  # the solvers that take a TiledMatrix / BlockMatrix
_BLOCK_COLUMNS = 32  # columns of X per block (one thread each)


class _TiledOperator:
    """``A @ X`` and ``A.T @ X`` for a CSR matrix, cache-blocked and threaded.

    SciPy's CSR times dense kernel reads one row of ``X`` per non-zero; with ``X`` of
    shape (75k, 320) that is ~1 KB from main memory each time, so the product is
    memory bound.  Here ``A`` is cut into column tiles and ``X`` into blocks of
    columns, so that the rows of ``X`` a tile reads (tile width x block floats) stay
    in the CPU cache.  ``A.T @ Y`` uses the same tiles as CSC matrices (``tile.T``):
    each tile writes its own rows of the result, which stay in cache too, and no
    transposed copy of ``A`` is kept.  Threads share the column blocks; SciPy's
    kernels release the GIL, so two threads run a product about 1.3-1.6x faster than
    one (measured on a quiet machine).  Sums are the same up to float32 rounding order;
    on the wiki sample a product takes about 3x less CPU time than SciPy's.

    With the compiled kernels (``kernels=True`` and :func:`wordvec._kernels.load`
    succeeds) the same tiles are used differently: ``A @ X`` gathers, per row chunk
    (the threads' tasks), up to 64 columns of ``X`` rows into registers, tile after
    tile; ``A.T @ Y`` scatters each row of ``Y`` into the tile's rows of the result
    (tiles are the tasks, so no two threads write the same rows).  On the wiki sample
    a product of width 520 takes ~1.3-1.6 s instead of ~2.0-2.5 s.
    """

    def __init__(self, matrix: sp.csr_matrix | TiledMatrix, n_threads: int,
                 tile_width: int = _TILE_WIDTH, block: int = _BLOCK_COLUMNS,
                 kernels: bool = True) -> None:
        tiled = matrix if isinstance(matrix, TiledMatrix) else TiledMatrix(matrix, tile_width)
        self.shape = tiled.shape
        self.dtype = tiled.dtype
        self.block = block
        self.n_threads = n_threads
        self._tiles = tiled.tiles
        self._pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None
        self._lib = _kernels.load() if kernels else None
        if self._lib is not None:
            self._ctiles = [_kernels.CTile(lo, hi, t) for lo, hi, t in self._tiles]
            row_nnz = sum((np.diff(t.indptr) for t in self._ctiles),
                          np.zeros(self.shape[0], dtype=np.int64))
            # a few row chunks per thread, of equal non-zeros, taken dynamically
            self._chunks = row_cuts(row_nnz, max(1, tiled.nnz // (4 * n_threads)))

    def _map(self, run: Callable[[_T], None], tasks: Iterable[_T]) -> None:
        if self._pool is None:
            for task in tasks:
                run(task)
        else:
            list(self._pool.map(run, tasks))

    def _blocks(self, run: Callable[[int], None], k: int) -> None:
        self._map(run, range(0, k, self.block))

    def matmat(self, x: np.ndarray) -> np.ndarray:
        if self._lib is not None:
            return self._matmat_kernels(x)
        out = np.empty((self.shape[0], x.shape[1]), dtype=np.result_type(x.dtype, self.dtype))

        def run(j: int) -> None:
            xb = np.ascontiguousarray(x[:, j:j + self.block])
            acc = np.zeros((self.shape[0], xb.shape[1]), dtype=out.dtype)
            for lo, hi, tile in self._tiles:
                if tile.nnz:
                    acc += tile @ xb[lo:hi]
            out[:, j:j + self.block] = acc

        self._blocks(run, x.shape[1])
        return out

    def rmatmat(self, y: np.ndarray) -> np.ndarray:
        if self._lib is not None:
            return self._rmatmat_kernels(y)
        out = np.empty((self.shape[1], y.shape[1]), dtype=np.result_type(y.dtype, self.dtype))

        def run(j: int) -> None:
            yb = np.ascontiguousarray(y[:, j:j + self.block])
            for lo, hi, tile in self._tiles:
                out[lo:hi, j:j + self.block] = tile.T @ yb

        self._blocks(run, y.shape[1])
        return out

    def _matmat_kernels(self, x: np.ndarray) -> np.ndarray:
        # One packed block of X at a time; row chunks of A are the threads' tasks, each
        # writing its rows of the block's columns of the result.
        widths = _kernels.block_widths(x.shape[1])
        out = np.empty((self.shape[0], sum(w for _, w in widths)), dtype=np.float32)
        chunks = list(zip(self._chunks[:-1].tolist(), self._chunks[1:].tolist()))
        lib = self._lib
        assert lib is not None
        for j, w in widths:
            xb = _kernels.pack(x, j, w)

            def run(chunk: tuple[int, int], j: int = j, xb: np.ndarray = xb) -> None:
                r0, r1 = chunk
                for i, tile in enumerate(self._ctiles):
                    _kernels.gather(lib, tile, r0, r1, xb, out, r0, j, i > 0)
            self._map(run, chunks)
        return _unpad(out, x.shape[1])

    def _rmatmat_kernels(self, y: np.ndarray) -> np.ndarray:
        # One packed block of Y at a time; tiles (disjoint rows of the result) are the
        # threads' tasks, the heaviest first.
        widths = _kernels.block_widths(y.shape[1])
        out = np.empty((self.shape[1], sum(w for _, w in widths)), dtype=np.float32)
        order = sorted(self._ctiles, key=lambda t: -t.nnz)
        lib = self._lib
        assert lib is not None
        for j, w in widths:
            yb = _kernels.pack(y, j, w)
            # a packed block: adding into out's wider rows in place took ~25 % more
            # thread time (measured), for the TLB and the partly used cache lines.  Each
            # task zeroes and copies back its own tile's rows.
            ob = np.empty((self.shape[1], w), dtype=np.float32)

            def run(tile: _kernels.CTile, yb: np.ndarray = yb, ob: np.ndarray = ob,
                    j: int = j, w: int = w) -> None:
                ob[tile.lo:tile.hi] = 0.0
                _kernels.scatter(lib, tile, 0, self.shape[0], yb, ob)
                out[tile.lo:tile.hi, j:j + w] = ob[tile.lo:tile.hi]
            self._map(run, order)
        return _unpad(out, y.shape[1])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def _unpad(out: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` columns of a kernel result padded to a multiple of 8."""
    return out if out.shape[1] == k else np.ascontiguousarray(out[:, :k])


class _BlockOperator:
    """``A @ X`` and ``A.T @ X`` for a :class:`~wordvec.blocks.BlockMatrix` on disk.

    Each product reads the blocks one at a time (from the file cache after the first
    pass) and runs :class:`_TiledOperator`'s kernels on each block's column tiles, so
    memory holds one block besides ``X`` and the result.  ``X`` is cut once into
    contiguous column blocks and each thread accumulates its own contiguous column
    block of the result across the row blocks.  ``A @ X`` is the same row by row as
    the in-memory product; ``A.T @ X`` adds the row blocks' contributions one after
    the other, so it equals it up to float32 rounding order.
    """

    def __init__(self, matrix: BlockMatrix, n_threads: int,
                 block: int = _BLOCK_COLUMNS, kernels: bool = True) -> None:
        self.matrix = matrix
        self.shape = matrix.shape
        self.dtype = matrix.dtype
        self.block = block
        self._pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None
        self._lib = _kernels.load() if kernels else None

    def _map(self, run: Callable[[int], object], n: int) -> list[object]:
        if self._pool is None:
            return [run(i) for i in range(n)]
        return list(self._pool.map(run, range(n)))

    def _column_blocks(self, x: np.ndarray) -> list[np.ndarray]:
        def cut(i: int) -> np.ndarray:
            return np.ascontiguousarray(x[:, i * self.block:(i + 1) * self.block])
        return self._map(cut, -(-x.shape[1] // self.block))  # type: ignore[return-value]

    def matmat(self, x: np.ndarray) -> np.ndarray:
        if self._lib is not None:
            return self._matmat_kernels(x)
        dtype = np.result_type(x.dtype, self.dtype)
        xbs = self._column_blocks(x)
        outs = [np.empty((self.shape[0], xb.shape[1]), dtype=dtype) for xb in xbs]
        for lo, hi, tiles in self.matrix.tiled_blocks():
            def run(i: int, lo: int = lo, hi: int = hi,
                    tiles: list[tuple[int, int, sp.csr_matrix]] = tiles) -> None:
                acc = np.zeros((hi - lo, xbs[i].shape[1]), dtype=dtype)
                for a, b, tile in tiles:
                    if tile.nnz:
                        acc += tile @ xbs[i][a:b]
                outs[i][lo:hi] = acc
            self._map(run, len(xbs))
        release_freed_memory()  # the threads' heaps keep their freed temporaries
        return np.hstack(outs)

    def rmatmat(self, y: np.ndarray) -> np.ndarray:
        if self._lib is not None:
            return self._rmatmat_kernels(y)
        dtype = np.result_type(y.dtype, self.dtype)
        widths = [min(self.block, y.shape[1] - j) for j in range(0, y.shape[1], self.block)]
        outs = [np.zeros((self.shape[1], w), dtype=dtype) for w in widths]
        for lo, hi, tiles in self.matrix.tiled_blocks():
            def run(i: int, lo: int = lo, hi: int = hi,
                    tiles: list[tuple[int, int, sp.csr_matrix]] = tiles) -> None:
                yb = np.ascontiguousarray(y[lo:hi, i * self.block:(i + 1) * self.block])
                for a, b, tile in tiles:
                    if tile.nnz:
                        outs[i][a:b] += tile.T @ yb
            self._map(run, len(outs))
        release_freed_memory()  # the threads' heaps keep their freed temporaries
        return np.hstack(outs)

    def _matmat_kernels(self, x: np.ndarray) -> np.ndarray:
        # X packed once; per row block, the column blocks are the threads' tasks.
        widths = _kernels.block_widths(x.shape[1])
        xbs = [_kernels.pack(x, j, w) for j, w in widths]
        out = np.empty((self.shape[0], sum(w for _, w in widths)), dtype=np.float32)
        lib = self._lib
        assert lib is not None
        for lo, hi, tiles in self.matrix.tiled_blocks():
            ctiles = [_kernels.CTile(a, b, t) for a, b, t in tiles]

            def run(b: int, lo: int = lo, hi: int = hi,
                    ctiles: list[_kernels.CTile] = ctiles) -> None:
                for i, tile in enumerate(ctiles):
                    _kernels.gather(lib, tile, 0, hi - lo, xbs[b], out, lo, widths[b][0],
                                    i > 0)
            self._map(run, len(widths))
        release_freed_memory()
        return _unpad(out, x.shape[1])

    def _rmatmat_kernels(self, y: np.ndarray) -> np.ndarray:
        # Each column block of the result is packed; per row block, (tile, column
        # block) pairs are the tasks: each adds to its own rows of one packed block.
        widths = _kernels.block_widths(y.shape[1])
        outs = [np.zeros((self.shape[1], w), dtype=np.float32) for _, w in widths]
        lib = self._lib
        assert lib is not None
        for lo, hi, tiles in self.matrix.tiled_blocks():
            ybs = [_kernels.pack(y, j, w, slice(lo, hi)) for j, w in widths]
            ctiles = [_kernels.CTile(a, b, t) for a, b, t in tiles]
            tasks = sorted(((tile, i) for tile in ctiles for i in range(len(widths))),
                           key=lambda task: -task[0].nnz)

            def run(n: int, tasks: list[tuple[_kernels.CTile, int]] = tasks,
                    ybs: list[np.ndarray] = ybs, hi: int = hi, lo: int = lo) -> None:
                tile, b = tasks[n]
                _kernels.scatter(lib, tile, 0, hi - lo, ybs[b], outs[b])
            self._map(run, len(tasks))
        release_freed_memory()
        return _unpad(np.hstack(outs), y.shape[1])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def _orthonormal(x: np.ndarray, *, passes: int = 2) -> np.ndarray:
    """A basis of the columns of ``x`` (m x k, m >> k), same dtype.

    CholeskyQR: ``x.T x = L L.T``, ``x <- x L^-T``; two passes (CholeskyQR2, Gram in
    float64) give an orthonormal basis, one pass (Gram in ``x``'s dtype) a
    well-conditioned basis of the same span, which is all a power iteration needs.
    These are BLAS-3 products, which use every core, unlike the panel steps of
    LAPACK's Householder QR.  Power iterates are normalized once per iteration, so
    their condition number stays near ``(s_max / s_k) ** 2``.  A numerically
    rank-deficient or too ill-conditioned ``x`` (Cholesky fails) gets Householder QR:
    same span.
    """
    q = x
    for _ in range(passes):
        if passes > 1:
            gram = _gram64(q)
        else:
            gram = (q.T @ q).astype(np.float64)
        try:
            low = np.linalg.cholesky(gram)
            inv_t = scipy.linalg.solve_triangular(low, np.eye(len(low)), lower=True,
                                                  check_finite=False).T  # L^-T
        except np.linalg.LinAlgError:
            inv_t = None
        if inv_t is None or not np.all(np.isfinite(inv_t)):
            q, _ = scipy.linalg.qr(x, mode="economic", check_finite=False)
            return np.ascontiguousarray(q, dtype=x.dtype)
        q = q @ inv_t.astype(q.dtype)
    return q


def truncated_svd(matrix: sp.spmatrix | np.ndarray | BlockMatrix | TiledMatrix, dim: int, *,
                  algorithm: str = "randomized", n_iter: int = 3, n_oversamples: int = 20,
                  seed: int = 0, n_threads: int | None = None,
                  progress: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top ``dim`` singular triplets of ``matrix``, largest first.

    Parameters
    ----------
    matrix : sparse matrix, ndarray, TiledMatrix or BlockMatrix of shape (m, n)
        A :class:`~wordvec.blocks.BlockMatrix` stays on disk (randomized and
        chebyshev solvers): each product reads it block by block.  A
        :class:`TiledMatrix` is the matrix already cut for the products (same solvers).
    dim : int
        Number of components, ``1 <= dim < min(m, n)``.
    algorithm : {"randomized", "chebyshev", "arpack"}, default="randomized"
        Subspace iteration from a random start with power iterations (Halko et al.
        2011) or with Chebyshev filters (Zhou & Saad 2007; see :func:`_chebyshev_filter`),
        or ARPACK's Lanczos.
    n_iter : int, default=3
        Steps of the subspace solvers, each a product with ``A.T`` and one with ``A``
        (more is more exact, and slower): power iterations, or the total degree of
        the Chebyshev filters.
    n_oversamples : int, default=20
        Extra random directions of the subspace solvers.
    seed : int, default=0
        Seed of the random start; the result is deterministic for a given seed.
    n_threads : int, optional
        Threads for the sparse products (default: all cores, at most 8).

    Returns
    -------
    U : ndarray (m, dim), S : ndarray (dim,), Vt : ndarray (dim, n), all float32.
    """
    check_choice("svd_algorithm", algorithm, SVD_ALGORITHMS)
    m, n = matrix.shape
    dim = check_int("dim", dim, low=1)  # type: ignore[assignment]
    if dim >= min(m, n):
        raise ValueError(f"dim must be smaller than the vocabulary ({min(m, n)} words); "
                         f"got dim={dim}: lower dim or raise max_vocab/lower min_count")
    n_iter = check_int("n_iter", n_iter, low=0)  # type: ignore[assignment]
    n_oversamples = check_int("n_oversamples", n_oversamples, low=0)  # type: ignore[assignment]
    seed = check_int("seed", seed)  # type: ignore[assignment]
    if isinstance(matrix, (BlockMatrix, TiledMatrix)):
        if algorithm not in _SUBSPACE:
            raise ValueError(f"svd_algorithm={algorithm!r} needs a sparse matrix; a "
                             f"{type(matrix).__name__} takes 'randomized' or 'chebyshev'")
        u, s, vt = _subspace_svd(matrix, dim, n_iter, n_oversamples, seed,
                                 n_threads or default_n_jobs(), progress,
                                 algorithm == "chebyshev")
        u, vt = _flip_signs(u, vt)
        return u.astype(np.float32), s.astype(np.float32), vt.astype(np.float32)
    a = sp.csr_matrix(matrix, dtype=np.float32)
    if algorithm == "arpack":
        rng = np.random.default_rng(seed)
        v0 = rng.uniform(-1, 1, min(m, n))
        u, s, vt = scipy.sparse.linalg.svds(a.astype(np.float64), k=dim, v0=v0,
                                            solver="arpack")
        order = np.argsort(-s)
        u, s, vt = u[:, order], s[order], vt[order]
    else:
        u, s, vt = _subspace_svd(a, dim, n_iter, n_oversamples, seed,
                                 n_threads or default_n_jobs(), progress,
                                 algorithm == "chebyshev")
    u, vt = _flip_signs(u, vt)
    return u.astype(np.float32), s.astype(np.float32), vt.astype(np.float32)


def _project_svd(q: np.ndarray, bt: np.ndarray, dim: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SVD of ``B = Q.T A`` from ``B.T`` (n x k) via the k x k Gram matrix ``B B.T``.

    ``B B.T = W S**2 W.T`` (float64 eigendecomposition), then ``U = Q W`` and
    ``V = B.T W / S``: three BLAS-3 products instead of a LAPACK SVD of an (n x k)
    matrix, the same triplets up to rounding.
    """
    gram = _gram64(bt)
    evals, w = scipy.linalg.eigh(gram, check_finite=False)
    order = np.argsort(evals)[::-1][:dim]
    s = np.sqrt(np.maximum(evals[order], 0.0))
    w = w[:, order].astype(np.float32)
    u = q @ w
    v = bt @ w
    v /= np.where(s > 0, s, 1.0).astype(np.float32)
    return u, s, v.T


def _subspace_svd(a: sp.csr_matrix | BlockMatrix | TiledMatrix, dim: int, n_iter: int,
                  n_oversamples: int, seed: int, n_threads: int, progress: bool,
                  chebyshev: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subspace iteration from a random start, then Rayleigh-Ritz (``B = Q.T A``).

    Steps are powers of ``A A.T`` (Halko et al. 2011) or, with ``chebyshev``, the
    filters of :func:`_chebyshev_degrees` (see :func:`_chebyshev_filter`).  On the wiki
    sample's PPMI matrix (dim 500, whose singular values fall only from 221 to 205
    between ranks 300 and 500) 4 filtered steps are more accurate than 6 power
    iterations on every rank, with 10 products instead of 14 (``benchmarks/RESULTS.md``).
    """
    m, n = a.shape
    k = min(dim + n_oversamples, min(m, n))
    rng = np.random.default_rng(seed)
    op: _TiledOperator | _BlockOperator
    op = _BlockOperator(a, n_threads) if isinstance(a, BlockMatrix) else \
        _TiledOperator(a, n_threads)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=2 * n_iter + 2, desc="svd", unit="product", leave=False)
    try:
        y = op.matmat(rng.standard_normal((n, k), dtype=np.float32))
        if bar is not None:
            bar.update()
        if chebyshev:
            q = _orthonormal(y, passes=1)
            del y
            for degree in _chebyshev_degrees(n_iter):
                q, _ = _chebyshev_filter(op, q, degree, dim, bar)
            # near-orthonormal already (float64-Gram Cholesky): one float32 pass is enough
            q = _orthonormal(q, passes=1)
        else:
            for _ in range(n_iter):
                # One basis per power iteration, not one per product: A.T @ Q goes
                # straight back through A.  Y = A A.T Q has condition ~ (s_1 / s_k)**2,
                # which float32 holds for PPMI spectra (~17**2 on the wiki sample); a Gram
                # too ill-conditioned for Cholesky falls back to Householder QR in
                # _orthonormal.  Same scores to 4 decimals on every benchmark, 6 fewer
                # Cholesky-QRs (-4.5 s at dim 500).
                y = op.matmat(op.rmatmat(_orthonormal(y, passes=1)))
                if bar is not None:
                    bar.update(2)
            q = _orthonormal(y)
            del y
        bt = op.rmatmat(q)  # B.T = A.T @ Q, shape (n, k)
        if bar is not None:
            bar.update()
    finally:
        op.close()
        if bar is not None:
            bar.close()
    return _project_svd(q, bt, dim)


def _chebyshev_degrees(n_iter: int) -> list[int]:
    """Degrees of the Chebyshev filters for ``n_iter`` steps (they sum to ``n_iter``).

    Filters of degree 2, the cutoff re-estimated before each; the first one (odd
    ``n_iter``) or two (even) have degree 1, because the cutoff estimated from the random
    start is poor.  On the wiki sample (dim 500) this ordering beat degree-1, degree-3
    and other orders of degree-2 filters at 4 and 6 steps (``benchmarks/RESULTS.md``).
    """
    if n_iter <= 0:
        return []
    if n_iter <= 2:
        return [1] * n_iter
    lead = [1] if n_iter % 2 else [1, 1]
    return lead + [2] * ((n_iter - len(lead)) // 2)


def _gram64(x: np.ndarray, rows: int = 4096) -> np.ndarray:
    """``x.T @ x`` in float64, converting ``rows`` rows at a time (no float64 copy of
    ``x``: allocating and first touching one cost more than the product itself)."""
    gram = np.zeros((x.shape[1], x.shape[1]))
    for lo in range(0, x.shape[0], rows):
        part = x[lo:lo + rows].astype(np.float64)
        gram += part.T @ part
    return gram


def _orthonormal_factor(y: np.ndarray, out: np.ndarray | None = None
                        ) -> tuple[np.ndarray, np.ndarray | None]:
    """``y = q s`` with ``q`` a well-conditioned basis of ``y``'s columns, ``s`` (k x k,
    float64) upper triangular; ``s`` is None where ``y`` is numerically rank-deficient.

    One CholeskyQR pass with the Gram in float64: a Chebyshev step spreads the columns'
    scales by about ``4 (s_1 / s_cut) ** 2`` (~1e3 on PPMI), whose square a float32 Gram
    would not hold.  Householder QR where Cholesky fails.  ``q`` is written into
    ``out`` if given (same shape and dtype as ``y``, not ``y`` itself).
    """
    gram = _gram64(y)
    try:
        low = np.linalg.cholesky(gram)
        inv_t = scipy.linalg.solve_triangular(low, np.eye(len(low)), lower=True,
                                              check_finite=False).T
        if np.all(np.isfinite(inv_t)):
            return np.matmul(y, inv_t.astype(y.dtype), out=out), low.T
    except np.linalg.LinAlgError:
        pass
    q, r = scipy.linalg.qr(y, mode="economic", check_finite=False)
    d = np.abs(np.diag(r))
    full_rank = d.size and d.min() > d.max() * 1e-5
    return np.ascontiguousarray(q, dtype=y.dtype), (r.astype(np.float64) if full_rank
                                                     else None)


def _chebyshev_filter(op: _TiledOperator | _BlockOperator, q: np.ndarray, degree: int,
                      dim: int, bar: object = None) -> tuple[np.ndarray, float]:
    """Basis of ``T_degree(L) q`` with ``L = (2 A A.T - c) / c``, ``c`` the cutoff.

    ``L`` maps the eigenvalues ``[0, c]`` of ``A A.T`` to ``[-1, 1]``, where Chebyshev
    polynomials stay in ``[-1, 1]``; above ``c`` they grow like ``exp(degree *
    acosh(x))``, much faster than powers near the cutoff.  ``c`` is the ``dim``-th
    largest Ritz value of ``A A.T`` on ``span(q)``: Ritz values never exceed the true
    eigenvalues of the same rank, so no wanted direction is damped.  The three-term
    recurrence ``Y_j+1 = 2 L Y_j - Y_j-1`` runs on bases: with ``Y_j = Q_j R_j`` and
    ``Q_j+1 S_j+1 = Y_j+1 R_j^-1``, the next step is ``2 L Q_j - Q_j-1 S_j^-1`` (only the
    last triangular factor is needed).  Returns the basis and ``c`` (0: the Ritz values
    were zero, and the filter fell back to power steps).  ``q`` is consumed: its memory
    may hold a later basis.
    """
    z = op.rmatmat(q)
    gram = (z.T @ z).astype(np.float64)  # = Q.T A A.T Q: the Ritz values
    ritz = scipy.linalg.eigvalsh(gram, check_finite=False)[::-1]
    cut = float(ritz[min(dim, len(ritz)) - 1])
    if not cut > ritz[0] * 1e-12:  # rank below dim: plain power steps
        cut = 0.0
    half = np.float32(cut / 2)
    prev: np.ndarray | None = None
    s: np.ndarray | None = None
    for j in range(degree):
        if j:
            z = op.rmatmat(q)
        y = op.matmat(z)
        del z
        if bar is not None:
            bar.update(2)  # type: ignore[attr-defined]
        if cut == 0.0:
            q = _orthonormal(y, passes=1)
            continue
        y -= half * q  # L q = (A A.T q - c/2 q) / (c/2)
        if j == 0:
            y /= half
        else:  # 2 L Q_j - Q_j-1 S_j^-1
            y *= np.float32(2) / half
            assert prev is not None and s is not None
            s_inv = scipy.linalg.solve_triangular(s, np.eye(len(s)), lower=False,
                                                  check_finite=False)
            y -= prev @ s_inv.astype(np.float32)
        # the old Q_j-1 is dead now: its memory takes Q_j+1 (no fresh 150 MB per step)
        new_q, s = _orthonormal_factor(y, out=prev)
        del y
        prev, q = q, new_q
        if s is None:  # lost rank: the rest of this filter as power steps
            cut = 0.0
    return q, cut


def _flip_signs(u: np.ndarray, vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols = np.argmax(np.abs(u), axis=0)
    signs = np.sign(u[cols, np.arange(u.shape[1])])
    signs[signs == 0] = 1
    return u * signs, vt * signs[:, None]


def embed(u: np.ndarray, s: np.ndarray, vt: np.ndarray, *, eig: float = 0.5,
          add_contexts: bool = False, context_weight: float = 1.0,
          normalize_parts: bool = False) -> np.ndarray:
    """Word vectors ``w = U * S**eig``, plus context vectors ``c = V * S**eig`` if asked.

    With ``add_contexts`` the result is ``w + context_weight * c``; with
    ``normalize_parts`` each row of ``w`` and of ``c`` is first scaled to unit length
    (all-zero rows stay zero), so every word gets the same mix of its word and
    context parts.  ``context_weight`` and ``normalize_parts`` are ignored without
    ``add_contexts``.

    >>> u = np.eye(2, dtype=np.float32); s = np.array([4.0, 1.0], dtype=np.float32)
    >>> embed(u, s, u.T, eig=0.5).tolist()
    [[2.0, 0.0], [0.0, 1.0]]
    >>> embed(u, s, u.T, eig=0.5, add_contexts=True, context_weight=0.5).tolist()
    [[3.0, 0.0], [0.0, 1.5]]
    >>> embed(u, s, u.T, eig=0.5, add_contexts=True, normalize_parts=True).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    eig = check_float("eig", eig, low=0.0, high=1.0)  # type: ignore[assignment]
    context_weight = check_float("context_weight", context_weight,  # type: ignore[assignment]
                                 low=0.0)
    check_bool("add_contexts", add_contexts)
    check_bool("normalize_parts", normalize_parts)
    weights = (s.astype(np.float64) ** eig).astype(np.float32)
    vectors = u * weights
    if add_contexts:
        if vt.shape[1] != u.shape[0]:
            raise ValueError("add_contexts needs as many contexts as words")
        contexts = vt.T * weights
        if normalize_parts:
            vectors = _unit_rows(vectors)
            contexts = _unit_rows(contexts)
        vectors = vectors + np.float32(context_weight) * contexts
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1).astype(x.dtype)
