"""Partial count matrices: their sums and merges (in C where the kernels are built), and
sorted runs spilled to disk and read back row range by row range.

:class:`~wordvec.counting.counter.CooccurrenceCounter` keeps the counts of each chunk as a
partial CSR matrix; past its memory budget it writes them out as a run (``.npy`` files of
one matrix) and merges the runs at the end, a range of rows at a time, so the merged
matrix never needs the partials and itself in memory together.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .._ext import _kernels


def _sum_csr(a: sp.csr_matrix, b: sp.csr_matrix) -> sp.csr_matrix:
    out = (a + b).tocsr()
    out.has_canonical_format = True
    return out


class _RunArray:
    """A 1-d array of a spilled run (``.npy``), read by slices into fresh memory.

    Not a memory map: pages of a mapped file count in the process's resident memory
    for as long as the map lives, which would make the merge's peak grow with the total
    size of the runs instead of with one block.
    """

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            major, _ = np.lib.format.read_magic(f)
            read_header = (np.lib.format.read_array_header_1_0 if major == 1
                           else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read_header(f)
            self._offset = f.tell()
        self.path = path
        self.dtype = np.dtype(dtype)
        self.size = int(shape[0])

    def __getitem__(self, key: int | slice) -> np.ndarray:
        if isinstance(key, slice):
            start, stop, step = key.indices(self.size)
            assert step == 1
        else:
            start = key + self.size if key < 0 else key
            stop = start + 1
        count = max(0, stop - start)
        out = np.fromfile(self.path, dtype=self.dtype, count=count,
                          offset=self._offset + start * self.dtype.itemsize)
        if not isinstance(key, slice):
            return out[0]  # type: ignore[no-any-return]
        return out


def _merge_partials(parts: list[sp.csr_matrix], pool: ThreadPoolExecutor | None,
                    n_threads: int) -> sp.csr_matrix:
    """The sum of canonical float64 CSR partials in one pass (the kernels' k-way merge,
    threads taking ranges of rows of about equal non-zeros), else SciPy's additions."""
    lib = _kernels.load()
    if lib is None or len(parts) == 1:
        total = parts[-1]
        for m in reversed(parts[:-1]):
            total = _sum_csr(total, m)
        return total
    n = parts[0].shape[0]
    room_by_row = np.zeros(n + 1, dtype=np.int64)
    for m in parts:
        room_by_row += m.indptr
    room = int(room_by_row[-1])
    ranges = _kernels.row_ranges(room_by_row, n_threads)
    cols = np.empty(room, dtype=np.int32)
    vals = np.empty(room, dtype=np.float64)
    indptrs = [np.empty(hi - lo + 1, dtype=np.int64) for lo, hi in ranges]

    def merge(task: tuple[int, int, int]) -> int:
        i, lo, hi = task
        at = int(room_by_row[lo])  # this range's region of the outputs
        return _kernels.merge_rows(lib, parts, lo, hi, indptrs[i], cols[at:], vals[at:])

    tasks = [(i, lo, hi) for i, (lo, hi) in enumerate(ranges)]
    sizes = list(pool.map(merge, tasks) if pool is not None and len(tasks) > 1
                 else map(merge, tasks))
    return _kernels.join_row_ranges(ranges, room_by_row, sizes, indptrs, cols, vals,
                                    parts[0].shape)


def _load_run(path: Path) -> dict[str, _RunArray]:
    return {name: _RunArray(path / f"{name}.npy") for name in ("indptr", "indices", "data")}


def _merge_rows(runs: list[dict[str, _RunArray]], rest: sp.csr_matrix | None, lo: int,
                hi: int, n_cols: int) -> sp.csr_matrix:
    """Rows ``lo:hi`` of the sum of the spilled runs and ``rest`` (float64 CSR), in one
    k-way merge (:func:`_merge_partials`)."""
    parts = []
    for r in runs:
        a, b = int(r["indptr"][lo]), int(r["indptr"][hi])
        part = sp.csr_matrix((r["data"][a:b], r["indices"][a:b], r["indptr"][lo:hi + 1] - a),
                             shape=(hi - lo, n_cols))
        part.has_canonical_format = True  # a slice of a canonical run
        parts.append(part)
    if rest is not None:
        part = rest[lo:hi]
        part.has_canonical_format = True
        parts.append(part)
    if not parts:
        return sp.csr_matrix((hi - lo, n_cols), dtype=np.float64)
    return _merge_partials(parts, None, 1)


def _nbytes(m: sp.csr_matrix) -> int:
    return int(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes)
