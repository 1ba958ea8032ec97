"""Integration on real text: NLTK brown, built with the defaults."""

from __future__ import annotations

import pytest

import wordvec

from .conftest import NLTK_DATA, needs_shared

pytestmark = [needs_shared(NLTK_DATA / "corpora" / "brown.zip"), pytest.mark.shared,
              pytest.mark.slow]


@pytest.fixture(scope="module")
def brown() -> wordvec.WordVectors:
    return wordvec.build("brown", progress=False)


@pytest.mark.parametrize("word, near, far", [
    ("money", "dollars", "river"),
    ("husband", "wife", "industry"),
    ("monday", "friday", "soldiers"),
    ("army", "soldiers", "paint"),
    ("president", "kennedy", "sugar"),
    ("red", "green", "income"),
])
def test_obvious_pairs_are_closer(brown: wordvec.WordVectors, word: str, near: str,
                                  far: str) -> None:
    assert brown.similarity(word, near) > brown.similarity(word, far) + 0.1


def test_vocabulary_and_neighbours(brown: wordvec.WordVectors) -> None:
    assert 10_000 < len(brown) < 20_000  # min_count=5 on 1.16M words
    assert brown.vector_size == brown.params["dim"] == 100  # dim="auto" on 1M tokens
    days = {"tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    assert days & {w for w, _ in brown.most_similar("monday", topn=10)}
