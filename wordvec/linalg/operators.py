"""The SVD's products in memory: a tiled sparse matrix times dense blocks, on all cores.

:class:`_TiledOperator` multiplies an in-memory :class:`~wordvec.linalg.blocks.TiledMatrix`
(or CSR matrix) by dense blocks, ``A @ X`` and ``A.T @ X``, on all cores: the compiled
kernels of :mod:`wordvec._ext._kernels` where they are built, else SciPy's products, with
the dense operand optionally in half precision (:func:`_half_scales`).
:class:`~wordvec.linalg.block_operator._BlockOperator` does the same for a matrix on disk,
one block at a time, with these kernels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from .._ext import _kernels
from .blocks import _TILE_WIDTH, TiledMatrix, _tile_cuts, row_cuts

_BLOCK_COLUMNS = 32  # columns of X per block (one thread each)
_WIDE_ROW_NNZ = 192  # rows after the last group averaging more non-zeros: see _wide_rows
_WIDE_GROUP = 1024  # rows per group there
_T = TypeVar("_T")


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
    there are, stay tiled.  This costs a copy of those rows of ``A`` and ``A.T``; the
    gain is in ``benchmarks/DECISIONS.md``."""
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
    :func:`wordvec._ext._kernels.column_absmax`)."""
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
