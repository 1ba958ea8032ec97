"""The default tokenizer, and replacing it."""

from __future__ import annotations

import pytest

from wordvec.tokenize import Tokenizer


def test_default_lowercases_unicode_words() -> None:
    assert Tokenizer()("Éléphant, NAÏVE café — Straße!") == ["éléphant", "naïve", "café", "straße"]


def test_apostrophes_and_punctuation() -> None:
    assert Tokenizer()("Don't stop: it's O'Neil's (x_y).") == \
        ["don't", "stop", "it's", "o'neil's", "x", "y"]


@pytest.mark.parametrize("numbers, expected", [
    ("keep", ["in", "1984", "1,000", "cost", "3.14"]),
    ("zero", ["in", "0000", "0,000", "cost", "0.00"]),
    ("drop", ["in", "cost"]),
    ("token", ["in", "<num>", "<num>", "cost", "<num>"]),
])
def test_numbers_are_matched_whole(numbers: str, expected: list[str]) -> None:
    assert Tokenizer(numbers=numbers)("In 1984 1,000 cost 3.14.") == expected


def test_case_kept_on_request() -> None:
    assert Tokenizer(lowercase=False)("Paris is big") == ["Paris", "is", "big"]


def test_bad_numbers_policy() -> None:
    with pytest.raises(ValueError, match=r"numbers must be one of 'keep', 'zero', 'drop', "
                                         r"'token'; got 'digits'"):
        Tokenizer(numbers="digits")


def test_nltk_tokenizer_can_replace_it(tmp_path) -> None:
    from nltk.tokenize import ToktokTokenizer

    import wordvec
    tok = ToktokTokenizer()
    counts = wordvec.count(["a b c a b c", "a b d"], tokenizer=tok.tokenize, min_count=1,
                           window=1, window_weighting="uniform", subsample=0, progress=False)
    assert counts.vocab.words[:2] == ["a", "b"]
