"""The default tokenizer, and replacing it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wordvec._ext import _kernels
from wordvec.text.tokenize import (
    NUMBER_PATTERN,
    SEPARATOR,
    WORD_PATTERN,
    TokenIds,
    Tokenizer,
    TypeIndex,
)


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


_ASCII_TRICKY = ("ab", "Ab", "x", "don't", "a'", "'b", "12", "1,000", "3.14.", "1.", ".5",
                 "a1b", "_", "-", "!", "'", "\x00", " ", "  ", "\n", "\t", "\x0b", "\x1f")


@settings(max_examples=200, deadline=None)
@given(docs=st.lists(st.lists(st.sampled_from(_TRICKY + _ASCII_TRICKY) | st.characters(),
                              max_size=30).map("".join), max_size=6),
       numbers=st.sampled_from(["keep", "zero", "drop", "token"]), lowercase=st.booleans())
@example(docs=["\ud800", "ab \udc80cd x\ud800y"], numbers="keep", lowercase=False)  # lone surrogates
def test_compiled_token_ids_equal_python(docs: list[str], numbers: str,
                                         lowercase: bool) -> None:
    tokenizer = Tokenizer(lowercase=lowercase, numbers=numbers)
    compiled = TokenIds(tokenizer)
    if not compiled.compiled:
        pytest.skip(f"no kernels: {_kernels.status()}")
    python = TokenIds(tokenizer, use_kernels=False)
    assert not python.compiled
    got_ids = []
    for batch in (docs, docs[::-1]):  # a second batch meets types seen in the first
        got, expected = compiled(batch), python(batch)
        np.testing.assert_array_equal(got[0], expected[0])
        assert got[1] == expected[1]
        new_c, new_p = compiled.take_new(), python.take_new()
        assert new_c[0] == new_p[0]
        np.testing.assert_array_equal(new_c[1], new_p[1])
        got_ids.extend(got[0].tolist())
    # the definition: the tokenizer on each document, tokens numbered in first-seen order
    index: dict[str, int] = {}
    ids: list[int] = []
    for doc in docs + docs[::-1]:
        tokens = tokenizer(doc)
        ids.extend(index.setdefault(t, len(index)) for t in tokens)
        ids.extend([SEPARATOR] if tokens else [])
    assert got_ids == ids
    assert compiled.index.words(0, len(compiled.index)) == list(index)


def test_token_ids_by_hand() -> None:
    ids = TokenIds(Tokenizer(numbers="zero"))
    got, n = ids(["Café 1,234 x1y", "", "don't DON'T naïve\u00a0x", "!!"])
    assert n == 9
    assert got.tolist() == [0, 1, 2, 3, 4, SEPARATOR, 5, 5, 6, 2, SEPARATOR]
    blob, ends = ids.take_new()
    bounds = [0, *ends.tolist()]
    assert [blob[a:b].decode() for a, b in zip(bounds[:-1], bounds[1:])] == \
        ["café", "0,000", "x", "0", "y", "don't", "naïve"]
    assert ids.take_new()[1].size == 0
    assert ids.index.words(0, len(ids.index))[-2:] == ["don't", "naïve"]


def test_type_index_with_and_without_kernels() -> None:
    for use_kernels in (True, False):
        index = TypeIndex(use_kernels=use_kernels)
        assert index.ids(["é", "b", "é", "a" * 20]).tolist() == [0, 1, 0, 2]
        assert index.ids_packed("bé".encode(), [1, 3]).tolist() == [1, 0]
        assert index.words(1, 3) == ["b", "a" * 20]
        blob, ends = index.packed(0, 3)
        assert blob == "éb".encode() + b"a" * 20 and ends.tolist() == [2, 3, 23]


# -- custom tokenizers that return the wrong thing ---------------------------------------------
def _returns_str(text: str) -> str:
    return text


def _returns_ints(text: str) -> list[int]:
    return [len(w) for w in text.split()]


@pytest.mark.parametrize("tokenizer, match", [
    (_returns_str, r"tokenizer <function _returns_str .*> must return a list of str tokens; "
                   r"for the document 'a cat' it returned str 'a cat'"),
    (_returns_ints, r"tokenizer <function _returns_ints .*> must return a list of str "
                    r"tokens; .* it returned a list holding int 1"),
    (lambda text: None, r"must return a list of str tokens; .* it returned NoneType None"),
])
def test_tokenizer_returning_wrong_types(tokenizer, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        TokenIds(tokenizer)(["a cat"])
    import wordvec
    with pytest.raises(ValueError, match=match):
        wordvec.count(["a cat"], tokenizer=tokenizer, min_count=1, progress=False)


def test_tokenizer_returning_tuple_or_generator_is_fine() -> None:
    ids, n = TokenIds(lambda t: (w for w in t.split()))(["a b a", "b"])
    assert ids.tolist() == [0, 1, 0, SEPARATOR, 1, SEPARATOR] and n == 4
    ids, n = TokenIds(lambda t: tuple(t.split()))(["a b"])
    assert n == 2


def test_tokenizer_parameters_checked() -> None:
    with pytest.raises(ValueError, match="lowercase must be True or False; got 'no'"):
        Tokenizer(lowercase="no")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="text must be a str; got bytes"):
        Tokenizer()(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tokenizer must be a callable str -> list"):
        TokenIds("not callable")  # type: ignore[arg-type]
