"""Reading one text file: listing a folder's files, decompressing, decoding, splitting
into documents, and cutting a big file into pieces for parallel reading.

How a file becomes documents is described in :mod:`wordvec.text.corpus`; this module is
imported by the reading worker processes, so it imports nothing heavier than the
standard library.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import CorpusError

#: What one document of a plain-text file is: a line, a blank-line separated paragraph
#: (the default: hard-wrapped text keeps its context), or the whole file.
DOCUMENT_UNITS = ("paragraph", "line", "file")
#: A paragraph or file document is cut after this many characters (at a line end), so a
#: file with no blank lines does not become one string the size of the file.
MAX_DOCUMENT_CHARS = 1 << 20

_OPENERS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open,
                                           ".xz": lzma.open}
#: What reading a file may raise: the file system's errors, and each compression's
#: own on damaged data (gzip: zlib.error, BadGzipFile (an OSError) and EOFError when
#: truncated; bz2: OSError and EOFError; xz: LZMAError and EOFError).
_READ_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)


@dataclass
class ReadStats:
    """What reading a corpus met: files, documents, bytes and undecodable bytes."""

    files: int = 0
    documents: int = 0
    bytes: int = 0
    replaced_characters: int = 0
    replaced_in: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "documents": self.documents, "bytes": self.bytes,
                "replaced_characters": self.replaced_characters,
                "replaced_in": self.replaced_in[:20]}


def _files_of(path: Path, glob: str) -> list[Path]:
    """The regular files of ``path`` (itself, or below it matching ``glob``).

    A FIFO, socket or device (``/dev/zero``) is refused: reading it could block or never
    end.  Inside a folder such entries, hidden files and symbolic links to folders
    (which could loop) are skipped.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISREG(mode):
        if not _may(path, os.R_OK):
            raise CorpusError(f"{path}: cannot read (permission denied)")
        return [path]
    if not stat.S_ISDIR(mode):
        raise CorpusError(f"corpus {str(path)!r} is not a regular file or folder (a FIFO, "
                          f"socket or device cannot be read as a corpus)")
    if not _may(path, os.R_OK | os.X_OK):
        raise CorpusError(f"folder {str(path)!r} cannot be read (permission denied)")
    try:
        files = sorted(p for p in path.rglob(glob)
                       if p.is_file() and not any(part.startswith(".")
                                                  for part in p.relative_to(path).parts))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"folder {str(path)!r} cannot be listed with glob {glob!r} "
                          f"({exc})") from None
    if not files:
        raise CorpusError(f"folder {str(path)!r} holds no file matching glob {glob!r}")
    return files


def _may(path: Path, mode: int) -> bool:
    """Whether this process may read (``os.R_OK``) or list (``R_OK | X_OK``) ``path``."""
    return os.access(path, mode)


def _open_binary(path: Path) -> IO[bytes]:
    opener = _OPENERS.get(path.suffix.lower())
    if opener is not None:
        stream: IO[bytes] = opener(path, "rb")
        return stream
    return open(path, "rb")


def _decode(line: bytes, path: Path, stats: ReadStats) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        text = line.decode("utf-8", errors="replace")
        stats.replaced_characters += text.count("\ufffd")
        if len(stats.replaced_in) < 20 and str(path) not in stats.replaced_in:
            stats.replaced_in.append(str(path))
        return text


def hard_wrapped(path: str | os.PathLike[str], sample: int = 400) -> tuple[int, int] | None:
    """``(lines ending mid-sentence, lines looked at)`` if the first lines of a plain file
    look hard-wrapped (Gutenberg style: most lines short and not ending a sentence), else
    None.  Such text read one document per line loses every window across a line end.
    """
    lines: list[str] = []
    try:
        with _open_binary(Path(path)) as fh:
            for raw in fh:
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("<doc "):
                    return None  # WikiExtractor: documents are its blocks
                if line:
                    lines.append(line)
                    if len(lines) >= sample:
                        break
    except _READ_ERRORS:
        return None  # reading it will raise the clear error
    if len(lines) < 50:
        return None
    mid = sum(not line.endswith(_SENTENCE_ENDS) for line in lines)
    lengths = sorted(map(len, lines))
    if mid >= 0.6 * len(lines) and lengths[len(lengths) // 2] <= 100:
        return mid, len(lines)
    return None


_SENTENCE_ENDS = (".", "!", "?", ":", ";", '"', "'", ")", "]", "”", "’")


def plain_pieces(path: str | os.PathLike[str], piece_bytes: int,
                 document: str = "paragraph") -> list[tuple[int, int]]:
    """Byte ranges ``(start, end)`` that cut a file into pieces of about ``piece_bytes``.

    Only an uncompressed plain-text file (not WikiExtractor) of more than
    ``piece_bytes`` is cut: at line starts for ``document="line"``, after a blank line
    for ``"paragraph"`` (at the next line start if none comes within ``piece_bytes``),
    so :func:`iter_file` over the pieces yields the documents of the whole file.  With
    ``"file"``, and for any other file, it is one piece ``(0, -1)`` (to the end).
    """
    path = Path(path)
    if isinstance(piece_bytes, bool) or not isinstance(piece_bytes, int) or piece_bytes < 1:
        raise ValueError(f"piece_bytes must be an integer >= 1; got {piece_bytes!r}")
    if path.suffix.lower() in _OPENERS or document == "file":
        return [(0, -1)]
    try:
        size = path.stat().st_size
        if size <= piece_bytes:
            return [(0, -1)]
        with open(path, "rb") as fh:
            for raw in fh:  # the first non-blank line tells a WikiExtractor file
                if raw.strip():
                    if raw.strip().startswith(b"<doc "):
                        return [(0, -1)]
                    break
            cuts = [0]
            while cuts[-1] + piece_bytes < size:
                fh.seek(cuts[-1] + piece_bytes - 1)
                fh.readline()  # to the start of the next line
                if document == "paragraph":
                    line_start, limit = fh.tell(), fh.tell() + piece_bytes
                    while fh.tell() < min(size, limit) and fh.readline().strip():
                        pass  # to just after the next blank line
                    if fh.tell() >= limit:
                        fh.seek(line_start)
                if fh.tell() >= size:
                    break
                cuts.append(fh.tell())
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from None
    cuts.append(size)
    return list(zip(cuts[:-1], cuts[1:]))


def iter_file(path: str | os.PathLike[str], stats: ReadStats | None = None,
              byte_range: tuple[int, int] = (0, -1), document: str = "paragraph"
              ) -> Iterator[str]:
    """Stream the documents of one file (plain, WikiExtractor, compressed).

    A plain file's document is a ``document`` of :data:`DOCUMENT_UNITS`: a paragraph
    (lines up to a blank line, joined), a line, or the whole file; paragraph and file
    documents are cut every :data:`MAX_DOCUMENT_CHARS`.  A WikiExtractor file's
    document is its ``<doc>`` block whatever ``document`` says.

    Undecodable bytes become U+FFFD and are counted in ``stats.replaced_characters``.
    ``byte_range`` is a piece from :func:`plain_pieces` (the default: the whole file);
    a piece that does not start the file is read as plain text and does not count as
    a file in ``stats``.
    """
    path = Path(path)
    stats = stats if stats is not None else ReadStats()
    if not (isinstance(byte_range, tuple) and len(byte_range) == 2
            and all(isinstance(b, int) and not isinstance(b, bool) for b in byte_range)
            and byte_range[0] >= 0 and (byte_range[1] == -1 or byte_range[1] >= byte_range[0])):
        raise ValueError(f"byte_range must be (start, end) with 0 <= start <= end, or "
                         f"end = -1 for the end of the file; got {byte_range!r}")
    if document not in DOCUMENT_UNITS:
        raise ValueError(f"document must be one of {', '.join(map(repr, DOCUMENT_UNITS))}; "
                         f"got {document!r}")
    start, end = byte_range
    if start == 0:
        stats.files += 1
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):  # never block on a FIFO nor read /dev/zero forever
        raise CorpusError(f"{path}: not a regular file (a FIFO, socket or device cannot be "
                          f"read as a corpus)")
    try:
        with _open_binary(path) as fh:
            wiki: bool | None = None
            if start > 0:
                fh.seek(start)
                wiki = False
            left = end - start if end >= 0 else -1
            buf: list[str] = []
            held = 0  # characters in buf (plain paragraph and file documents)
            for raw in fh:
                if left >= 0:
                    if left == 0:
                        break
                    left -= len(raw)
                stats.bytes += len(raw)
                line = _decode(raw, path, stats).strip()
                if wiki is None:
                    if not line:
                        continue
                    wiki = line.startswith("<doc ")
                if not wiki:
                    if document == "line":
                        if line:
                            stats.documents += 1
                            yield line
                    elif line:
                        buf.append(line)
                        held += len(line)
                        if held >= MAX_DOCUMENT_CHARS:
                            stats.documents += 1
                            yield "\n".join(buf)
                            buf, held = [], 0
                    elif document == "paragraph" and buf:
                        stats.documents += 1
                        yield "\n".join(buf)
                        buf, held = [], 0
                elif line.startswith("<doc "):
                    buf = []
                elif line == "</doc>":
                    if buf:
                        stats.documents += 1
                        yield "\n".join(buf)
                    buf = []
                elif line:
                    buf.append(line)
            if buf:  # a last paragraph, the file, or a last block without </doc>
                stats.documents += 1
                yield "\n".join(buf)
    except _READ_ERRORS as exc:
        raise CorpusError(f"{path}: cannot read ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    """Why a file could not be read, in a few words (no path: the message names it)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, EOFError):
        return f"truncated: {exc}"
    if isinstance(exc, (zlib.error, lzma.LZMAError, gzip.BadGzipFile)) or \
            (isinstance(exc, OSError) and "stream" in str(exc)):
        return f"damaged compressed data: {exc}"
    return str(exc)
