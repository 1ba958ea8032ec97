"""Corpus sources: files, folders, compressed files, WikiExtractor, NLTK, iterables."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import types
import warnings
from pathlib import Path

import pytest

from wordvec.errors import CorpusError, CorpusNotFoundError
from wordvec.text import textfiles
from wordvec.text.corpus import Corpus, iter_file

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
        fh.write("hello world\n\nsecond\n")
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
    c = Corpus(f, document="line")
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


# -- hostile input ----------------------------------------------------------------------------
is_root = hasattr(os, "geteuid") and os.geteuid() == 0


def _gzip_bad_deflate() -> bytes:
    good = gzip.compress(b"hello world\n" * 100)
    return good[:10] + bytes(b ^ 0x55 for b in good[10:-8]) + good[-8:]


@pytest.mark.parametrize("name, data, match", [
    ("bad.gz", _gzip_bad_deflate(), r"bad\.gz: cannot read \(damaged compressed data"),
    ("cut.gz", gzip.compress(b"hello world\n" * 100)[:-12], r"cut\.gz: cannot read \(truncat"),
    ("cut.bz2", bz2.compress(b"hello world\n" * 100)[:-10], r"cut\.bz2: cannot read \(trunc"),
    ("bad.bz2", b"BZh9" + b"\x00" * 40, r"bad\.bz2: cannot read \(damaged compressed data"),
    ("cut.xz", lzma.compress(b"hello world\n" * 100)[:-10], r"cut\.xz: cannot read"),
    ("bad.xz", lzma.compress(b"x")[:12] + b"\x00" * 40, r"bad\.xz: cannot read \(damaged"),
])
def test_damaged_compressed_files_name_the_file(tmp_path: Path, name: str, data: bytes,
                                                match: str) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(CorpusError, match=match):
        list(Corpus(f))


def test_damaged_file_read_by_a_worker_is_one_corpus_error(tmp_path: Path) -> None:
    import wordvec
    (tmp_path / "good.txt").write_text("some words here\n" * 50)
    (tmp_path / "bad.gz").write_bytes(_gzip_bad_deflate())
    with pytest.raises(CorpusError, match=r"bad\.gz: cannot read \(damaged compressed data"):
        wordvec.count(Corpus(tmp_path), n_jobs=2, min_count=1, progress=False)


def test_device_and_fifo_are_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"'/dev/zero' is not a regular file or folder"):
        Corpus("/dev/zero")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(CorpusError, match=r"pipe\.txt' is not a regular file or folder"):
        Corpus(fifo)
    with pytest.raises(CorpusError, match=r"pipe\.txt: not a regular file"):
        list(iter_file(fifo))  # no hang: refused before open()
    (tmp_path / "a.txt").write_text("inside\n")
    assert list(Corpus(tmp_path)) == ["inside"]  # the FIFO in the folder is skipped


def test_empty_files_binary_files_and_links(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert list(Corpus(tmp_path / "empty.txt")) == []
    folder = tmp_path / "empties"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    (folder / "b.txt").write_bytes(b"\n\n")
    assert list(Corpus(folder)) == []
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01ab\xff\xfe\n")
    c = Corpus(binary)
    assert list(c) == ["\x00\x01ab\ufffd\ufffd"]  # NUL is valid UTF-8; bad bytes replaced
    assert c.stats.replaced_characters == 2 and c.stats.replaced_in == [str(binary)]
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(CorpusNotFoundError, match=r"loop' is a symbolic link to nothing"):
        Corpus(loop)
    (folder / "self").symlink_to(folder)  # a link to a folder inside it is not followed
    assert list(Corpus(folder)) == []


@pytest.mark.skipif(is_root, reason="root reads any file")
def test_unreadable_file_names_it(tmp_path: Path) -> None:
    f = tmp_path / "secret.txt"
    f.write_text("x\n")
    f.chmod(0)
    with pytest.raises(CorpusError, match=r"secret\.txt: cannot read \(permission denied\)"):
        Corpus(f)
    with pytest.raises(CorpusError, match=r"secret\.txt: cannot read \(Permission denied\)"):
        list(iter_file(f))


def test_parameters_checked() -> None:
    with pytest.raises(ValueError, match="glob must be a non-empty str such as"):
        Corpus(["text"], glob="")
    with pytest.raises(ValueError, match="progress must be True or False; got 'yes'"):
        Corpus(["text"], progress="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="byte_range must be"):
        list(iter_file(__file__, byte_range=(5, 2)))
    from wordvec.text.textfiles import plain_pieces
    with pytest.raises(ValueError, match="piece_bytes must be an integer >= 1; got 0"):
        plain_pieces(__file__, 0)
    with pytest.raises(CorpusNotFoundError, match="is not an existing file"):
        Corpus("nul\x00byte")
    with pytest.raises(CorpusError, match=r"corpus must be a path, .* got bytes"):
        Corpus(b"corpus.txt")


def test_token_list_documents_hold_str() -> None:
    with pytest.raises(CorpusError, match=r"document 2 holds list \(\['a', 'b'\]\)"):
        list(Corpus([["ok"], [["a", "b"]]]))
    with pytest.raises(CorpusError, match=r"must yield str .* got bytes \(document 1\)"):
        list(Corpus([b"bytes"]))


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same paths as test_unreadable_file_names_it, also where the tests run as root
    f = tmp_path / "secret.txt"
    f.write_text("x\n")
    monkeypatch.setattr(textfiles, "_may", lambda path, mode: False)  # this module only
    with pytest.raises(CorpusError, match=r"secret\.txt: cannot read \(permission denied\)"):
        Corpus(f)
    with pytest.raises(CorpusError, match=r"folder .* cannot be read \(permission denied\)"):
        Corpus(tmp_path)
    monkeypatch.undo()

    def deny(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(textfiles, "_open_binary", deny)
    with pytest.raises(CorpusError, match=r"secret\.txt: cannot read \(Permission denied\)"):
        list(iter_file(f))


def test_catalog_from_a_source_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the installed ``wordvec.corpora`` the catalog is read from ``corpora/``
    beside the package (a checkout on ``sys.path``)."""
    from wordvec.text import corpus

    if not (Path(corpus.__file__).resolve().parents[2] / "corpora" / "catalog.json").exists():
        pytest.skip("an installed copy: corpora/ ships as wordvec.corpora, not beside it")

    def missing(name: str) -> None:
        raise ModuleNotFoundError(name)

    installed = corpus.catalog()
    corpus.catalog.cache_clear()
    monkeypatch.setattr(corpus, "resources", types.SimpleNamespace(files=missing))  # here only
    try:
        assert corpus.catalog() == installed and "brown" in installed
    finally:
        corpus.catalog.cache_clear()


def test_warning_about_names_points_at_the_caller(tmp_path: Path) -> None:
    with pytest.warns(UserWarning) as caught:
        list(Corpus(["brown", "abc"]))
    assert {w.filename for w in caught} == {__file__}


class _FakeReader:
    def fileids(self) -> list[str]:
        return ["a", "b"]

    def raw(self, fileid: str) -> str:
        return f"text of {fileid}"


def test_missing_nltk_corpus_is_downloaded_on_first_use(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from wordvec.text import corpus

    asked: list[str] = []
    found = iter([None, _FakeReader()])  # not here, then here after the download
    monkeypatch.setattr(corpus._NltkSource, "_find", lambda self, nltk: next(found))
    monkeypatch.setattr(corpus, "_nltk_download", lambda name: asked.append(name) or True)
    monkeypatch.setenv(corpus.DOWNLOAD_ENV, "1")
    assert list(Corpus("nltk:fake")) == ["text of a", "text of b"]
    assert asked == ["fake"]
    assert "NLTK corpus 'fake' is not on this machine; downloading it" in capsys.readouterr().err


def test_failed_download_gives_the_offline_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from wordvec.text import corpus

    asked: list[str] = []
    monkeypatch.setattr(corpus._NltkSource, "_find", lambda self, nltk: None)
    monkeypatch.setattr(corpus, "_nltk_download", lambda name: asked.append(name) or False)
    monkeypatch.setenv(corpus.DOWNLOAD_ENV, "1")
    with pytest.raises(CorpusNotFoundError, match=r"'fake' was not found .*downloading it "
                       r"failed \(no network\?\)\)\. Get it with `python -m nltk.downloader fake`"):
        list(Corpus("nltk:fake"))
    assert asked == ["fake"]
    monkeypatch.setenv(corpus.DOWNLOAD_ENV, "0")  # switched off: never asked
    with pytest.raises(CorpusNotFoundError, match=r"folders\)\. Get it with"):
        list(Corpus("nltk:fake"))
    assert asked == ["fake"]


def test_the_download_is_nltks(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    from wordvec.text import corpus

    calls: list[tuple[str, dict[str, object]]] = []

    def download(name: str, **kwargs: object) -> bool:
        calls.append((name, kwargs))
        return name == "ok"

    monkeypatch.setattr(nltk, "download", download)  # NLTK's entry point, for this test
    assert corpus._nltk_download("ok") is True and corpus._nltk_download("no") is False
    assert calls[0] == ("ok", {"quiet": True, "raise_on_error": False})

    def offline(name: str, **kwargs: object) -> bool:
        raise OSError("no network")

    monkeypatch.setattr(nltk, "download", offline)
    assert corpus._nltk_download("x") is False
