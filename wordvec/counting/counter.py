"""Co-occurrence counting: an id stream to a sparse word x context matrix.

The input is a stream of ``int32`` word ids in chunks.  Two negative ids mark what
is not a word: :data:`SEPARATOR` ends a document (no window crosses it) and
:data:`HOLE` is a removed token that still occupies its position (so distances
around it are unchanged).  A document may continue across chunks.

Counting is vectorized: for each distance ``d`` the pairs ``(x[i], x[i+d])`` of a
chunk are encoded as one ``int64`` key per pair (word, context and distance), sorted
once and run-length encoded into a canonical CSR matrix.  With the compiled kernels
(:mod:`wordvec._ext._kernels`) that is one C call per chunk (a radix sort inside, the GIL
released, so the counting threads run in parallel), and the partial matrices are kept
apart until they are summed in one pass, row by row, by a k-way merge in C (threads
take ranges of rows).  Without the kernels NumPy forms and sorts the keys and the
partials are merged by SciPy's linear-time sparse addition as they come, like a
binary counter.

Sums are exact: window weights are scaled to integers (``dynamic``: ``window - d + 1``;
``harmonic``: ``lcm(1..window) / d``) and accumulated in ``float64``, which holds
integers exactly, then divided once at the end.  The result therefore does not depend
on how the stream is chunked, in which order partials are merged, on the number of
threads, or on spilling -- which is what makes the fast paths testable for equality.

Memory is bounded by ``max_memory``: when the partials held in memory would exceed
it, they are summed into one sorted run written to a temporary file; at the end the
runs are merged row block by row block, so the peak is about the size of the final
matrix, whatever the number of tokens.  :meth:`CooccurrenceCounter.result_blocks` makes
the same matrix without holding it: row blocks of ``C + C.T`` written to disk
(:class:`~wordvec.linalg.blocks.BlockMatrix`).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._ext import _kernels
from .._util.files import temp_folder
from .._util.validation import check_choice, check_int
from ..linalg.blocks import BlockMatrix, row_cuts
from ..params import WINDOW_WEIGHTINGS
from ..text.tokenize import SEPARATOR
from ._partials import _load_run, _merge_partials, _merge_rows, _nbytes, _sum_csr
from .windows import _integer_weights, window_weights

__all__ = ["CooccurrenceCounter", "SEPARATOR", "HOLE", "WINDOW_WEIGHTINGS", "window_weights"]

HOLE = -2
_BYTES_PER_NNZ = 12  # float64 value + int32 column
_MAX_PARTIALS = 64  # partial matrices kept apart (kernels) before they are merged into one


class CooccurrenceCounter:
    """Accumulate symmetric, distance-weighted co-occurrence counts.

    Parameters
    ----------
    vocab_size : int
        Number of word ids; the matrix is ``vocab_size x vocab_size``.
    window : int, default=5
        Largest distance between a word and its context.
    window_weighting : {"uniform", "harmonic", "dynamic"}, default="dynamic"
        Weight of a pair at distance ``d``; see :func:`window_weights`.
    max_memory : int or None, default=None
        Bytes of partial counts kept in memory before they are spilled to a sorted
        run on disk (None: never spill).  The result is identical either way.
    n_jobs : int, default=1
        Threads that form, sort and reduce the pairs of chunks (NumPy's sort releases
        the GIL; SciPy's sparse sums do not).  The result is identical either way.
    tmp_dir : str or None, default=None
        Folder of the spilled runs (default: the system's temporary folder).

    Examples
    --------
    >>> c = CooccurrenceCounter(3, window=1, window_weighting="uniform")
    >>> c.update(np.array([0, 1, SEPARATOR, 1, 2], dtype=np.int32))
    >>> c.result().toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """

    def __init__(self, vocab_size: int, window: int = 5, window_weighting: str = "dynamic",
                 *, max_memory: int | None = None, n_jobs: int = 1,
                 tmp_dir: str | os.PathLike[str] | None = None) -> None:
        self.vocab_size = check_int("vocab_size", vocab_size, low=1)
        self.window = check_int("window", window, low=1)
        check_choice("window_weighting", window_weighting, WINDOW_WEIGHTINGS)
        self.window_weighting = window_weighting
        self.max_memory = check_int("max_memory", max_memory, low=1, allow_none=True)
        self.n_threads = check_int("n_jobs", n_jobs, low=1)
        self.tmp_dir = tmp_dir
        self._weights, self._scale = _integer_weights(window, window_weighting)
        self._dbits = int(np.ceil(np.log2(window))) if window_weighting != "uniform" else 0
        if self._dbits and int(vocab_size) ** 2 >= 2 ** (62 - self._dbits):
            raise ValueError(f"vocab_size={vocab_size} is too large for window={window}")
        # every pair key is below 2 ** _key_bits (for the radix sort)
        self._key_bits = max(1, (int(vocab_size) ** 2 - 1).bit_length() + self._dbits)
        self._carry = np.empty(0, dtype=np.int32)
        self._partials: list[sp.csr_matrix] = []
        self._in_memory = 0
        self._runs: list[Path] = []
        self._run_dir: tempfile.TemporaryDirectory[str] | None = None
        self._pool = ThreadPoolExecutor(self.n_threads) if self.n_threads > 1 else None
        self._pending: deque[Future[tuple[sp.csr_matrix, int] | None]] = deque()
        self.pairs = 0  # number of (word, context) pairs counted, one direction
        self.spills = 0  # number of runs written to disk
        self._consumed = False  # set by result_blocks()
        self._scratch: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # thread -> pair keys

    # -- counting ---------------------------------------------------------------
    def update(self, ids: np.ndarray) -> None:
        """Count the pairs of the next chunk of the stream."""
        self._check_not_consumed()
        ids = np.asarray(ids, dtype=np.int32)
        if ids.size == 0:
            return
        if ids.max() >= self.vocab_size:
            raise ValueError(f"word id {int(ids.max())} out of range for vocab_size="
                             f"{self.vocab_size}")
        x = np.concatenate([self._carry, ids]) if self._carry.size else ids
        p = self._carry.size
        self._carry = x[-self.window:].copy()
        if self._pool is None:
            self._take(self._count_chunk(x, p))
            return
        self._pending.append(self._pool.submit(self._count_chunk, x, p))
        while len(self._pending) > self.n_threads:
            self._collect_one()

    def end_document(self) -> None:
        """Close the current document (same as a :data:`SEPARATOR` in the stream)."""
        self._carry = np.empty(0, dtype=np.int32)

    def _collect_one(self) -> None:
        self._take(self._pending.popleft().result())

    def _take(self, counted: tuple[sp.csr_matrix, int] | None) -> None:
        if counted is not None:
            self.pairs += counted[1]
            self._add_partial(counted[0])

    def _drain(self) -> None:
        while self._pending:
            self._collect_one()

    def _count_chunk(self, x: np.ndarray, p: int) -> tuple[sp.csr_matrix, int] | None:
        lib = _kernels.load()
        if lib is not None:
            m, n_pairs = _kernels.count_pairs(lib, x, p, self.window, self.vocab_size,
                                              self._weights, self._dbits, self._key_bits,
                                              scratch=self._scratch_keys)
            return (m, n_pairs) if n_pairs else None
        keys = self._pair_keys(x, p)
        return (self._reduce(keys), int(keys.size)) if keys.size else None

    def _scratch_keys(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """This thread's room for ``m`` pair keys, kept from chunk to chunk."""
        me = threading.get_ident()
        have = self._scratch.get(me)
        if have is None or have[0].size < m:
            size = max(m, 1 << 16)
            have = self._scratch[me] = (np.empty(size, np.int64), np.empty(size, np.int64))
        return have

    def _pair_keys(self, x: np.ndarray, p: int) -> np.ndarray:
        n = x.size
        seps = x == SEPARATOR
        seg = np.cumsum(seps, dtype=np.int32) if seps.any() else None
        is_word = x >= 0
        V = np.int64(self.vocab_size)
        parts = []
        for d in range(1, min(self.window, n - 1) + 1):
            start = max(0, p - d)
            valid = is_word[start:n - d] & is_word[start + d:]
            if seg is not None:
                valid &= seg[start:n - d] == seg[start + d:]
            a = x[start:n - d][valid].astype(np.int64)
            b = x[start + d:][valid]
            key = a * V + b
            if self._dbits:
                key <<= self._dbits
                key |= d - 1
            parts.append(key)
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def _reduce(self, keys: np.ndarray) -> sp.csr_matrix:
        _kernels.sort_keys(keys, self._key_bits)  # radix sort where the kernels build
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        runs = np.diff(np.append(starts, keys.size)).astype(np.float64)
        uniq = keys[starts]
        if self._dbits:
            runs *= self._weights[uniq & ((1 << self._dbits) - 1)]
            uniq >>= self._dbits
            first = np.flatnonzero(np.concatenate(([True], uniq[1:] != uniq[:-1])))
            runs = np.add.reduceat(runs, first)
            uniq = uniq[first]
        elif self._scale != 1.0:  # uniform weights are 1: nothing to do
            runs *= self._weights[0]
        V = self.vocab_size
        rows = uniq // V
        cols = (uniq - rows * V).astype(np.int32)
        indptr = np.searchsorted(rows, np.arange(V + 1, dtype=np.int64)).astype(np.int64)
        m = sp.csr_matrix((runs, cols, indptr), shape=(V, V))
        m.has_canonical_format = True
        return m

    def _add_partial(self, m: sp.csr_matrix) -> None:
        self._partials.append(m)
        self._in_memory += _nbytes(m)
        over = self.max_memory is not None and self._in_memory > self.max_memory
        if _kernels.load() is not None:  # kept apart, merged in one pass when needed
            if len(self._partials) >= _MAX_PARTIALS or over:
                self._consolidate()
                if over and self._in_memory > self.max_memory // 2:  # type: ignore[operator]
                    self._spill()  # would soon be over again: to disk
            return
        # Merge like a binary counter: sizes stay geometric, total work O(n log n).
        while len(self._partials) > 1 and \
                self._partials[-1].nnz * 2 >= self._partials[-2].nnz:
            b = self._partials.pop()
            a = self._partials.pop()
            s = _sum_csr(a, b)
            self._partials.append(s)
            self._in_memory += _nbytes(s) - _nbytes(a) - _nbytes(b)
        if over:
            self._spill()

    def _consolidate(self) -> None:
        """Merge the partials in memory into one."""
        total = self._sum_partials()
        self._partials = [total] if total is not None else []
        self._in_memory = _nbytes(total) if total is not None else 0

    # -- spilling ----------------------------------------------------------------
    def _spill(self) -> None:
        """Sum the partials in memory into one sorted run on disk."""
        total = self._sum_partials()
        self._partials, self._in_memory = [], 0
        if total is None:
            return
        if self._run_dir is None:
            self._run_dir = temp_folder("wordvec-counts-", dir=self.tmp_dir)
        path = Path(self._run_dir.name) / f"run{len(self._runs):05d}"
        path.mkdir()
        for name in ("indptr", "indices", "data"):
            np.save(path / f"{name}.npy", getattr(total, name))
        self._runs.append(path)
        self.spills += 1

    def _sum_partials(self) -> sp.csr_matrix | None:
        if not self._partials:
            return None
        return _merge_partials(self._partials, self._pool, self.n_threads)

    def _merge_runs(self, rest: sp.csr_matrix | None) -> sp.csr_matrix:
        """k-way merge of the spilled runs (and ``rest``), by blocks of rows."""
        V = self.vocab_size
        runs = [_load_run(path) for path in self._runs]
        total_nnz = sum(int(r["indptr"][-1]) for r in runs) + (rest.nnz if rest is not None else 0)
        budget = self.max_memory or (1 << 28)
        n_blocks = max(1, int(np.ceil(total_nnz * _BYTES_PER_NNZ * 2 / budget)))
        cuts = np.linspace(0, V, n_blocks + 1).astype(np.int64)
        indptr_parts = [np.zeros(1, dtype=np.int64)]
        indices_parts: list[np.ndarray] = []
        data_parts: list[np.ndarray] = []
        offset = 0
        for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
            block = _merge_rows(runs, rest, lo, hi, V)
            indptr_parts.append(block.indptr[1:].astype(np.int64) + offset)
            indices_parts.append(block.indices.astype(np.int32))
            data_parts.append(block.data)
            offset += block.nnz
        del runs
        m = sp.csr_matrix((np.concatenate(data_parts), np.concatenate(indices_parts),
                           np.concatenate(indptr_parts)), shape=(V, V))
        m.has_canonical_format = True
        return m

    # -- result ------------------------------------------------------------------
    def _check_not_consumed(self) -> None:
        if self._consumed:
            raise ValueError("this counter's counts were handed over by result_blocks()")

    def result(self) -> sp.csr_matrix:
        """The symmetric ``float32`` count matrix ``C + C.T`` (rows words, columns contexts)."""
        self._check_not_consumed()
        self._drain()
        self._scratch.clear()
        V = self.vocab_size
        # The partials merged into one that replaces them, so that their memory is free
        # before C + C.T is made (a lower peak; benchmarks/DECISIONS.md).
        self._consolidate()
        total = self._partials[0] if self._partials else None
        if self._runs:
            total = self._merge_runs(total)
        if total is None:
            total = sp.csr_matrix((V, V), dtype=np.float64)
        lib = _kernels.load()
        if lib is not None:  # C, threads by ranges of rows; no float32 copy of the counts
            pool = self._pool
            return _kernels.symmetrize(lib, total, self._scale,
                                       pool.map if pool is not None else map, self.n_threads)
        if any(total is m for m in self._partials):  # still ours: result() may be called again
            data = total.data / self._scale
        else:  # a sum made here: divide in place, no float64 temporary of the whole matrix
            data = total.data
            data /= self._scale
        one_way = sp.csr_matrix((data.astype(np.float32), total.indices, total.indptr),
                             shape=(V, V))
        del data
        del total
        sym = (one_way + one_way.T.tocsr()).tocsr()
        sym.sum_duplicates()
        return sym.astype(np.float32, copy=False)

    def result_blocks(self, block_nnz: int = 1 << 22,
                      dir: str | os.PathLike[str] | None = None) -> BlockMatrix:
        """:meth:`result` as a :class:`~wordvec.linalg.blocks.BlockMatrix` on disk.

        The same values as :meth:`result`, made without holding the matrix: the
        spilled runs are merged block by block of about ``block_nnz`` non-zeros into
        the one-way counts ``C`` (each pair once, a context after its word; written as
        blocks), whose transposed pieces are filed by destination block; then each block of ``C + C.T`` is its block of ``C`` plus
        its pieces.  Memory: a few blocks, whatever the number of tokens.  It consumes
        the counts held in memory: call it last (later calls raise).
        """
        block_nnz = check_int("block_nnz", block_nnz, low=1)
        self._check_not_consumed()
        self._consumed = True
        self._drain()
        self._scratch.clear()
        V = self.vocab_size
        rest = self._sum_partials()
        self._partials, self._in_memory = [], 0
        runs = [_load_run(path) for path in self._runs]
        # Row weights bound the non-zeros of each row of C + C.T: row plus column counts.
        weights = np.zeros(V, dtype=np.int64)
        parts: list[dict[str, Any]] = [*runs, *([{"indptr": rest.indptr,
                                                  "indices": rest.indices}]
                                                if rest is not None else [])]
        for r in parts:
            ip = np.asarray(r["indptr"][:], dtype=np.int64)
            weights += ip[1:] - ip[:-1]
            for a in range(0, int(r["indptr"][-1]), 1 << 24):  # bounded temporaries
                idx = np.asarray(r["indices"][a:a + (1 << 24)], dtype=np.intp)
                weights += np.bincount(idx, minlength=V).astype(np.int64)
        cuts = row_cuts(weights, block_nnz)
        del weights
        one_way = BlockMatrix((V, V), dir=dir)
        pieces = temp_folder("wordvec-pieces-", dir)
        out = BlockMatrix((V, V), dir=dir)
        try:
            folder = Path(pieces.name)
            bounds = list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))
            for i, (lo, hi) in enumerate(bounds):
                block = _merge_rows(runs, rest, lo, hi, V)
                h = sp.csr_matrix(((block.data / self._scale).astype(np.float32),
                                   block.indices, block.indptr), shape=block.shape)
                del block
                one_way.append(h)
                ht = h.T.tocsr()  # (V, hi - lo): rows are destination rows of C.T
                del h
                for j, (lo2, hi2) in enumerate(bounds):
                    piece = ht[lo2:hi2]
                    if piece.nnz:
                        np.savez(folder / f"{j}_{i}.npz", data=piece.data,
                                 indices=piece.indices.astype(np.int32) + np.int32(lo),
                                 indptr=piece.indptr)
                del ht
            rest = None
            runs = []
            for j, (lo, hi, h) in enumerate(one_way.blocks()):
                sym = h
                for i in range(len(bounds)):
                    path = folder / f"{j}_{i}.npz"
                    if path.exists():
                        with np.load(path) as f:
                            piece = sp.csr_matrix((f["data"], f["indices"], f["indptr"]),
                                                  shape=(hi - lo, V))
                        sym = (sym + piece).tocsr()
                        path.unlink()
                sym.sum_duplicates()
                out.append(sym.astype(np.float32, copy=False))
        except BaseException:
            out.close()
            raise
        finally:
            one_way.close()
            pieces.cleanup()
        return out

    def merge(self, other: CooccurrenceCounter) -> None:
        """Add another counter's counts (same vocabulary and window) to this one."""
        if (other.vocab_size, other.window, other.window_weighting) != \
                (self.vocab_size, self.window, self.window_weighting):
            raise ValueError("can only merge counters with the same vocab_size, window "
                             "and window_weighting")
        self._drain()
        other._drain()
        for m in other._partials:
            self._add_partial(m)
        if other._runs:
            self._add_partial(other._merge_runs(None))
        self.pairs += other.pairs

    def close(self) -> None:
        """Stop the threads and delete the spilled runs (also done on garbage collection)."""
        self._scratch.clear()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        self._pending.clear()
        if self._run_dir is not None:
            self._run_dir.cleanup()
            self._run_dir = None
        self._runs = []

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
