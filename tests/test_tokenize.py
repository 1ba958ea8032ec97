"""The default tokenizer, and replacing it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wordvec.tokenize import NUMBER_PATTERN, WORD_PATTERN, Tokenizer


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


_TRICKY = ("aZé", "ΣσςДж", "漢字", "0", "9", "\u0663", "\u00b2", "\uff11", "'", "\u2019", ".",
           ",", "_", "-", " ", "\t", "\n", "\u00a0", "\u2003", "\x1c", "\u0301", "İ", "ß", "!")


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_TRICKY) | st.characters(), max_size=40).map("".join),
       numbers=st.sampled_from(["keep", "zero", "drop", "token"]), lowercase=st.booleans())
def test_fast_path_equals_one_regex_over_the_text(text: str, numbers: str,
                                                   lowercase: bool) -> None:
    # The definition: one findall over the whole (lowercased) text, then the number policy.
    pattern = WORD_PATTERN if numbers == "drop" else f"{WORD_PATTERN}|{NUMBER_PATTERN}"
    expected = re.findall(pattern, text.lower() if lowercase else text)
    if numbers == "zero":
        expected = [re.sub(r"\d", "0", t) if t[0].isdigit() else t for t in expected]
    elif numbers == "token":
        expected = ["<num>" if t[0].isdigit() else t for t in expected]
    assert Tokenizer(lowercase=lowercase, numbers=numbers)(text) == expected
