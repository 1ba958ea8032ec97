"""Labelled text loaders: NLTK categorized corpora, label folders, CSV/TSV."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wordvec.errors import CorpusError, CorpusNotFoundError, FormatError
from wordvec.text.labelled import LabelledTexts, load_folders, load_labelled, load_nltk, load_table

from .conftest import NLTK_DATA, needs_shared


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- folders ---------------------------------------------------------------------------
def test_folders_one_label_per_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "pos" / "1.txt", "A great film.\nTruly.")
    write(tmp_path / "pos" / "2.txt", "Loved it")
    write(tmp_path / "neg" / "1.txt", "Dull.")
    write(tmp_path / "unsup" / "1.txt", "no label")
    write(tmp_path / "pos" / ".hidden", "skipped")
    data = load_folders(tmp_path, labels=["neg", "pos"])
    assert data.texts == ["Dull.", "A great film.\nTruly.", "Loved it"]
    assert data.labels == ["neg", "pos", "pos"]
    assert data.sources[0] == str(tmp_path / "neg" / "1.txt")
    assert data.class_counts() == {"neg": 1, "pos": 2}
    assert load_folders(tmp_path).classes == ["neg", "pos", "unsup"]
    assert load_labelled(tmp_path, labels=["pos"]).labels == ["pos", "pos"]


def test_folders_errors(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFoundError, match="does not exist"):
        load_folders(tmp_path / "nope")
    with pytest.raises(CorpusError, match="holds no sub-folder"):
        load_folders(tmp_path)
    write(tmp_path / "pos" / "1.txt", "fine")
    with pytest.raises(CorpusNotFoundError, match="no sub-folder 'neg'.*'pos'"):
        load_folders(tmp_path, labels=["neg", "pos"])
    (tmp_path / "neg").mkdir()
    with pytest.raises(CorpusError, match="neg.*holds no file"):
        load_folders(tmp_path)
    write(tmp_path / "neg" / "bad.txt", b"line one\nbad \xff byte")
    with pytest.raises(FormatError, match=r"bad\.txt:2: not UTF-8"):
        load_folders(tmp_path)


# -- CSV / TSV -----------------------------------------------------------------------------
def test_csv_by_column_name(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", 'id,label,text\n1,pos,"great, really"\n\n'
                                     '2,neg,"a ""dull""\nfilm"\n3,pos,ok\n')
    data = load_table(path)
    assert data.texts == ["great, really", 'a "dull"\nfilm', "ok"]
    assert data.labels == ["pos", "neg", "pos"]
    assert data.sources == [f"{path}:2", f"{path}:4", f"{path}:6"]
    assert load_labelled(path).labels == data.labels


def test_tsv_by_position_without_header(tmp_path: Path) -> None:
    path = write(tmp_path / "d.tsv", "good film\t1\nbad film\t0\n")
    data = load_table(path, text_column=0, label_column=1, header=False)
    assert data.texts == ["good film", "bad film"] and data.labels == ["1", "0"]
    with pytest.raises(ValueError, match="header=False; give its position"):
        load_table(path, header=False)


@pytest.mark.parametrize("content, match", [
    ("text,label\ngood,pos\nshort\n", r"d\.csv:3: expected at least 2 fields"),
    ("text,label\ngood,pos\nbad, \n", r"d\.csv:3: empty label"),
    ('text,label\n"good\nmulti",pos\n ,neg\n', r"d\.csv:4: empty text"),
    ("words,label\ngood,pos\n", r"d\.csv:1: no column 'text'.*'words'.*text_column"),
    ("text,label\n", r"d\.csv: no labelled row"),
])
def test_csv_bad_rows_name_file_and_line(tmp_path: Path, content: str, match: str) -> None:
    path = write(tmp_path / "d.csv", content)
    with pytest.raises((FormatError, CorpusError), match=match):
        load_table(path)


def test_csv_bad_encoding_and_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", b"text,label\ngood,pos\nbad \xff,neg\n")
    with pytest.raises(FormatError, match=r"d\.csv:\d+: not UTF-8"):
        load_table(path)
    with pytest.raises(CorpusNotFoundError, match="does not exist"):
        load_table(tmp_path / "missing.csv")
    with pytest.raises(CorpusNotFoundError, match="does not exist"):
        load_labelled(tmp_path / "missing.csv")


def test_labelled_texts_checks_lengths() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        LabelledTexts(["a", "b"], ["x"])


# -- NLTK -------------------------------------------------------------------------------
@pytest.mark.shared
@needs_shared(NLTK_DATA / "corpora" / "movie_reviews.zip")
def test_nltk_movie_reviews() -> None:
    data = load_nltk("movie_reviews")
    assert len(data) == 2000
    assert data.class_counts() == {"neg": 1000, "pos": 1000}
    assert data.sources[0].startswith("neg/") and data.labels[0] == "neg"
    assert "film" in data.texts[0] or "movie" in data.texts[0]
    assert load_labelled("nltk:movie_reviews", categories=["pos"]).class_counts() == {
        "pos": 1000}
    with pytest.raises(ValueError, match="categories must be among 'neg', 'pos'; got 'x'"):
        load_nltk("movie_reviews", categories=["x"])


@pytest.mark.shared
@needs_shared(NLTK_DATA / "corpora" / "abc.zip")
def test_nltk_corpus_without_categories() -> None:
    with pytest.raises(CorpusError, match="has no categories"):
        load_nltk("abc")


# -- hostile input ----------------------------------------------------------------------------
is_root = hasattr(os, "geteuid") and os.geteuid() == 0


def test_csv_utf8_bom_header_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", b"\xef\xbb\xbftext,label\ngood,pos\n")
    data = load_table(path)
    assert data.texts == ["good"] and data.labels == ["pos"]
    tsv = write(tmp_path / "bom.tsv", b"\xef\xbb\xbftext\tlabel\ngood\tpos\n")
    assert load_labelled(tsv).labels == ["pos"]


def test_csv_bad_byte_names_its_own_line(tmp_path: Path) -> None:
    # past the first block a text-mode reader decodes ahead: the line must still be right
    rows = "".join(f"review number {i},pos\n" for i in range(2000))
    path = write(tmp_path / "d.csv", ("text,label\n" + rows).encode() + b"bad \xff,neg\n")
    offset = len(("text,label\n" + rows).encode()) + 4
    with pytest.raises(FormatError, match=rf"d\.csv:2002: not UTF-8 \(byte {offset} of"):
        load_table(path)


@pytest.mark.parametrize("content, match", [
    (b"text,label\ngreat, really,pos\n", r"d\.csv:2: expected 2 fields separated by ',' \(as "
                                         r"in the header\); got 3 \(quote a field"),
    (b"", r"d\.csv: no labelled row \(the file is empty\)"),
    (b"text,label\ngood,pos\n\"open quote,neg\nmore\n", r"d\.csv:3: a quoted field is not "
                                                        r"closed before the end of the file"),
    (b'text,label\n"good"x,pos\n', r"d\.csv:2: ',' expected after '\"'"),
    (b"text,text,label\ngood,bad,pos\n", r"d\.csv:1: the header names column 'text' 2 times"),
    (b"text,label\n,pos\n", r"d\.csv:2: empty text"),
    (b"text,label\ngood,\n", r"d\.csv:2: empty label"),
])
def test_csv_more_bad_files(tmp_path: Path, content: bytes, match: str) -> None:
    path = write(tmp_path / "d.csv", content)
    with pytest.raises((FormatError, CorpusError), match=match):
        load_table(path)


def test_csv_nul_bytes_cr_endings_and_huge_fields(tmp_path: Path) -> None:
    import csv
    path = write(tmp_path / "nul.csv", b"text,label\nnul\x00inside,pos\n")
    assert load_table(path).texts == ["nul\x00inside"]  # valid UTF-8: kept as text
    path = write(tmp_path / "cr.csv", b"text,label\rold mac,pos\rsecond,neg\r")
    data = load_table(path)
    assert data.labels == ["pos", "neg"] and data.sources[1].endswith("cr.csv:3")
    limit = csv.field_size_limit()
    big = "word " * 100_000  # beyond csv's default field limit of 131072 characters
    path = write(tmp_path / "big.csv", f'text,label\n"{big}",pos\n')
    assert load_table(path).texts == [big]
    assert csv.field_size_limit() == limit  # the global limit is restored


def test_table_parameters_checked(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "text,label\ngood,pos\n")
    with pytest.raises(ValueError, match=r"delimiter must be one character .*got ';;'"):
        load_table(path, delimiter=";;")
    with pytest.raises(ValueError, match=r"delimiter must be one character .*got '\"'"):
        load_table(path, delimiter='"')
    with pytest.raises(ValueError, match="header must be True or False; got 'yes'"):
        load_table(path, header="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="text_column='label' and label_column='label' are"):
        load_table(path, text_column="label")
    with pytest.raises(ValueError, match="text_column must be a column name or a position"):
        load_table(path, text_column=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="path must be a str or os.PathLike; got int"):
        load_table(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="source must be a path or an NLTK corpus name"):
        load_labelled(None)  # type: ignore[arg-type]


def test_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(CorpusError, match=r"pipe\.csv' is not a regular file"):
        load_table(fifo)  # and does not block on the FIFO
    with pytest.raises(CorpusError, match=r"pipe\.csv' is not a regular file or folder"):
        load_labelled(fifo)
    with pytest.raises(CorpusError, match=r"'/dev/zero' is not a regular file"):
        load_table("/dev/zero")
    with pytest.raises(CorpusError, match=r"pipe\.csv' is not a folder"):
        load_folders(fifo)


def test_folders_label_str_empty_document_and_bom(tmp_path: Path) -> None:
    write(tmp_path / "pos" / "1.txt", b"\xef\xbb\xbfgreat")
    write(tmp_path / "neg" / "1.txt", "dull")
    data = load_folders(tmp_path, labels="pos")  # one str is one label, not 'p', 'o', 's'
    assert data.labels == ["pos"] and data.texts == ["great"]
    with pytest.raises(ValueError, match=r"labels must be a str or a non-empty sequence"):
        load_folders(tmp_path, labels=[])
    with pytest.raises(ValueError, match=r"labels must not repeat a name; got 'pos' twice"):
        load_folders(tmp_path, labels=["pos", "neg", "pos"])
    with pytest.raises(ValueError, match="glob must be a non-empty str"):
        load_folders(tmp_path, glob="")
    write(tmp_path / "neg" / "2.txt", " \n ")
    with pytest.raises(FormatError, match=r"neg/2\.txt: empty text"):
        load_folders(tmp_path)


@pytest.mark.skipif(is_root, reason="root reads any file")
def test_folders_unreadable_file(tmp_path: Path) -> None:
    f = write(tmp_path / "pos" / "1.txt", "great")
    f.chmod(0)
    with pytest.raises(CorpusError, match=r"1\.txt: cannot read \(Permission denied\)"):
        load_folders(tmp_path)


@pytest.mark.shared
@needs_shared(NLTK_DATA / "corpora" / "movie_reviews.zip")
def test_nltk_categories_as_one_str() -> None:
    assert load_nltk("movie_reviews", categories="pos").class_counts() == {"pos": 1000}
    with pytest.raises(ValueError, match=r"categories must be among 'neg', 'pos'; got 'po'"):
        load_nltk("movie_reviews", categories="po")
    with pytest.raises(ValueError, match=r"categories must be a str or a non-empty sequence"):
        load_nltk("movie_reviews", categories=[])
    with pytest.raises(ValueError, match=r"categories must be a str or a sequence of str; got"):
        load_nltk("movie_reviews", categories=3)  # type: ignore[arg-type]


def test_folders_unreadable_file_simulated(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pos" / "1.txt", "great")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(CorpusError, match=r"1\.txt: cannot read \(Permission denied\)"):
        load_folders(tmp_path)
