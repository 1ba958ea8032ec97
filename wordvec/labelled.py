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

import csv
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CorpusError, CorpusNotFoundError, FormatError

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

    A folder goes to :func:`load_folders`, a file to :func:`load_table`, anything
    else (``"movie_reviews"``, ``"nltk:movie_reviews"``) to :func:`load_nltk`;
    ``options`` are passed on.
    """
    path = Path(source).expanduser()
    if path.is_dir():
        return load_folders(path, **options)
    if path.is_file():
        return load_table(path, **options)
    name = str(source)
    if os.sep in name or name.endswith((".csv", ".tsv", ".txt")):
        raise CorpusNotFoundError(f"labelled data {name!r} does not exist")
    return load_nltk(name.removeprefix("nltk:"), **options)


def load_nltk(name: str = "movie_reviews",
              categories: Sequence[str] | None = None) -> LabelledTexts:
    """An NLTK categorized corpus, one label per category.

    Parameters
    ----------
    name : str, default="movie_reviews"
        The NLTK corpus (a ``CategorizedCorpusReader`` such as ``movie_reviews``).
    categories : sequence of str, optional
        Keep only these categories (default: all).  A document must belong to exactly
        one of the categories kept.
    """
    from .corpus import _NltkSource

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
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise CorpusNotFoundError(f"folder {str(root)!r} does not exist")
    subfolders = sorted(p.name for p in root.iterdir()
                        if p.is_dir() and not p.name.startswith("."))
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
        files = sorted(p for p in (root / label).glob(glob)
                       if p.is_file() and not p.name.startswith("."))
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
        The file (UTF-8).  Quoted fields may span lines (standard CSV quoting).
    text_column, label_column : str or int, default="text", "label"
        Column names (with ``header=True``) or 0-based positions.
    delimiter : str, optional
        Field separator; default ``"\t"`` for ``.tsv`` files and ``","`` otherwise.
    header : bool, default=True
        Whether the first row holds the column names.

    Raises
    ------
    FormatError
        For a row with too few fields, an empty label or an empty text, naming the
        file and line.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise CorpusNotFoundError(f"labelled data file {str(file)!r} does not exist")
    if delimiter is None:
        delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    texts, labels, sources = [], [], []
    with open(file, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            positions = None
            line = 1
            for row in reader:
                if positions is None:
                    positions = _column_positions(row if header else None, text_column,
                                                  label_column, file)
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
                text, label = row[positions[0]], row[positions[1]].strip()
                if not label:
                    raise FormatError(f"{where}: empty label")
                if not text.strip():
                    raise FormatError(f"{where}: empty text")
                texts.append(text)
                labels.append(label)
                sources.append(where)
                line = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise FormatError(f"{file}:{line}: not UTF-8 ({exc.reason})") from None
        except csv.Error as exc:
            raise FormatError(f"{file}:{reader.line_num}: {exc}") from None
    if not texts:
        raise CorpusError(f"{file}: no labelled row")
    return LabelledTexts(texts, labels, sources)


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
            positions.append(names.index(column))
        else:
            raise ValueError(f"{param} must be a column name or a position; got {column!r}")
    return positions[0], positions[1]


def _read_text(file: Path) -> str:
    data = file.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError(f"{file}:{line}: not UTF-8 (byte {exc.start})") from None
