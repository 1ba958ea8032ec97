"""Reading one plain file: document units by hand, the size cap, hard-wrap detection."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import wordvec
from wordvec import Corpus
from wordvec.cli import main
from wordvec.text import textfiles
from wordvec.text.textfiles import hard_wrapped, iter_file

TEXT = "one two\nthree\n\n\nfour five\n  \nsix\n"


@pytest.mark.parametrize("document, expected", [
    ("paragraph", ["one two\nthree", "four five", "six"]),
    ("line", ["one two", "three", "four five", "six"]),
    ("file", ["one two\nthree\nfour five\nsix"]),
])
def test_document_units_by_hand(tmp_path: Path, document: str, expected: list[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert list(iter_file(f, document=document)) == expected
    assert list(Corpus(f, document=document)) == expected
    assert list(Corpus(f)) == list(Corpus(f, document="paragraph"))  # the default


def test_wikiextractor_blocks_whatever_the_unit(tmp_path: Path) -> None:
    f = tmp_path / "wiki.txt"
    f.write_text('<doc id="1">\nTitle\n\nbody one\n</doc>\n<doc id="2">\ntwo\n</doc>\n')
    for document in textfiles.DOCUMENT_UNITS:
        assert list(iter_file(f, document=document)) == ["Title\nbody one", "two"]


def test_long_documents_are_cut_at_a_line_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textfiles, "MAX_DOCUMENT_CHARS", 10)
    f = tmp_path / "a.txt"
    f.write_text("aaaa bbbb\ncc\ndddd eeee ffff\ngg\n", encoding="utf-8")
    assert list(iter_file(f, document="file")) == ["aaaa bbbb\ncc", "dddd eeee ffff", "gg"]


def test_bad_unit_is_named(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("x\n")
    with pytest.raises(ValueError, match="document must be one of 'paragraph', 'line', 'file'; "
                                         "got 'sentence'"):
        Corpus(f, document="sentence")
    with pytest.raises(ValueError, match="document must be one of"):
        list(iter_file(f, document="sentence"))


def _prose(n: int = 120, seed: int = 0) -> str:
    """``n`` sentences of 5 to 20 words."""
    import random
    rng = random.Random(seed)
    words = "the quick brown fox jumps over a lazy dog while cat watches it and runs".split()
    return " ".join(" ".join(rng.choice(words) for _ in range(rng.randint(5, 20))).capitalize()
                    + "." for _ in range(n))


def test_hard_wrapped_text_is_detected(tmp_path: Path) -> None:
    wrapped = tmp_path / "wrapped.txt"
    paragraphs = [textwrap.fill(_prose(8), 70) for _ in range(12)]
    wrapped.write_text("\n\n".join(paragraphs), encoding="utf-8")
    mid, seen = hard_wrapped(wrapped)  # type: ignore[misc]
    assert seen > 50 and mid / seen > 0.6
    sentences = tmp_path / "sentences.txt"  # one sentence a line: not wrapped
    sentences.write_text(_prose(200).replace(". ", ".\n"), encoding="utf-8")
    long_lines = tmp_path / "paragraphs.txt"  # one paragraph a line
    long_lines.write_text("\n".join(_prose(5) for _ in range(80)), encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("a few\nshort lines\n")
    assert hard_wrapped(sentences) is None and hard_wrapped(long_lines) is None
    assert hard_wrapped(short) is None


def test_line_documents_of_wrapped_text_warn_once(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(textwrap.fill(_prose(300), 70), encoding="utf-8")
    with pytest.warns(wordvec.HardWrappedWarning,
                      match=r"a\.txt looks hard-wrapped: \d+ of its first \d+ lines end "
                            r"mid-sentence.*document='paragraph'") as caught:
        Corpus(tmp_path, document="line")
    assert len(caught) == 1 and caught[0].filename == __file__
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Corpus(tmp_path)  # paragraphs: nothing to warn about


def test_cli_document_flag(tmp_path: Path) -> None:
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n\n".join(f"w{i % 7} w{(i * 3) % 7} w{(i + 1) % 7}\nw{i % 5} w{i % 3}"
                                  for i in range(300)), encoding="utf-8")
    for document, docs in (("paragraph", 300), ("line", 600), ("file", 1)):
        out = tmp_path / f"{document}.model"
        assert main(["build", str(corpus), "-o", str(out), "--document", document, "--dim", "2",
                     "--min-count", "1", "--subsample", "0", "-q"]) == 0
        assert wordvec.load(out).stats["read"]["documents"] == docs
