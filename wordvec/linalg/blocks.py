"""A sparse matrix kept on disk as blocks of rows, for builds larger than memory.

When the co-occurrence counts do not fit in ``max_memory``, :func:`wordvec.build`
keeps the count matrix, its PPMI and the SVD's operator on disk as a
:class:`BlockMatrix`: CSR blocks of consecutive rows, each split into column tiles
(the tiles of :class:`TiledMatrix`).  Every stage then holds one
block at a time, so the peak memory depends on the vocabulary and the block size,
not on the number of tokens.  Blocks are read with :func:`numpy.load` (copies, not
memory maps), so the operating system's file cache, not the process, holds the rest.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._ext import _kernels
from .._util.files import temp_folder

__all__ = ["BlockMatrix", "TiledMatrix", "row_cuts", "as_csr"]

_PARTS = ("data", "indices", "indptr")
_TILE_WIDTH = 5_000  # columns of A per tile: its X rows (5000 x 32 floats, 640 KB) stay in L2


def row_cuts(row_weights: np.ndarray, target: int) -> np.ndarray:
    """Row boundaries ``[0, ..., n]`` so that each block's weight is about ``target``.

    ``row_weights`` are the (estimated) non-zeros of each row; a block holds at least
    one row, so a single row heavier than ``target`` is a block of its own.

    >>> row_cuts(np.array([3, 3, 3, 3, 1]), 6).tolist()
    [0, 2, 4, 5]
    """
    n = len(row_weights)
    cum = np.cumsum(row_weights, dtype=np.int64)
    total = int(cum[-1]) if n else 0
    if n == 0 or total <= target:
        return np.array([0, n], dtype=np.int64)
    marks = np.arange(target, total, target, dtype=np.int64)
    inner = np.searchsorted(cum, marks, side="right")
    cuts = np.unique(np.concatenate(([0], inner, [n])))
    return cuts.astype(np.int64)


def as_csr(matrix: sp.spmatrix | np.ndarray, name: str = "matrix") -> sp.csr_matrix:
    """``matrix`` (any SciPy sparse matrix or array, or a 2-d array) as float32 CSR,
    checked where it enters: a sound structure (row pointers, column numbers in range:
    the compiled products and SciPy's trust them, and crash on a bad one), real numbers,
    and finite values (one NaN would silently make every singular value 0).  Not copied
    where it is float32 CSR already.

    >>> as_csr(np.array([[0, 1.5], [2, 0]])).toarray().tolist()
    [[0.0, 1.5], [2.0, 0.0]]
    >>> as_csr(np.array([[np.nan, 1.0]]))
    Traceback (most recent call last):
    ...
    ValueError: matrix must hold finite values; got nan in row 0
    """
    a: Any
    if sp.issparse(matrix):
        m: Any = matrix
        fmt = m.format
        if fmt in ("csr", "csc"):
            shape = m.shape if fmt == "csr" else m.shape[::-1]
            _kernels.check_csr_arrays(name, m.indptr, m.indices, m.data, shape)
        elif fmt == "coo":
            for axis, idx in enumerate((m.row, m.col)):
                if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= m.shape[axis]):
                    raise ValueError(f"{name}: {('row', 'column')[axis]} indices must be in "
                                     f"[0, {m.shape[axis]})")
        elif fmt == "bsr":
            try:
                sp.bsr_matrix((m.data, m.indices, m.indptr),
                              shape=m.shape).check_format(full_check=True)
            except ValueError as exc:
                raise ValueError(f"{name}: not a valid BSR matrix ({exc})") from None
        if m.dtype.kind not in "biuf":
            raise ValueError(f"{name} must hold real numbers; got dtype {m.dtype}")
        a = m.tocsr() if fmt != "csr" else matrix
        if a.dtype != np.float32:
            a = a.astype(np.float32)
    else:
        arr = np.asarray(matrix)
        if arr.ndim != 2 or arr.dtype.kind not in "biuf":
            raise ValueError(f"{name} must be a sparse matrix or a 2-d array of real "
                             f"numbers; got shape {arr.shape}, dtype {arr.dtype}")
        a = sp.csr_matrix(arr, dtype=np.float32)
    nnz = int(a.indptr[-1])
    finite = np.isfinite(a.data[:nnz])
    if not finite.all():
        at = int(np.argmin(finite))
        row = int(np.searchsorted(a.indptr, at, side="right")) - 1
        raise ValueError(f"{name} must hold finite values; got {a.data[at]} in row {row}")
    return a


def _tile_cuts(n_cols: int, tile_width: int) -> np.ndarray:
    """Column boundaries of the tiles of a matrix with ``n_cols`` columns."""
    n_tiles = max(1, -(-n_cols // tile_width))
    return np.linspace(0, n_cols, n_tiles + 1).astype(np.int64)


class TiledMatrix:
    """A CSR matrix cut into column tiles, the form the SVD's products use.

    Made once from ``matrix`` (which the caller may then drop, so that the SVD does
    not hold the matrix twice); :func:`~wordvec.linalg.reduce.truncated_svd` takes it like the
    matrix itself.  :class:`BlockMatrix` stores each of its blocks this way.
    """

    def __init__(self, matrix: sp.spmatrix, tile_width: int = _TILE_WIDTH) -> None:
        if isinstance(tile_width, bool) or not isinstance(tile_width, int) or tile_width < 1:
            raise ValueError(f"tile_width must be a positive integer; got {tile_width!r}")
        a = as_csr(matrix)
        self.shape: tuple[int, int] = a.shape
        self.dtype = a.dtype
        self.nnz = int(a.nnz)
        cuts = _tile_cuts(a.shape[1], tile_width)
        self.tiles: list[tuple[int, int, sp.csr_matrix]] = []
        lib = _kernels.load() if len(cuts) > 2 and a.has_canonical_format else None
        if lib is not None:  # two passes in C instead of one SciPy column slice per tile
            parts = _kernels.split_columns(lib, a, cuts)
            self.tiles = [(int(lo), int(hi), t) for lo, hi, t in zip(cuts[:-1], cuts[1:], parts)]
            return
        for lo, hi in zip(cuts[:-1], cuts[1:]):
            tile = a if len(cuts) == 2 else a[:, int(lo):int(hi)].tocsr()  # one tile: no copy
            tile.sort_indices()
            self.tiles.append((int(lo), int(hi), tile))

    def __repr__(self) -> str:
        return f"TiledMatrix(shape={self.shape}, nnz={self.nnz}, tiles={len(self.tiles)})"


class BlockMatrix:
    """A CSR matrix stored as row blocks (each cut into column tiles) in a temporary folder.

    Parameters
    ----------
    shape : (int, int)
    tile_width : int or None, default=None
        Columns per tile of every block (None: one tile, the whole width).
    dir : str or os.PathLike, optional
        Where the temporary folder is made (default: the system's temporary folder).

    Blocks are added in row order with :meth:`append` and read back with
    :meth:`blocks` (whole blocks) or :meth:`tiled_blocks`; :meth:`close` deletes the
    files (also done when the object is garbage collected).
    """

    def __init__(self, shape: tuple[int, int], *, tile_width: int | None = None,
                 dir: str | os.PathLike[str] | None = None) -> None:
        self.shape = (int(shape[0]), int(shape[1]))
        self.tile_width = max(self.shape[1], 1) if tile_width is None else int(tile_width)
        self.tile_cuts = _tile_cuts(self.shape[1], self.tile_width)
        self.dtype = np.dtype(np.float32)
        self.nnz = 0
        self.dir = dir
        self._tmp: tempfile.TemporaryDirectory[str] | None = temp_folder("wordvec-blocks-", dir)
        self._blocks: list[tuple[int, int, Path]] = []

    def __repr__(self) -> str:
        return (f"BlockMatrix(shape={self.shape}, nnz={self.nnz}, blocks={len(self._blocks)}, "
                f"tiles={len(self.tile_cuts) - 1})")

    @property
    def n_blocks(self) -> int:
        return len(self._blocks)

    @property
    def rows_written(self) -> int:
        return self._blocks[-1][1] if self._blocks else 0

    def _folder(self) -> Path:
        if self._tmp is None:
            raise ValueError("this BlockMatrix is closed")
        return Path(self._tmp.name)

    def append(self, block: sp.spmatrix) -> None:
        """Add the next rows (a sparse matrix with this matrix's number of columns)."""
        block = as_csr(block, "block")
        if block.shape[1] != self.shape[1]:
            raise ValueError(f"block has {block.shape[1]} columns, expected {self.shape[1]}")
        lo = self.rows_written
        hi = lo + block.shape[0]
        if hi > self.shape[0]:
            raise ValueError(f"blocks hold more than the {self.shape[0]} rows of the matrix")
        path = self._folder() / f"block{len(self._blocks):05d}"
        path.mkdir()
        block.sum_duplicates()
        tiles = TiledMatrix(block, self.tile_width).tiles
        for t, (_, _, tile) in enumerate(tiles):
            for name in _PARTS:
                np.save(path / f"{name}{t}.npy", getattr(tile, name))
        self._blocks.append((lo, hi, path))
        self.nnz += int(block.nnz)

    def _load_tiles(self, lo: int, hi: int, path: Path) -> list[tuple[int, int, sp.csr_matrix]]:
        tiles = []
        for t, (a, b) in enumerate(zip(self.tile_cuts[:-1], self.tile_cuts[1:])):
            parts = [np.load(path / f"{name}{t}.npy") for name in _PARTS]
            tile = sp.csr_matrix(tuple(parts), shape=(hi - lo, int(b - a)))
            tile.has_canonical_format = True
            tiles.append((int(a), int(b), tile))
        return tiles

    def tiled_blocks(self) -> Iterator[tuple[int, int, list[tuple[int, int, sp.csr_matrix]]]]:
        """``(row_lo, row_hi, [(col_lo, col_hi, tile), ...])`` for every block, in order."""
        self._check_complete()
        for lo, hi, path in self._blocks:
            yield lo, hi, self._load_tiles(lo, hi, path)

    def blocks(self) -> Iterator[tuple[int, int, sp.csr_matrix]]:
        """``(row_lo, row_hi, block)`` for every block, in row order (CSR, float32)."""
        for lo, hi, tiles in self.tiled_blocks():
            if len(tiles) == 1:
                block = tiles[0][2]
            else:
                block = sp.hstack([t for _, _, t in tiles], format="csr")
                block.sum_duplicates()
            yield lo, hi, block

    def _check_complete(self) -> None:
        if self.rows_written != self.shape[0]:
            raise ValueError(f"BlockMatrix holds {self.rows_written} of its {self.shape[0]} rows")

    def tocsr(self) -> sp.csr_matrix:
        """The whole matrix in memory (for tests and small matrices)."""
        parts = [b for _, _, b in self.blocks()]
        if not parts:
            return sp.csr_matrix(self.shape, dtype=np.float32)
        m = sp.vstack(parts, format="csr")
        m.sum_duplicates()
        return m

    def sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column sums, accumulated in float64."""
        rows = np.zeros(self.shape[0], dtype=np.float64)
        cols = np.zeros(self.shape[1], dtype=np.float64)
        for lo, hi, tiles in self.tiled_blocks():
            for a, b, tile in tiles:
                tile_rows, tile_cols = sums64(tile)
                rows[lo:hi] += tile_rows
                cols[a:b] += tile_cols
        return rows, cols

    def close(self) -> None:
        """Delete the files."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self._blocks = []

    def __enter__(self) -> BlockMatrix:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sums64(m: sp.csr_matrix, chunk: int = 1 << 22) -> tuple[np.ndarray, np.ndarray]:
    """Row and column sums of a CSR matrix in float64 (SciPy sums float32 in float32).

    Summed over row blocks of about ``chunk`` non-zeros, so that the float64 values and
    row numbers made for the sums take ~100 MB, not 16 bytes per non-zero of ``m``."""
    rows = np.zeros(m.shape[0], dtype=np.float64)
    cols = np.zeros(m.shape[1], dtype=np.float64)
    cuts = row_cuts(np.diff(m.indptr), chunk)
    for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
        a, b = int(m.indptr[lo]), int(m.indptr[hi])
        values = m.data[a:b].astype(np.float64)
        row_of = np.repeat(np.arange(hi - lo), np.diff(m.indptr[lo:hi + 1]))
        rows[lo:hi] = np.bincount(row_of, weights=values, minlength=hi - lo)
        cols += np.bincount(m.indices[a:b], weights=values, minlength=m.shape[1])
    return rows, cols
