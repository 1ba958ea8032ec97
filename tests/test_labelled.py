"""Labelled text loaders: NLTK categorized corpora, label folders, CSV/TSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from wordvec.errors import CorpusError, CorpusNotFoundError, FormatError
from wordvec.labelled import LabelledTexts, load_folders, load_labelled, load_nltk, load_table

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
