"""The SVD's products for a matrix on disk: one block of rows at a time, on all cores.

:class:`_BlockOperator` gives ``A @ X`` and ``A.T @ X`` for a
:class:`~wordvec.linalg.blocks.BlockMatrix` with the in-memory kernels of
:mod:`wordvec.linalg.operators` run on each block, so a build larger than memory
factorizes with one block in memory besides the dense operands.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from .._ext import _kernels
from .._util.memory import release_freed_memory
from .blocks import BlockMatrix
from .operators import _BLOCK_COLUMNS, _row_chunks, _row_nnz, _unpad


class _BlockOperator:
    """``A @ X`` and ``A.T @ X`` for a :class:`~wordvec.linalg.blocks.BlockMatrix` on disk.

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
