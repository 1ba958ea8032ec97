"""Tokenization: raw text to lists of tokens.

The default :class:`Tokenizer` lowercases and extracts Unicode words with one
regular expression.  Any callable ``str -> list[str]`` can replace it, e.g. an
NLTK tokenizer such as ``nltk.tokenize.ToktokTokenizer().tokenize``.

:class:`TokenIds` tokenizes batches of documents straight to ids in first-seen order;
with the compiled kernels (:mod:`wordvec._ext._kernels`) the ASCII text is tokenized and
looked up in C, and only the whitespace-separated pieces holding other characters go
through the regular expression in Python: the same tokens and ids, several times faster.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from .._ext import _kernels
from .._util.validation import check_bool, check_choice

__all__ = ["Tokenizer", "TokenizerFunc", "TokenIds", "TypeIndex", "WORD_PATTERN",
           "NUMBER_PATTERN", "SEPARATOR"]

TokenizerFunc = Callable[[str], list[str]]

#: Letters (any script), with inner apostrophes kept: ``don't``, ``l'homme``.
WORD_PATTERN = r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*"
#: Digits with inner separators kept, so ``1,000`` and ``3.14`` stay one token.
NUMBER_PATTERN = r"\d+(?:[.,]\d+)*"

_NUMBER_POLICIES = ("keep", "zero", "drop", "token")
#: The id that ends a document in an id stream (no window crosses it; also
#: ``wordvec.counting.counter.SEPARATOR``).
SEPARATOR = -1
_DIGITS = re.compile(r"\d")


class Tokenizer:
    """Lowercasing Unicode word tokenizer.

    Parameters
    ----------
    lowercase : bool, default=True
        Lowercase the text before tokenizing.
    numbers : {"keep", "zero", "drop", "token"}, default="keep"
        What becomes of numbers, which are matched whole (``1,000``, ``3.14``):
        ``"keep"`` keeps them as they are, ``"zero"`` maps every digit to ``0``
        (``1984`` -> ``0000``, so years share statistics), ``"drop"`` removes them,
        ``"token"`` replaces each with ``<num>``.

    Examples
    --------
    >>> Tokenizer()("Don't panic: 42 isn't 3.14!")
    ["don't", 'panic', '42', "isn't", '3.14']
    >>> Tokenizer(numbers="zero")("In 1984, Orwell")
    ['in', '0000', 'orwell']
    """

    def __init__(self, lowercase: bool = True, numbers: str = "keep") -> None:
        self.lowercase = check_bool("lowercase", lowercase)
        self.numbers = check_choice("numbers", numbers, _NUMBER_POLICIES)
        if numbers == "drop":
            self._regex = re.compile(WORD_PATTERN)
        else:
            self._regex = re.compile(f"{WORD_PATTERN}|{NUMBER_PATTERN}")

    def __call__(self, text: str) -> list[str]:
        if not isinstance(text, str):
            raise ValueError(f"text must be a str; got {type(text).__name__}")
        if self.lowercase:
            text = text.lower()
        # No match can contain whitespace, so the text is matched piece by piece; a piece
        # of letters only is one whole match (letters are \w, not digits or "_"), which
        # skips the regex for most words: the same tokens (tested), fewer regex calls.
        tokens: list[str] = []
        append, extend, findall = tokens.append, tokens.extend, self._regex.findall
        for piece in text.split():
            if piece.isalpha():
                append(piece)
            else:
                extend(findall(piece))
        if self.numbers == "zero":
            tokens = [_DIGITS.sub("0", t) if t[0].isdigit() else t for t in tokens]
        elif self.numbers == "token":
            tokens = ["<num>" if t[0].isdigit() else t for t in tokens]
        return tokens

    def normalize(self, word: str) -> str:
        """``word`` as this tokenizer would have counted it: lowercased, numbers mapped.

        Query words go through it, so that ``Money`` finds ``money`` in a model built
        with the default tokenizer (the word is not split: it is one key).

        >>> Tokenizer().normalize("Money"), Tokenizer(numbers="zero").normalize("1984")
        ('money', '0000')
        """
        if self.lowercase:
            word = word.lower()
        if word[:1].isdigit():
            if self.numbers == "zero":
                word = _DIGITS.sub("0", word)
            elif self.numbers == "token":
                word = "<num>"
        return word

    def __repr__(self) -> str:
        return f"Tokenizer(lowercase={self.lowercase!r}, numbers={self.numbers!r})"

    def get_params(self) -> dict[str, object]:
        """The parameters, as stored in a model file."""
        return {"lowercase": self.lowercase, "numbers": self.numbers}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tokenizer) and other.get_params() == self.get_params()

    def __hash__(self) -> int:
        return hash((self.lowercase, self.numbers))


class _TypeIndex(dict):  # type: ignore[type-arg]
    """str -> id in first-seen order; ``index[token]`` adds an unseen token.

    ``map(index.__getitem__, tokens)`` stays in C for known tokens (no Python-level
    loop, unlike a ``setdefault`` comprehension).
    """

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []  # in id order

    def __missing__(self, token: str) -> int:
        i = self[token] = len(self)
        self.words.append(token)
        return i


def _doc_ids(index: _TypeIndex, tokens: list[str]) -> np.ndarray:
    return np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))


def _pack(words: list[str]) -> tuple[bytes, np.ndarray]:
    """Words as UTF-8 bytes one after the other, and where each ends (lone surrogates,
    which Python strings may hold, pass as their 3-byte forms)."""
    encoded = [w.encode("utf-8", "surrogatepass") for w in words]
    ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    return b"".join(encoded), ends


def _unpack(blob: bytes, ends: np.ndarray | Sequence[int]) -> list[str]:
    """The words of :func:`_pack`'s output."""
    bounds = [0, *np.asarray(ends, dtype=np.int64).tolist()]
    return [blob[a:b].decode("utf-8", "surrogatepass") for a, b in zip(bounds[:-1], bounds[1:])]


class TypeIndex:
    """Token types numbered in first-seen order: the kernels' hash table, else a dict.

    ``ids(tokens)`` numbers a list of tokens, ``ids_packed(blob, ends)`` tokens packed
    as UTF-8 bytes (token ``j`` ends at ``ends[j]``), adding the unseen ones;
    ``words(lo, hi)`` and ``packed(lo, hi)`` return types by id.

    >>> index = TypeIndex()
    >>> index.ids(["b", "a", "b"]).tolist(), index.ids_packed(b"ca", [1, 2]).tolist()
    ([0, 1, 0], [2, 1])
    >>> index.words(0, len(index)), index.words_at([2, 0])
    (['b', 'a', 'c'], ['c', 'b'])
    """

    def __init__(self, use_kernels: bool = True) -> None:
        lib = _kernels.load() if use_kernels else None
        self._table = _kernels.TypeTable(lib) if lib is not None else None
        self._dict = _TypeIndex() if lib is None else None

    @property
    def compiled(self) -> bool:
        """Whether the kernels' table holds the types (else a dict)."""
        return self._table is not None

    def __len__(self) -> int:
        return len(self._table) if self._table is not None else len(self._dict)  # type: ignore[arg-type]

    def ids(self, tokens: list[str]) -> np.ndarray:
        if self._dict is not None:
            return _doc_ids(self._dict, tokens)
        return self.ids_packed(*_pack(tokens))

    def ids_packed(self, blob: bytes, ends: np.ndarray | Sequence[int]) -> np.ndarray:
        if self._table is not None:
            return self._table.intern(blob, np.asarray(ends, dtype=np.int64))
        return self.ids(_unpack(blob, ends))

    def words(self, lo: int, hi: int) -> list[str]:
        if self._table is not None:
            return _unpack(*self._table.packed(lo, hi))
        return self._dict.words[lo:hi]  # type: ignore[union-attr]

    def words_at(self, ids: np.ndarray) -> list[str]:
        """The types of ``ids``, in that order."""
        if self._table is not None:
            return _unpack(*self._table.packed_at(ids))
        words = self._dict.words  # type: ignore[union-attr]
        return [words[i] for i in np.asarray(ids, dtype=np.int64).tolist()]

    def packed(self, lo: int, hi: int) -> tuple[bytes, np.ndarray]:
        if self._table is not None:
            return self._table.packed(lo, hi)
        return _pack(self.words(lo, hi))


class TokenIds:
    """Documents to token ids, types numbered in first-seen order.

    Calling it on a batch of documents returns their ids, :data:`SEPARATOR` after
    each document that has tokens, and the number of tokens; :meth:`take_new` returns
    the types first seen since it was last called, in id order, packed as
    :meth:`TypeIndex.packed` does.  With the compiled kernels and a :class:`Tokenizer`
    the ASCII pieces of the text are tokenized and looked up in C
    (:func:`wordvec._ext._kernels.tokenize_ids`); the result is the same as calling the
    tokenizer on each document and numbering its tokens in Python, which is what runs
    otherwise (``use_kernels=False``, another tokenizer, no kernels).

    Examples
    --------
    >>> ids = TokenIds(Tokenizer())
    >>> tokens, n = ids(["A cat, a dog.", "", "Dog!"])
    >>> tokens.tolist(), n, ids.take_new()[0]
    ([0, 1, 0, 2, -1, 2, -1], 5, b'acatdog')
    """

    def __init__(self, tokenizer: Callable[[str], list[str]],
                 use_kernels: bool = True) -> None:
        if not callable(tokenizer):
            raise ValueError(f"tokenizer must be a callable str -> list[str]; got {tokenizer!r}")
        self.tokenizer = tokenizer
        self.index = TypeIndex(use_kernels=use_kernels and type(tokenizer) is Tokenizer)
        self._lib = _kernels.load() if self.index.compiled else None
        self._taken = 0  # types already returned by take_new

    @property
    def compiled(self) -> bool:
        """Whether the kernels tokenize (else Python)."""
        return self._lib is not None

    def take_new(self) -> tuple[bytes, np.ndarray]:
        """The types added since the last call, in id order, packed."""
        hi = len(self.index)
        new = self.index.packed(self._taken, hi)
        self._taken = hi
        return new

    def __call__(self, docs: Sequence[str]) -> tuple[np.ndarray, int]:
        if self._lib is None:
            parts: list[np.ndarray] = []
            n_tokens = 0
            for doc in docs:
                tokens = self.tokenizer(doc)
                if type(tokens) is not list:
                    tokens = _as_token_list(self.tokenizer, tokens, doc)
                if tokens and type(tokens[0]) is not str:
                    _check_tokens(self.tokenizer, tokens, doc)
                if tokens:
                    n_tokens += len(tokens)
                    parts.append(self.index.ids(tokens))
                    parts.append(_SEPARATOR_ARRAY)
            ids = np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
            return ids, n_tokens
        return self._compiled(docs)

    def _compiled(self, docs: Sequence[str]) -> tuple[np.ndarray, int]:
        assert self._lib is not None and self.index._table is not None
        tokenizer: Tokenizer = self.tokenizer  # type: ignore[assignment]
        encoded = [d.encode("utf-8", "surrogatepass") for d in docs]  # as _pack
        text = b"\n".join(encoded)  # documents end at whitespace: no piece spans two
        if tokenizer.lowercase:
            text = text.lower()  # ASCII letters only; the other pieces go to Python
        doc_ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64,
                                         count=len(encoded)) + 1) - 1
        del encoded
        side_tokens: list[str] = []
        counts: list[int] = []
        for a, b in _kernels.nonascii_pieces(self._lib, text).tolist():
            tokens = tokenizer(text[a:b].decode("utf-8", "surrogatepass"))
            counts.append(len(tokens))
            side_tokens.extend(tokens)
        side, side_ends = _pack(side_tokens)
        return _kernels.tokenize_ids(self._lib, self.index._table, text, doc_ends, side,
                                     side_ends, np.array(counts, dtype=np.int64),
                                     tokenizer.numbers)


def _as_token_list(tokenizer: Callable[[str], list[str]], tokens: object,
                   doc: str) -> list[str]:
    """A custom tokenizer's result as a list: a tuple or a generator of tokens is fine,
    a str is not (iterating it would make every character a token, silently)."""
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, (list, tuple)) \
            and not hasattr(tokens, "__iter__"):
        raise ValueError(f"tokenizer {tokenizer!r} must return a list of str tokens; for "
                         f"the document {doc[:40]!r} it returned {type(tokens).__name__} "
                         f"{tokens!r:.60}")
    out = list(tokens)  # type: ignore[call-overload]
    if out and not isinstance(out[0], str):
        _check_tokens(tokenizer, out, doc)
    return out


def _check_tokens(tokenizer: Callable[[str], list[str]], tokens: Sequence[object],
                  doc: str) -> None:
    """Raise unless the first token is a str (checked once a document, not per token)."""
    if not isinstance(tokens[0], str):
        raise ValueError(f"tokenizer {tokenizer!r} must return a list of str tokens; for "
                         f"the document {doc[:40]!r} it returned a list holding "
                         f"{type(tokens[0]).__name__} {tokens[0]!r:.60}")


_SEPARATOR_ARRAY = np.array([SEPARATOR], dtype=np.int32)
