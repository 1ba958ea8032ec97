"""Python side of the sparse x dense product kernels (``_sparse_ext``): CSR tiles, the
SVD's gather/scatter products (single and half precision), the sign sketch, and the
checks that keep every call inside its arrays (a wrong call is a ``ValueError`` naming
the argument, never memory overwritten).  Used by :mod:`wordvec.linalg.operators`,
:mod:`wordvec.linalg.blocks` and :mod:`wordvec.linalg.reduce`, through :mod:`wordvec._ext._kernels`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import Kernels

if TYPE_CHECKING:  # SciPy is imported where a function needs it: tokenizing workers do not
    import scipy.sparse as sp

MAX_WIDTH = 64  # columns per packed block (8 vectors of 8 floats)


class CTile:
    """A CSR tile (columns ``lo:hi`` of a matrix, local column numbers) in the layout the
    kernels take: int64 row pointers, int32 columns (a tile is a few thousand columns
    wide), float32 values.  Arrays already in that layout are not copied."""

    __slots__ = ("lo", "hi", "indptr", "indices", "data", "nnz")

    def __init__(self, lo: int, hi: int, tile: sp.csr_matrix) -> None:
        if tile.shape[1] > np.iinfo(np.int32).max:
            raise ValueError("a tile wider than 2**31 columns")
        if not 0 <= lo <= hi or tile.shape[1] != hi - lo:
            raise ValueError(f"tile columns {lo}:{hi} do not match its width {tile.shape[1]}")
        check_csr_arrays("tile", tile.indptr, tile.indices, tile.data, tile.shape)
        self.lo, self.hi = lo, hi
        self.indptr = np.ascontiguousarray(tile.indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(tile.indices, dtype=np.int32)
        self.data = np.ascontiguousarray(tile.data, dtype=np.float32)
        self.nnz = int(self.indptr[-1])

    @classmethod
    def of_arrays(cls, lo: int, hi: int, indptr: np.ndarray, indices: np.ndarray,
                  data: np.ndarray) -> CTile:
        """A tile of arrays already in the kernels' layout (int64, int32, float32)."""
        self = cls.__new__(cls)
        self.lo, self.hi = lo, hi
        self.indptr, self.indices, self.data = indptr, indices, data
        self.nnz = int(indptr[-1])
        return self


def check_csr_arrays(name: str, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
                     shape: tuple[int, int], r0: int = 0, r1: int | None = None) -> None:
    """Refuse CSR arrays the kernels would read or write out of bounds with: rows
    ``r0:r1`` (default: all) of a matrix of ``shape`` must have row pointers that rise
    from within ``indices`` and ``data``, and column numbers in ``[0, shape[1])``.

    The kernels take raw pointers and trust every number: one column number out of
    range is a write past an array (a crash, or worse, memory silently corrupted).
    Vectorized: about a millisecond per million non-zeros."""
    n_rows, n_cols = (int(x) for x in shape)
    r1 = n_rows if r1 is None else r1
    indptr, indices = np.asarray(indptr), np.asarray(indices)
    if indptr.ndim != 1 or indptr.size != n_rows + 1 or indptr.dtype.kind not in "iu":
        raise ValueError(f"{name}: indptr must be {n_rows + 1} integers for {n_rows} rows; "
                         f"got shape {indptr.shape}, dtype {indptr.dtype}")
    if indices.ndim != 1 or indices.dtype.kind not in "iu" or np.ndim(data) != 1:
        raise ValueError(f"{name}: indices must be a 1-d integer array and data 1-d")
    if not 0 <= r0 <= r1 <= n_rows:
        raise ValueError(f"{name}: rows {r0}:{r1} outside its {n_rows} rows")
    ptr = indptr[r0:r1 + 1]
    if int(indptr[0]) != 0 or (ptr.size > 1 and int(np.diff(ptr).min()) < 0):
        raise ValueError(f"{name}: indptr must start at 0 and never decrease")
    lo, hi = int(ptr[0]), int(ptr[-1])
    if lo < 0 or hi > min(indices.size, np.size(data)):
        raise ValueError(f"{name}: indptr points past the {min(indices.size, np.size(data))} "
                         "stored entries")
    if hi > lo:
        cols = indices[lo:hi]
        if int(cols.min()) < 0 or int(cols.max()) >= n_cols:
            raise ValueError(f"{name}: column indices must be in [0, {n_cols}); got "
                             f"{int(cols.min())}..{int(cols.max())}")
    if n_cols > np.iinfo(np.int32).max:
        raise ValueError(f"{name}: more than 2**31 columns")


def _check(name: str, a: np.ndarray, rows: int, cols: int) -> None:
    """The kernels take raw pointers: refuse what they would read or write out of bounds."""
    if a.dtype != np.float32 or not a.flags.c_contiguous or a.ndim != 2:
        raise ValueError(f"{name} must be a C-contiguous 2-d float32 array")
    if a.shape[0] < rows or a.shape[1] < cols:
        raise ValueError(f"{name} of shape {a.shape} is smaller than ({rows}, {cols})")


def _check_rows(tile: CTile, r0: int, r1: int) -> None:
    if not 0 <= r0 <= r1 <= tile.indptr.size - 1:
        raise ValueError(f"rows {r0}:{r1} outside the tile's {tile.indptr.size - 1} rows")


def gather(lib: Kernels, tile: CTile, r0: int, r1: int, xb: np.ndarray,
           y: np.ndarray, row: int, col: int, accumulate: bool) -> None:
    """``y[row:row + r1 - r0, col:col + w] (+)= tile[r0:r1] @ xb[tile.lo:tile.hi]``.

    ``xb`` is a packed (n, w) float32 block, ``y`` a C-contiguous float32 array."""
    w = xb.shape[1]
    _check_rows(tile, r0, r1)
    _check("xb", xb, tile.hi, w)
    _check("y", y, row + r1 - r0, col + w)
    rc = lib.sparse.csr_gather(tile.indptr, tile.indices, tile.data, r0, r1, xb, tile.lo, y,
                               row, col, accumulate)
    if rc:
        raise ValueError(f"kernel width {w} is not a multiple of 8 up to {MAX_WIDTH}")


def scatter(lib: Kernels, tile: CTile, r0: int, r1: int, yb: np.ndarray,
            out: np.ndarray, col: int = 0) -> None:
    """``out[tile.lo:tile.hi, col:col + w] += tile[r0:r1].T @ yb`` (``yb``: rows r0..r1,
    packed (r1 - r0, w); ``out``: a C-contiguous float32 array)."""
    w = yb.shape[1]
    _check_rows(tile, r0, r1)
    _check("yb", yb, r1 - r0, w)
    _check("out", out, tile.hi, col + w)
    rc = lib.sparse.csr_scatter(tile.indptr, tile.indices, tile.data, r0, r1, yb, out,
                                tile.lo, col)
    if rc:
        raise ValueError(f"kernel width {w} is not a multiple of 8 up to {MAX_WIDTH}")


def pack(x: np.ndarray, start: int, width: int, rows: slice = slice(None)) -> np.ndarray:
    """Columns ``start:start + width`` of ``x[rows]`` as a C-contiguous float32 block,
    zero-padded to ``width`` columns where ``x`` has fewer."""
    part = x[rows, start:start + width]
    if part.shape[1] == width:
        return np.ascontiguousarray(part, dtype=np.float32)
    out = np.zeros((part.shape[0], width), dtype=np.float32)
    out[:, :part.shape[1]] = part
    return out


def block_widths(k: int) -> list[tuple[int, int]]:
    """``(start, width)`` of the packed blocks for ``k`` columns: as few blocks as widths
    of at most :data:`MAX_WIDTH` allow, of widths that are multiples of 8 and differ by at
    most 8 (520 columns: 2 x 64 + 7 x 56, not 8 x 64 + 8: each block reads the matrix once,
    however narrow), the last one padded past ``k``."""
    vectors = -(-k // 8)
    n_blocks = -(-vectors // (MAX_WIDTH // 8))
    base, extra = divmod(vectors, n_blocks) if n_blocks else (0, 0)
    out, j = [], 0
    for b in range(n_blocks):
        w = 8 * (base + (b < extra))
        out.append((j, w))
        j += w
    return out


def half_native(lib: Kernels) -> bool:
    """Whether :func:`pack_half` and :func:`gather_half` run here (x86-64 with AVX2, FMA
    and F16C); elsewhere :mod:`wordvec.linalg.reduce` runs its steps in single precision."""
    return bool(lib.sparse.half_native())


def pack_half(lib: Kernels, x: np.ndarray, start: int, width: int, scale: np.ndarray,
              out: np.ndarray, r0: int, r1: int) -> None:
    """Rows ``r0:r1`` of ``half(x[:, start:start + width] * scale)`` (zero past ``x``'s
    columns) into ``out[r0:r1]``, a C-contiguous uint16 (n, width) block; ``scale`` holds
    one float32 per column from ``start``."""
    ncols = min(width, x.shape[1] - start)
    if x.dtype != np.float32 or not x.flags.c_contiguous or x.ndim != 2:
        raise ValueError("x must be a C-contiguous 2-d float32 array")
    if out.dtype != np.uint16 or not out.flags.c_contiguous or out.shape != (x.shape[0], width):
        raise ValueError(f"out must be a C-contiguous uint16 array of shape {(x.shape[0], width)}")
    if scale.dtype != np.float32 or scale.size < ncols or width % 8 or ncols < 0:
        raise ValueError("scale must hold a float32 per column; width a multiple of 8")
    if not 0 <= r0 <= r1 <= x.shape[0]:
        raise ValueError(f"rows {r0}:{r1} outside x's {x.shape[0]} rows")
    rc = lib.sparse.pack_half(x, start, r0, r1, ncols, scale, out)
    if rc:
        raise RuntimeError("the half-precision kernels are not built here")


def column_absmax(lib: Kernels, x: np.ndarray, ranges: list[tuple[int, int]],
                  map_: Callable[..., Any] = map) -> np.ndarray:
    """The largest magnitude of each column of the C-contiguous float32 ``x`` (NaN where
    a column has a NaN), one pass over each of the row ``ranges`` (mapped by ``map_``)."""
    _check("x", x, 0, 0)
    parts = np.zeros((max(len(ranges), 1), x.shape[1]), dtype=np.float32)
    for r0, r1 in ranges:
        if not 0 <= r0 <= r1 <= x.shape[0]:
            raise ValueError(f"rows {r0}:{r1} outside x's {x.shape[0]} rows")

    def run(i: int) -> None:
        r0, r1 = ranges[i]
        lib.sparse.column_absmax(x, r0, r1, parts[i])
    list(map_(run, range(len(ranges))))
    return parts.max(axis=0)  # NaN propagates


def gather_half(lib: Kernels, tile: CTile, r0: int, r1: int, xh: np.ndarray,
                y: np.ndarray, row: int, col: int, accumulate: bool) -> None:
    """:func:`gather` of a packed half-precision block ``xh`` (uint16, from
    :func:`pack_half`), summed in float32."""
    w = xh.shape[1]
    _check_rows(tile, r0, r1)
    if xh.dtype != np.uint16 or not xh.flags.c_contiguous or xh.ndim != 2 \
            or xh.shape[0] < tile.hi:
        raise ValueError(f"xh must be a C-contiguous uint16 array of at least {tile.hi} rows")
    _check("y", y, row + r1 - r0, col + w)
    rc = lib.sparse.gather_half(tile.indptr, tile.indices, tile.data, r0, r1, xh, tile.lo,
                                y, row, col, accumulate)
    if rc == -1:
        raise ValueError(f"kernel width {w} is not a multiple of 8 up to {MAX_WIDTH}")
    if rc:
        raise RuntimeError("the half-precision kernels are not built here")


class SignSketch:
    """The sparse sign matrix ``G`` (n x k, ``z`` entries of +-1 in each row, in distinct
    columns) of a random start, for :func:`sign_sketch`, made from its (n, z) columns
    ``buckets`` and ``signs``.  Held as the kernel reads it: ``codes``, (n, z) int32,
    ``2 * column + (1 if the sign is negative)``; ``buckets`` and ``signs`` derive from it."""

    __slots__ = ("k", "codes")

    def __init__(self, buckets: np.ndarray, signs: np.ndarray, k: int) -> None:
        buckets = np.asarray(buckets)
        signs = np.asarray(signs)
        if buckets.ndim != 2 or buckets.shape != signs.shape:
            raise ValueError("buckets and signs must be (n, z) arrays of one shape")
        if buckets.size and (buckets.min() < 0 or buckets.max() >= k):
            raise ValueError(f"buckets must be columns 0 <= c < {k}")
        if not np.all(np.abs(signs) == 1):
            raise ValueError("signs must be +1 or -1")
        if k >= 2 ** 30:
            raise ValueError("G wider than 2**30 columns")
        self.k = k
        self.codes = np.ascontiguousarray(2 * buckets.astype(np.int32) + (signs < 0),
                                          dtype=np.int32)

    @property
    def buckets(self) -> np.ndarray:
        return self.codes >> 1

    @property
    def signs(self) -> np.ndarray:
        return np.where(self.codes & 1, -1.0, 1.0).astype(np.float32)

    def dense(self) -> np.ndarray:
        """``G`` as a dense (n, k) float32 array."""
        n, z = self.codes.shape
        g = np.zeros((n, self.k), dtype=np.float32)
        np.add.at(g, (np.repeat(np.arange(n), z), self.buckets.ravel()), self.signs.ravel())
        return g


def sign_sketch(lib: Kernels, tiles: list[CTile], r0: int, r1: int, g: SignSketch,
                y: np.ndarray, row: int = 0) -> None:
    """``y[row:row + r1 - r0, :g.k] = A[r0:r1] @ G`` for the matrix ``A`` cut into the
    column ``tiles`` (all of its columns, in order) and the sparse sign matrix ``g``."""
    if not tiles:
        raise ValueError("no tiles")
    for t in tiles:
        _check_rows(t, r0, r1)
    if g.codes.shape[0] < tiles[-1].hi:
        raise ValueError(f"G has {g.codes.shape[0]} rows, the tiles {tiles[-1].hi} columns")
    _check("y", y, row + r1 - r0, g.k)
    arrays, offsets = _tile_arrays(tiles)
    lib.sparse.sign_sketch(*arrays, offsets, r0, r1, g.codes, g.k, y, row)


def _tile_arrays(tiles: list[CTile]) -> tuple[list[list[np.ndarray]], np.ndarray]:
    """The tiles' arrays (their indptrs, indices and data) as the multi-tile kernels
    take them, and their first columns."""
    for t, (a, b) in enumerate(zip([None, *tiles], tiles)):  # the kernels trust the layout
        if (a.hi if a is not None else 0) != b.lo or b.indptr.size != tiles[0].indptr.size:
            raise ValueError(f"tile {t} does not follow the one before it (columns "
                             f"{b.lo}:{b.hi}, {b.indptr.size - 1} rows)")
    arrays = [[getattr(t, name) for t in tiles] for name in ("indptr", "indices", "data")]
    return arrays, np.array([t.lo for t in tiles], dtype=np.int64)


def join_tiles(lib: Kernels, tiles: list[CTile], r0: int, r1: int,
               map_: Callable[..., Any] = map, parts: int = 1) -> CTile:
    """Rows ``r0:r1`` of the matrix cut into the column ``tiles`` (all of its columns,
    in order) as one full-width tile of those rows (its row ``i`` is row ``r0 + i``), in
    ``parts`` ranges of rows shared out by ``map_``."""
    if not tiles:
        raise ValueError("no tiles")
    for t in tiles:
        _check_rows(t, r0, r1)
    counts = sum((np.diff(t.indptr[r0:r1 + 1]) for t in tiles),
                 np.zeros(r1 - r0, dtype=np.int64))
    indptr = np.zeros(r1 - r0 + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    cols = np.empty(int(indptr[-1]), dtype=np.int32)
    vals = np.empty(int(indptr[-1]), dtype=np.float32)
    arrays, offsets = _tile_arrays(tiles)
    ranges = [(r0 + lo, r0 + hi) for lo, hi in row_ranges(indptr, parts)]

    def run(rows: tuple[int, int]) -> None:
        lib.sparse.join_tiles(*arrays, offsets, rows[0], rows[1], indptr, rows[0] - r0,
                              cols, vals)
    list(map_(run, ranges))
    return CTile.of_arrays(0, tiles[-1].hi, indptr, cols, vals)


def transpose_tiles(lib: Kernels, tiles: list[CTile], cuts: np.ndarray,
                    map_: Callable[..., Any] = map) -> list[CTile]:
    """The column tiles of ``A.T`` from those of ``A`` (``tiles``, covering its columns):
    tile ``t`` holds rows ``cuts[t]:cuts[t + 1]`` of ``A`` as columns.  Two passes over
    ``A`` per tile (counts, then a counting sort), the tiles shared out by ``map_``."""
    n = tiles[-1].hi if tiles else 0
    _tile_arrays(tiles)  # checks that the tiles cover the columns in order
    cuts = np.asarray(cuts, dtype=np.int64)
    n_rows = tiles[0].indptr.size - 1 if tiles else 0
    if cuts.ndim != 1 or cuts.size < 1 or cuts[0] < 0 or cuts[-1] > n_rows \
            or np.any(np.diff(cuts) < 0):
        raise ValueError(f"cuts must rise within the tiles' {n_rows} rows")

    def one(t: int) -> CTile:
        lo, hi = int(cuts[t]), int(cuts[t + 1])
        indptr = np.zeros(n + 1, dtype=np.int64)
        for tile in tiles:
            lib.sparse.column_counts(tile.indptr, tile.indices, lo, hi, indptr, tile.lo + 1)
        np.cumsum(indptr, out=indptr)
        cols = np.empty(int(indptr[-1]), dtype=np.int32)
        vals = np.empty(int(indptr[-1]), dtype=np.float32)
        pos = indptr[:-1].copy()
        for tile in tiles:
            lib.sparse.transpose_part(tile.indptr, tile.indices, tile.data, lo, hi, tile.lo,
                                      pos, cols, vals)
        return CTile.of_arrays(lo, hi, indptr, cols, vals)

    return list(map_(one, range(len(cuts) - 1)))


def row_ranges(cum_nnz: np.ndarray, parts: int) -> list[tuple[int, int]]:
    """About ``parts`` ranges of rows of equal non-zeros, from the row pointer-like
    ``cum_nnz`` (``n + 1`` cumulative counts): the threads' shares of a pass."""
    n = cum_nnz.size - 1
    total = int(cum_nnz[-1])
    inner = np.searchsorted(cum_nnz, np.arange(1, max(parts, 1)) * total // max(parts, 1))
    cuts = np.unique(np.concatenate(([0], inner, [n]))).tolist()
    return list(zip(cuts[:-1], cuts[1:]))
