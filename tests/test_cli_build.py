"""``wordvec build``: parameters by the same names, one-line errors, no partial files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import wordvec
from wordvec.cli import main

from .test_pipeline import tiny_corpus


@pytest.fixture()
def corpus_file(tmp_path: Path) -> Path:
    f = tmp_path / "corpus.txt"
    f.write_text("\n".join(tiny_corpus()), encoding="utf-8")
    return f


def test_build_then_query(corpus_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "m.model"
    code = main(["build", str(corpus_file), "-o", str(out), "--min-count", "1", "--dim", "3",
                 "--window", "2", "--subsample", "0", "--no-add-contexts", "-q",
                 "--show", "cat"])
    assert code == 0
    wv = wordvec.load(out)
    assert wv.params["window"] == 2 and wv.params["dim"] == 3
    printed = capsys.readouterr()
    summary, neighbours = printed.out.splitlines()[:2]
    assert "12 words x 3 dims" in summary and neighbours.startswith("cat: ")  # on stdout
    assert "tokenizing" not in printed.err  # --quiet silences progress bars


@pytest.mark.parametrize("args, message", [
    (["--window", "0"], "wordvec: error: window must be an integer in [1, 1000]; got 0"),
    (["--min-count", "999"], "wordvec: error: min_count=999 removed every word"),
    (["--eig", "2"], "wordvec: error: eig must be a finite number >= 0.0 and <= 1.0; got 2.0"),
])
def test_bad_parameters_give_one_line(corpus_file: Path, tmp_path: Path, capsys,
                                      args: list[str], message: str) -> None:
    out = tmp_path / "m.model"
    code = main(["build", str(corpus_file), "-o", str(out), "-q", "--dim", "3", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(message)
    assert "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".m.model.*"))


def test_missing_corpus_and_unwritable_output(tmp_path: Path, corpus_file: Path, capsys) -> None:
    assert main(["build", "missing.txt", "-o", str(tmp_path / "m"), "-q"]) == 2
    assert "'missing.txt' is not an existing file or folder" in capsys.readouterr().err
    code = main(["build", str(corpus_file), "-o", str(tmp_path / "no" / "dir" / "m"),
                 "-q", "--min-count", "1", "--dim", "3"])
    assert code == 2
    assert "folder" in capsys.readouterr().err


def test_module_entry_point(corpus_file: Path, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "wordvec", "build", str(corpus_file),
                           "-o", str(tmp_path / "m"), "--window", "x"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "argument --window: invalid int value: 'x'" in proc.stderr


def test_memory_and_jobs_flags(corpus_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.model"
    code = main(["build", str(corpus_file), "-o", str(out), "-q", "--min-count", "1",
                 "--dim", "3", "--subsample", "0", "--n-jobs", "1", "--max-memory", "1K", "--tmp-dir",
                 str(tmp_path)])
    assert code == 0
    wv = wordvec.load(out)
    assert wv.stats["count_spills"] > 0  # a 1 KiB budget forces spilling
    assert not list(tmp_path.glob("wordvec-*"))  # spilled runs are removed
    with pytest.raises(SystemExit):
        main(["build", str(corpus_file), "-o", str(out), "--max-memory", "lots"])


@pytest.mark.parametrize("args, message", [
    (["--context-weight", "inf"], "context_weight must be a finite number"),
    (["--window", "1000000000"], "window must be an integer in [1, 1000]; got 1000000000"),
    (["--seed", "-1"], "seed must be an integer in [0, 4294967295]; got -1"),
])
def test_bad_values_fail_before_reading_the_corpus(tmp_path, capsys, args, message):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    code = main(["build", str(corpus), "-o", str(tmp_path / "m"), "-q", *args])
    assert code == 2 and message in capsys.readouterr().err


def test_max_memory_must_be_a_positive_size(capsys):
    for bad in ("inf", "-5", "0", "nan"):
        with pytest.raises(SystemExit):
            main(["build", "brown", "-o", "/tmp/x", "--max-memory", bad])
        assert "expected a positive number of bytes" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["word2vec", "word2vec-binary", "glove", "native"])
def test_query_commands_open_every_format(tmp_path, capsys, fmt):
    import numpy as np

    from wordvec import WordVectors
    from wordvec.vectors.formats import save_glove, save_word2vec
    wv = WordVectors(np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 1]]), ["a", "b", "c", "d"])
    path = tmp_path / "v"
    if fmt == "native":
        wv.save(path)
    elif fmt == "glove":
        save_glove(wv, path)
    else:
        save_word2vec(wv, path, binary=fmt == "word2vec-binary")
    assert main(["similar", str(path), "a", "--topn", "1"]) == 0
    assert main(["analogy", str(path), "a", "b", "c"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("a\tb ") and "a b c\t" in out


def test_count_saves_counts_that_keep_every_word(corpus_file: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.npz"
    assert main(["count", str(corpus_file), "-o", str(out), "--window", "2", "-q"]) == 0
    counts = wordvec.Cooccurrences.load(out)
    assert counts.params["window"] == 2 and counts.params["min_count"] == 1
    expected = wordvec.count(str(corpus_file), window=2, progress=False)
    assert counts.vocab.words == expected.vocab.words
    assert (counts.matrix != expected.matrix).nnz == 0
    assert f"{out}: {len(counts.vocab)} words" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:  # --dim is not a counting flag: argparse's usage error
        main(["count", str(corpus_file), "-o", str(out), "--dim", "3"])
    assert exit_.value.code == 2
