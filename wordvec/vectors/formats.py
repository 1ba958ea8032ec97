"""Standard vector file formats: word2vec text and binary, GloVe text.

* **word2vec text**: a header line ``"<n_words> <dim>"``, then one line per word,
  ``word v1 v2 ... vdim``, separated by single spaces.
* **word2vec binary**: the same header line, then per word ``word`` + one space +
  ``dim`` little-endian float32 values (4 * dim bytes); an optional newline between
  records (the C tool writes one, gensim does not) is accepted.
* **GloVe text**: word2vec text without the header line.

Words are UTF-8 and may not contain whitespace.  Writes are atomic (a temporary
file renamed into place) and keep the row order, so gensim's
``KeyedVectors.load_word2vec_format`` reads back identical vectors in the same
order.  Text values are written with 9 significant digits, which round-trips
float32 exactly.  A malformed file raises :class:`~wordvec.errors.FormatError`
naming the file and the line (text) or byte offset (binary).

The native format (memory-mappable, keeps counts and build parameters) is
:meth:`wordvec.WordVectors.save` / :func:`wordvec.load`; :func:`load_vectors`
opens any of the four formats.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._util.validation import check_choice, check_int
from ..errors import FormatError
from .io import MAGIC, atomic_write

if TYPE_CHECKING:  # pragma: no cover
    from .vectors import WordVectors

__all__ = ["save_word2vec", "load_word2vec", "save_glove", "load_glove", "detect_format",
           "load_vectors", "FORMATS"]

FORMATS = ("native", "word2vec", "word2vec-binary", "glove")
_BLOCK = 4096  # rows formatted or parsed per step


def _wordvectors(vectors: np.ndarray, words: list[str]) -> WordVectors:
    from .vectors import WordVectors
    return WordVectors(vectors, words)


def _check_words(wv: WordVectors) -> None:
    for word in wv.index_to_key:
        if not word or any(ch.isspace() for ch in word):
            raise ValueError(f"word {word!r} cannot be stored in a text vector format: "
                             "words must be non-empty and contain no whitespace")


# -- writing ---------------------------------------------------------------------------
def _write_text(wv: WordVectors, path: str | os.PathLike[str], header: bool) -> None:
    _check_words(wv)
    vectors = wv.vectors
    with atomic_write(path, "w", encoding="utf-8") as fh:
        if header:
            fh.write(f"{len(wv)} {wv.vector_size}\n")
        row_fmt = " ".join(["%.9g"] * wv.vector_size)
        for start in range(0, len(wv), _BLOCK):
            block = vectors[start:start + _BLOCK].tolist()
            words = wv.index_to_key[start:start + _BLOCK]
            fh.write("".join(f"{w} {row_fmt % tuple(v)}\n" for w, v in zip(words, block)))


def save_word2vec(wv: WordVectors, path: str | os.PathLike[str], binary: bool = False) -> None:
    """Write ``wv`` in word2vec text (default) or binary format, atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from wordvec import WordVectors
    >>> wv = WordVectors(np.array([[0.5, -1.0], [0.1, 2.0]]), ["cat", "dog"])
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "v.txt"
    >>> save_word2vec(wv, p)
    >>> print(p.read_text(), end="")
    2 2
    cat 0.5 -1
    dog 0.100000001 2
    >>> load_word2vec(p).index_to_key
    ['cat', 'dog']
    """
    if not binary:
        _write_text(wv, path, header=True)
        return
    _check_words(wv)
    vectors = np.ascontiguousarray(wv.vectors, dtype="<f4")
    with atomic_write(path, "wb") as fh:
        fh.write(f"{len(wv)} {wv.vector_size}\n".encode())
        for start in range(0, len(wv), _BLOCK):
            fh.write(b"".join(
                word.encode("utf-8") + b" " + row.tobytes()
                for word, row in zip(wv.index_to_key[start:start + _BLOCK],
                                     vectors[start:start + _BLOCK])))


def save_glove(wv: WordVectors, path: str | os.PathLike[str]) -> None:
    """Write ``wv`` in GloVe text format (word2vec text without the header), atomically."""
    _write_text(wv, path, header=False)


# -- reading ---------------------------------------------------------------------------
def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    path = Path(path)
    _check_regular(path)
    return path.read_bytes()


def _check_regular(path: Path) -> None:
    """A vector file must be a regular file: a folder, a FIFO or ``/dev/zero`` is refused
    before it is opened (reading one would fail late, block, or never end)."""
    if not path.exists():
        raise FileNotFoundError(f"vector file {str(path)!r} does not exist")
    if not path.is_file():
        raise FormatError(f"{path}: not a regular file (a folder, device or FIFO)")


def _parse_header(path: Any, data: bytes) -> tuple[int, int, int]:
    """``(n_words, dim, offset of the first record)`` from a word2vec header line."""
    end = data.find(b"\n")
    line = data[: end if end >= 0 else len(data)]
    fields = line.split()
    try:
        if len(fields) != 2:
            raise ValueError
        n_words, dim = int(fields[0]), int(fields[1])
        if n_words < 0 or dim <= 0:
            raise ValueError
    except ValueError:
        text = line[:60].decode("utf-8", "replace")
        raise FormatError(f"{path}: line 1: expected a header '<n_words> <dim>' "
                          f"(two positive integers); got {text!r}") from None
    return n_words, dim, (end + 1 if end >= 0 else len(data))


def _decode_word(path: Any, raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: {where}: word {raw!r} is not valid UTF-8 "
                          f"({exc.reason} at byte {exc.start} of the word)") from None


def _parse_text_rows(path: Any, lines: list[bytes], first_line_no: int,
                     dim: int | None) -> tuple[list[str], np.ndarray]:
    """Parse ``word v1 ... vdim`` lines; errors name the line number."""
    words: list[str] = []
    rests: list[bytes] = []
    for offset, line in enumerate(lines):
        line_no = first_line_no + offset
        parts = line.split(None, 1)  # spaces or tabs; rows may end with a space (word2vec.c)
        word, rest = (parts[0], parts[1]) if len(parts) == 2 else (b"", b"")
        if not word or not rest.strip():
            raise FormatError(f"{path}: line {line_no}: expected 'word v1 ... v{dim or 'd'}'; "
                              f"got {line[:60].decode('utf-8', 'replace')!r}")
        words.append(_decode_word(path, word, f"line {line_no}"))
        rests.append(rest)
    if dim is None:
        dim = len(rests[0].split()) if rests else 0
        if dim == 0:
            raise FormatError(f"{path}: line {first_line_no}: a word with no values")
    try:
        text = b"\n".join(rests).decode("ascii")
        values = np.loadtxt(text.splitlines(), dtype=np.float32, ndmin=2, comments=None)
        ok = values.shape == (len(rests), dim)
    except ValueError:  # also UnicodeDecodeError
        ok = False
    if not ok:
        for offset, rest in enumerate(rests):  # find the culprit
            line_no = first_line_no + offset
            fields = rest.split()
            if len(fields) != dim:
                raise FormatError(f"{path}: line {line_no}: expected {dim} values after the "
                                  f"word {words[offset]!r}; got {len(fields)}")
            for field in fields:
                try:
                    float(field)
                except ValueError:
                    raise FormatError(f"{path}: line {line_no}: value {field[:40]!r} is not "
                                      "a number") from None
        raise FormatError(f"{path}: line {first_line_no}: cannot parse the values")
    values = values.reshape(len(rests), dim)
    _check_finite(path, values, words, lambda i: f"line {first_line_no + i}")
    return words, values


def _check_finite(path: Any, values: np.ndarray, words: list[str], where: Any) -> None:
    """NaN or infinity (also a number too large for float32) in a row: one bad row would
    otherwise reach every query."""
    finite = np.isfinite(values).all(axis=1)
    if not finite.all():
        i = int(np.argmin(finite))
        raise FormatError(f"{path}: {where(i)}: the vector of {words[i]!r} holds NaN or "
                          "infinity (or a number too large for float32)")


def _text_lines(data: bytes, start: int) -> list[bytes]:
    lines = data[start:].split(b"\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _check_duplicates(path: Any, words: list[str], where: Any) -> None:
    seen: dict[str, int] = {}
    for i, word in enumerate(words):
        if word in seen:
            raise FormatError(f"{path}: {where(i)}: duplicate word {word!r} (first at "
                              f"{where(seen[word])})")
        seen[word] = i


def _load_text(path: Any, data: bytes, header: bool, limit: int | None) -> WordVectors:
    if header:
        n_words, dim, start = _parse_header(path, data)
        lines = _text_lines(data, start)
        if len(lines) < n_words and (limit is None or limit > len(lines)):
            raise FormatError(f"{path}: line {len(lines) + 2}: file ends after {len(lines)} "
                              f"rows; the header declares {n_words}")
        if len(lines) > n_words:
            raise FormatError(f"{path}: line {n_words + 2}: more rows than the {n_words} "
                              "the header declares")
        first = 2
    else:
        dim, lines, first = None, _text_lines(data, 0), 1
        if not lines:
            raise FormatError(f"{path}: line 1: empty file, no vectors")
    if limit is not None:
        lines = lines[:limit]
    if header and not lines:
        return _wordvectors(np.zeros((0, dim), dtype=np.float32), [])  # type: ignore[arg-type]
    words, blocks = [], []
    for start in range(0, len(lines), _BLOCK):
        block_words, block = _parse_text_rows(path, lines[start:start + _BLOCK],
                                              first + start, dim)
        dim = block.shape[1]
        words.extend(block_words)
        blocks.append(block)
    _check_duplicates(path, words, lambda i: f"line {first + i}")
    return _wordvectors(np.concatenate(blocks), words)


def _load_binary(path: Any, data: bytes, limit: int | None) -> WordVectors:
    n_words, dim, pos = _parse_header(path, data)
    if limit is not None:
        n_words = min(n_words, limit)
    width = 4 * dim
    if n_words * (width + 2) > len(data) - pos:  # each record: a word, a space, the floats
        raise FormatError(f"{path}: line 1: the header declares {n_words} words of {dim} "
                          f"floats, more than the file's {len(data)} bytes can hold")
    matrix = np.empty((n_words, dim), dtype=np.float32)
    words: list[str] = []
    offsets: list[int] = []
    for row in range(n_words):
        while pos < len(data) and data[pos:pos + 1] == b"\n":
            pos += 1  # the C tool ends each record with a newline
        space = data.find(b" ", pos)
        if space < 0 or space - pos > 10000:
            raise FormatError(f"{path}: byte offset {pos}: truncated file: record {row + 1} of "
                              f"{n_words} has no 'word ' prefix")
        offsets.append(pos)
        if space == pos:
            raise FormatError(f"{path}: byte offset {pos}: record {row + 1} of {n_words} has "
                              "an empty word")
        words.append(_decode_word(path, data[pos:space], f"byte offset {pos}"))
        start = space + 1
        if start + width > len(data):
            raise FormatError(f"{path}: byte offset {start}: truncated file: record {row + 1} "
                              f"of {n_words} ({words[-1]!r}) needs {width} bytes of vector, "
                              f"{len(data) - start} left")
        matrix[row] = np.frombuffer(data, dtype="<f4", count=dim, offset=start)
        pos = start + width
    if limit is None and data[pos:].strip():
        raise FormatError(f"{path}: byte offset {pos}: {len(data) - pos} bytes of extra data "
                          f"after the {n_words} records the header declares")
    _check_duplicates(path, words, lambda i: f"byte offset {offsets[i]}")
    _check_finite(path, matrix, words, lambda i: f"byte offset {offsets[i]}")
    return _wordvectors(matrix, words)


def _is_binary(path: Any, data: bytes) -> bool:
    """True if the first record after the header is not a text line of numbers."""
    _, dim, start = _parse_header(path, data)
    end = data.find(b"\n", start)
    line = data[start: end if end >= 0 else len(data)]
    fields = line.split()  # spaces or tabs, a trailing space allowed
    if len(fields) == dim + 1:
        try:
            line.decode("utf-8")
            [float(f) for f in fields[1:]]
            return False
        except ValueError:
            pass
    return True


def load_word2vec(path: str | os.PathLike[str], binary: bool | None = None,
                  limit: int | None = None) -> WordVectors:
    """Read a word2vec text or binary file (``binary=None`` detects which).

    Parameters
    ----------
    path : path-like
    binary : bool or None
        ``None`` looks at the first record: a line of ``dim`` numbers is text.
    limit : int, optional
        Read only the first ``limit`` words (the header may declare more).

    Returns
    -------
    WordVectors
        Rows in file order; no counts (the format has none).

    Raises
    ------
    FormatError
        Wrong header, short or long row, bad number, truncated binary data,
        duplicate word or a word that is not UTF-8; the message names the file
        and the line or byte offset.
    """
    limit = check_int("limit", limit, low=0, allow_none=True)
    data = _read_bytes(path)
    if binary is None:
        binary = _is_binary(path, data)
    if binary:
        return _load_binary(path, data, limit)
    return _load_text(path, data, header=True, limit=limit)


def load_glove(path: str | os.PathLike[str], limit: int | None = None) -> WordVectors:
    """Read a GloVe text file (no header; the dimension is taken from the first row).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "glove.txt"
    >>> _ = p.write_text("the 0.1 0.2\\ncat 1 -1\\n")
    >>> load_glove(p)["cat"].tolist()
    [1.0, -1.0]
    """
    limit = check_int("limit", limit, low=0, allow_none=True)
    return _load_text(path, _read_bytes(path), header=False, limit=limit)


def detect_format(path: str | os.PathLike[str]) -> str:
    """One of :data:`FORMATS`, from the first bytes of the file."""
    path = Path(path)
    _check_regular(path)
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(MAGIC):
        return "native"
    first = head.split(b"\n", 1)[0].split()
    if len(first) == 2 and all(f.isdigit() for f in first):
        return "word2vec-binary" if _is_binary(path, head) else "word2vec"
    return "glove"


def load_vectors(path: str | os.PathLike[str], format: str = "auto",
                 mmap: str | None = None) -> WordVectors:
    """Open vectors in any supported format (``format="auto"`` detects it).

    ``mmap`` applies to the native format only (see :meth:`WordVectors.load`: a mapped
    file must not be truncated in place while in use, or the process dies of SIGBUS);
    the text and binary formats are always read into memory, whatever ``mmap`` says.
    """
    check_choice("format", format, ("auto",) + FORMATS)
    if format == "auto":
        format = detect_format(path)
    if format == "native":
        from .vectors import WordVectors
        return WordVectors.load(path, mmap=mmap)
    if mmap not in (None, "r", "c"):
        raise ValueError(f"mmap must be None, 'r' or 'c'; got {mmap!r}")
    if format == "glove":
        return load_glove(path)
    return load_word2vec(path, binary=format == "word2vec-binary")
