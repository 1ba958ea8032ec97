"""Reduction: truncated SVD of the weighted matrix to dense word vectors.

``W = U_d * S_d ** eig`` (Levy, Goldberg & Dagan 2015 "eigenvalue weighting"), and
optionally ``W + C`` with context vectors ``C = V_d * S_d ** eig`` (both rows
normalized first and ``C`` weighted, if asked: see :func:`embed`).

Two subspace iterations from a random start (``A @ G`` for a CountSketch ``G``: one pass
over ``A``'s non-zeros instead of a product with a dense random matrix) share one
machinery in float32: cache-tiled sparse products on all cores (compiled kernels from
:mod:`wordvec._kernels` under the compiled backend, else SciPy's; in the steps, the
dense operand in half precision where the CPU converts it in hardware), one Cholesky-QR
basis (BLAS-3, in place) per step, and the small SVD through a k x k eigendecomposition
of a single precision product. ``"randomized"`` is the range finder with power
iterations of Halko, Martinsson & Tropp (2011): each step multiplies by ``A A.T``.
``"chebyshev"`` multiplies by Chebyshev polynomials of ``A A.T`` instead
(Chebyshev-filtered subspace iteration, Zhou & Saad 2007), which damp every direction
below a cutoff and grow the wanted ones much faster than powers do where the spectrum is
flat, as PPMI spectra are: at the same number of products it is markedly more accurate,
so fewer products give the same accuracy. ARPACK (``scipy.sparse.linalg.svds``) is the
exact alternative. Signs are fixed so that each component's largest-magnitude entry in
``U`` is positive, so results are deterministic for a given ``seed``.
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
from .params import SVD_ALGORITHMS, SVD_PRECISIONS
from .blocks import _TILE_WIDTH, BlockMatrix, TiledMatrix, _tile_cuts, as_csr, row_cuts

__all__ = ["truncated_svd", "embed", "SVD_ALGORITHMS", "SVD_PRECISIONS"]

_T = TypeVar("_T")

_SUBSPACE = ("randomized", "chebyshev")  # the solvers that take a TiledMatrix / BlockMatrix
_BLOCK_COLUMNS = 32  # columns of X per block (one thread each)
_WIDE_ROW_NNZ = 192  # rows after the last group averaging more non-zeros: see _wide_rows
_WIDE_GROUP = 1024  # rows per group there
_SIGN_NONZEROS = 1  # per row of the random start (see _sign_matrix)


class _TiledOperator:
    """``A @ X`` and ``A.T @ X`` for a CSR matrix, cache-blocked and threaded.

    SciPy's CSR times dense kernel reads one row of ``X`` per non-zero; with ``X`` of
    shape (75k, 320) that is ~1 KB from main memory each time, so the product is
    memory bound.  Here ``A`` is cut into column tiles and ``X`` into blocks of
    columns, so that the rows of ``X`` a tile reads (tile width x block floats) stay
    in the CPU cache.  Without the compiled kernels, ``A.T @ Y`` uses the same tiles as
    CSC matrices (``tile.T``), threads share the column blocks and SciPy's kernels
    (which release the GIL) run each tile.

    With the compiled kernels (``kernels=True`` under the compiled backend, see
    :mod:`wordvec.backend`) both products gather: ``A.T`` is cut into column tiles too
    (once, in C: the operator then holds the matrix twice), and for each packed block of up to 64
    columns of ``X``, threads take chunks of rows of the result, summing each row in
    registers tile after tile (the rows of ``X`` fetched ahead) into a packed block
    that they then copy into the result; the rows of few non-zeros (rare words) are
    summed whole from a full-width copy of them instead (:func:`_wide_rows`).
    ``half=True``, where the CPU converts half precision in hardware (x86-64 with
    F16C), rounds each column of ``X`` to half precision first (after scaling it by a
    power of two to at most 1, undone on the result; the sums are float32): the
    products of the rounded ``X``, with half the bytes per row of ``X`` to fetch.
    Elsewhere (and in SciPy's products) ``half`` is ignored: rounding in NumPy would cost
    more than it saves.  Sums are the same as SciPy's up to float32 rounding order.
    """

    def __init__(self, matrix: sp.csr_matrix | TiledMatrix, n_threads: int,
                 tile_width: int = _TILE_WIDTH, block: int = _BLOCK_COLUMNS,
                 kernels: bool = True, wide_row_nnz: float = _WIDE_ROW_NNZ,
                 wide_group: int = _WIDE_GROUP) -> None:
        tiled = matrix if isinstance(matrix, TiledMatrix) else TiledMatrix(matrix, tile_width)
        self.shape = tiled.shape
        self.dtype = tiled.dtype
        self.block = block
        self.n_threads = n_threads
        self._tiles = tiled.tiles
        self._pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None
        self._lib = _kernels.load() if kernels else None
        self._half_native = False
        self._scratch: dict[str, np.ndarray] = {}
        self.takes_out = True  # matmat / rmatmat write into a given ``out``
        self._wide: tuple[int, _kernels.CTile | None] = (self.shape[0], None)
        self._twide: tuple[int, _kernels.CTile | None] = (self.shape[1], None)
        if self._lib is not None:
            self._ctiles = [_kernels.CTile(lo, hi, t) for lo, hi, t in self._tiles]
            width = max(hi - lo for lo, hi, _ in self._tiles)
            map_ = self._pool.map if self._pool is not None else map
            self._ttiles = _kernels.transpose_tiles(
                self._lib, self._ctiles, _tile_cuts(self.shape[0], max(width, 1)), map_)
            row_nnz = _row_nnz(self._ctiles, self.shape[0])
            trow_nnz = _row_nnz(self._ttiles, self.shape[1])
            self._wide = _wide_rows(self._lib, self._ctiles, row_nnz, n_threads,
                                    wide_row_nnz, wide_group, map_)
            self._twide = _wide_rows(self._lib, self._ttiles, trow_nnz, n_threads,
                                     wide_row_nnz, wide_group, map_)
            self._chunks = _row_chunks(row_nnz, n_threads, self._wide[0])
            self._tchunks = _row_chunks(trow_nnz, n_threads, self._twide[0])
            self._half_native = _kernels.half_native(self._lib)

    def _map(self, run: Callable[[_T], None], tasks: Iterable[_T]) -> None:
        if self._pool is None:
            for task in tasks:
                run(task)
        else:
            list(self._pool.map(run, tasks))

    def _blocks(self, run: Callable[[int], None], k: int) -> None:
        self._map(run, range(0, k, self.block))

    def matmat(self, x: np.ndarray, half: bool = False, out: np.ndarray | None = None
               ) -> np.ndarray:
        """``A @ x`` (into ``out``, a C-contiguous float32 array, if given)."""
        if self._lib is not None:
            return self._gather(self._ctiles, self._chunks, self._wide, x, self.shape[0],
                                half, out)
        out = _result(out, (self.shape[0], x.shape[1]), np.result_type(x.dtype, self.dtype))

        def run(j: int) -> None:
            xb = np.ascontiguousarray(x[:, j:j + self.block])
            acc = np.zeros((self.shape[0], xb.shape[1]), dtype=out.dtype)
            for lo, hi, tile in self._tiles:
                if tile.nnz:
                    acc += tile @ xb[lo:hi]
            out[:, j:j + self.block] = acc

        self._blocks(run, x.shape[1])
        return out

    def rmatmat(self, y: np.ndarray, half: bool = False, out: np.ndarray | None = None
                ) -> np.ndarray:
        """``A.T @ y`` (into ``out`` if given)."""
        if self._lib is not None:
            return self._gather(self._ttiles, self._tchunks, self._twide, y, self.shape[1],
                                half, out)
        out = _result(out, (self.shape[1], y.shape[1]), np.result_type(y.dtype, self.dtype))

        def run(j: int) -> None:
            yb = np.ascontiguousarray(y[:, j:j + self.block])
            for lo, hi, tile in self._tiles:
                out[lo:hi, j:j + self.block] = tile.T @ yb

        self._blocks(run, y.shape[1])
        return out

    def sketch(self, g: _kernels.SignSketch, out: np.ndarray | None = None) -> np.ndarray:
        """``A @ G`` for the sparse sign matrix ``g`` (into ``out`` if given): with the
        compiled kernels a few scalar updates per non-zero of ``A``, elsewhere the product
        with ``G`` made dense."""
        if self._lib is None:
            return self.matmat(g.dense(), out=out)
        lib = self._lib
        out = _result(out, (self.shape[0], g.k), np.float32)

        def run(chunk: tuple[int, int]) -> None:
            _kernels.sign_sketch(lib, self._ctiles, chunk[0], chunk[1], g, out, chunk[0])
        self._map(run, self._chunks)
        return out

    def _gather(self, tiles: list[_kernels.CTile], chunks: list[tuple[int, int]],
                wide: tuple[int, _kernels.CTile | None], x: np.ndarray, n_out: int,
                half: bool, out: np.ndarray | None) -> np.ndarray:
        """``M @ x`` for the matrix ``M`` cut into the column ``tiles``, ``n_out`` rows;
        the chunks of rows from ``wide[0]`` on from the full-width rows ``wide[1]``."""
        lib = self._lib
        assert lib is not None
        k = x.shape[1]
        native = half and self._half_native  # elsewhere single precision: no gain in NumPy
        x = np.ascontiguousarray(x, dtype=np.float32)
        out = _result(out, (n_out, k), np.float32)
        widths = _kernels.block_widths(k)
        yspace = self._space("y", n_out * _kernels.MAX_WIDTH, np.float32)  # a packed block
        if native:
            ranges = _kernels.row_ranges(np.arange(x.shape[0] + 1), self.n_threads)
            scale, unscale = _half_scales(x, _kernels.column_absmax(
                lib, x, ranges, self._pool.map if self._pool is not None else map))
            xspace = self._space("x", x.shape[0] * _kernels.MAX_WIDTH, np.uint16)
        product: Callable[..., None]
        for j, w in widths:
            nv = min(w, k - j)
            yb = yspace[:n_out * w].reshape(n_out, w)
            if native:
                xb = xspace[:x.shape[0] * w].reshape(x.shape[0], w)

                def pack(rows: tuple[int, int], j: int = j, w: int = w,
                         xb: np.ndarray = xb) -> None:
                    _kernels.pack_half(lib, x, j, w, scale[j:], xb, rows[0], rows[1])
                self._map(pack, ranges)
                product = _kernels.gather_half
            else:
                xb = _kernels.pack(x, j, w)
                product = _kernels.gather

            def run(chunk: tuple[int, int], j: int = j, nv: int = nv, xb: np.ndarray = xb,
                    yb: np.ndarray = yb, product: Callable[..., None] = product) -> None:
                r0, r1 = chunk
                start, rows = wide
                if rows is not None and r0 >= start:  # each row in one go (_wide_rows)
                    product(lib, rows, r0 - start, r1 - start, xb, yb, r0, 0, False)
                else:
                    for i, tile in enumerate(tiles):  # a matrix has at least one tile
                        product(lib, tile, r0, r1, xb, yb, r0, 0, i > 0)
                if native:
                    np.multiply(yb[r0:r1, :nv], unscale[j:j + nv], out=out[r0:r1, j:j + nv])
                else:
                    out[r0:r1, j:j + nv] = yb[r0:r1, :nv]
            self._map(run, chunks)
        return out

    def _space(self, name: str, size: int, dtype: type) -> np.ndarray:
        """A scratch array kept for the next product (its pages stay mapped)."""
        have = self._scratch.get(name)
        if have is None or have.size < size:
            have = self._scratch[name] = np.empty(size, dtype=dtype)
        return have

    def close(self) -> None:
        self._scratch.clear()
        self._wide, self._twide = (self.shape[0], None), (self.shape[1], None)  # copies freed
        if self._pool is not None:
            self._pool.shutdown()


def _row_nnz(tiles: list[_kernels.CTile], n_rows: int) -> np.ndarray:
    """The non-zeros of each row of the matrix cut into the column ``tiles``."""
    return sum((np.diff(t.indptr) for t in tiles), np.zeros(n_rows, dtype=np.int64))


def _row_chunks(row_nnz: np.ndarray, n_threads: int, split: int | None = None
                ) -> list[tuple[int, int]]:
    """A few chunks of rows per thread, of about equal non-zeros (``row_nnz``: per row,
    from :func:`_row_nnz`), taken dynamically by the threads; none across row ``split``,
    if given."""
    n_rows = len(row_nnz)
    cuts = row_cuts(row_nnz, max(1, int(row_nnz.sum()) // (4 * n_threads)))
    if split is not None and 0 < split < n_rows:
        cuts = np.union1d(cuts, [split])
    return list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))


def _wide_rows(lib: _kernels.Kernels, tiles: list[_kernels.CTile], row_nnz: np.ndarray,
               n_threads: int, below: float = _WIDE_ROW_NNZ, group: int = _WIDE_GROUP,
               map_: Callable[..., Iterable[object]] = map
               ) -> tuple[int, _kernels.CTile | None]:
    """The row from which on the gather sums each row in one go, and those rows joined
    full width (``(n_rows, None)``: none); ``row_nnz`` from :func:`_row_nnz`.

    Tile by tile, a row's packed result is loaded and stored once per tile where the row
    has entries; a rare word's row has a few per tile, so that costs as much as its
    products.  The rows after the last group of ``group`` (:data:`_WIDE_GROUP`)
    consecutive rows that averages ``below`` (:data:`_WIDE_ROW_NNZ`) non-zeros or more
    are gathered from one full-width copy instead (the operand's rows then come from the
    whole block, not a tile's slice); the frequent words' rows, however many rare ones
    there are, stay tiled.  On the wiki sample: rows 29,696 on of 75,408, 10 % of the
    non-zeros, half products ~6 % faster (``benchmarks/RESULTS.md``), for a copy of those
    rows of ``A`` and ``A.T``."""
    n_rows = len(row_nnz)
    if len(tiles) < 2 or n_rows == 0:
        return n_rows, None
    firsts = np.arange(0, n_rows, group)
    sums = np.add.reduceat(row_nnz, firsts)
    dense = np.flatnonzero(sums >= below * np.diff(np.append(firsts, n_rows)))
    start = int(min(n_rows, (dense[-1] + 1) * group)) if dense.size else 0
    if start >= n_rows:
        return n_rows, None
    return start, _kernels.join_tiles(lib, tiles, start, n_rows, map_, n_threads)


def _result(out: np.ndarray | None, shape: tuple[int, int], dtype: np.dtype | type
            ) -> np.ndarray:
    """``out`` checked to take a product's result, or a new array."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if out.shape != shape or out.dtype != dtype or not out.flags.c_contiguous:
        raise ValueError(f"out must be a C-contiguous {np.dtype(dtype)} array of shape {shape}")
    return out


def _half_scales(x: np.ndarray, top: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per column of ``x``, the power of two ``2**-e`` that brings its largest magnitude
    into [0.5, 1) (1 for an all-zero column, or one with a NaN or infinity), and its
    inverse, as float32: scaled, every entry is a normal or subnormal half-precision
    number, none overflows.  ``top``: the columns' largest magnitudes, if known (from
    :func:`wordvec._kernels.column_absmax`)."""
    if x.shape[0] == 0:
        ones = np.ones(x.shape[1], dtype=np.float32)
        return ones, ones
    if top is None:
        top = np.maximum(np.max(x, axis=0), -np.min(x, axis=0))
    top = top.astype(np.float64)
    _, e = np.frexp(np.where(np.isfinite(top), top, 0.0))
    return np.ldexp(1.0, -e).astype(np.float32), np.ldexp(1.0, e).astype(np.float32)


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
        self.n_threads = n_threads
        self._pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None
        self._lib = _kernels.load() if kernels else None
        self.takes_out = False  # see matmat

    def _map(self, run: Callable[[int], object], n: int) -> list[object]:
        if self._pool is None:
            return [run(i) for i in range(n)]
        return list(self._pool.map(run, range(n)))

    def _column_blocks(self, x: np.ndarray) -> list[np.ndarray]:
        def cut(i: int) -> np.ndarray:
            return np.ascontiguousarray(x[:, i * self.block:(i + 1) * self.block])
        return self._map(cut, -(-x.shape[1] // self.block))  # type: ignore[return-value]

    def matmat(self, x: np.ndarray, half: bool = False, out: np.ndarray | None = None
               ) -> np.ndarray:
        """``A @ x``.  ``half`` and ``out`` are ignored: on disk the products stay single
        precision (reading the blocks, not the operand, bounds them), and the result is
        assembled from per-thread blocks, so writing it into ``out`` would hold it twice."""
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

    def rmatmat(self, y: np.ndarray, half: bool = False, out: np.ndarray | None = None
                ) -> np.ndarray:
        """``A.T @ y``.  ``half`` is ignored (see :meth:`matmat`); with the kernels the
        result goes into ``out`` where one is given and fits (a C-contiguous float32 array
        of the result's shape, its columns a multiple of 8; its old values are dropped):
        the solvers hand in the iterate this product replaces, so that the two are not
        held at once."""
        if self._lib is not None:
            return self._rmatmat_kernels(y, out)
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

    def sketch(self, g: _kernels.SignSketch, out: np.ndarray | None = None) -> np.ndarray:
        """``A @ G`` for the sparse sign matrix ``g``, block by block (``out`` ignored)."""
        lib = self._lib
        if lib is None:
            return self.matmat(g.dense())
        y = np.empty((self.shape[0], g.k), dtype=np.float32)
        for lo, hi, tiles in self.matrix.tiled_blocks():
            ctiles = [_kernels.CTile(a, b, t) for a, b, t in tiles]
            ranges = _row_chunks(_row_nnz(ctiles, hi - lo), self.n_threads)

            def run(rows: tuple[int, int], lo: int = lo,
                    ctiles: list[_kernels.CTile] = ctiles) -> None:
                _kernels.sign_sketch(lib, ctiles, rows[0], rows[1], g, y, lo + rows[0])
            self._map(lambda i: run(ranges[i]), len(ranges))
        return y

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

    def _rmatmat_kernels(self, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        # Per row block, (tile, column block) pairs are the tasks: each adds to its own
        # rows and columns of the result (columns in whole 8-float vectors, so tasks of
        # one tile and two blocks never write the same floats).  One result array, no
        # per-block arrays to stack (at 142k words x 520 that copy was 295 MB of peak).
        widths = _kernels.block_widths(y.shape[1])
        shape = (self.shape[1], sum(w for _, w in widths))
        if out is not None and out.shape == shape and out.dtype == np.float32 \
                and out.flags.c_contiguous and out.flags.writeable:
            out.fill(0.0)
        else:
            out = np.zeros(shape, dtype=np.float32)
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
                _kernels.scatter(lib, tile, 0, hi - lo, ybs[b], out, widths[b][0])
            self._map(run, len(tasks))
        release_freed_memory()
        return _unpad(out, y.shape[1])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def _orthonormal(x: np.ndarray, *, passes: int = 2, overwrite: bool = False) -> np.ndarray:
    """A basis of the columns of ``x`` (m x k, m >> k), same dtype.

    CholeskyQR: ``x.T x = L L.T``, ``x <- x L^-T``; two passes (CholeskyQR2, Gram in
    float64) give an orthonormal basis, one pass (Gram in ``x``'s dtype) a
    well-conditioned basis of the same span, which is all a power iteration needs.
    These are BLAS-3 products, which use every core, unlike the panel steps of
    LAPACK's Householder QR.  Power iterates are normalized once per iteration, so
    their condition number stays near ``(s_max / s_k) ** 2``.  A numerically
    rank-deficient or too ill-conditioned ``x`` (Cholesky fails) gets Householder QR:
    same span.  With ``overwrite`` (``x`` C-contiguous) the basis is computed in ``x``'s
    memory (triangular products in place: no fresh array, whose first touch costs
    page faults).
    """
    q = x if overwrite and x.flags.c_contiguous else np.array(x, order="C")
    for _ in range(passes):
        if passes > 1:
            gram = _gram64(q)
        else:
            gram = (q.T @ q).astype(np.float64)
        inv_t = _inverse_cholesky_t(gram)
        if inv_t is None:
            basis, _ = scipy.linalg.qr(q, mode="economic", check_finite=False)
            return np.ascontiguousarray(basis, dtype=x.dtype)
        _times_upper(q, inv_t)
    return q


def _inverse_cholesky_t(gram: np.ndarray) -> np.ndarray | None:
    """``L^-T`` (upper triangular, float64) for the Cholesky factor ``L`` of ``gram``, or
    None where it fails or the inverse overflows."""
    try:
        low = np.linalg.cholesky(gram)
        inv_t = scipy.linalg.solve_triangular(low, np.eye(len(low)), lower=True,
                                              check_finite=False).T
    except np.linalg.LinAlgError:
        return None
    return inv_t if np.all(np.isfinite(inv_t)) else None


def _times_upper(y: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``y <- y @ upper`` in place (``y`` C-contiguous, ``upper`` upper triangular):
    BLAS ``trmm`` on ``y.T`` (Fortran order), half the operations of a product."""
    trmm, = scipy.linalg.blas.get_blas_funcs(("trmm",), (y,))
    done = trmm(1.0, np.asarray(upper, dtype=y.dtype), y.T, side=0, lower=0, trans_a=1,
                overwrite_b=1)
    if not np.shares_memory(done, y):  # BLAS made a copy (not expected for C order)
        y[...] = done.T
    return y


def truncated_svd(matrix: sp.spmatrix | np.ndarray | BlockMatrix | TiledMatrix, dim: int, *,
                  algorithm: str = "randomized", n_iter: int = 3, n_oversamples: int = 20,
                  seed: int = 0, n_threads: int | None = None, precision: str = "half",
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
    precision : {"half", "single"}, default="half"
        Precision of the dense operand in the subspace solvers' steps (the products
        that only look for the subspace): ``"half"`` rounds it to IEEE half precision
        (each column scaled by a power of two first; sums stay float32), which halves
        the bytes of the operand each product fetches, and perturbs each step by ~1e-4
        relative, far below the steps' own error (on the wiki sample: the same
        accuracy in every rank band and the same scores, SVD 23.4 -> 19.6 s).  The last
        product, from which the triplets are computed (Rayleigh-Ritz), is single
        precision either way.  Only where the compiled kernels convert in hardware
        (x86-64 with F16C) and the matrix is in memory; elsewhere the steps are single
        precision.  Ignored by ARPACK.

    Returns
    -------
    U : ndarray (m, dim), S : ndarray (dim,), Vt : ndarray (dim, n), all float32.
    """
    check_choice("svd_algorithm", algorithm, SVD_ALGORITHMS)
    tiled = isinstance(matrix, (BlockMatrix, TiledMatrix))
    if not tiled:
        matrix = a = as_csr(matrix)
    m, n = matrix.shape
    dim = check_int("dim", dim, low=1)  # type: ignore[assignment]
    if dim >= min(m, n):
        raise ValueError(f"dim must be smaller than the vocabulary ({min(m, n)} words); "
                         f"got dim={dim}: lower dim or raise max_vocab/lower min_count")
    n_iter = check_int("n_iter", n_iter, low=0)  # type: ignore[assignment]
    n_oversamples = check_int("n_oversamples", n_oversamples, low=0)  # type: ignore[assignment]
    seed = check_int("seed", seed, low=0)  # type: ignore[assignment]
    n_threads = check_int("n_threads", n_threads, low=1, allow_none=True)
    check_choice("svd_precision", precision, SVD_PRECISIONS)
    half = precision == "half"
    if tiled:
        if algorithm not in _SUBSPACE:
            raise ValueError(f"svd_algorithm={algorithm!r} needs a sparse matrix; a "
                             f"{type(matrix).__name__} takes 'randomized' or 'chebyshev'")
        u, s, vt = _subspace_svd(matrix, dim, n_iter, n_oversamples, seed,
                                 n_threads or default_n_jobs(), progress,
                                 algorithm == "chebyshev", half)
        u, vt = _flip_signs(u, vt)
        return _float32(u), _float32(s), _float32(vt)
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
                                 algorithm == "chebyshev", half)
    u, vt = _flip_signs(u, vt)
    return _float32(u), _float32(s), _float32(vt)


def _float32(x: np.ndarray) -> np.ndarray:
    """``x`` as a C-contiguous float32 array, not copied where it is one already."""
    return np.ascontiguousarray(x, dtype=np.float32)


def _project_svd(q: np.ndarray, bt: np.ndarray, dim: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SVD of ``B = Q.T A`` from ``B.T`` (n x k) via the k x k Gram matrix ``B B.T``.

    ``B B.T = W S**2 W.T`` (float64 eigendecomposition), then ``U = Q W`` and
    ``V.T = W.T B / S``: three BLAS-3 products instead of a LAPACK SVD of an (n x k)
    matrix, the same triplets up to rounding.
    """
    gram = _gram64(bt)
    evals, w = scipy.linalg.eigh(gram, check_finite=False)
    order = np.argsort(evals)[::-1][:dim]
    s = np.sqrt(np.maximum(evals[order], 0.0))
    w = w[:, order].astype(np.float32)
    u = q @ w
    vt = w.T @ bt.T  # V.T, row-major as returned (no transposed copy)
    vt /= np.where(s > 0, s, 1.0).astype(np.float32)[:, None]
    return u, s, vt


def _subspace_svd(a: sp.csr_matrix | BlockMatrix | TiledMatrix, dim: int, n_iter: int,
                  n_oversamples: int, seed: int, n_threads: int, progress: bool,
                  chebyshev: bool, half: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subspace iteration from a random start, then Rayleigh-Ritz (``B = Q.T A``).

    Steps are powers of ``A A.T`` (Halko et al. 2011) or, with ``chebyshev``, the
    filters of :func:`_chebyshev_degrees` (see :func:`_chebyshev_filter`).  On the wiki
    sample's PPMI matrix (dim 500, whose singular values fall only from 221 to 205
    between ranks 300 and 500) 4 filtered steps are more accurate than 6 power
    iterations on every rank, with 10 products instead of 14 (``benchmarks/RESULTS.md``).
    The start ``Y = A G`` takes a sparse sign matrix ``G`` (:func:`_sign_matrix`), not a
    Gaussian one: on the wiki sample, 13 seeds each, the same subspace accuracy in every
    band and the same scores (WS353 0.690 vs 0.691), 0.2 s instead of 1.2 s (drawing the
    Gaussian matrix took 0.5 s, the product with it 0.7 s).
    """
    m, n = a.shape
    k = min(dim + n_oversamples, min(m, n))
    rng = np.random.default_rng(seed)
    op: _TiledOperator | _BlockOperator
    op = _BlockOperator(a, n_threads) if isinstance(a, BlockMatrix) else \
        _TiledOperator(a, n_threads)
    bar = None
    if progress:
        from ._progress import bar as progress_bar
        bar = progress_bar(True, total=2 * n_iter + 2, desc="svd", unit="product", leave=False)
    work = _Buffers(op.takes_out)
    try:
        y = op.sketch(_sign_matrix(rng, n, k), out=work.take((m, k)))  # the start A @ G
        if bar is not None:
            bar.update()
        if chebyshev:
            q = _orthonormal(y, passes=1, overwrite=True)
            del y
            for degree in _chebyshev_degrees(n_iter):
                q, _ = _chebyshev_filter(op, q, degree, dim, bar, half, work)
            # near-orthonormal already (float64-Gram Cholesky): one float32 pass is enough
            q = _orthonormal(q, passes=1, overwrite=True)
        else:
            for _ in range(n_iter):
                # One basis per power iteration, not one per product: A.T @ Q goes
                # straight back through A.  Y = A A.T Q has condition ~ (s_1 / s_k)**2,
                # which float32 holds for PPMI spectra (~17**2 on the wiki sample); a Gram
                # too ill-conditioned for Cholesky falls back to Householder QR in
                # _orthonormal.  Same scores to 4 decimals on every benchmark, 6 fewer
                # Cholesky-QRs (-4.5 s at dim 500).
                z = op.rmatmat(_orthonormal(y, passes=1, overwrite=True), half,
                               out=work.take((n, k)))
                work.give(y)
                y = op.matmat(z, half, out=work.take((m, k)))
                work.give(z)
                if bar is not None:
                    bar.update(2)
            q = _orthonormal(y, overwrite=True)
            del y
        # B.T = A.T @ Q, shape (n, k): always single precision
        bt = op.rmatmat(q, out=work.take((n, k)))
        del work
        if bar is not None:
            bar.update()
    finally:
        op.close()
        if bar is not None:
            bar.close()
    return _project_svd(q, bt, dim)


def _sign_matrix(rng: np.random.Generator, n: int, k: int, z: int = _SIGN_NONZEROS
                 ) -> _kernels.SignSketch:
    """The random start ``G`` (n x k), a sparse sign matrix: ``min(z, k)`` entries of +-1 in
    distinct columns of each row (Martinsson & Tropp 2020, sec. 9.2; ``z = 1`` is a
    CountSketch).  The first entries are spread evenly over the columns (a random
    permutation of the rows, modulo ``k``), so that no column of ``G`` is empty where
    ``n >= k``; the others fall at random."""
    z = min(z, k)
    first = (rng.permutation(n) % k).astype(np.int32)
    if z == 1:
        buckets = first[:, None]
    elif 2 * z > k:  # few columns: the first, then a random order of the others
        keys = rng.random((n, k))
        keys[np.arange(n), first] = -1.0
        buckets = np.argsort(keys, axis=1)[:, :z].astype(np.int32)
    else:  # redraw the rows that repeat a column (about z**2 / 2k of them)
        buckets = np.empty((n, z), dtype=np.int32)
        buckets[:, 0] = first
        bad = np.arange(n)
        while bad.size:
            buckets[bad, 1:] = rng.integers(0, k, size=(bad.size, z - 1), dtype=np.int32)
            ordered = np.sort(buckets[bad], axis=1)
            bad = bad[(ordered[:, 1:] == ordered[:, :-1]).any(axis=1)]
    signs = rng.integers(0, 2, size=buckets.shape).astype(np.float32) * 2 - 1
    return _kernels.SignSketch(buckets, signs, k)


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


def _orthonormal_factor(y: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``y = q s`` with ``q`` a well-conditioned basis of ``y``'s columns: returns ``q``
    and ``s^-1`` (k x k, float64, upper triangular; None where ``y`` is numerically
    rank-deficient).

    One CholeskyQR pass with the Gram in float64: a Chebyshev step spreads the columns'
    scales by about ``4 (s_1 / s_cut) ** 2`` (~1e3 on PPMI), whose square a float32 Gram
    would not hold.  ``q`` is ``y`` itself (C-contiguous), overwritten; Householder QR
    (a new array) where Cholesky fails.
    """
    inv_t = _inverse_cholesky_t(_gram64(y))  # L^-T = (L.T)^-1 = s^-1
    if inv_t is not None:
        return _times_upper(y, inv_t), inv_t
    q, r = scipy.linalg.qr(y, mode="economic", check_finite=False)
    d = np.abs(np.diag(r))
    full_rank = d.size and d.min() > d.max() * 1e-5
    r_inv = scipy.linalg.solve_triangular(r.astype(np.float64), np.eye(len(r)), lower=False,
                                          check_finite=False) if full_rank else None
    return np.ascontiguousarray(q, dtype=y.dtype), r_inv


def _chebyshev_filter(op: _TiledOperator | _BlockOperator, q: np.ndarray, degree: int,
                      dim: int, bar: object = None, half: bool = False,
                      work: _Buffers | None = None) -> tuple[np.ndarray, float]:
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
    may hold a later basis.  ``half``: the products' operand in half precision (see
    :class:`_TiledOperator`); ``work``: spare arrays to take iterates from and give
    dead ones back to.
    """
    work = work if work is not None else _Buffers(op.takes_out)
    z = op.rmatmat(q, half, out=work.take((op.shape[1], q.shape[1])))
    gram = (z.T @ z).astype(np.float64)  # = Q.T A A.T Q: the Ritz values
    ritz = scipy.linalg.eigvalsh(gram, check_finite=False)[::-1]
    cut = float(ritz[min(dim, len(ritz)) - 1])
    if not cut > ritz[0] * 1e-12:  # rank below dim: plain power steps
        cut = 0.0
    mid = np.float32(cut / 2)
    prev: np.ndarray | None = None
    s_inv: np.ndarray | None = None  # of the last basis: Y_j = Q_j S_j
    for j in range(degree):
        if j:
            z = op.rmatmat(q, half, out=z)
        y = op.matmat(z, half, out=work.take((op.shape[0], q.shape[1])))
        if bar is not None:
            bar.update(2)  # type: ignore[attr-defined]
        if cut == 0.0:
            work.give(q)
            q = _orthonormal(y, passes=1, overwrite=True)
            continue
        y /= mid  # L q = (A A.T q - c/2 q) / (c/2), in place
        y -= q
        if j:  # 2 L Q_j - Q_j-1 S_j^-1 (Q_j-1 is dead after: overwritten by the product)
            y *= np.float32(2)
            assert prev is not None and s_inv is not None
            y -= _times_upper(prev, s_inv)
        work.give(prev)
        new_q, s_inv = _orthonormal_factor(y)  # in y's memory
        prev, q = q, new_q
        if s_inv is None:  # lost rank: the rest of this filter as power steps
            cut = 0.0
    work.give(prev, z)
    return q, cut


class _Buffers:
    """Spare float32 arrays for the solvers' iterates, taken by shape.

    Fresh memory costs a page fault per page at its first touch, which on the virtual
    machines measured here cost ~0.2 s per 75k x 520 iterate: the solvers hand back the
    arrays they are done with and take them again for the next iterate.  Only for an
    operator that writes into them (``op.takes_out``): for one that does not, a kept
    array would only add to the peak, so ``take`` gives None and ``give`` drops."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._free: list[np.ndarray] = []

    def take(self, shape: tuple[int, int]) -> np.ndarray | None:
        if not self.enabled:
            return None
        for i, a in enumerate(self._free):
            if a.shape == shape:
                return self._free.pop(i)
        return np.empty(shape, dtype=np.float32)

    def give(self, *arrays: np.ndarray | None) -> None:
        for a in arrays:
            if self.enabled and a is not None and a.dtype == np.float32 \
                    and a.flags.c_contiguous and a.flags.writeable \
                    and not any(a is b for b in self._free):
                self._free.append(a)


def _flip_signs(u: np.ndarray, vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each component's largest-magnitude entry of ``u`` made positive, in place (``u``
    and ``vt`` are the solvers' own arrays)."""
    top, bottom = u.max(axis=0, initial=0), u.min(axis=0, initial=0)
    signs = np.where(top > -bottom, 1.0, -1.0)  # no |u| temporary, no strided argmax
    for j in np.flatnonzero(top == -bottom):  # a tie (or zeros): the first of them decides
        i = np.argmax(np.abs(u[:, j]))
        signs[j] = -1.0 if u[i, j] < 0 else 1.0
    u *= signs.astype(u.dtype)
    vt *= signs.astype(vt.dtype)[:, None]
    return u, vt


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
    u, s, vt = np.asarray(u), np.asarray(s), np.asarray(vt)
    if u.ndim != 2 or s.shape != (u.shape[1],) or vt.ndim != 2 or vt.shape[0] != s.size:
        raise ValueError(f"embed needs U (m, k), S (k,) and Vt (k, n) from truncated_svd; got "
                         f"shapes {u.shape}, {s.shape}, {vt.shape}")
    if s.size and (not np.isfinite(s).all() or s.min() < 0):
        raise ValueError("singular values must be finite and non-negative")
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
