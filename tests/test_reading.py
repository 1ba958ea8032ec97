"""Pass 1 (wordvec.text._reading): serial, parallel, compiled and spilled reading give the same ids
and counts; files cut into pieces only where that is safe."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import wordvec
from wordvec.text import textfiles
from wordvec.text.tokenize import Tokenizer

from .test_counting import id_documents

WORDS = ["the", "The", "cat", "Cat", "sat", "on", "mat", "dog", "ran", "ΟΔΟΣ", "İstanbul",
         "don't", "3.14", "1,000", "naïve", "café", "ἀρχή", "x"]


def _text(rng: np.random.Generator, n_words: int) -> str:
    words = rng.choice(WORDS, n_words)
    seps = rng.choice([" ", " ", " ", ", ", ". ", "\n"], n_words)
    return "".join(w + s for w, s in zip(words, seps))


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plain, WikiExtractor and gzip files, with empty documents and odd Unicode."""
    rng = np.random.default_rng(1)
    root = tmp_path_factory.mktemp("corpus")
    for i in range(7):
        (root / f"plain{i}.txt").write_text(
            "\n\n".join(_text(rng, int(rng.integers(0, 60))) for _ in range(20)),
            encoding="utf-8")
    docs = "".join(f'<doc id="{j}" url="u" title="t">\nTitle {j}\n\n{_text(rng, 80)}\n</doc>\n'
                   for j in range(12))
    (root / "wiki_00").write_text(docs, encoding="utf-8")
    with gzip.open(root / "packed.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(_text(rng, 300))
    (root / "latin1.txt").write_bytes("caf\xe9 cat sat on the mat\n".encode("latin-1"))
    (root / "empty.txt").write_text("\n\n", encoding="utf-8")
    return root


def _assert_same_counts(a: wordvec.Cooccurrences, b: wordvec.Cooccurrences) -> None:
    assert a.vocab.words == b.vocab.words
    np.testing.assert_array_equal(a.vocab.counts, b.vocab.counts)
    assert a.matrix.shape == b.matrix.shape
    assert (a.matrix != b.matrix).nnz == 0  # exactly equal, not just close
    for key in ("read", "tokens", "types", "tokens_after_subsampling", "pairs"):
        assert a.stats[key] == b.stats[key], key


@pytest.mark.parametrize("tokenizer", [Tokenizer(), Tokenizer(lowercase=False, numbers="zero")])
def test_parallel_tokenizing_equals_serial(corpus_dir: Path, tokenizer: Tokenizer) -> None:
    kw = dict(tokenizer=tokenizer, min_count=1, subsample=0.01, window=3, progress=False)
    serial = wordvec.count(corpus_dir, n_jobs=1, max_memory=None, **kw)
    parallel = wordvec.count(corpus_dir, n_jobs=2, **kw)
    _assert_same_counts(serial, parallel)
    assert serial.stats["read"]["replaced_characters"] == 1


@pytest.mark.parametrize("n_jobs,mode", [(1, "dirty"), (2, "clean")])
def test_compiled_tokenizing_equals_python(corpus_dir: Path, n_jobs: int, mode: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels (tokenizer, type table, remap, subsampling, counting) = NumPy and Python."""
    kw = dict(min_count=1, subsample=0.01, subsample_mode=mode, window=3, progress=False,
              n_jobs=n_jobs)
    compiled = wordvec.count(corpus_dir, **kw)
    monkeypatch.setattr("wordvec._ext._kernels.load", lambda: None)  # in this process: no kernels
    python = wordvec.count(corpus_dir, **kw)
    _assert_same_counts(compiled, python)


def test_spilled_counting_equals_in_memory(corpus_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    kw = dict(min_count=1, subsample=0.0, window=4, progress=False)
    monkeypatch.setattr("wordvec.text._reading._CHUNK_TOKENS", 300)  # many chunks, many partials
    in_memory = wordvec.count(corpus_dir, n_jobs=1, max_memory=None, **kw)
    spilled = wordvec.count(corpus_dir, n_jobs=2, max_memory=2048, tmp_dir=corpus_dir.parent,
                            **kw)
    assert spilled.stats["count_spills"] > 1
    assert in_memory.stats["count_spills"] == 0
    _assert_same_counts(in_memory, spilled)
    assert not list(corpus_dir.parent.glob("wordvec-*"))  # spilled files are removed


docs_strategy = id_documents(12, max_len=40, max_docs=10, n_holes=3)


def test_script_without_main_guard_counts_in_parallel(corpus_dir: Path, tmp_path: Path) -> None:
    """A user's script with no ``if __name__ == "__main__":`` still works.

    Worker processes are started from a forkserver; had they imported the caller's
    script (as ``spawn``/``forkserver`` do by default), its top-level code would run
    again in each of them and multiprocessing would refuse to start the pool.
    """
    script = tmp_path / "user_script.py"
    marker = tmp_path / "ran.txt"
    script.write_text(
        "import wordvec\n"
        f"open({str(marker)!r}, 'a').write('x')\n"
        f"c = wordvec.count({str(corpus_dir)!r}, min_count=1, n_jobs=2, progress=False)\n"
        "print(len(c.vocab))\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    serial = wordvec.count(corpus_dir, min_count=1, n_jobs=1, progress=False)
    assert proc.stdout.split() == [str(len(serial.vocab))]
    assert marker.read_text() == "x"  # the script's top level ran once, in the parent only


@pytest.mark.parametrize("document", ["paragraph", "line"])
def test_one_big_plain_file_is_read_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              document: str) -> None:
    """A large plain file is cut (after blank lines for paragraphs, else at line starts)
    and read by all workers, with the same documents and counts as one reader."""
    rng = np.random.default_rng(3)
    lines = [_text(rng, int(rng.integers(0, 40))).replace("\n", " ") for _ in range(400)]
    for i in range(7, 400, 9):
        lines[i] = ""  # blank lines end paragraphs and are no documents
    big = tmp_path / "big.txt"
    big.write_bytes("\n".join(lines).encode("utf-8") + b"\ncaf\xe9 au lait\n\n  \nlast line")
    monkeypatch.setattr("wordvec.text._reading._PIECE_BYTES", 1500)
    pieces = textfiles.plain_pieces(big, 1500, document)
    assert len(pieces) > 5 and pieces[0][0] == 0 and pieces[-1][1] == big.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))  # contiguous
    data = big.read_bytes()
    assert all(data[start - 1:start] == b"\n" for start, _ in pieces[1:])  # at line starts
    if document == "paragraph":  # after a blank line
        assert all(data[:start].rstrip(b" ").endswith(b"\n\n") for start, _ in pieces[1:])
    whole = list(textfiles.iter_file(big, document=document))
    parts = [d for s, e in pieces for d in textfiles.iter_file(big, byte_range=(s, e),
                                                                document=document)]
    text = data.decode("utf-8", "replace")
    lines = [s.strip() for s in text.split("\n")]
    reference = [s for s in lines if s] if document == "line" else [
        "\n".join(s for s in block.split("\n") if s)
        for block in "\n".join(lines).split("\n\n")]
    reference = [d for d in reference if d]
    assert parts == whole == reference
    kw = {"min_count": 1, "window": 3, "subsample": 0.0, "progress": False,
          "document": document}
    serial = wordvec.count(big, n_jobs=1, **kw)
    parallel = wordvec.count(big, n_jobs=2, **kw)
    _assert_same_counts(serial, parallel)
    assert parallel.stats["read"]["files"] == 1
    assert parallel.stats["read"]["replaced_characters"] == 1
    assert textfiles.plain_pieces(big, 1500, "file") == [(0, -1)]  # one document: one reader


def test_wiki_and_compressed_files_are_not_cut(corpus_dir: Path) -> None:
    for name in ("wiki_00", "packed.txt.gz"):
        assert textfiles.plain_pieces(corpus_dir / name, 10) == [(0, -1)]
