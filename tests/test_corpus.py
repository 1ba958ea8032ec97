"""Corpus sources: files, folders, compressed files, WikiExtractor, NLTK, iterables."""

from __future__ import annotations

import bz2
import gzip
import lzma
import warnings
from pathlib import Path

import pytest

from wordvec.corpus import Corpus, iter_file
from wordvec.errors import CorpusError, CorpusNotFoundError

from .conftest import NLTK_DATA, needs_shared

WIKI_TEXT = """<doc id="1" url="http://x?curid=1" title="Cat">
Cat

The cat sat.
</doc>
<doc id="2" url="http://x?curid=2" title="Dog">
Dog
A dog barked.
</doc>
"""


def test_plain_file_one_document_per_line(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("first line\n\n  second line  \n", encoding="utf-8")
    assert list(Corpus(f)) == ["first line", "second line"]


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open),
                                            (".xz", lzma.open)])
def test_compressed_files(tmp_path: Path, suffix: str, opener) -> None:
    f = tmp_path / f"a.txt{suffix}"
    with opener(f, "wt", encoding="utf-8") as fh:
        fh.write("hello world\nsecond\n")
    assert list(Corpus(f)) == ["hello world", "second"]


def test_wikiextractor_blocks(tmp_path: Path) -> None:
    f = tmp_path / "wiki_00"
    f.write_text(WIKI_TEXT, encoding="utf-8")
    assert list(Corpus(f)) == ["Cat\nThe cat sat.", "Dog\nA dog barked."]


def test_folder_recursive_with_glob(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("bee\n")
    (tmp_path / "sub" / "a.txt").write_text("ay\n")
    (tmp_path / "skip.md").write_text("no\n")
    (tmp_path / ".hidden.txt").write_text("hidden\n")
    assert list(Corpus(tmp_path, glob="*.txt")) == ["bee", "ay"]
    with pytest.raises(CorpusError, match=r"holds no file matching glob '\*.csv'"):
        Corpus(tmp_path, glob="*.csv")


def test_undecodable_bytes_replaced_and_counted(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b"caf\xe9 ok\nfine\n\xff\xfe end\n")
    c = Corpus(f)
    docs = list(c)
    assert docs == ["caf\ufffd ok", "fine", "\ufffd\ufffd end"]
    assert c.stats.replaced_characters == 3
    assert c.stats.replaced_in == [str(f)]


def test_corrupt_compressed_file_names_it(tmp_path: Path) -> None:
    f = tmp_path / "broken.gz"
    f.write_bytes(b"this is not gzip")
    with pytest.raises(CorpusError, match=r"broken.gz: cannot read"):
        list(iter_file(f))


def test_iterables_of_text_and_tokens() -> None:
    docs = list(Corpus(["some text", ["already", "tokens"], ("a", "tuple")]))
    assert docs == ["some text", ["already", "tokens"], ["a", "tuple"]]
    with pytest.raises(CorpusError, match="must yield str .* got int"):
        list(Corpus([1, 2]))


def test_list_of_corpus_names_warns(tmp_path: Path) -> None:
    # Strings inside a list are documents; a list holding only corpus names or paths is
    # almost surely a mistake for Corpus("brown", ...), so it is read but warned about.
    (tmp_path / "a.txt").write_text("words here\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"read as documents .* Corpus\('brown'"):
        docs = list(Corpus(["brown", "nltk:abc"]))
    assert docs == ["brown", "nltk:abc"]
    with pytest.warns(UserWarning, match="not as corpora"):
        Corpus([str(tmp_path / "a.txt")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Corpus(["brown fox", "cat"])  # ordinary one-word and longer documents
        Corpus([["brown"]])  # token lists are never names
        Corpus(iter(["brown"]))  # an iterator is not consumed to check
        Corpus(["x" * 5000, "nul\x00byte"])  # no file system error escapes the check


def test_missing_path_or_unknown_name() -> None:
    with pytest.raises(CorpusNotFoundError, match=r"'no/such/file.txt' is not an existing file"):
        Corpus("no/such/file.txt")


def test_missing_nltk_corpus_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import nltk
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    monkeypatch.setenv("NLTK_DATA", str(tmp_path))
    with pytest.raises(CorpusNotFoundError,
                       match=r"NLTK corpus 'words_not_there' was not found .*"
                             r"python -m nltk.downloader words_not_there"):
        list(Corpus("nltk:words_not_there"))


@needs_shared(NLTK_DATA / "corpora" / "state_union.zip")
def test_nltk_corpus_by_name() -> None:
    c = Corpus("state_union")
    docs = list(c)
    assert len(docs) == c.stats.files == 65
    assert "congress" in docs[0].lower()
    assert "truman's" in " ".join(docs[0].lower().split())  # raw text, not NLTK tokens
