"""Vocabulary: word counts, ``min_count``/``max_vocab`` pruning and subsampling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._util.validation import check_float, check_int
from ..errors import CorpusError

__all__ = ["Vocabulary", "check_counts", "keep_probabilities"]


class Vocabulary:
    """Words sorted by decreasing count, with their ids and counts.

    Parameters
    ----------
    words : sequence of str
        The words, most frequent first.
    counts : array-like of int
        Their corpus counts, same order.

    Examples
    --------
    >>> v = Vocabulary.from_counts({"a": 3, "b": 5, "c": 1}, min_count=2)
    >>> v.words, v.counts.tolist(), v["a"]
    (['b', 'a'], [5, 3], 1)
    """

    def __init__(self, words: Sequence[str], counts: Sequence[int] | np.ndarray) -> None:
        self.words = _check_words(words)
        self.counts = check_counts("counts", counts)
        if len(self.words) != len(self.counts):
            raise ValueError(f"{len(self.words)} words but {len(self.counts)} counts")
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            seen: set[str] = set()
            for w in self.words:  # only on error: name the first repeated word
                if w in seen:
                    raise ValueError(f"words must be unique; {w!r} appears twice")
                seen.add(w)

    @classmethod
    def from_counts(cls, counts: Mapping[str, int], *, min_count: int = 1,
                    max_vocab: int | None = None) -> Vocabulary:
        """Keep words seen at least ``min_count`` times, at most ``max_vocab`` of them.

        Ties in count keep the order of ``counts`` (first seen first), as gensim does.
        """
        if not isinstance(counts, Mapping):
            raise ValueError(f"counts must be a mapping word -> count; got "
                             f"{type(counts).__name__}")
        words = list(counts)
        values = check_counts("counts", list(counts.values()))
        return cls.from_arrays(words, values, min_count=min_count, max_vocab=max_vocab)[0]

    @classmethod
    def from_arrays(cls, words: Sequence[str], counts: np.ndarray, *, min_count: int = 1,
                    max_vocab: int | None = None) -> tuple[Vocabulary, np.ndarray]:
        """Build from parallel arrays; also return the old-id -> new-id map (-1 = dropped)."""
        words = _check_words(words)
        counts = check_counts("counts", counts)
        if len(words) != len(counts):
            raise ValueError(f"{len(words)} words but {len(counts)} counts")
        order = select_words(counts, min_count=min_count, max_vocab=max_vocab)
        return cls([words[i] for i in order], counts[order]), id_map(order, len(counts))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> int:
        return self.index[word]

    @property
    def total(self) -> int:
        """Number of in-vocabulary tokens in the corpus."""
        return int(self.counts.sum())


def select_words(counts: np.ndarray, *, min_count: int = 1,
                 max_vocab: int | None = None) -> np.ndarray:
    """Ids of the words a vocabulary keeps, most frequent first (ties: lower id first).

    >>> select_words(np.array([3, 5, 1, 5]), min_count=2).tolist()
    [1, 3, 0]
    """
    min_count = check_int("min_count", min_count, low=1)  # type: ignore[assignment]
    max_vocab = check_int("max_vocab", max_vocab, low=1, allow_none=True)
    counts = check_counts("counts", counts)
    if len(counts) == 0:
        raise CorpusError("the corpus holds no tokens: nothing to build a vocabulary from")
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] >= min_count]
    if max_vocab is not None:
        order = order[:max_vocab]
    if len(order) == 0:
        raise CorpusError(
            f"min_count={min_count} removed every word (the most frequent word occurs "
            f"{int(counts.max())} times); lower min_count or use a larger corpus")
    return order


def id_map(order: np.ndarray, n: int) -> np.ndarray:
    """Old id -> position in ``order`` (the new id), -1 for ids not in it."""
    remap = np.full(n, -1, dtype=np.int32)
    remap[order] = np.arange(len(order), dtype=np.int32)
    return remap


def keep_probabilities(counts: np.ndarray, subsample: float) -> np.ndarray:
    """word2vec's probability of keeping each occurrence of a frequent word.

    ``p(w) = min(1, (sqrt(f(w) / t) + 1) * t / f(w))`` with ``f(w)`` the word's share
    of all in-vocabulary tokens and ``t = subsample`` (the formula of word2vec's C code
    and gensim; ``subsample=0`` keeps everything).

    >>> keep_probabilities(np.array([90, 10]), 0.1).round(3).tolist()
    [0.444, 1.0]
    """
    subsample = check_float("subsample", subsample, low=0.0, high=1.0)  # type: ignore[assignment]
    counts = check_counts("counts", counts).astype(np.float64)
    if subsample == 0 or counts.sum() == 0:  # nothing to subsample (and no 0/0)
        return np.ones(len(counts))
    freq = counts / counts.sum()
    with np.errstate(divide="ignore"):
        p = (np.sqrt(freq / subsample) + 1.0) * subsample / freq
    return np.minimum(p, 1.0)


def check_counts(name: str, counts: Any) -> np.ndarray:
    """``counts`` as a 1-D ``int64`` array of non-negative whole numbers, else ``ValueError``.

    Word counts are numbers of occurrences: a float with a fraction, a negative value,
    NaN, a string or a nested list is a mistake, never silently truncated or cast.

    >>> check_counts("counts", [3, 2.0]).tolist()
    [3, 2]
    >>> check_counts("counts", [1.5])
    Traceback (most recent call last):
    ...
    ValueError: counts must be non-negative whole numbers; got a fraction (1.5)
    """
    try:
        array = np.asarray(counts)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a 1-D array of non-negative integers; got "
                         f"{type(counts).__name__} ({exc})") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of non-negative integers; got shape "
                         f"{array.shape}")
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind == "f":
        if not np.isfinite(array).all():
            raise ValueError(f"{name} must be non-negative whole numbers; got NaN or infinity")
        fractional = array != np.floor(array)
        if fractional.any():
            raise ValueError(f"{name} must be non-negative whole numbers; got a fraction "
                             f"({float(array[np.argmax(fractional)])!r})")
        if array.max() >= 2.0**63:
            raise ValueError(f"{name} must be non-negative integers below 2**63; got "
                             f"{float(array.max())!r}")
    elif array.dtype.kind == "u":
        if array.dtype.itemsize >= 8 and array.max() >= 2**63:
            raise ValueError(f"{name} must be non-negative integers below 2**63; got "
                             f"{int(array.max())}")
    elif array.dtype.kind != "i":
        raise ValueError(f"{name} must be non-negative integers; got dtype {array.dtype}")
    result = array.astype(np.int64, copy=False)
    if result.min() < 0:
        raise ValueError(f"{name} must be non-negative integers; got {int(result.min())}")
    return result


def _check_words(words: Any) -> list[str]:
    """``words`` as a list of str (a str itself is not a sequence of words)."""
    if isinstance(words, (str, bytes)) or not isinstance(words, (Sequence, np.ndarray)):
        raise ValueError(f"words must be a sequence of str; got {type(words).__name__}")
    out = list(words)
    if not all(isinstance(w, str) for w in out):
        bad = next(w for w in out if not isinstance(w, str))
        raise ValueError(f"words must be a sequence of str; got an item {bad!r} "
                         f"({type(bad).__name__})")
    return out
