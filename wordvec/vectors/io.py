"""The native model file: words, metadata and the float32 matrix in one memory-mappable file.

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

from .._util.files import atomic_write
from ..errors import FormatError

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
    """Read a native model: the matrix (memory-mapped if ``mmap="r"``) and its header.

    A damaged file raises :class:`FormatError` naming the file and the field, offset or
    row; NaN and infinity are refused.  With ``mmap`` the file must not be truncated or
    rewritten in place while the model is in use: the process would die of SIGBUS at
    the next read of a missing page (wordvec's own saves rename a new file into place).
    """
    path = Path(path)
    if mmap not in (None, "r", "c"):
        raise ValueError(f"mmap must be None, 'r' or 'c'; got {mmap!r}")
    if not path.exists():
        raise FileNotFoundError(f"model file {str(path)!r} does not exist")
    if not path.is_file():
        raise FormatError(f"{path}: not a regular file (a folder, device or FIFO)")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        magic = fh.read(len(MAGIC))
        if magic != MAGIC:
            raise FormatError(f"{path}: not a wordvec model (bad magic bytes at offset 0; "
                              "for word2vec files use wordvec.load_word2vec)")
        length = int.from_bytes(fh.read(8), "little")
        if length <= 0 or length > size - 16:
            raise FormatError(f"{path}: corrupt header length {length} at byte offset 8")
        try:
            header = json.loads(fh.read(length).decode("utf-8"),
                                parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:  # also UnicodeDecodeError
            raise FormatError(f"{path}: corrupt header at byte offset 16 "
                              f"({type(exc).__name__}: {str(exc)[:100]})") from None
        rows, dim = _check_header(path, header)
        offset = len(MAGIC) + 8 + length
        offset += (-offset) % _ALIGN
        expected = offset + rows * dim * 4
        if size != expected:
            raise FormatError(f"{path}: file has {size} bytes, expected {expected} for a "
                              f"{rows} x {dim} float32 matrix (truncated?)")
        matrix: np.ndarray
        if mmap and rows:
            mode: Literal["r", "c"] = "r" if mmap == "r" else "c"
            matrix = np.memmap(path, dtype=np.dtype("<f4"), mode=mode, offset=offset,
                               shape=(rows, dim))
        else:
            fh.seek(offset)
            matrix = np.fromfile(fh, dtype="<f4", count=rows * dim).reshape(rows, dim)
    for lo in range(0, rows, 1 << 16):  # blocks: a mapped matrix is not read whole at once
        finite = np.isfinite(matrix[lo:lo + (1 << 16)]).all(axis=1)
        if not finite.all():
            row = lo + int(np.argmin(finite))
            raise FormatError(f"{path}: row {row} (word {header['words'][row]!r}): the vector "
                              "holds NaN or infinity")
    return matrix, header


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_header(path: Path, header: Any) -> tuple[int, int]:
    """Every field of a native header, checked in one place: ``(rows, dim)``.

    Guarantees what :meth:`WordVectors.load` relies on: ``words`` a list of unique str
    (one per row), ``counts`` None or one non-negative int per word, ``params`` and
    ``stats`` dicts; format version 1 and dtype ``<f4`` (the only ones written)."""
    def bad(field: str, why: str) -> FormatError:
        return FormatError(f"{path}: header field {field!r} {why}")

    if not isinstance(header, dict):
        raise bad("(header)", "must be a JSON object")
    if header.get("format") != 1:
        raise bad("format", f"is {header.get('format')!r}; this version reads format 1")
    if header.get("dtype") != "<f4":
        raise bad("dtype", f"is {header.get('dtype')!r}; expected '<f4' (float32)")
    shape = header.get("shape")
    if not (isinstance(shape, list) and len(shape) == 2 and all(
            isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 2 ** 40 for x in shape)):
        raise bad("shape", f"must be two non-negative integers; got {str(shape)[:60]}")
    rows, dim = shape
    if dim < 1:
        raise bad("shape", f"has {dim} columns; a vector needs at least one")
    words = header.get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise bad("words", "must be a list of strings")
    if len(words) != rows:
        raise bad("words", f"lists {len(words)} words for {rows} rows")
    if len(set(words)) != len(words):
        seen: set[str] = set()
        dup = next(w for w in words if w in seen or seen.add(w))  # type: ignore[func-returns-value]
        raise bad("words", f"holds {dup!r} twice")
    counts = header.get("counts")
    if counts is not None and not (
            isinstance(counts, list) and len(counts) == rows and all(
                isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts)):
        raise bad("counts", f"must be null or {rows} non-negative integers")
    for name in ("params", "stats"):
        if header.get(name) is not None and not isinstance(header[name], dict):
            raise bad(name, "must be a JSON object")
    return rows, dim
