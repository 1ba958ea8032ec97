"""Vocabulary: bad words or counts passed in code give a ValueError naming the parameter."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from wordvec.counting.vocab import Vocabulary, check_counts, keep_probabilities, select_words


def test_valid_counts_kept() -> None:
    v = Vocabulary(["a", "b"], np.array([5.0, 2.0]))
    assert v.counts.dtype == np.int64 and v.counts.tolist() == [5, 2]
    assert Vocabulary(["a"], np.array([1], dtype=np.uint8)).total == 1
    assert len(Vocabulary([], [])) == 0


@pytest.mark.parametrize("counts, match", [
    ([3, -1], r"counts must be non-negative integers; got -1"),
    ([3, 1.5], r"counts must be non-negative whole numbers; got a fraction \(1\.5\)"),
    ([3, float("nan")], r"counts must be non-negative whole numbers; got NaN"),
    ([3, float("inf")], r"counts must be non-negative whole numbers; got NaN or infinity"),
    (["3", "1"], r"counts must be non-negative integers; got dtype <U1"),
    ([True, False], r"counts must be non-negative integers; got dtype bool"),
    ([[1, 2]], r"counts must be a 1-D array .* shape \(1, 2\)"),
    ([1e20, 1], r"counts must be non-negative integers below 2\*\*63"),
    (np.array([2**64 - 1, 1], dtype=np.uint64), r"counts must be non-negative integers below"),
])
def test_bad_counts(counts: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Vocabulary(["a", "b"], counts)


@pytest.mark.parametrize("words, match", [
    ("ab", r"words must be a sequence of str; got str"),
    (["a", 2], r"words must be a sequence of str; got an item 2 \(int\)"),
    (["a", "a"], r"words must be unique; 'a' appears twice"),
    (None, r"words must be a sequence of str; got NoneType"),
])
def test_bad_words(words: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Vocabulary(words, [2, 1])


def test_length_mismatch_and_from_functions() -> None:
    with pytest.raises(ValueError, match="2 words but 3 counts"):
        Vocabulary(["a", "b"], [1, 2, 3])
    with pytest.raises(ValueError, match="2 words but 3 counts"):
        Vocabulary.from_arrays(["a", "b"], np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="counts must be a mapping word -> count; got list"):
        Vocabulary.from_counts([("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"counts must be non-negative whole numbers"):
        Vocabulary.from_counts({"a": 1.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=r"counts must be non-negative integers; got -3"):
        select_words(np.array([-3, 2]))


def test_keep_probabilities_checks_and_zero_total() -> None:
    assert keep_probabilities(np.array([0, 0]), 0.1).tolist() == [1.0, 1.0]  # no 0/0 NaN
    with pytest.raises(ValueError, match="counts must be non-negative integers; got -1"):
        keep_probabilities(np.array([-1, 5]), 0.1)
    with pytest.raises(ValueError, match="subsample must be a finite number"):
        keep_probabilities(np.array([1, 5]), 2.0)


def test_check_counts_names_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"^word_counts must be"):
        check_counts("word_counts", [-1])
