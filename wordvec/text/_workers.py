"""The worker side of parallel reading: tokenize files to ids in worker processes.

Kept apart from :mod:`wordvec.pipeline` so that the processes that run it import
only NumPy and the reading and tokenizing modules (not SciPy, nor the rest of the
package): :func:`wordvec.text._reading._pool_context` preloads this module in its fork
server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from .textfiles import ReadStats, iter_file
from .tokenize import TokenIds, Tokenizer

_BATCH_CHARS = 4 << 20  # characters of text documents tokenized in one batch
_SPOOL_BYTES = 1 << 16  # ids larger than this go back through a file, not the pipe


def _text_batches(docs: Iterator[Any]) -> Iterator[tuple[bool, list[str]]]:
    """Consecutive documents as ``(is_text, documents)``: text documents in batches of
    up to :data:`_BATCH_CHARS` characters, a token-list document alone."""
    batch: list[str] = []
    size = 0
    for doc in docs:
        if isinstance(doc, list):
            if batch:
                yield True, batch
                batch, size = [], 0
            yield False, doc
            continue
        batch.append(doc)
        size += len(doc)
        if size >= _BATCH_CHARS:
            yield True, batch
            batch, size = [], 0
    if batch:
        yield True, batch


_WORKER: dict[str, Any] = {}


def _worker_init(tokenizer: Tokenizer, spool: str | None = None,
                 backend: str = "auto") -> None:
    from ..backend import set_backend

    # An exception here would make the pool start worker after worker for ever: it is
    # kept and raised by the first task instead, and so reaches the caller.
    try:
        set_backend(backend)  # the parent's choice: a forkserver's child starts with its own
        _WORKER["ids"] = TokenIds(tokenizer)
    except Exception as exc:  # noqa: BLE001
        _WORKER["failed"] = exc
    _WORKER["spool"] = spool
    _WORKER["spooled"] = 0


def _worker_file(piece: tuple[str, int, int, str]
                 ) -> tuple[int, tuple[bytes, np.ndarray], np.ndarray | tuple[str, int], int,
                            dict[str, Any]]:
    """Tokenize one file or piece of a file ``(path, start, end, document unit)``.

    Returns (worker pid, types new to this worker packed as UTF-8 bytes and their
    ends, local ids, tokens, stats).  With a spool folder, ids of more than
    :data:`_SPOOL_BYTES` are written to a file there and returned as ``(path, size)``
    (:func:`load_ids`): a pipe holds 64 KB, so a large result sent through it makes the
    worker wait for the main process at every 64 KB (measured: a third of the pool's
    time on the wiki sample).

    Ids are in the worker's first-seen order, SEPARATOR after each non-empty
    document, exactly as the serial loop of :func:`count` builds the stream.
    """
    if "failed" in _WORKER:
        raise _WORKER["failed"]
    token_ids: TokenIds = _WORKER["ids"]
    stats = ReadStats()
    parts: list[np.ndarray] = []
    n_tokens = 0
    path, start, end, document = piece
    for _, batch in _text_batches(iter_file(path, stats, byte_range=(start, end),
                                            document=document)):
        ids, n = token_ids(batch)
        parts.append(ids)
        n_tokens += n
    ids = np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
    out: np.ndarray | tuple[str, int] = ids
    spool = _WORKER.get("spool")
    if spool is not None and ids.nbytes > _SPOOL_BYTES:
        _WORKER["spooled"] += 1
        path = os.path.join(spool, f"{os.getpid()}-{_WORKER['spooled']}.ids")
        ids.astype("<i4", copy=False).tofile(path)
        out = (path, int(ids.size))
    return os.getpid(), token_ids.take_new(), out, n_tokens, stats.as_dict()


def load_ids(ids: np.ndarray | tuple[str, int]) -> np.ndarray:
    """The ids a worker returned: the array, or read from its spool file (then deleted)."""
    if isinstance(ids, np.ndarray):
        return ids
    path, size = ids
    try:
        return np.fromfile(path, dtype="<i4", count=size).astype(np.int32, copy=False)
    finally:
        os.unlink(path)
