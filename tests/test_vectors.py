"""WordVectors container and its single-query helpers, against hand values and gensim."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec import WordVectors
from wordvec.vectors.vectors import UnusableVectorWarning

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")


@pytest.fixture
def wv():
    rng = np.random.default_rng(5)
    return WordVectors(rng.standard_normal((40, 6)), [f"w{i}" for i in range(40)])


@pytest.fixture
def kv(wv):
    kv = gensim_kv.KeyedVectors(wv.vector_size)
    kv.add_vectors(wv.index_to_key, np.array(wv.vectors))
    return kv


def test_container_is_read_only(wv):
    assert len(wv) == 40 and "w3" in wv and "zebra" not in wv
    assert wv.key_to_index["w7"] == 7 and wv.index_to_key[7] == "w7"
    for array in (wv.vectors, wv["w1"], wv[["w1", "w2"]], wv.unit_vectors):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0
    assert np.allclose(np.linalg.norm(wv.unit_vectors, axis=1), 1.0, atol=1e-6)


def test_zero_vector_stays_zero_and_is_refused_in_cosines():
    wv = WordVectors(np.array([[0, 0], [1, 0]]), ["zero", "x"])
    with pytest.warns(UnusableVectorWarning, match="1 of 2 words have a zero or non-finite"):
        assert wv.unit_vectors[0].tolist() == [0.0, 0.0]
    assert wv.unusable_rows.tolist() == [0]
    with pytest.raises(ValueError, match="word 'zero' has a zero or non-finite vector"):
        wv.similarity("zero", "x")
    with pytest.raises(ValueError, match="'zero' has a zero"):
        wv.distances("x", ["zero"])
    assert wv.distances("x").tolist() == [np.inf, 0.0]  # never closer than a word
    with pytest.raises(ValueError, match="one word list is zero"):
        WordVectors(np.array([[1, 0], [-1, 0], [0, 1]]), list("abc")).n_similarity(
            ["a", "b"], ["c"])


def test_hand_values():
    wv = WordVectors(np.array([[1, 0], [1, 0.1], [1, 1], [0, 1]]), ["w", "x", "y", "z"])
    assert wv.similarity("w", "y") == pytest.approx(np.sqrt(0.5))
    assert wv.distances("w", ["y", "z"]) == pytest.approx([1 - np.sqrt(0.5), 1.0])
    assert wv.closer_than("w", "y") == ["x"]
    assert wv.rank("w", "y") == 2 and wv.rank("w", "x") == 1
    assert wv.doesnt_match(["w", "x", "z"]) == "z"
    assert wv.n_similarity(["w", "z"], ["y"]) == pytest.approx(1.0)


def test_helpers_match_gensim(wv, kv):
    assert wv.similarity("w1", "w2") == pytest.approx(float(kv.similarity("w1", "w2")), abs=1e-6)
    assert wv.n_similarity(["w1", "w2"], ["w3", "w4", "w5"]) == pytest.approx(
        float(kv.n_similarity(["w1", "w2"], ["w3", "w4", "w5"])), abs=1e-6)
    assert np.allclose(wv.distances("w3"), kv.distances("w3"), atol=1e-6)
    assert np.allclose(wv.distances("w3", ["w1", "w9"]), kv.distances("w3", ["w1", "w9"]),
                       atol=1e-6)
    assert wv.closer_than("w0", "w20") == kv.closer_than("w0", "w20")
    assert wv.rank("w0", "w20") == kv.rank("w0", "w20")
    group = ["w1", "w2", "w3", "w4", "w5"]
    assert wv.doesnt_match(group) == kv.doesnt_match(group)


def test_unknown_words_name_the_word(wv):
    for call in (lambda: wv["zebra"], lambda: wv.similarity("w1", "zebra"),
                 lambda: wv.distances("zebra"), lambda: wv.rank("w1", "zebra"),
                 lambda: wv.doesnt_match(["w1", "zebra"]),
                 lambda: wv.n_similarity(["zebra"], ["w1"])):
        with pytest.raises(KeyError, match="'zebra' not in vocabulary"):
            call()
    with pytest.raises(ValueError, match="non-empty"):
        wv.n_similarity([], ["w1"])


def test_native_round_trip(wv, tmp_path):
    path = tmp_path / "m.wv"
    WordVectors(wv.vectors, wv.index_to_key, counts=np.arange(40)[::-1],
                params={"dim": 6}).save(path)
    for mmap in (None, "r"):
        back = WordVectors.load(path, mmap=mmap)
        assert back.index_to_key == wv.index_to_key
        assert np.array_equal(back.vectors, wv.vectors)
        assert back.params == {"dim": 6} and back.counts[0] == 39
        assert back.most_similar("w1", topn=3) == wv.most_similar("w1", topn=3)


@pytest.mark.parametrize("args, message", [
    ((np.eye(4), "abcd"), "single str"),
    ((np.eye(2), [1, 2]), r"words must be str; got 1 \(int\)"),
    ((np.eye(2) * 1j, ["a", "b"]), "must hold real numbers; got dtype complex"),
    ((np.zeros((2, 0)), ["a", "b"]), "at least one column"),
    ((np.eye(2), ["a"]), "1 words for 2 vectors"),
    ((np.eye(2), ["a", "a"]), "duplicate word 'a'"),
])
def test_constructor_checks_its_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        WordVectors(*args)


@pytest.mark.parametrize("counts, message", [
    ([1], r"2 non-negative integers, one per word; got shape \(1,\)"),
    ([1, -1], "non-negative"), ("ab", "got a str"), ([1.5, 2], "whole numbers"),
    ([np.nan, 1], "whole numbers")])
def test_counts_are_checked(counts, message):
    with pytest.raises(ValueError, match=message):
        WordVectors(np.eye(2), ["a", "b"], counts=counts)
    assert WordVectors(np.eye(2), ["a", "b"], counts=[3.0, 1]).counts.tolist() == [3, 1]


def test_params_must_be_dicts_and_indexing_names_the_type():
    with pytest.raises(ValueError, match="params must be a dict; got list"):
        WordVectors(np.eye(2), ["a", "b"], params=[1])
    with pytest.raises(TypeError, match="index with a word .str. or a list of words; got int"):
        WordVectors(np.eye(2), ["a", "b"])[1]
