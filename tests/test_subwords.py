"""Subword vectors: n-grams by hand, the ridge fit against a dense solve."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from wordvec.vectors.subwords import char_ngrams, fit_subwords, incidence, ngram_buckets


def test_ngrams_of_the_marked_word() -> None:
    assert char_ngrams("cat", 3, 4) == ["<ca", "<cat", "cat", "cat>", "at>"]
    assert char_ngrams("a", 3, 6) == ["<a>"]
    assert char_ngrams("ab", 1, 2) == ["<", "<a", "a", "ab", "b", "b>", ">"]
    assert ngram_buckets("cat", 3, 3, 7).tolist() == [
        zlib.crc32(g.encode()) % 7 for g in ("<ca", "cat", "at>")]


def test_incidence_rows_are_means() -> None:
    g, used = incidence(["cat", "cats"], 3, 3, 1000)
    assert g.shape == (2, used.size) and np.all(np.diff(used) > 0)
    np.testing.assert_allclose(np.asarray(g.sum(axis=1)).ravel(), 1.0, rtol=1e-6)
    assert g[0].nnz == 3 and g[1].nnz == 4  # <ca cat at> ; <ca cat ats ts>
    shared = set(g[0].indices) & set(g[1].indices)
    assert len(shared) == 2  # <ca and cat


def test_fit_solves_the_ridge_problem() -> None:
    rng = np.random.default_rng(0)
    words = ["walk", "walked", "walking", "talk", "talked", "talking", "city", "cities"]
    w = rng.standard_normal((len(words), 4)).astype(np.float32)
    lam = 0.05
    sw = fit_subwords(words, w, minn=2, maxn=4, buckets=10_000, lam=lam, n_iter=500, tol=1e-7)
    g, used = incidence(words, 2, 4, 10_000)
    dense = g.toarray().astype(np.float64)
    expected = np.linalg.solve(dense.T @ dense + lam * np.eye(used.size), dense.T @ w)
    np.testing.assert_allclose(sw.table, expected, atol=2e-4)
    np.testing.assert_array_equal(sw.buckets_used, used)
    # a word's vector is the mean of its n-grams' vectors
    np.testing.assert_allclose(sw.vector("walked"), (dense @ expected)[1], atol=2e-4)


def test_unseen_words_get_vectors_from_shared_ngrams() -> None:
    words = ["walk", "walked", "talk", "talked", "jump", "jumped"]
    w = np.eye(6, dtype=np.float32)
    sw = fit_subwords(words, w, minn=3, maxn=4, buckets=100_000, lam=0.01)
    v = sw.vector("walking")
    assert v is not None and sw.known_ngrams("walking") >= 2
    assert int(np.argmax(v)) in (0, 1)  # closest to walk / walked
    assert sw.vector("zzzz") is None and sw.known_ngrams("zzzz") == 0


@pytest.mark.parametrize("kw, message", [({"minn": 0}, "minn"), ({"minn": 4, "maxn": 3}, "maxn"),
                                         ({"lam": 0}, "lam"), ({"buckets": 0}, "buckets")])
def test_bad_parameters(kw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fit_subwords(["ab"], np.ones((1, 2)), **kw)
    with pytest.raises(ValueError, match="one row per word"):
        fit_subwords(["ab", "cd"], np.ones((1, 2)))


def test_min_words_leaves_out_buckets_of_one_word() -> None:
    words = ["walk", "walked", "talk", "talked", "xyzq"]
    g1, used1 = incidence(words, 3, 3, 100_000)
    g2, used2 = incidence(words, 3, 3, 100_000, min_words=2)
    assert used2.size < used1.size and set(used2) <= set(used1)
    assert g2[4].nnz == 0  # no n-gram of xyzq is shared
    sums = np.asarray(g2.sum(axis=1)).ravel()
    np.testing.assert_allclose(sums[:4], 1.0, rtol=1e-6)  # still means over what is kept
