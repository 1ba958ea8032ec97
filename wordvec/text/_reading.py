"""Pass 1 of counting: documents into one stream of provisional token ids.

The raw text is read and tokenized once.  Tokens get provisional ids (first-seen
order) in a :class:`~wordvec.text.tokenize.TypeIndex`, with exact counts, and the id stream
is stored in memory or, past its budget, in a temporary file (:class:`_IdStream`).
Files read with the default tokenizer go to ``n_jobs`` worker processes
(:mod:`wordvec.text._workers`), each with its own table of types; they hand back large id
arrays through files in a spool folder, and the main process maps their ids to global
ids in file order, so the stream is identical to the serial path's.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import tempfile
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import backend as _backend
from .._ext import _kernels
from .._util.files import temp_folder
from .._util.progress import bar as progress_bar
from ..counting.counter import SEPARATOR
from ._workers import _text_batches, _worker_file, _worker_init, load_ids
from .corpus import Corpus
from .textfiles import ReadStats, plain_pieces
from .tokenize import _SEPARATOR_ARRAY, TokenIds, Tokenizer, TypeIndex

_CHUNK_TOKENS = 1 << 20  # tokens per counting chunk
_PIECE_BYTES = 16 << 20  # a plain-text file larger than this is read by several workers
_DROP = -3


class _IdStream:
    """Append-only store of int32 chunks, in memory up to a budget, then on disk."""

    def __init__(self, memory_budget: int, dir: Any = None) -> None:
        self.memory_budget = memory_budget
        self.dir = dir
        self._chunks: list[np.ndarray] = []
        self._in_memory = 0
        self._file: Any = None
        self._file_sizes: list[int] = []
        self.size = 0  # ids appended (tokens and document separators)

    def append(self, chunk: np.ndarray) -> None:
        self.size += chunk.size
        if self._file is None and self._in_memory + chunk.nbytes > self.memory_budget:
            self._file = tempfile.TemporaryFile(prefix="wordvec-ids-", dir=self.dir)
            for c in self._chunks:
                self._write(c)
            self._chunks = []
            self._in_memory = 0
        if self._file is not None:
            self._write(chunk)
        else:
            self._chunks.append(chunk)
            self._in_memory += chunk.nbytes

    def _write(self, chunk: np.ndarray) -> None:
        self._file.write(np.ascontiguousarray(chunk, dtype="<i4").tobytes())
        self._file_sizes.append(chunk.size)

    def __len__(self) -> int:
        return len(self._file_sizes) if self._file is not None else len(self._chunks)

    def __iter__(self) -> Iterator[np.ndarray]:
        if self._file is None:
            yield from self._chunks
            return
        self._file.flush()
        self._file.seek(0)
        for size in self._file_sizes:
            yield np.frombuffer(self._file.read(size * 4), dtype="<i4")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._chunks = []






class _LocalIds:
    """Maps a :class:`~wordvec.text.tokenize.TokenIds`' ids to those of a global index.

    ``add(new)`` registers the types the TokenIds added (its ``take_new()``), in its id
    order; ``map(ids)`` translates, keeping :data:`SEPARATOR`.
    """

    def __init__(self, index: TypeIndex) -> None:
        self.index = index
        self._lut = np.array([SEPARATOR], dtype=np.int32)  # local id -> global; [-1] = SEPARATOR

    def add(self, new: tuple[bytes, np.ndarray]) -> None:
        if new[1].size:
            fresh = self.index.ids_packed(*new)
            self._lut = np.concatenate([self._lut[:-1], fresh, self._lut[-1:]])

    def map(self, ids: np.ndarray) -> np.ndarray:
        lib = _kernels.load()
        if lib is not None:  # one C pass (SEPARATOR stays); nothing maps to -3
            return _kernels.remap_ids(lib, ids, self._lut[:-1], _DROP)
        return self._lut[ids]


def _parallel_files(source: Corpus, tokenizer: Any, n_jobs: int
                    ) -> list[tuple[str, int, int, str]] | None:
    """Pieces ``(path, start, end, document unit)`` of ``source`` for worker processes, or None.

    Large plain-text files are cut into pieces of :data:`_PIECE_BYTES` at line starts
    (:func:`~wordvec.text.textfiles.plain_pieces`), so one big file is read by all workers.
    """
    if n_jobs < 2 or type(tokenizer) is not Tokenizer:
        return None
    files: list[str] = []
    for r in source._resolved:
        if not (isinstance(r, list) and r and all(hasattr(f, "is_file") for f in r)):
            return None
        files.extend(str(f) for f in r)
    pieces = [(f, start, end, source.document) for f in files
              for start, end in plain_pieces(f, _PIECE_BYTES, source.document)]
    return pieces if len(pieces) > 1 else None


def _piece_bytes(piece: tuple[str, int, int, str]) -> int:
    """Bytes of a file a piece covers (a whole file, ``end`` -1: its size on disk)."""
    path, start, end, _ = piece
    if end < 0:
        try:
            end = os.path.getsize(path)
        except OSError:  # the reader names the file if it is really gone
            end = start
    return max(end - start, 0)


def _merge_read_stats(total: ReadStats, part: dict[str, Any]) -> None:
    total.files += part["files"]
    total.documents += part["documents"]
    total.bytes += part["bytes"]
    total.replaced_characters += part["replaced_characters"]
    for f in part["replaced_in"]:
        if len(total.replaced_in) < 20 and f not in total.replaced_in:
            total.replaced_in.append(f)


class _Pass1:
    """Global ids in first-seen order, exact counts, and the stored id stream."""

    def __init__(self, stream: _IdStream) -> None:
        self.index = TypeIndex()
        self.stream = stream
        self._counts = np.zeros(0, dtype=np.int64)  # room grows geometrically
        self.n_tokens = 0
        self._pending: list[np.ndarray] = []
        self._pending_size = 0

    def add(self, ids: np.ndarray) -> None:
        """Append global ids (SEPARATOR included) to the stream, in chunks."""
        self._pending.append(ids)
        self._pending_size += ids.size
        if self._pending_size >= _CHUNK_TOKENS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        chunk = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending, self._pending_size = [], 0
        if len(self.index) > self._counts.size:
            grown = np.zeros(max(len(self.index), 2 * self._counts.size), np.int64)
            grown[:self._counts.size] = self._counts
            self._counts = grown
        lib = _kernels.load()
        if lib is not None:
            _kernels.count_ids(lib, chunk, self._counts)
        else:
            self._counts += np.bincount(chunk[chunk >= 0], minlength=self._counts.size)
        self.stream.append(chunk)

    @property
    def counts(self) -> np.ndarray:
        """Occurrences of each type, by id."""
        return self._counts[:len(self.index)]


def _read_serial(source: Corpus, tokenizer: Callable[[str], list[str]], state: _Pass1,
                 progress: bool) -> None:
    index = state.index
    token_ids = TokenIds(tokenizer)  # text documents, in batches
    local = _LocalIds(index)
    files = source.n_files()  # the total, where every source is files (or NLTK fileids)
    shown, source.progress = source.progress, False  # this bar replaces the corpus's own
    try:
        with progress_bar(progress, total=files, desc="tokenizing",
                          unit="doc" if files is None else "file") as bar:
            for is_text, batch in _text_batches(iter(source)):
                if not is_text:  # one token-list document
                    if batch:
                        state.n_tokens += len(batch)
                        state.add(index.ids(batch))
                        state.add(_SEPARATOR_ARRAY)
                        bar.update()
                    continue
                ids, n = token_ids(batch)
                local.add(token_ids.take_new())
                if ids.size:
                    state.add(local.map(ids))
                state.n_tokens += n
                bar.update(len(batch) if files is None else source.stats.files - bar.n)
            if files is not None:  # files with no document (empty ones) at the end
                bar.update(source.stats.files - bar.n)
    finally:
        source.progress = shown
    state.flush()


def _pool_context() -> Any:
    """A start method that never forks this (possibly multi-threaded) process.

    ``fork`` copies a process whose other threads (BLAS, counting threads, tqdm's
    monitor) may hold locks, which can deadlock the child; ``forkserver`` forks workers
    from a clean single-threaded server (preloaded with :mod:`wordvec.text._workers`, which
    imports only NumPy and the reading and tokenizing modules: the server starts in a
    fraction of the time the whole package takes), ``spawn`` is the portable fallback.
    """
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["wordvec.text._workers"])
        return ctx
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start worker processes without the caller's ``__main__`` module.

    ``forkserver`` and ``spawn`` re-import the main script in every new process so
    that functions defined there can be unpickled.  The workers here need only this
    module (the tokenizer is a :class:`Tokenizer`), and re-importing a script that has
    no ``if __name__ == "__main__":`` guard would run its top level again in each
    worker (which then fails to start, or hangs).  While the pool starts,
    ``sys.modules["__main__"]`` is an empty module, so nothing is re-imported.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        with _same_package():
            yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@contextlib.contextmanager
def _same_package() -> Iterator[None]:
    """Let worker processes import the copy of wordvec this process runs.

    The forkserver starts as ``python -c``, with the working folder first on its path
    (Python 3.11 does not apply the parent's ``sys.path`` there): run from a source
    checkout, it would import the sources instead of an installed wheel, with other
    compiled modules (or none).  While the server starts, ``PYTHONSAFEPATH`` keeps the
    working folder off its path, and where this package is not in a site folder (run
    from a checkout), the folder holding it goes on ``PYTHONPATH``."""
    import site

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # holds wordvec/
    sites = {os.path.abspath(p) for p in [*site.getsitepackages(), site.getusersitepackages()]}
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PYTHONSAFEPATH")}
    if root not in sites:
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (root, saved["PYTHONPATH"]) if p)
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _read_parallel(files: list[tuple[str, int, int, str]], tokenizer: Tokenizer, n_jobs: int,
                   state: _Pass1, progress: bool, tmp_dir: Any = None) -> ReadStats:
    locals_: dict[int, _LocalIds] = {}  # worker pid -> its ids' mapping
    stats = ReadStats()
    ctx = _pool_context()
    spool = temp_folder("wordvec-ids-", tmp_dir)
    try:
        with _main_hidden():  # the workers start here
            pool = ctx.Pool(min(n_jobs, len(files)), initializer=_worker_init,
                            initargs=(tokenizer, spool.name, _backend.choice()))
        sizes = [_piece_bytes(piece) for piece in files]  # progress in bytes of the files
        with pool, progress_bar(progress, total=sum(sizes), desc="tokenizing", unit="B",
                                unit_scale=True) as bar:
            for size, (pid, new, spooled, n_tokens, st) in zip(
                    sizes, pool.imap(_worker_file, files)):
                ids = load_ids(spooled)
                local = locals_.setdefault(pid, _LocalIds(state.index))
                local.add(new)
                if ids.size:
                    state.add(local.map(ids))
                state.n_tokens += n_tokens
                _merge_read_stats(stats, st)
                bar.update(size)
    finally:  # also on Ctrl-C: the pool is ended first, then its files are deleted
        spool.cleanup()
    state.flush()
    return stats
