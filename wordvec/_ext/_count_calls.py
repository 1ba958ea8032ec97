"""Python side of the counting kernels (``_count_ext``): pair keys and their radix sort,
id remapping, counting and subsampling, and the merges and symmetrizing of partial
count matrices, each with the range checks the C needs.  Used by
:mod:`wordvec.counting.counter` and :mod:`wordvec.pipeline`, through :mod:`wordvec._ext._kernels`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import Kernels
from ._sparse_calls import check_csr_arrays, row_ranges

if TYPE_CHECKING:  # SciPy is imported where a function needs it: tokenizing workers do not
    import scipy.sparse as sp


def sort_keys(keys: np.ndarray, bits: int) -> None:
    """Sort int64 ``keys`` (each ``0 <= key < 2**bits``) in place: a radix sort with the
    kernels (releases the GIL), else ``keys.sort()``."""
    from . import _kernels  # load() looked up at call time (tests replace it

    lib = _kernels.load()
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
    number of pairs; see :class:`wordvec.counting.counter.CooccurrenceCounter` for the chunk's
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


def symmetrize(lib: Kernels, one_way: sp.csr_matrix, scale: float,
               map_: Callable[..., Any] = map, n_threads: int = 1) -> sp.csr_matrix:
    """``(one_way + one_way.T) / scale`` as canonical float32 CSR (square canonical ``one_way``,
    float64 values): the values SciPy's float32 ``h + h.T`` gives for ``h = (one_way /
    scale).astype(float32)``.  Column counts, the transpose and the merge each run on
    ranges of rows through ``map_`` (e.g. a thread pool's ``map``; the GIL is released)."""

    n = one_way.shape[0]
    if one_way.shape != (n, n) or not one_way.has_canonical_format:
        raise ValueError("symmetrize needs a square canonical CSR matrix")
    check_csr_arrays("one_way", one_way.indptr, one_way.indices, one_way.data, one_way.shape)
    indptr = np.ascontiguousarray(one_way.indptr, dtype=np.int64)
    cols = np.ascontiguousarray(one_way.indices, dtype=np.int32)
    vals = np.ascontiguousarray(one_way.data, dtype=np.float64)
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
