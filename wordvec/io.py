"""File I/O shared by every writer: atomic writes, and the native model format.

Native format (one file, memory-mappable)::

    bytes 0-7    b"WORDVEC\\x01"
    bytes 8-15   header length H, little-endian uint64
    H bytes      UTF-8 JSON: shape, dtype, words, counts, params, stats
    padding      zero bytes up to a multiple of 64
    matrix       float32, little-endian, C order, shape (n_words, dim)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ._files import atomic_write
from .errors import FormatError

__all__ = ["atomic_write", "save_native", "load_native", "MAGIC"]

MAGIC = b"WORDVEC\x01"
_ALIGN = 64


def save_native(path: str | os.PathLike[str], vectors: np.ndarray, words: list[str],
                counts: np.ndarray | None, params: dict[str, Any],
                stats: dict[str, Any]) -> None:
    """Write a model in the native format, atomically."""
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    header = {
        "format": 1, "shape": list(vectors.shape), "dtype": "<f4", "words": list(words),
        "counts": None if counts is None else [int(c) for c in counts],
        "params": params, "stats": stats,
    }
    blob = json.dumps(header, ensure_ascii=False, default=_json_default).encode("utf-8")
    start = len(MAGIC) + 8 + len(blob)
    pad = (-start) % _ALIGN
    with atomic_write(path) as fh:
        fh.write(MAGIC)
        fh.write(len(blob).to_bytes(8, "little"))
        fh.write(blob)
        fh.write(b"\0" * pad)
        fh.write(vectors.tobytes())


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    return repr(obj)


def load_native(path: str | os.PathLike[str],
                mmap: str | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """Read a native model: the matrix (memory-mapped if ``mmap="r"``) and its header."""
    path = Path(path)
    if mmap not in (None, "r", "c"):
        raise ValueError(f"mmap must be None, 'r' or 'c'; got {mmap!r}")
    if not path.exists():
        raise FileNotFoundError(f"model file {str(path)!r} does not exist")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        magic = fh.read(len(MAGIC))
        if magic != MAGIC:
            raise FormatError(f"{path}: not a wordvec model (bad magic bytes at offset 0; "
                              "for word2vec files use wordvec.load_word2vec)")
        length = int.from_bytes(fh.read(8), "little")
        if length <= 0 or length > size:
            raise FormatError(f"{path}: corrupt header length {length} at byte offset 8")
        try:
            header = json.loads(fh.read(length).decode("utf-8"))
            rows, dim = (int(x) for x in header["shape"])
        except (ValueError, KeyError, TypeError) as exc:
            raise FormatError(f"{path}: corrupt header at byte offset 16 ({exc})") from None
        offset = len(MAGIC) + 8 + length
        offset += (-offset) % _ALIGN
        expected = offset + rows * dim * 4
        if size != expected:
            raise FormatError(f"{path}: file has {size} bytes, expected {expected} for a "
                              f"{rows} x {dim} float32 matrix (truncated?)")
        if len(header.get("words", [])) != rows:
            raise FormatError(f"{path}: header lists {len(header.get('words', []))} words "
                              f"for {rows} rows")
        matrix: np.ndarray
        if mmap:
            mode: Literal["r", "c"] = "r" if mmap == "r" else "c"
            matrix = np.memmap(path, dtype=np.dtype("<f4"), mode=mode, offset=offset,
                               shape=(rows, dim))
        else:
            fh.seek(offset)
            matrix = np.fromfile(fh, dtype="<f4", count=rows * dim).reshape(rows, dim)
    return matrix, header
