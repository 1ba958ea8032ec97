"""Labelled text for supervised tasks: NLTK categorized corpora, folders, CSV/TSV.

Every loader returns a :class:`LabelledTexts`: the documents (raw text), one label
each, and where each document came from (``file`` or ``file:line``).

* :func:`load_nltk`: an NLTK categorized corpus such as ``movie_reviews``, one label
  per category (a document must be in exactly one category);
* :func:`load_folders`: a folder holding one sub-folder per label, one document per
  file (``aclImdb/train/pos``, ``aclImdb/train/neg``);
* :func:`load_table`: a CSV or TSV file with a text column and a label column.

:func:`load_labelled` picks the loader from what it is given.  Malformed input raises
:class:`~wordvec.errors.FormatError` naming the file and line.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .._util.validation import check_bool
from ..errors import CorpusError, CorpusNotFoundError, FormatError

__all__ = ["LabelledTexts", "load_folders", "load_labelled", "load_nltk", "load_table"]


@dataclass
class LabelledTexts:
    """Documents with one label each.

    Attributes
    ----------
    texts : list of str
        The documents, raw text.
    labels : list of str
        One label per document.
    sources : list of str
        Where each document came from: an NLTK file id, a path, or ``path:line``.

    Examples
    --------
    >>> data = LabelledTexts(["great", "awful", "fine"], ["pos", "neg", "pos"])
    >>> len(data), data.classes, data.class_counts()
    (3, ['neg', 'pos'], {'neg': 1, 'pos': 2})
    """

    texts: list[str]
    labels: list[str]
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")
        if self.sources and len(self.sources) != len(self.texts):
            raise ValueError(f"{len(self.texts)} texts but {len(self.sources)} sources")

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def classes(self) -> list[str]:
        """The distinct labels, sorted."""
        return sorted(set(self.labels))

    def class_counts(self) -> dict[str, int]:
        """Documents per label, labels sorted."""
        counts = Counter(self.labels)
        return {label: counts[label] for label in sorted(counts)}


def load_labelled(source: str | os.PathLike[str], **options: Any) -> LabelledTexts:
    """Load labelled text from a folder, a ``.csv``/``.tsv`` file or an NLTK corpus name.

    A folder goes to :func:`load_folders`, a file to :func:`load_table`, a
    sentence-level task (``"pros_cons"``, ``"product_reviews"``:
    :mod:`wordvec.text.sentence_tasks`) to its loader, anything else
    (``"movie_reviews"``, ``"nltk:movie_reviews"``) to :func:`load_nltk`; ``options``
    are passed on.
    """
    if not isinstance(source, (str, os.PathLike)):
        raise ValueError(f"source must be a path or an NLTK corpus name; got "
                         f"{type(source).__name__}")
    path = Path(source).expanduser()
    kind = _path_kind(path)
    if kind == "folder":
        return load_folders(path, **options)
    if kind == "file":
        return load_table(path, **options)
    if kind == "other":
        raise CorpusError(f"labelled data {str(path)!r} is not a regular file or folder")
    name = str(source)
    if os.sep in name or name.endswith((".csv", ".tsv", ".txt")):
        raise CorpusNotFoundError(f"labelled data {name!r} does not exist")
    from .sentence_tasks import SENTENCE_TASKS, load_sentence_task
    if name.removeprefix("nltk:") in SENTENCE_TASKS and not options:
        return load_sentence_task(name.removeprefix("nltk:"))
    return load_nltk(name.removeprefix("nltk:"), **options)


def load_nltk(name: str = "movie_reviews",
              categories: Sequence[str] | None = None) -> LabelledTexts:
    """An NLTK categorized corpus, one label per category.

    Parameters
    ----------
    name : str, default="movie_reviews"
        The NLTK corpus (a ``CategorizedCorpusReader`` such as ``movie_reviews``).
    categories : str or sequence of str, optional
        Keep only these categories (default: all); one str is one category.  A
        document must belong to exactly one of the categories kept.
    """
    from .corpus import _NltkSource

    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be an NLTK corpus name; got {name!r}")
    categories = _names("categories", categories)
    reader = _NltkSource(name)._reader()
    if not hasattr(reader, "categories"):
        raise CorpusError(f"NLTK corpus {name!r} has no categories, so no labels; use a "
                          f"categorized corpus such as 'movie_reviews'")
    available = list(reader.categories())
    wanted = list(available if categories is None else categories)
    unknown = [c for c in wanted if c not in available]
    if unknown:
        raise ValueError(f"categories must be among {', '.join(map(repr, available))}; "
                         f"got {', '.join(map(repr, unknown))}")
    texts, labels, sources = [], [], []
    for fileid in reader.fileids(wanted):
        cats = [c for c in reader.categories(fileid) if c in wanted]
        if len(cats) != 1:
            raise FormatError(f"{name}/{fileid}: a document needs exactly one label; it is "
                              f"in categories {', '.join(cats)}")
        texts.append(reader.raw(fileid))
        labels.append(cats[0])
        sources.append(fileid)
    if not texts:
        raise CorpusError(f"NLTK corpus {name!r} has no document in categories {wanted}")
    return LabelledTexts(texts, labels, sources)


def load_folders(path: str | os.PathLike[str], labels: Sequence[str] | None = None,
                 glob: str = "*") -> LabelledTexts:
    """A folder with one sub-folder per label, one document per file (aclImdb style).

    Parameters
    ----------
    path : str or os.PathLike
        E.g. ``aclImdb/train``, which holds ``pos/`` and ``neg/``.
    labels : sequence of str, optional
        The sub-folders to read, each a label (default: every sub-folder).  Use it to
        leave out unlabelled ones, e.g. ``labels=["neg", "pos"]`` skips ``unsup/``.
    glob : str, default="*"
        Which files of each sub-folder to read.

    Each file is one document, UTF-8 (a byte-order mark is dropped); a file that is
    not UTF-8 or holds only whitespace raises :class:`~wordvec.errors.FormatError`
    naming it, as an empty text does in :func:`load_table`.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a str or os.PathLike; got {type(path).__name__}")
    labels = _names("labels", labels)
    if not isinstance(glob, str) or not glob:
        raise ValueError(f"glob must be a non-empty str such as '*.txt'; got {glob!r}")
    root = Path(path).expanduser()
    kind = _path_kind(root)
    if kind == "missing":
        raise CorpusNotFoundError(f"folder {str(root)!r} does not exist")
    if kind != "folder":
        raise CorpusError(f"{str(root)!r} is not a folder (load_folders reads a folder with "
                          f"one sub-folder per label)")
    try:
        entries = list(root.iterdir())
    except OSError as exc:
        raise CorpusError(f"folder {str(root)!r} cannot be read ({exc.strerror})") from None
    subfolders = sorted(p.name for p in entries if p.is_dir() and not p.name.startswith("."))
    if labels is None:
        labels = subfolders
        if not labels:
            raise CorpusError(f"folder {str(root)!r} holds no sub-folder: put the documents "
                              f"of each label in a sub-folder named after it")
    missing = [label for label in labels if label not in subfolders]
    if missing:
        raise CorpusNotFoundError(f"folder {str(root)!r} has no sub-folder "
                                  f"{', '.join(map(repr, missing))} (it has "
                                  f"{', '.join(map(repr, subfolders)) or 'none'})")
    texts, out_labels, sources = [], [], []
    for label in labels:
        try:
            files = sorted(p for p in (root / label).glob(glob)
                           if p.is_file() and not p.name.startswith("."))
        except (OSError, ValueError) as exc:
            raise CorpusError(f"folder {str(root / label)!r} cannot be listed with glob "
                              f"{glob!r} ({exc})") from None
        if not files:
            raise CorpusError(f"folder {str(root / label)!r} holds no file matching {glob!r}")
        for file in files:
            texts.append(_read_text(file))
            out_labels.append(label)
            sources.append(str(file))
    return LabelledTexts(texts, out_labels, sources)


def load_table(path: str | os.PathLike[str], text_column: str | int = "text",
               label_column: str | int = "label", delimiter: str | None = None,
               header: bool = True) -> LabelledTexts:
    r"""A CSV or TSV file with a text column and a label column.

    Parameters
    ----------
    path : str or os.PathLike
        The file (UTF-8; a byte-order mark is dropped).  Quoted fields may span lines
        (standard CSV quoting).
    text_column, label_column : str or int, default="text", "label"
        Column names (with ``header=True``) or 0-based positions.
    delimiter : str, optional
        Field separator; default ``"\t"`` for ``.tsv`` files and ``","`` otherwise.
    header : bool, default=True
        Whether the first row holds the column names.

    Raises
    ------
    FormatError
        For a row with another number of fields than the header (or the first row),
        an empty label or an empty text, a quote left open, a byte that is not UTF-8
        (with its offset), naming the file and line.
    CorpusError
        For a file with no labelled row (empty, or a header only), or that is not a
        regular file (a FIFO or a device is never read).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a str or os.PathLike; got {type(path).__name__}")
    header = check_bool("header", header)
    file = Path(path).expanduser()
    kind = _path_kind(file)
    if kind == "missing":
        raise CorpusNotFoundError(f"labelled data file {str(file)!r} does not exist")
    if kind != "file":
        raise CorpusError(f"labelled data file {str(file)!r} is not a regular file")
    if delimiter is None:
        delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '\r\n"':
        raise ValueError(f"delimiter must be one character other than a quote or a line "
                         f"break; got {delimiter!r}")
    texts, labels, sources = [], [], []
    lines = _Lines(file)
    with _field_limit(), lines:
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            positions = None
            width = 0  # fields per row: as in the header, or in the first row
            line = 1
            for row in reader:
                if positions is None:
                    positions = _column_positions(row if header else None, text_column,
                                                  label_column, file)
                    width = len(row)
                    if header:
                        line = reader.line_num + 1
                        continue
                if not row or not any(field.strip() for field in row):
                    line = reader.line_num + 1
                    continue  # blank line
                where = f"{file}:{line}"
                need = max(positions) + 1
                if len(row) < need:
                    raise FormatError(f"{where}: expected at least {need} fields separated by "
                                      f"{delimiter!r}; got {len(row)}")
                if len(row) != width:
                    raise FormatError(
                        f"{where}: expected {width} fields separated by {delimiter!r} (as in "
                        f"the {'header' if header else 'first row'}); got {len(row)} (quote "
                        f"a field that holds {delimiter!r})")
                text, label = row[positions[0]], row[positions[1]].strip()
                if not label:
                    raise FormatError(f"{where}: empty label")
                if not text.strip():
                    raise FormatError(f"{where}: empty text")
                texts.append(text)
                labels.append(label)
                sources.append(where)
                line = reader.line_num + 1
        except csv.Error as exc:
            if lines.at_end and "unexpected end of data" in str(exc):
                raise FormatError(f"{file}:{line}: a quoted field is not closed before the end "
                                  f"of the file") from None
            raise FormatError(f"{file}:{reader.line_num}: {exc}") from None
    if not texts:
        empty = " (the file is empty)" if lines.count == 0 else ""
        raise CorpusError(f"{file}: no labelled row{empty}")
    return LabelledTexts(texts, labels, sources)


class _Lines:
    """The lines of a UTF-8 file as ``str``, numbered as they are read.

    The file is decoded line by line (a byte-order mark dropped), so an undecodable
    byte is reported at its own line and byte offset; a text-mode file decodes ahead
    in blocks and would name a line before it.  A lone ``\\r`` ends a line, as in
    text mode with ``newline=""``, which :mod:`csv` expects.
    """

    def __init__(self, file: Path) -> None:
        self.file = file
        self.count = 0  # lines read
        self.offset = 0  # bytes read
        self.at_end = False
        self._fh: IO[bytes] | None = None

    def __enter__(self) -> _Lines:
        try:
            self._fh = open(self.file, "rb")
        except OSError as exc:
            raise CorpusError(f"{self.file}: cannot read ({exc.strerror})") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()

    def __iter__(self) -> Iterator[str]:
        assert self._fh is not None
        for raw in self._fh:
            if self.count == 0 and raw.startswith(b"\xef\xbb\xbf"):
                raw, self.offset = raw[3:], 3
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(f"{self.file}:{self.count + 1}: not UTF-8 (byte "
                                  f"{self.offset + exc.start} of the file)") from None
            self.offset += len(raw)
            if "\r" in text[:-2]:  # lone carriage returns inside: each ends a line
                for piece in _CR_LINES.findall(text):
                    if piece:
                        self.count += 1
                        yield piece
            else:
                self.count += 1
                yield text
        self.at_end = True


_CR_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@contextlib.contextmanager
def _field_limit() -> Iterator[None]:
    """Let one CSV field be as large as a text may be, for this read only."""
    old = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _path_kind(path: Path) -> str:
    """``"file"`` (regular), ``"folder"``, ``"missing"`` or ``"other"`` (a FIFO, a
    device such as /dev/zero: never read, it could block or never end)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):  # missing, a symlink loop, a NUL byte in the name
        return "missing"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "other"


def _names(param: str, value: Any) -> list[str] | None:
    """``None``, or ``value`` as a non-empty list of str (one str is one name)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    try:
        names = list(value)
    except TypeError:
        raise ValueError(f"{param} must be a str or a sequence of str; got "
                         f"{type(value).__name__}") from None
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{param} must be a str or a non-empty sequence of str; got "
                         f"{value!r}")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # each document would be read, and weigh, twice
        raise ValueError(f"{param} must not repeat a name; got {', '.join(map(repr, twice))} "
                         f"twice")
    return names


def _column_positions(header_row: list[str] | None, text_column: str | int,
                      label_column: str | int, file: Path) -> tuple[int, int]:
    positions = []
    for param, column in (("text_column", text_column), ("label_column", label_column)):
        if isinstance(column, int) and not isinstance(column, bool):
            if column < 0:
                raise ValueError(f"{param} must be a column name or a position >= 0; "
                                 f"got {column!r}")
            positions.append(column)
        elif isinstance(column, str):
            if header_row is None:
                raise ValueError(f"{param}={column!r} names a column, but header=False; "
                                 f"give its position instead")
            names = [h.strip() for h in header_row]
            if column not in names:
                raise FormatError(f"{file}:1: no column {column!r} in the header (columns: "
                                  f"{', '.join(map(repr, names))}); set {param}")
            if names.count(column) > 1:
                raise FormatError(f"{file}:1: the header names column {column!r} "
                                  f"{names.count(column)} times; set {param} to a position")
            positions.append(names.index(column))
        else:
            raise ValueError(f"{param} must be a column name or a position; got {column!r}")
    if positions[0] == positions[1]:
        raise ValueError(f"text_column={text_column!r} and label_column={label_column!r} are "
                         f"the same column")
    return positions[0], positions[1]


def _read_text(file: Path) -> str:
    """One document: the UTF-8 text of ``file``, a byte-order mark dropped."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{file}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        line = data[: exc.start + bom].count(b"\n") + 1
        raise FormatError(f"{file}:{line}: not UTF-8 (byte {exc.start + bom})") from None
    if not text.strip():
        raise FormatError(f"{file}: empty text")
    return text
