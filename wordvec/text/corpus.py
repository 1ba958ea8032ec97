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

import itertools
import json
import os
import sys
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Union

from .._util.caller import user_stacklevel
from .._util.validation import check_choice
from ..errors import CorpusError, CorpusNotFoundError, HardWrappedWarning
from .textfiles import DOCUMENT_UNITS, ReadStats, _files_of, hard_wrapped, iter_file

__all__ = ["Corpus", "Document", "ReadStats", "catalog", "iter_file", "resolve"]

Document = Union[str, list[str]]

@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, Any]]:
    """The named corpora described in ``corpora/catalog.json``."""
    try:  # installed: corpora/ ships as the package wordvec.corpora
        text = resources.files("wordvec.corpora").joinpath("catalog.json").read_text("utf-8")
    except ModuleNotFoundError:  # imported from a source checkout: corpora/ is beside us
        text = (Path(__file__).resolve().parents[2] / "corpora" / "catalog.json").read_text(
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

    def __init__(self, *sources: Any, glob: str = "*", document: str = "paragraph",
                 progress: bool = False) -> None:
        if not sources:
            raise CorpusError("no corpus given: name at least one file, folder or corpus")
        _check_glob(glob)
        check_choice("document", document, DOCUMENT_UNITS)
        if not isinstance(progress, bool):
            raise ValueError(f"progress must be True or False; got {progress!r}")
        self.sources = sources
        self.glob = glob
        self.document = document
        self.progress = progress
        self.stats = ReadStats()
        self._resolved = [resolve(s, glob=glob) for s in sources]
        if document == "line":
            self._warn_if_wrapped()

    def _warn_if_wrapped(self, files: int = 5) -> None:
        """One warning if the first files' lines look hard-wrapped (one document a line
        would cut every window at each line end)."""
        paths = (f for r in self._resolved if isinstance(r, list) for f in r
                 if isinstance(f, Path))
        for path in itertools.islice(paths, files):  # not a copy of a long file list
            found = hard_wrapped(path)
            if found is not None:
                mid, seen = found
                warnings.warn(
                    f"{path} looks hard-wrapped: {mid} of its first {seen} lines end "
                    "mid-sentence, and with document='line' each line is a document that "
                    "no window crosses (Brown wrapped at 70 columns loses 63% of its pairs "
                    "so); use document='paragraph' (the default) or 'file'",
                    HardWrappedWarning, stacklevel=user_stacklevel())
                return

    def __iter__(self) -> Iterator[Document]:
        self.stats = ReadStats()
        for src in self._resolved:
            if isinstance(src, _NltkSource):
                yield from src.documents(self.stats)
            elif isinstance(src, list) and src and isinstance(src[0], Path):
                files = src
                if self.progress and len(files) > 1:
                    from .._util.progress import bar
                    files = bar(True, iterable=files, desc="reading", unit="file")
                for path in files:
                    yield from iter_file(path, self.stats, document=self.document)
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

    def n_files(self) -> int | None:
        """How many files (NLTK fileids) reading goes through, or None where a source
        is a Python iterable (of unknown length): the total of the progress bar."""
        total = 0
        for r in self._resolved:
            if isinstance(r, _NltkSource):
                total += len(r._reader().fileids())
            elif isinstance(r, list) and r and isinstance(r[0], Path):
                total += len(r)
            else:
                return None
        return total

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


#: Environment variable: ``0`` (or ``no``, ``false``, ``off``) never downloads a missing
#: NLTK corpus; by default the first use of one downloads it (NLTK's own downloader).
DOWNLOAD_ENV = "WORDVEC_NLTK_DOWNLOAD"


def download_allowed() -> bool:
    """Whether a missing NLTK corpus may be downloaded (``$WORDVEC_NLTK_DOWNLOAD``)."""
    return os.environ.get(DOWNLOAD_ENV, "1").strip().lower() not in ("0", "no", "false", "off")


def _nltk_download(name: str) -> bool:
    """NLTK's downloader, into its default folder; False if it failed (e.g. offline)."""
    import nltk

    try:
        return bool(nltk.download(name, quiet=True, raise_on_error=False))
    except (OSError, ValueError):  # no network, a refused name
        return False


class _NltkSource:
    def __init__(self, name: str) -> None:
        self.name = name

    def _reader(self) -> Any:
        try:
            import nltk
            import nltk.corpus
        except ImportError as exc:  # pragma: no cover - nltk is a dependency
            raise CorpusError(f"corpus {self.name!r} needs NLTK: pip install nltk") from exc
        reader = self._find(nltk)
        if reader is None and download_allowed():
            print(f"wordvec: NLTK corpus {self.name!r} is not on this machine; downloading "
                  f"it with nltk.download into NLTK's default folder (set {DOWNLOAD_ENV}=0 "
                  "to never download)", file=sys.stderr, flush=True)
            if _nltk_download(self.name):
                reader = self._find(nltk)
        if reader is None:
            where = os.environ.get("NLTK_DATA")
            hint = (f"NLTK_DATA is {where!r}, which does not hold it" if where
                    else "NLTK_DATA is not set")
            tried = ("" if not download_allowed() else
                     "; downloading it failed (no network?)")
            raise CorpusNotFoundError(
                f"NLTK corpus {self.name!r} was not found ({hint}; NLTK searched "
                f"{len(nltk.data.path)} folders{tried}). Get it with "
                f"`python -m nltk.downloader {self.name}`, or offline set NLTK_DATA to a "
                f"folder holding corpora/{self.name}.zip")
        return reader

    def _find(self, nltk: Any) -> Any:
        """NLTK's reader of the corpus if its data is here, else None."""
        try:
            reader = getattr(nltk.corpus, self.name)
            reader.fileids()
        except (LookupError, AttributeError, OSError):
            return None
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
            stacklevel=user_stacklevel())


def _check_glob(glob: Any) -> None:
    if not isinstance(glob, str) or not glob:
        raise ValueError(f"glob must be a non-empty str such as '*.txt'; got {glob!r}")
