"""The native model file: words, metadata and the float32 matrix in one memory-mappable file.

Native format (one file, memory-mappable)::

    bytes 0-7    b"WORDVEC\\x01"
    bytes 8-15   header length H, little-endian uint64
    H bytes      UTF-8 JSON: shape, dtype, words, counts, params, stats
    padding      zero bytes up to a multiple of 64
    matrix       float32, little-endian, C order, shape (n_words, dim)

A model with n-gram vectors (``build(..., subwords=True)``) is format 2: its header has
a ``subwords`` object (``rows``, ``minn``, ``maxn``, ``buckets``, ``scale``, ``fit``)
and the matrix is followed by, each after zero padding to a multiple of 64::

    buckets      int64, little-endian, shape (rows,): the bucket of each n-gram row
    table        float32, little-endian, C order, shape (rows, dim)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .._util.files import atomic_write
from ..errors import FormatError
from .subwords import Subwords

__all__ = ["atomic_write", "save_native", "load_native", "MAGIC"]

MAGIC = b"WORDVEC\x01"
_ALIGN = 64


def save_native(path: str | os.PathLike[str], vectors: np.ndarray, words: list[str],
                counts: np.ndarray | None, params: dict[str, Any],
                stats: dict[str, Any], subwords: Subwords | None = None) -> None:
    """Write a model in the native format, atomically."""
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    header: dict[str, Any] = {
        "format": 1 if subwords is None else 2, "shape": list(vectors.shape), "dtype": "<f4",
        "words": list(words), "counts": None if counts is None else [int(c) for c in counts],
        "params": params, "stats": stats,
    }
    if subwords is not None:
        if subwords.dim != vectors.shape[1]:
            raise ValueError(f"the n-gram vectors have {subwords.dim} dimensions, the word "
                             f"vectors {vectors.shape[1]}")
        header["subwords"] = {"rows": int(subwords.table.shape[0]), "minn": subwords.minn,
                              "maxn": subwords.maxn, "buckets": subwords.buckets,
                              "scale": subwords.scale, "fit": subwords.fit}
    blob = json.dumps(header, ensure_ascii=False, default=_json_default).encode("utf-8")
    with atomic_write(path) as fh:
        fh.write(MAGIC)
        fh.write(len(blob).to_bytes(8, "little"))
        fh.write(blob)
        at = len(MAGIC) + 8 + len(blob)
        parts = [vectors] if subwords is None else [
            vectors, np.ascontiguousarray(subwords.buckets_used, dtype="<i8"),
            np.ascontiguousarray(subwords.table, dtype="<f4")]
        for part in parts:
            fh.write(b"\0" * ((-at) % _ALIGN))
            at += (-at) % _ALIGN
            fh.write(part.tobytes())
            at += part.nbytes


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
        n_grams = header["subwords"]["rows"] if "subwords" in header else 0
        if "subwords" in header:
            buckets_at = expected + (-expected) % _ALIGN
            table_at = buckets_at + 8 * n_grams
            table_at += (-table_at) % _ALIGN
            expected = table_at + 4 * n_grams * dim
        if size != expected:
            what = f"a {rows} x {dim} float32 matrix" + (
                f" and {n_grams} n-gram vectors" if n_grams else "")
            raise FormatError(f"{path}: file has {size} bytes, expected {expected} for "
                              f"{what} (truncated?)")
        matrix: np.ndarray
        mode: Literal["r", "c"] = "r" if mmap == "r" else "c"
        if mmap and rows:
            matrix = np.memmap(path, dtype=np.dtype("<f4"), mode=mode, offset=offset,
                               shape=(rows, dim))
        else:
            fh.seek(offset)
            matrix = np.fromfile(fh, dtype="<f4", count=rows * dim).reshape(rows, dim)
        if "subwords" in header:
            fh.seek(buckets_at)
            used = np.fromfile(fh, dtype="<i8", count=n_grams)
            table: np.ndarray
            if mmap and n_grams:  # the table is mapped as the matrix is
                table = np.memmap(path, dtype=np.dtype("<f4"), mode=mode, offset=table_at,
                                  shape=(n_grams, dim))
            else:
                fh.seek(table_at)
                table = np.fromfile(fh, dtype="<f4", count=n_grams * dim).reshape(n_grams, dim)
            header["subwords"] = _subwords(path, header["subwords"], used, table)
    for lo in range(0, rows, 1 << 16):  # blocks: a mapped matrix is not read whole at once
        finite = np.isfinite(matrix[lo:lo + (1 << 16)]).all(axis=1)
        if not finite.all():
            row = lo + int(np.argmin(finite))
            raise FormatError(f"{path}: row {row} (word {header['words'][row]!r}): the vector "
                              "holds NaN or infinity")
    return matrix, header


def _subwords(path: Path, meta: dict[str, Any], used: np.ndarray,
              table: np.ndarray) -> Subwords:
    """The n-gram vectors of a format-2 file, checked (:class:`FormatError` naming what
    is wrong)."""
    if not np.isfinite(table).all():
        row = int(np.argmin(np.isfinite(table).all(axis=1)))
        raise FormatError(f"{path}: n-gram vector {row} holds NaN or infinity")
    try:
        return Subwords(used, table, minn=meta["minn"], maxn=meta["maxn"],
                        buckets=meta["buckets"], scale=meta["scale"], fit=meta.get("fit"))
    except (ValueError, TypeError) as exc:
        raise FormatError(f"{path}: header field 'subwords': {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_header(path: Path, header: Any) -> tuple[int, int]:
    """Every field of a native header, checked in one place: ``(rows, dim)``.

    Guarantees what :meth:`WordVectors.load` relies on: ``words`` a list of unique str
    (one per row), ``counts`` None or one non-negative int per word, ``params`` and
    ``stats`` dicts, ``subwords`` (format 2 only) the n-gram table's description; format
    version 1 or 2 and dtype ``<f4`` (the only ones written)."""
    def bad(field: str, why: str) -> FormatError:
        return FormatError(f"{path}: header field {field!r} {why}")

    if not isinstance(header, dict):
        raise bad("(header)", "must be a JSON object")
    if header.get("format") not in (1, 2):
        raise bad("format", f"is {header.get('format')!r}; this version reads formats 1 "
                            "and 2")
    if (header["format"] == 2) != ("subwords" in header):
        raise bad("subwords", "is required in format 2 (and only there)")
    if "subwords" in header:
        meta = header["subwords"]
        keys = ("rows", "minn", "maxn", "buckets")
        if not (isinstance(meta, dict) and all(
                isinstance(meta.get(k), int) and not isinstance(meta.get(k), bool)
                and 0 <= meta[k] < 2 ** 40 for k in keys)
                and isinstance(meta.get("scale"), (int, float))
                and (meta.get("fit") is None or isinstance(meta["fit"], dict))):
            raise bad("subwords", "must hold rows, minn, maxn, buckets (integers), scale "
                                  "(a number) and fit (an object)")
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
