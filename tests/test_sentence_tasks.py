"""Sentence-labelled NLTK tasks: sizes, labels and sources, and the names load_labelled sends."""

from __future__ import annotations

import pytest

from wordvec.text.labelled import load_labelled
from wordvec.text.sentence_tasks import SENTENCE_TASKS, _strength, load_sentence_task

from .conftest import NLTK_DATA, needs_shared


@needs_shared(NLTK_DATA / "corpora" / "pros_cons.zip")
def test_pros_cons_sentences() -> None:
    data = load_labelled("pros_cons")
    assert len(data) == 45_867 and data.class_counts() == {"Cons": 22_931, "Pros": 22_936}
    assert all(isinstance(t, str) and t for t in data.texts)
    assert data.sources[0].startswith("pros_cons/") and ":" in data.sources[0]
    assert load_labelled("nltk:pros_cons").labels == data.labels


@needs_shared(NLTK_DATA / "corpora" / "product_reviews_2.zip")
def test_product_review_sentences_take_the_sign_of_their_opinions() -> None:
    one, two = load_sentence_task("product_reviews_1"), load_sentence_task("product_reviews_2")
    both = load_sentence_task("product_reviews")
    assert len(both) == len(one) + len(two) == 3_623
    assert both.class_counts() == {"neg": 1_315, "pos": 2_308}
    assert set(both.labels) == {"pos", "neg"}
    assert not any(s.endswith("README.txt") for s in both.sources)


def test_strength_tags() -> None:
    assert [_strength(v) for v in ("+2", "-1", "+", "x")] == [2, -1, 0, 0]


def test_unknown_task_is_named() -> None:
    with pytest.raises(ValueError, match="name must be one of 'pros_cons'"):
        load_sentence_task("imdb")
    assert set(SENTENCE_TASKS) >= {"pros_cons", "product_reviews"}
