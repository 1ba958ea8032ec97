"""Corpus sources: stream documents from files, folders, archives, NLTK and iterables.

A *document* is a ``str`` (raw text, tokenized later) or a ``list[str]`` (tokens, used
as they are).  Co-occurrence windows never cross a document boundary.  Everything here
streams: memory does not grow with the size of the corpus.

* plain text file: one document per non-blank line (gensim's ``LineSentence``);
* WikiExtractor output (detected by a first line ``<doc ...>``): one document per
  ``<doc>`` block, the tags stripped;
* ``.gz``, ``.bz2``, ``.xz``: decompressed on the fly, then as above;
* a folder: every file below it whose name matches ``glob``, in sorted order;
* a named corpus from ``corpora/catalog.json``: NLTK corpora (one document per NLTK
  file) and local folders;
* any iterable of ``str`` or of ``list[str]``.

Files are read as UTF-8; an undecodable byte (a binary file, another encoding) becomes
U+FFFD and is counted in :class:`ReadStats` (``replaced_characters``, ``replaced_in``),
so one bad byte does not stop a long build.  A file that cannot be read at all (a
damaged or truncated ``.gz``/``.bz2``/``.xz``, no permission) raises
:class:`~wordvec.errors.CorpusError` naming it; a path that is neither a regular file
nor a folder (a FIFO, a device such as ``/dev/zero``) is refused before any read, since
reading it could block or never end.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import stat
import sys
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, Union

from .errors import CorpusError, CorpusNotFoundError

__all__ = ["Corpus", "Document", "ReadStats", "catalog", "iter_file", "resolve"]

Document = Union[str, list[str]]

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


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, Any]]:
    """The named corpora described in ``corpora/catalog.json``."""
    try:  # installed: corpora/ ships as the package wordvec.corpora
        text = resources.files("wordvec.corpora").joinpath("catalog.json").read_text("utf-8")
    except ModuleNotFoundError:  # imported from a source checkout: corpora/ is beside us
        text = (Path(__file__).resolve().parents[1] / "corpora" / "catalog.json").read_text(
            "utf-8")
    data: dict[str, dict[str, Any]] = json.loads(text)
    return data


class Corpus:
    """One or more corpus sources, iterable any number of times.

    Parameters
    ----------
    *sources : str, os.PathLike or iterable of documents
        Paths (files or folders), corpus names (``"brown"``, ``"nltk:gutenberg"``,
        see ``corpora/README.md``), or iterables of documents.  A path that exists
        wins over a name.  Strings *inside* an iterable are documents, never paths.
    glob : str, default="*"
        Which files of a folder to read (matched against the file name, recursively).
    progress : bool, default=False
        Show a progress bar over the files read.

    Attributes
    ----------
    stats : ReadStats
        Counts from the latest complete or partial pass.

    Examples
    --------
    >>> docs = list(Corpus(["The cat sat.", ["a", "token", "list"]]))
    >>> docs
    ['The cat sat.', ['a', 'token', 'list']]
    """

    def __init__(self, *sources: Any, glob: str = "*", progress: bool = False) -> None:
        if not sources:
            raise CorpusError("no corpus given: name at least one file, folder or corpus")
        _check_glob(glob)
        if not isinstance(progress, bool):
            raise ValueError(f"progress must be True or False; got {progress!r}")
        self.sources = sources
        self.glob = glob
        self.progress = progress
        self.stats = ReadStats()
        self._resolved = [resolve(s, glob=glob) for s in sources]

    def __iter__(self) -> Iterator[Document]:
        self.stats = ReadStats()
        for src in self._resolved:
            if isinstance(src, _NltkSource):
                yield from src.documents(self.stats)
            elif isinstance(src, list) and src and isinstance(src[0], Path):
                files = src
                if self.progress and len(files) > 1:
                    from ._progress import bar
                    files = bar(True, iterable=files, desc="reading", unit="file")
                for path in files:
                    yield from iter_file(path, self.stats)
            else:
                for doc in src:
                    if not isinstance(doc, str):
                        if not isinstance(doc, (list, tuple)):
                            raise CorpusError(
                                "a corpus iterable must yield str (text) or list[str] "
                                f"(tokens); got {type(doc).__name__} (document "
                                f"{self.stats.documents + 1})")
                        # the first token only: O(1) a document, and it catches the usual
                        # mistakes (a list of sentences, of ids, of bytes)
                        if doc and not isinstance(doc[0], str):
                            raise CorpusError(
                                "a token-list document must hold str tokens; document "
                                f"{self.stats.documents + 1} holds {type(doc[0]).__name__} "
                                f"({doc[0]!r:.60})")
                    self.stats.documents += 1
                    yield doc if not isinstance(doc, tuple) else list(doc)

    def describe(self) -> list[str]:
        """How each source was resolved, for the model's metadata."""
        out = []
        for s, r in zip(self.sources, self._resolved):
            if isinstance(r, _NltkSource):
                out.append(f"nltk:{r.name}")
            elif isinstance(r, list) and r and isinstance(r[0], Path):
                out.append(str(s))
            else:
                out.append(f"<{type(s).__name__}>")
        return out


class _NltkSource:
    def __init__(self, name: str) -> None:
        self.name = name

    def _reader(self) -> Any:
        try:
            import nltk
            import nltk.corpus
        except ImportError as exc:  # pragma: no cover - nltk is a dependency
            raise CorpusError(f"corpus {self.name!r} needs NLTK: pip install nltk") from exc
        try:
            reader = getattr(nltk.corpus, self.name)
            reader.fileids()
        except (LookupError, AttributeError, OSError):
            where = os.environ.get("NLTK_DATA")
            hint = (f"NLTK_DATA is {where!r}, which does not hold it" if where
                    else "NLTK_DATA is not set")
            raise CorpusNotFoundError(
                f"NLTK corpus {self.name!r} was not found ({hint}; NLTK searched "
                f"{len(nltk.data.path)} folders). Get it with "
                f"`python -m nltk.downloader {self.name}`, or offline set NLTK_DATA to a "
                f"folder holding corpora/{self.name}.zip") from None
        return reader

    def documents(self, stats: ReadStats) -> Iterator[str]:
        reader = self._reader()
        # Plain-text readers give their raw text to our tokenizer; tagged or parsed
        # readers (brown, treebank) have no usable raw text, so their words are joined.
        tagged = hasattr(reader, "tagged_words") or not hasattr(reader, "raw")
        for fileid in reader.fileids():
            text = " ".join(reader.words(fileid)) if tagged else reader.raw(fileid)
            stats.files += 1
            stats.documents += 1
            stats.bytes += len(text)
            yield text


def resolve(source: Any, *, glob: str = "*") -> Any:
    """Turn one source into a list of files, an NLTK source, or the iterable itself."""
    _check_glob(glob)
    if isinstance(source, (str, os.PathLike)):
        if isinstance(source, str) and not source:
            raise CorpusNotFoundError("corpus '' is empty: name a file, folder or corpus")
        path = Path(source).expanduser()
        try:
            exists, link = path.exists(), path.is_symlink()
        except (OSError, ValueError):  # a name too long for the file system, a NUL byte
            exists, link = False, False
        if exists:
            return _files_of(path, glob)
        if link:
            raise CorpusNotFoundError(f"corpus {str(path)!r} is a symbolic link to nothing "
                                      f"(a missing target, or a loop of links)")
        name = str(source)
        if name.startswith("nltk:"):
            return _NltkSource(name[5:])
        entry = catalog().get(name)
        if entry is None:
            raise CorpusNotFoundError(
                f"corpus {name!r} is not an existing file or folder, nor a named corpus "
                f"(names: {', '.join(sorted(catalog()))}; any NLTK corpus as nltk:NAME)")
        if entry["kind"] == "nltk":
            return _NltkSource(name)
        for candidate in entry.get("paths", []):
            if "{WORDVEC_DATA}" in candidate:
                if "WORDVEC_DATA" not in os.environ:
                    continue
                candidate = candidate.replace("{WORDVEC_DATA}", os.environ["WORDVEC_DATA"])
            if Path(candidate).exists():
                return _files_of(Path(candidate), glob)
        raise CorpusNotFoundError(
            f"corpus {name!r} was not found at {', '.join(entry.get('paths', []))}. "
            f"{entry.get('get', '')}")
    if isinstance(source, (bytes, bytearray)):
        raise CorpusError(f"corpus must be a path, a corpus name or an iterable of documents; "
                          f"got {type(source).__name__} (decode text to str; give a path as "
                          f"str)")
    if isinstance(source, Corpus):
        return source
    if isinstance(source, Iterable):
        if isinstance(source, (list, tuple)):
            _warn_if_names(source)
        return source
    raise CorpusError(
        f"corpus must be a path, a corpus name or an iterable of documents; got "
        f"{type(source).__name__}")


def _looks_like_source(text: str) -> bool:
    """True for a one-word string that names a corpus or an existing file or folder."""
    if not text or any(c.isspace() for c in text):
        return False
    if text.startswith("nltk:") or text in catalog():
        return True
    try:
        return Path(text).expanduser().exists()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False


def _warn_if_names(docs: list[Any] | tuple[Any, ...]) -> None:
    """Warn when a list of documents holds only corpus names or paths (a likely mistake)."""
    if docs and len(docs) <= 100 and all(isinstance(d, str) for d in docs) \
            and all(_looks_like_source(d) for d in docs):
        shown = ", ".join(repr(d) for d in docs[:3])
        warnings.warn(
            f"the list [{shown}{', ...' if len(docs) > 3 else ''}] is read as documents "
            f"(their text), not as corpora; to read the corpora pass them as separate "
            f"arguments: Corpus({shown}) or count(Corpus(...))", UserWarning,
            stacklevel=_caller_stacklevel())


def _caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside this package (the user's call)."""
    package = str(Path(__file__).resolve().parent) + os.sep
    frame, level = sys._getframe(1), 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(package):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    return level


def _check_glob(glob: Any) -> None:
    if not isinstance(glob, str) or not glob:
        raise ValueError(f"glob must be a non-empty str such as '*.txt'; got {glob!r}")


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


def plain_pieces(path: str | os.PathLike[str], piece_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges ``(start, end)`` that cut a file into pieces of about ``piece_bytes``.

    Only an uncompressed plain-text file (not WikiExtractor) of more than
    ``piece_bytes`` is cut, and only at line starts: a document of a plain file is one
    line, so :func:`iter_file` over the pieces yields exactly the documents of the whole
    file.  Any other file is one piece ``(0, -1)`` (to the end).
    """
    path = Path(path)
    if isinstance(piece_bytes, bool) or not isinstance(piece_bytes, int) or piece_bytes < 1:
        raise ValueError(f"piece_bytes must be an integer >= 1; got {piece_bytes!r}")
    if path.suffix.lower() in _OPENERS:
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
                if fh.tell() >= size:
                    break
                cuts.append(fh.tell())
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from None
    cuts.append(size)
    return list(zip(cuts[:-1], cuts[1:]))


def iter_file(path: str | os.PathLike[str], stats: ReadStats | None = None,
              byte_range: tuple[int, int] = (0, -1)) -> Iterator[str]:
    """Stream the documents of one file (plain, WikiExtractor, compressed).

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
                    if line:
                        stats.documents += 1
                        yield line
                elif line.startswith("<doc "):
                    buf = []
                elif line == "</doc>":
                    if buf:
                        stats.documents += 1
                        yield "\n".join(buf)
                    buf = []
                elif line:
                    buf.append(line)
            if wiki and buf:  # a last block without </doc>
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
