"""Co-occurrence counting against a slow, obvious reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wordvec.counting.counter import HOLE, SEPARATOR, CooccurrenceCounter


def naive_counts(docs: list[list[int]], vocab_size: int, window: int,
                 weighting: str) -> np.ndarray:
    """Loop over every token and every distance: the definition, slowly."""
    m = np.zeros((vocab_size, vocab_size))
    for doc in docs:
        for i, a in enumerate(doc):
            for d in range(1, window + 1):
                if i + d >= len(doc):
                    break
                b = doc[i + d]
                if a < 0 or b < 0:
                    continue
                if weighting == "uniform":
                    w = 1.0
                elif weighting == "harmonic":
                    w = 1.0 / d
                else:
                    w = (window - d + 1) / window
                m[a, b] += w
                m[b, a] += w
    return m


def stream_of(docs: list[list[int]]) -> np.ndarray:
    out: list[int] = []
    for doc in docs:
        out.extend(doc)
        out.append(SEPARATOR)
    return np.array(out, dtype=np.int32)


def test_small_example_by_hand() -> None:
    # doc "0 1 2", window 2, dynamic: (0,1) 1, (1,2) 1, (0,2) 1/2; the second doc
    # "2 0" adds (2,0) 1. Nothing crosses the separator.
    c = CooccurrenceCounter(3, window=2, window_weighting="dynamic")
    c.update(np.array([0, 1, 2, SEPARATOR, 2, 0], dtype=np.int32))
    expected = np.array([[0, 1, 1.5], [1, 0, 1], [1.5, 1, 0]])
    np.testing.assert_allclose(c.result().toarray(), expected)


def test_hole_keeps_distance() -> None:
    c = CooccurrenceCounter(2, window=2, window_weighting="harmonic")
    c.update(np.array([0, HOLE, 1], dtype=np.int32))
    np.testing.assert_allclose(c.result().toarray(), [[0, 0.5], [0.5, 0]])


def id_documents(n_words: int, max_len: int, max_docs: int,
                 n_holes: int = 2) -> st.SearchStrategy[list[list[int]]]:
    """Documents of word ids ``0..n_words-1`` with about ``n_holes`` in ``n_words`` holes."""
    token = st.integers(min_value=-n_holes, max_value=n_words - 1)
    return st.lists(st.lists(token.map(lambda x: HOLE if x < 0 else x), max_size=max_len),
                    min_size=1, max_size=max_docs)


docs_strategy = id_documents(8, max_len=25, max_docs=8)


@settings(max_examples=60, deadline=None)
@given(docs=docs_strategy, window=st.integers(1, 6),
       weighting=st.sampled_from(["uniform", "harmonic", "dynamic"]),
       chunk=st.integers(1, 40))
def test_matches_naive_reference(docs: list[list[int]], window: int, weighting: str,
                                 chunk: int) -> None:
    stream = stream_of(docs)
    counter = CooccurrenceCounter(8, window=window, window_weighting=weighting)
    for start in range(0, len(stream), chunk):  # documents continue across chunks
        counter.update(stream[start:start + chunk])
    got = counter.result()
    np.testing.assert_allclose(got.toarray(), naive_counts(docs, 8, window, weighting),
                               rtol=1e-6, atol=1e-6)
    assert got.dtype == np.float32
    assert got.has_canonical_format


def test_merge_equals_one_counter() -> None:
    rng = np.random.default_rng(0)
    stream = rng.integers(0, 20, 500).astype(np.int32)
    whole = CooccurrenceCounter(20, window=3)
    whole.update(stream)
    first, second = CooccurrenceCounter(20, window=3), CooccurrenceCounter(20, window=3)
    first.update(stream[:200])
    second.update(stream[200:])
    first.merge(second)
    # The merged counters miss the pairs that straddle the cut, and only those.
    straddle = naive_counts([list(stream[197:203])], 20, 3, "dynamic") \
        - naive_counts([list(stream[197:200]), list(stream[200:203])], 20, 3, "dynamic")
    np.testing.assert_allclose(first.result().toarray() + straddle, whole.result().toarray(),
                               rtol=1e-6)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match=r"window must be an integer >= 1; got 0"):
        CooccurrenceCounter(5, window=0)
    with pytest.raises(ValueError, match=r"window_weighting must be one of .*got 'linear'"):
        CooccurrenceCounter(5, window_weighting="linear")
    c = CooccurrenceCounter(5)
    with pytest.raises(ValueError, match="word id 9 out of range for vocab_size=5"):
        c.update(np.array([1, 9], dtype=np.int32))


@pytest.mark.parametrize("chunks", [1, 3, 8])
def test_result_can_be_called_twice(chunks: int) -> None:
    """result() divides a sum it made in place; its own partials must stay untouched."""
    c = CooccurrenceCounter(5, window=3)  # dynamic weights: integer scale 3
    for k in range(chunks):
        c.update(np.array([0, 1, 2, 3, 4, k % 5, 1], dtype=np.int32))
    first = c.result().toarray()
    assert len(c._partials) == 1  # merged into one before C + C.T: their memory is free
    np.testing.assert_array_equal(c.result().toarray(), first)
    c.update(np.array([2, 3], dtype=np.int32))
    whole = CooccurrenceCounter(5, window=3)  # the same stream, counted in one go
    for k in range(chunks):
        whole.update(np.array([0, 1, 2, 3, 4, k % 5, 1], dtype=np.int32))
    whole.update(np.array([2, 3], dtype=np.int32))
    np.testing.assert_array_equal(c.result().toarray(), whole.result().toarray())
    assert c.result().sum() > first.sum()


@settings(max_examples=40, deadline=None)
@given(docs=docs_strategy, window=st.integers(1, 6),
       weighting=st.sampled_from(["uniform", "harmonic", "dynamic"]),
       chunk=st.integers(1, 50), budget=st.integers(200, 5000), threads=st.integers(1, 3))
def test_counter_fast_paths_are_exact(docs: list[list[int]], window: int, weighting: str,
                                      chunk: int, budget: int, threads: int) -> None:
    stream = np.array([t for d in docs for t in d + [SEPARATOR]], dtype=np.int32)
    reference = CooccurrenceCounter(12, window=window, window_weighting=weighting)
    reference.update(stream)  # one chunk, one thread, in memory
    fast = CooccurrenceCounter(12, window=window, window_weighting=weighting,
                               max_memory=budget, n_jobs=threads)
    for start in range(0, len(stream), chunk):
        fast.update(stream[start:start + chunk])
    a, b = reference.result(), fast.result()
    fast.close()
    assert a.dtype == b.dtype == np.float32
    assert a.has_canonical_format and b.has_canonical_format
    np.testing.assert_array_equal(a.toarray(), b.toarray())
    assert reference.pairs == fast.pairs


def test_counter_spills_and_cleans_up(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    counter = CooccurrenceCounter(50, window=2, max_memory=1000, tmp_dir=tmp_path)
    for _ in range(10):
        counter.update(rng.integers(0, 50, 200).astype(np.int32))
    assert counter.spills > 1
    assert list(tmp_path.iterdir())  # runs on disk
    reference = CooccurrenceCounter(50, window=2)
    rng = np.random.default_rng(0)
    for _ in range(10):
        reference.update(rng.integers(0, 50, 200).astype(np.int32))
    np.testing.assert_array_equal(counter.result().toarray(), reference.result().toarray())
    counter.close()
    assert not list(tmp_path.iterdir())
