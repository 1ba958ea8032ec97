"""Finding a query word's row: as given, else as the model's tokenizer would have counted
it; an unknown word's error names close spellings ("did you mean ...").

``"word" in wv`` stays exact (the vocabulary as stored); every lookup for a vector or a
query (``wv[word]``, ``most_similar``, analogies, the CLI) goes through :func:`find`, so
``Money`` finds ``money`` in a model that lowercased its corpus.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..text.tokenize import Tokenizer
    from .vectors import WordVectors

__all__ = ["find", "model_tokenizer", "unknown_word"]

_SUGGEST_FROM = 50_000  # the most frequent words searched for close spellings
_SUGGEST_N = 3


def model_tokenizer(wv: WordVectors, missing: Tokenizer | None = None) -> Tokenizer | None:
    """The :class:`~wordvec.text.tokenize.Tokenizer` the vectors were built with;
    ``missing`` where the model does not say (vectors made by hand); None for a custom
    tokenizer that cannot be rebuilt."""
    from ..text.tokenize import Tokenizer

    params = wv.params.get("tokenizer")
    if params is None:
        return missing
    if not isinstance(params, dict):
        return None
    try:
        return Tokenizer(**params)
    except (TypeError, ValueError):
        return None


def normalizer(wv: WordVectors) -> Callable[[str], str] | None:
    """The model's own normalization of a word, or None (vectors made by hand, or a
    custom tokenizer: lookups are exact then)."""
    tokenizer = model_tokenizer(wv)
    return None if tokenizer is None else tokenizer.normalize


def find(wv: WordVectors, word: str) -> int | None:
    """Row of ``word`` as given, else of its normalized form; None if neither exists."""
    idx = wv.key_to_index.get(word)
    if idx is None and isinstance(word, str):
        norm = normalizer(wv)
        if norm is not None:
            idx = wv.key_to_index.get(norm(word))
    return idx


def normal_form(wv: WordVectors, word: str) -> str:
    """``word`` as the model's tokenizer would have counted it (as given without one):
    the form whose n-grams give an unseen word's vector."""
    norm = normalizer(wv)
    return norm(word) if norm is not None else word


def unknown_word(wv: WordVectors, word: object) -> KeyError:
    """The error for a word not in the vocabulary, with up to three close spellings (and,
    for a model with n-gram vectors, the fact that none of the word's n-grams is known)."""
    if not isinstance(word, str):
        return KeyError(f"words are str; got {word!r} ({type(word).__name__})")
    key = normal_form(wv, word)
    shown = f"{word!r}" + (f" (looked up as {key!r})" if key != word else "")
    near = suggestions(wv, key)
    hint = f"; did you mean {', '.join(map(repr, near))}?" if near else ""
    why = " and none of its character n-grams is known" if wv.subwords is not None else ""
    return KeyError(f"word {shown} not in vocabulary{why}{hint}")


def suggestions(wv: WordVectors, word: str) -> list[str]:
    """Close spellings of ``word`` among the most frequent words, most similar first."""
    n = len(word)
    pool = [w for w in wv.index_to_key[:_SUGGEST_FROM] if abs(len(w) - n) <= 2]
    return difflib.get_close_matches(word, pool, n=_SUGGEST_N, cutoff=0.75)
