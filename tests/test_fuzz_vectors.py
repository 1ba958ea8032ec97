"""Fuzzed vector files (native, word2vec text and binary, GloVe): a correct load or a
FormatError, never anything else; a crash of the loading process fails the test.

Run with ``-s`` to see the tally per format."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec import WordVectors
from wordvec.vectors.formats import save_glove, save_word2vec

from .fuzzing import mutations, run_cases, truncations

CHECK = "tests.test_fuzz_vectors:check_vectors"


def check_vectors(wv: WordVectors) -> None:
    """A clean load must be a sound model: finite values, unique str words, one per row."""
    vectors = np.asarray(wv.vectors)
    assert vectors.ndim == 2 and vectors.shape[0] == len(wv.index_to_key)
    assert np.isfinite(vectors).all(), "non-finite value loaded"
    assert len(set(wv.index_to_key)) == len(wv) and all(
        isinstance(w, str) and w for w in wv.index_to_key)
    assert wv.counts is None or (len(wv.counts) == len(wv) and (wv.counts >= 0).all())


def _model() -> WordVectors:
    vectors = np.array([[0.5, -1, 2, 3], [1e-3, 4, -5, 6], [7, 8, 9.25, -10]], np.float32)
    return WordVectors(vectors, ["the", "caf\u00e9", "dog"], counts=[9, 4, 2])


@pytest.mark.parametrize("fmt, loader, kwargs", [
    ("native", "wordvec.vectors.vectors:WordVectors.load", {}),
    ("native-mmap", "wordvec.vectors.vectors:WordVectors.load", {"mmap": "r"}),
    ("word2vec", "wordvec.vectors.formats:load_word2vec", {}),
    ("word2vec-binary", "wordvec.vectors.formats:load_word2vec", {"binary": True}),
    ("glove", "wordvec.vectors.formats:load_glove", {}),
    ("auto", "wordvec.vectors.formats:load_vectors", {}),
])
def test_fuzzed_vector_files(tmp_path, fmt, loader, kwargs):
    path = tmp_path / "v"
    wv = _model()
    if fmt.startswith("native"):
        wv.save(path)
    elif fmt == "glove":
        save_glove(wv, path)
    else:
        save_word2vec(wv, path, binary=fmt == "word2vec-binary")
    data = path.read_bytes()
    cases = truncations(data, step=max(1, len(data) // 400)) + mutations(data, 300, seed=7)
    tally = run_cases(loader, cases, kwargs=kwargs, check=CHECK)
    print(f"\n{fmt}: {tally}")
    assert tally.counts["other"] == 0, tally.others[:3]
    assert tally.counts["ok"] >= 1 and tally.counts["error"] >= 1
