"""The Python side of the compiled kernels: the checks the C needs and the wrappers
the stages call (the SVD's sparse x dense products, the counter's pair keys and merges,
the default tokenizer's ASCII path), plus the NumPy helpers they share.

The kernels are extension modules built with the package (``_tokenize_ext``,
``_count_ext``, ``_sparse_ext``: C next to the stage it serves, bound with Cython; see
``setup.py``).  Nothing is compiled or loaded from a user's folder at run time.
:func:`load` returns them where the backend in force uses them
(:mod:`wordvec.backend`), else None, and the stages then run their NumPy/SciPy
reference (the same tokens, ids and counts; products equal up to float32 rounding
order; slower).

Each wrapper checks what the C would read or write out of bounds with (the typed
memoryviews of the bindings check types, dtypes and contiguity; the ranges are checked
here): a wrong call is a ``ValueError`` naming the argument, never memory overwritten.
"""

from __future__ import annotations

from collections.abc import Callable

from typing import TYPE_CHECKING, Any

import numpy as np

from . import backend as _backend
from .backend import Kernels, KernelsUnavailableWarning

if TYPE_CHECKING:  # SciPy is imported where a function needs it: tokenizing workers do not
    import scipy.sparse as sp

__all__ = ["load", "status", "Kernels", "KernelsUnavailableWarning", "CTile",
           "check_csr_arrays", "gather", "scatter", "pack", "block_widths",
           "half_native", "pack_half", "gather_half", "column_absmax", "SignSketch",
           "sign_sketch", "transpose_tiles", "join_tiles", "sort_keys",
           "count_pairs", "merge_rows", "symmetrize", "split_columns", "remap_ids",
           "count_ids", "subsample_ids", "MAX_WIDTH", "TypeTable", "nonascii_pieces",
           "tokenize_ids"]

MAX_WIDTH = 64  # columns per packed block (8 vectors of 8 floats)


def load() -> Kernels | None:
    """The compiled kernels where the backend in force uses them, else None."""
    return _backend.kernels()


def status() -> str:
    """Which backend runs, and why (for bug reports and the tests)."""
    info = _backend.config()
    if info["in_use"] == "compiled":
        return f"compiled kernels ({info['compiled']['sparse']})"
    if info["backend"] == "numpy":
        return "NumPy/SciPy backend (asked for)"
    return f"NumPy/SciPy backend: compiled kernels {info['compiled']}"

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
    and F16C); elsewhere :mod:`wordvec.reduce` runs its steps in single precision."""
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


def sort_keys(keys: np.ndarray, bits: int) -> None:
    """Sort int64 ``keys`` (each ``0 <= key < 2**bits``) in place: a radix sort with the
    kernels (releases the GIL; ~4x NumPy's sort of 5M keys here), else ``keys.sort()``."""
    lib = load()
    if lib is None or keys.dtype != np.int64 or not keys.flags.c_contiguous \
            or not 1 <= bits <= 63:
        keys.sort()
        return
    tmp = np.empty_like(keys)
    if lib.count.radix_sort(keys, tmp, bits):
        keys.sort()  # no memory for the histograms



def count_pairs(lib: Kernels, x: np.ndarray, p: int, window: int, vocab_size: int,
                weights: np.ndarray, dbits: int, key_bits: int,
                scratch: Callable[[int], tuple[np.ndarray, np.ndarray]] | None = None
                ) -> tuple[sp.csr_matrix, int]:
    """The weighted pair counts of an id chunk as a canonical float64 CSR matrix, and the
    number of pairs; see :class:`wordvec.cooccur.CooccurrenceCounter` for the chunk's
    layout (``x[:p]`` the carry) and the keys.  ``scratch(m)`` returns two int64 arrays
    of at least ``m`` entries for the pair keys, which a caller can keep from chunk to
    chunk (fresh memory is paid in page faults); default: new ones.  Releases the GIL."""
    x = np.ascontiguousarray(x, dtype=np.int32)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    if not (0 <= p <= x.size and window >= 1 and weights.size >= window
            and 1 <= key_bits <= 63 and vocab_size >= 1):
        raise ValueError("count_pairs: arguments out of range")
    if x.size and int(x.max()) >= vocab_size:
        raise ValueError(f"word id {int(x.max())} out of range for vocab_size={vocab_size}")
    if not 0 <= dbits <= 62 or (dbits and window > 1 << dbits) or \
            (vocab_size * vocab_size - 1).bit_length() + dbits > key_bits:
        raise ValueError(f"count_pairs: keys of {key_bits} bits cannot hold pairs of "
                         f"{vocab_size} words and {dbits} distance bits for window {window}")
    m = int(lib.count.count_pair_keys(x, p, window))
    keys, tmp = scratch(m) if scratch is not None else (np.empty(m, np.int64),
                                                        np.empty(m, np.int64))
    if keys.dtype != np.int64 or tmp.dtype != np.int64 or min(keys.size, tmp.size) < m \
            or not (keys.flags.c_contiguous and tmp.flags.c_contiguous):
        raise ValueError(f"scratch must be two contiguous int64 arrays of {m} entries")
    indptr = np.empty(vocab_size + 1, dtype=np.int64)
    cols = np.empty(m, dtype=np.int32)
    vals = np.empty(m, dtype=np.float64)
    u = lib.count.count_pairs(x, p, window, vocab_size, weights, dbits, key_bits, m, keys,
                              tmp, indptr, cols, vals)
    if u < 0:
        raise MemoryError("no memory for the pair keys of a chunk")
    if u < m:  # give back the room past the distinct pairs (a realloc, no copy)
        cols.resize(u, refcheck=False)
        vals.resize(u, refcheck=False)
    import scipy.sparse as sp

    out = sp.csr_matrix((vals, cols, indptr), shape=(vocab_size, vocab_size))
    out.has_canonical_format = True
    return out, m


def remap_ids(lib: Kernels, x: np.ndarray, lut: np.ndarray, dropped: int) -> np.ndarray:
    """``lut[x]`` without the ids mapped to ``dropped`` (-1 in ``x`` stays -1), in place
    in a copy of ``x``."""
    out = np.array(x, dtype=np.int32, copy=True, order="C")
    lut = np.ascontiguousarray(lut, dtype=np.int32)
    k = lib.count.remap_ids(out.reshape(-1), lut, dropped)
    if k < 0:
        raise ValueError("an id outside the lookup table")
    return out[:k]


def count_ids(lib: Kernels, x: np.ndarray, counts: np.ndarray) -> None:
    """``counts[w] += 1`` for each word ``w >= 0`` of ``x`` (no temporary arrays)."""
    x = np.ascontiguousarray(x, dtype=np.int32)
    if counts.dtype != np.int64 or not counts.flags.c_contiguous or counts.ndim != 1:
        raise ValueError("counts must be a contiguous int64 array")
    if lib.count.count_ids(x.reshape(-1), counts):
        raise ValueError(f"an id of {counts.size} or more")


def subsample_ids(lib: Kernels, x: np.ndarray, rand: np.ndarray, keep: np.ndarray,
                  clean: bool, hole: int) -> tuple[np.ndarray, int]:
    """word2vec's subsampling of ids ``x`` (in place): a word ``w`` goes where ``rand >=
    keep[w]`` (its position holds ``hole`` if ``clean``).  Returns the ids and the number
    of words kept."""
    if not (x.dtype == np.int32 and x.flags.c_contiguous and x.flags.writeable):
        raise ValueError("x must be a writable contiguous int32 array")
    rand = np.ascontiguousarray(rand, dtype=np.float32)
    keep = np.ascontiguousarray(keep, dtype=np.float32)
    if rand.size < x.size or (x.size and int(x.max()) >= keep.size):
        raise ValueError("subsample_ids: rand or keep too short")
    k, kept = lib.count.subsample_ids(x.reshape(-1), rand.reshape(-1), keep.reshape(-1),
                                      clean, hole)
    return x[:k], int(kept)


def split_columns(lib: Kernels, a: sp.csr_matrix, cuts: np.ndarray
                  ) -> list[sp.csr_matrix]:
    """The column tiles ``a[:, cuts[t]:cuts[t + 1]]`` of a canonical float32 CSR matrix,
    as canonical CSR matrices, in two passes over ``a`` (instead of one per tile)."""
    import scipy.sparse as sp

    if a.dtype != np.float32 or not a.has_canonical_format:
        raise ValueError("split_columns needs a canonical float32 CSR matrix")
    check_csr_arrays("matrix", a.indptr, a.indices, a.data, a.shape)
    n_rows, n_cols = a.shape
    cuts = np.ascontiguousarray(cuts, dtype=np.int64)
    if cuts.size < 2 or cuts[0] != 0 or cuts[-1] != n_cols or np.any(np.diff(cuts) < 0):
        raise ValueError("cuts must rise from 0 to the number of columns")
    n_tiles = cuts.size - 1
    indptr = np.ascontiguousarray(a.indptr, dtype=np.int64)
    cols = np.ascontiguousarray(a.indices, dtype=np.int32)
    vals = np.ascontiguousarray(a.data, dtype=np.float32)
    ptrs = [np.zeros(n_rows + 1, dtype=np.int64) for _ in range(n_tiles)]
    lib.sparse.tile_counts(indptr, cols, 0, n_rows, cuts, ptrs)
    for q in ptrs:
        np.cumsum(q, out=q)
    tile_cols = [np.empty(int(q[-1]), dtype=np.int32) for q in ptrs]
    tile_vals = [np.empty(int(q[-1]), dtype=np.float32) for q in ptrs]
    lib.sparse.tile_copy(indptr, cols, vals, 0, n_rows, cuts, ptrs, tile_cols, tile_vals)
    tiles = []
    for t in range(n_tiles):
        tile = sp.csr_matrix((tile_vals[t], tile_cols[t], ptrs[t]),
                             shape=(n_rows, int(cuts[t + 1] - cuts[t])))
        tile.has_canonical_format = True
        tiles.append(tile)
    return tiles


def symmetrize(lib: Kernels, half: sp.csr_matrix, scale: float,
               map_: Callable[..., Any] = map, n_threads: int = 1) -> sp.csr_matrix:
    """``(half + half.T) / scale`` as canonical float32 CSR (square canonical ``half``,
    float64 values): the values SciPy's float32 ``h + h.T`` gives for ``h = (half /
    scale).astype(float32)``.  Column counts, the transpose and the merge each run on
    ranges of rows through ``map_`` (e.g. a thread pool's ``map``; the GIL is released)."""
    import scipy.sparse as sp

    n = half.shape[0]
    if half.shape != (n, n) or not half.has_canonical_format:
        raise ValueError("symmetrize needs a square canonical CSR matrix")
    check_csr_arrays("half", half.indptr, half.indices, half.data, half.shape)
    indptr = np.ascontiguousarray(half.indptr, dtype=np.int64)
    cols = np.ascontiguousarray(half.indices, dtype=np.int32)
    vals = np.ascontiguousarray(half.data, dtype=np.float64)
    nnz = int(indptr[-1])
    ranges = row_ranges(indptr, n_threads)
    counts = np.zeros((len(ranges), n), dtype=np.int64)
    list(map_(lambda i: lib.sparse.column_counts(indptr, cols, ranges[i][0], ranges[i][1],
                                                 counts[i], 0), range(len(ranges))))
    tptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts.sum(axis=0), out=tptr[1:])
    pos = np.ascontiguousarray(tptr[:-1] + np.cumsum(counts, axis=0) - counts)  # per range
    del counts
    tcols = np.empty(max(nnz, 1), dtype=np.int32)
    tvals = np.empty(max(nnz, 1), dtype=np.float32)
    list(map_(lambda i: lib.sparse.transpose_rows(indptr, cols, vals, float(scale),
                                                  ranges[i][0], ranges[i][1], pos[i], tcols,
                                                  tvals),
              range(len(ranges))))
    del pos
    room = np.zeros(n + 1, dtype=np.int64)  # row r of the sum has at most the two rows' nnz
    room[1:] = np.cumsum(np.diff(indptr) + np.diff(tptr))
    out_cols = np.empty(max(int(room[-1]), 1), dtype=np.int32)
    out_vals = np.empty(max(int(room[-1]), 1), dtype=np.float32)
    ptrs = [np.empty(hi - lo + 1, dtype=np.int64) for lo, hi in ranges]

    def add(i: int) -> int:
        lo, hi = ranges[i]
        at = int(room[lo])
        return int(lib.sparse.add_transposed(indptr, cols, vals, float(scale), tptr, tcols,
                                             tvals, lo, hi, ptrs[i], out_cols, out_vals, at))

    sizes = list(map_(add, range(len(ranges))))
    del tcols, tvals
    return join_row_ranges(ranges, room, sizes, ptrs, out_cols, out_vals, (n, n))


def row_ranges(cum_nnz: np.ndarray, parts: int) -> list[tuple[int, int]]:
    """About ``parts`` ranges of rows of equal non-zeros, from the row pointer-like
    ``cum_nnz`` (``n + 1`` cumulative counts): the threads' shares of a pass."""
    n = cum_nnz.size - 1
    total = int(cum_nnz[-1])
    inner = np.searchsorted(cum_nnz, np.arange(1, max(parts, 1)) * total // max(parts, 1))
    cuts = np.unique(np.concatenate(([0], inner, [n]))).tolist()
    return list(zip(cuts[:-1], cuts[1:]))


def join_row_ranges(ranges: list[tuple[int, int]], room: np.ndarray, sizes: list[int],
                    indptrs: list[np.ndarray], cols: np.ndarray, vals: np.ndarray,
                    shape: tuple[int, int]) -> sp.csr_matrix:
    """One canonical CSR matrix from ranges of rows written by threads into regions of
    ``cols`` and ``vals``: range ``i`` wrote ``sizes[i]`` entries from ``room[lo]`` on and
    its row pointers (from 0) into ``indptrs[i]``.  The regions' gaps are closed in place
    and the arrays shrunk by a realloc (no copy)."""
    import scipy.sparse as sp

    offset = 0
    for i, (lo, _) in enumerate(ranges):
        at, size = int(room[lo]), sizes[i]
        if at != offset:
            cols[offset:offset + size] = cols[at:at + size]
            vals[offset:offset + size] = vals[at:at + size]
        indptrs[i] += offset
        offset += size
    cols.resize(offset, refcheck=False)
    vals.resize(offset, refcheck=False)
    indptr = np.concatenate([indptrs[0], *[q[1:] for q in indptrs[1:]]]) if indptrs else \
        np.zeros(shape[0] + 1, dtype=np.int64)
    out = sp.csr_matrix((vals, cols, indptr), shape=shape)
    out.has_canonical_format = True
    return out


def merge_rows(lib: Kernels, parts: list[sp.csr_matrix], r0: int, r1: int,
               out_indptr: np.ndarray, out_cols: np.ndarray, out_vals: np.ndarray) -> int:
    """Rows ``r0:r1`` of the sum of canonical CSR matrices (float64 values) in one pass:
    ``out_indptr`` (``r1 - r0 + 1`` entries from 0), ``out_cols`` (int32) and
    ``out_vals`` (float64), with room for all of the parts' non-zeros in these rows.
    Equal columns are summed in the order of ``parts``.  Returns the number of
    non-zeros.  Releases the GIL."""
    if any(m.shape != parts[0].shape for m in parts):
        raise ValueError("merge_rows: matrices of different shapes")
    n_rows = parts[0].shape[0] if parts else 0
    if not 0 <= r0 <= r1 <= n_rows:
        raise ValueError(f"rows {r0}:{r1} outside 0:{n_rows}")
    for i, m in enumerate(parts):  # the rows this call reads only: callers split the rows
        check_csr_arrays(f"part {i}", m.indptr, m.indices, m.data, m.shape, r0, r1)
    ptrs = [np.ascontiguousarray(m.indptr, dtype=np.int64) for m in parts]
    cols = [np.ascontiguousarray(m.indices, dtype=np.int32) for m in parts]
    vals = [np.ascontiguousarray(m.data, dtype=np.float64) for m in parts]
    room = sum(int(ip[r1] - ip[r0]) for ip in ptrs)
    for name, a, dtype, size in (("out_indptr", out_indptr, np.int64, r1 - r0 + 1),
                                 ("out_cols", out_cols, np.int32, room),
                                 ("out_vals", out_vals, np.float64, room)):
        if a.dtype != dtype or not a.flags.c_contiguous or a.ndim != 1 or a.size < size:
            raise ValueError(f"{name} must be contiguous {np.dtype(dtype)} with {size} entries")
    n = lib.count.merge_rows(ptrs, cols, vals, parts[0].shape[1], r0, r1, out_indptr,
                             out_cols, out_vals, 0)
    if n < 0:
        raise MemoryError("no memory for merging partial counts")
    return int(n)


class TypeTable:
    """Token types (UTF-8 bytes) to int32 ids in first-seen order: the kernels' hash table.

    ``len(table)`` is the number of types; :meth:`packed` and :meth:`packed_at` return
    some of them as UTF-8 bytes.  The table is freed with the object.
    """

    def __init__(self, lib: Kernels) -> None:
        self._types = lib.tokenize.Types()

    def __len__(self) -> int:
        return len(self._types)

    def packed(self, lo: int, hi: int) -> tuple[bytes, np.ndarray]:
        """Types ``lo..hi-1`` as UTF-8 bytes one after the other, and where each ends."""
        if not 0 <= lo <= hi <= len(self):
            raise ValueError(f"types {lo}:{hi} outside the table's {len(self)}")
        offsets = np.empty(hi - lo + 1, dtype=np.int64)
        out = np.empty(self._types.copy_size(lo, hi), dtype=np.uint8)
        self._types.copy(lo, hi, out, offsets)
        return out.tobytes(), offsets[1:]

    def packed_at(self, ids: np.ndarray | list[int]) -> tuple[bytes, np.ndarray]:
        """The types of ``ids``, in that order, packed as :meth:`packed` does."""
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        size = self._types.gather_size(ids)
        if size < 0:
            raise ValueError(f"type ids outside the table's {len(self)}")
        out = np.empty(size, dtype=np.uint8)
        ends = np.empty(ids.size, dtype=np.int64)
        self._types.gather(ids, out, ends)
        return out.tobytes(), ends

    def intern(self, blob: bytes, ends: np.ndarray) -> np.ndarray:
        """Ids of the types packed in ``blob`` (type ``j`` ends at ``ends[j]``), added
        where new."""
        ends = np.ascontiguousarray(ends, dtype=np.int64).reshape(-1)
        if ends.size and (np.any(np.diff(ends) < 0) or ends[0] < 0 or ends[-1] > len(blob)):
            raise ValueError("ends must be non-decreasing offsets into blob")
        out = np.empty(ends.size, dtype=np.int32)
        if self._types.intern(blob, ends, out):
            raise MemoryError("no memory for the kernels' table of token types")
        return out


def nonascii_pieces(lib: Kernels, text: bytes) -> np.ndarray:
    """``(k, 2)`` start and end offsets of the whitespace-separated pieces of ``text``
    that hold a byte >= 0x80 (the pieces :func:`tokenize_ids` leaves to Python)."""
    cap = len(text) // 512 + 1024  # enough for English text: one scan
    while True:
        bounds = np.empty((cap, 2), dtype=np.int64)
        k = int(lib.tokenize.nonascii_pieces(text, bounds))
        if k <= cap:
            return bounds[:k]
        cap = k


_NUMBER_CODES = {"keep": 0, "zero": 1, "drop": 2, "token": 3}


def tokenize_ids(lib: Kernels, table: TypeTable, text: bytes, doc_ends: np.ndarray,
                 side: bytes, side_ends: np.ndarray, side_count: np.ndarray,
                 numbers: str) -> tuple[np.ndarray, int]:
    """Ids (in ``table``) of the tokens of documents, -1 after each one with tokens.

    ``text`` is UTF-8, document ``d`` ending at ``doc_ends[d]`` (the next one starts
    after it); ASCII pieces are tokenized as :class:`wordvec.tokenize.Tokenizer` does
    (``numbers`` its policy) and the ``k``-th piece of :func:`nonascii_pieces` is
    replaced by ``side_count[k]`` tokens of ``side`` (UTF-8, token ``j`` ending at
    ``side_ends[j]``).  Returns the ids and the number of tokens.
    """
    doc_ends = np.ascontiguousarray(doc_ends, dtype=np.int64)
    side_ends = np.ascontiguousarray(side_ends, dtype=np.int64)
    side_count = np.ascontiguousarray(side_count, dtype=np.int64)
    if doc_ends.size and not (np.all(np.diff(doc_ends) >= 0) and 0 <= doc_ends[0]
                              and doc_ends[-1] <= len(text)):
        raise ValueError("doc_ends must be non-decreasing offsets into text")
    if side_count.sum() != side_ends.size or (side_ends.size and (
            np.any(np.diff(side_ends) < 0) or side_ends[0] < 0 or side_ends[-1] > len(side))):
        raise ValueError("side_ends must be non-decreasing offsets into side, "
                         "as many as side_count adds up to")
    out = np.empty(len(text) + doc_ends.size, dtype=np.int32)
    k, n_tokens = table._types.tokenize_ids(text, doc_ends, side, side_ends, side_count,
                                            _NUMBER_CODES[numbers], out)
    if k == -1:
        raise MemoryError("no memory for the kernels' table of token types")
    if k < 0:
        raise ValueError("the side tokens do not match the pieces of the text")
    return out[:k].copy(), int(n_tokens)
