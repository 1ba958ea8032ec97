"""build/count end to end on tiny corpora written here; bad input gets one clear message."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import wordvec
from wordvec.errors import CorpusError, CorpusNotFoundError

SMALL = {"window": 2, "min_count": 1, "subsample": 0, "dim": 3, "progress": False}


def tiny_corpus(n_docs: int = 60, seed: int = 0) -> list[str]:
    """Two topics with disjoint words, so the geometry is known in advance."""
    rng = np.random.default_rng(seed)
    animals = ["cat", "dog", "mouse", "horse", "cow", "sheep"]
    vehicles = ["car", "bus", "train", "truck", "bike", "plane"]
    docs = []
    for i in range(n_docs):
        words = animals if i % 2 else vehicles
        docs.append(" ".join(rng.choice(words, 12)))
    return docs


def test_build_separates_topics() -> None:
    wv = wordvec.build(tiny_corpus(), **SMALL)
    assert len(wv) == 12 and wv.vector_size == 3
    assert wv.similarity("cat", "dog") > 0.3
    assert abs(wv.similarity("cat", "car")) < 0.05  # the topics share no context
    nearest = [w for w, _ in wv.most_similar("cat", topn=5)]
    assert set(nearest) == {"dog", "mouse", "horse", "cow", "sheep"}
    assert wv.params["window"] == 2 and wv.params["dim"] == 3
    assert wv.stats["tokens"] == 60 * 12
    assert wv.stats["read"]["documents"] == 60


def test_svd_precision_changes_the_vectors_only_by_rounding() -> None:
    """Half-precision steps (the default) against single precision: the same vectors up
    to ~1e-4, and the choice is recorded with the model."""
    docs = tiny_corpus(200, seed=3) + [
        " ".join(f"w{(i * 7) % 50} w{i % 50}" for i in range(k, k + 30))
        for k in range(0, 3000, 30)]
    kw = {**SMALL, "dim": 10}
    half = wordvec.build(docs, **kw)
    single = wordvec.build(docs, svd_precision="single", **kw)
    assert half.params["svd_precision"] == "half" and single.params["svd_precision"] == "single"
    np.testing.assert_allclose(half.stats["singular_values"], single.stats["singular_values"],
                               rtol=1e-4)
    np.testing.assert_allclose(half.vectors @ half.vectors.T,
                               single.vectors @ single.vectors.T, atol=1e-3)


def test_documents_are_boundaries() -> None:
    counts = wordvec.count(["a b", "c d"], min_count=1, window=5, subsample=0,
                           window_weighting="uniform", progress=False)
    m = counts.matrix.toarray()
    ids = counts.vocab.index
    assert m[ids["a"], ids["b"]] == 1 and m[ids["c"], ids["d"]] == 1
    assert m[ids["b"], ids["c"]] == 0 and m[ids["a"], ids["d"]] == 0


def test_token_lists_are_used_as_given() -> None:
    counts = wordvec.count([["New York", "is", "big"]], min_count=1, subsample=0,
                           progress=False)
    assert "New York" in counts.vocab


def test_oov_words_removed_before_windowing() -> None:
    # "rare" occurs once and min_count=2 removes it, so "a" and "b" become neighbours.
    counts = wordvec.count(["a rare b", "a b"], min_count=2, window=1, subsample=0,
                           window_weighting="uniform", progress=False)
    ids = counts.vocab.index
    assert counts.matrix.toarray()[ids["a"], ids["b"]] == 2


def test_subsampling_is_seeded_and_modes_differ() -> None:
    docs = tiny_corpus(200)
    kw = {"min_count": 1, "subsample": 0.01, "progress": False}  # keeps ~47% of each word
    first = wordvec.count(docs, seed=1, **kw)
    again = wordvec.count(docs, seed=1, **kw)
    other = wordvec.count(docs, seed=2, **kw)
    assert (first.matrix != again.matrix).nnz == 0
    assert (first.matrix != other.matrix).nnz > 0
    kept = first.stats["tokens_after_subsampling"]
    assert 0 < kept < first.stats["tokens_in_vocab"]
    clean = wordvec.count(docs, seed=1, subsample_mode="clean", **kw)
    # Clean subsampling keeps positions: fewer pairs than dirty with the same draws.
    assert clean.matrix.sum() < first.matrix.sum()


def test_build_is_deterministic(tmp_path: Path) -> None:
    a = wordvec.build(tiny_corpus(), seed=3, **SMALL)
    b = wordvec.build(tiny_corpus(), seed=3, **SMALL)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    assert a.index_to_key == b.index_to_key


def test_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("\n\n".join(tiny_corpus(30)), encoding="utf-8")
    (tmp_path / "y.txt").write_text("\n\n".join(tiny_corpus(30, seed=1)), encoding="utf-8")
    wv = wordvec.build(tmp_path, **SMALL)
    assert wv.stats["read"]["files"] == 2 and wv.stats["read"]["documents"] == 60


def test_save_load_roundtrip_keeps_params(tmp_path: Path) -> None:
    wv = wordvec.build(tiny_corpus(), **SMALL)
    path = tmp_path / "m.model"
    wv.save(path)
    back = wordvec.load(path)
    np.testing.assert_array_equal(back.vectors, wv.vectors)
    assert back.index_to_key == wv.index_to_key
    assert back.params == wv.params
    assert back.stats["tokens"] == wv.stats["tokens"]
    assert list(back.counts) == list(wv.counts)
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed away


def test_counts_merge_equals_concatenation() -> None:
    docs_a, docs_b = tiny_corpus(40), tiny_corpus(40, seed=5)
    kw = {"min_count": 1, "subsample": 0, "progress": False}
    merged = wordvec.count(docs_a, **kw).merge(wordvec.count(docs_b, **kw))
    both = wordvec.count(docs_a + docs_b, **kw)
    assert sorted(merged.vocab.words) == sorted(both.vocab.words)
    np.testing.assert_array_equal(np.sort(merged.vocab.counts), np.sort(both.vocab.counts))
    order = [merged.vocab.index[w] for w in both.vocab.words]  # ties may be ordered apart
    np.testing.assert_allclose(merged.matrix.toarray()[np.ix_(order, order)],
                               both.matrix.toarray(), rtol=1e-6)


@pytest.mark.parametrize("params, error, match", [
    ({"window": 0}, ValueError, r"window must be an integer in \[1, 1000\]; got 0"),
    ({"window_weighting": "gauss"}, ValueError,
     r"window_weighting must be one of 'uniform', 'harmonic', 'dynamic'; got 'gauss'"),
    ({"subsample": -1}, ValueError, r"subsample must be a finite number >= 0.0 and <= 1.0; got -1"),
    ({"eig": 3}, ValueError, r"eig must be a finite number >= 0.0 and <= 1.0; got 3"),
    ({"dim": "300"}, ValueError, r"dim must be an integer >= 1; got '300'"),
    ({"windw": 5}, TypeError, r"unknown parameter\(s\) windw; allowed: window"),
    ({"svd_precision": "double"}, ValueError,
     r"svd_precision must be one of 'half', 'single'; got 'double'"),
    ({"dim": 50}, ValueError, r"dim=50 must be smaller than the vocabulary size 12"),
    ({"min_count": 1000}, CorpusError,
     r"min_count=1000 removed every word \(the most frequent word occurs \d+ times\); "
     r"lower min_count"),
])
def test_bad_parameters(params: dict, error: type, match: str) -> None:
    kw = {**SMALL, **params}
    with pytest.raises(error, match=match):
        wordvec.build(tiny_corpus(), **kw)


def test_missing_file_and_empty_corpus(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFoundError, match=r"'nope.txt' is not an existing file"):
        wordvec.build("nope.txt", **SMALL)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n  \n")
    with pytest.raises(CorpusError, match=r"holds no tokens \(0 documents read\)"):
        wordvec.build(empty, **SMALL)
    with pytest.raises(CorpusError, match="holds no tokens"):
        wordvec.build(["... !!!", "--"], **SMALL)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_killed_build_leaves_no_model(tmp_path: Path, sig: int) -> None:
    """Ctrl-C and ``kill`` remove everything the build wrote; ``kill -9`` cannot be
    handled, but the model's name never holds a partial file (writes are renamed into
    place), so at most a hidden ``.model.wv.*.tmp`` is left, had the signal come while
    saving."""
    rng = np.random.default_rng(0)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    vocab = [f"w{i}" for i in range(3000)]
    for i in range(4):
        (corpus / f"part{i}.txt").write_text(
            "\n".join(" ".join(rng.choice(vocab, 200)) for _ in range(1500)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "wordvec", "build", str(corpus), "-o",
                             str(out / "model.wv"), "-q", "--dim", "50", "--min-count", "1"],
                            stderr=subprocess.PIPE, text=True, cwd=out)
    time.sleep(1.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # pragma: no cover - the machine was faster than the signal
        pytest.skip("the build finished before the signal")
    assert proc.returncode != 0
    left = sorted(p.name for p in out.iterdir())
    if sig == signal.SIGKILL:
        assert all(name.startswith(".model.wv.") and name.endswith(".tmp") for name in left)
    else:
        assert left == [], err


def test_tiny_corpus_builds_with_subsampling_left_out() -> None:
    """Fewer than 1/subsample tokens: subsampling would thin out even words seen once,
    so it is left out with one warning that points at the caller and says how to silence it."""
    docs = [["the", "cat"], ["the", "dog"]] * 200
    with pytest.warns(wordvec.SmallCorpusWarning, match=r"800 tokens is fewer than "
                      r"1/subsample = 33,333.*subsample=0") as caught:
        wv = wordvec.build(docs, dim=2, progress=False, n_jobs=1)
    assert [w.filename for w in caught] == [__file__]
    assert wv.stats["subsample_applied"] == 0.0 and wv.params["subsample"] == 3e-5
    assert wv.stats["tokens_after_subsampling"] == 800
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert wordvec.build(docs, dim=2, subsample=0, progress=False, n_jobs=1).stats[
            "tokens_after_subsampling"] == 800


def test_subsampling_applies_from_one_over_t_tokens() -> None:
    rng = np.random.default_rng(0)
    docs = [[f"w{i}" for i in rng.zipf(1.3, 50) % 300] for _ in range(800)]  # 40,000 tokens
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wv = wordvec.build(docs, dim=4, min_count=1, progress=False, n_jobs=1)
    assert wv.stats["subsample_applied"] == 3e-5
    assert wv.stats["tokens_after_subsampling"] < wv.stats["tokens_in_vocab"]


def test_dim_auto_follows_the_corpus_size() -> None:
    from wordvec.params import auto_dim

    assert [auto_dim(n) for n in (10**5, 10**6, 2_500_000, 5 * 10**6, 16_500_000, 10**8)] == \
        [50, 100, 150, 250, 500, 500]
    assert auto_dim(10**6, vocab_size=40) == 39  # below the vocabulary size
    rng = np.random.default_rng(0)
    docs = [[f"w{i}" for i in rng.integers(0, 400, 30)] for _ in range(2000)]  # 60,000 tokens
    wv = wordvec.build(docs, min_count=1, subsample=0, progress=False, n_jobs=1)
    assert wv.vector_size == wv.params["dim"] == 50
    assert wv.stats["dim_rule"] == "auto: 50 for 60,000 tokens"
    assert wordvec.build(docs, dim=7, min_count=1, subsample=0, progress=False,
                         n_jobs=1).vector_size == 7
    with pytest.raises(ValueError, match="dim"):
        wordvec.build(docs, dim="big", progress=False)
