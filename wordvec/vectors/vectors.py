"""``WordVectors``: a float32 matrix, its vocabulary, and cosine queries.

Stored as gensim's ``KeyedVectors`` stores them: one float32 matrix, an
``index_to_key`` list, a ``key_to_index`` dict and a cached unit-norm copy.
Arrays handed out are read-only views.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .._util.validation import check_bool, check_float
from . import _lookup, query
from . import io as _io
from .subwords import Subwords

__all__ = ["WordVectors", "UnusableVectorWarning"]


class UnusableVectorWarning(UserWarning):
    """A model holds words whose vector is zero or not finite (never answered)."""

WordList = str | Sequence[str] | None


class WordVectors:
    """Word vectors with gensim's query surface.

    Parameters
    ----------
    vectors : ndarray of shape (n_words, dim)
        Converted to float32 (not copied if it already is).
    words : sequence of str
        One word per row, unique.
    counts : array-like of int, optional
        Corpus counts, most frequent first when built by :func:`wordvec.build`.
    params, stats : dict, optional
        Build parameters and corpus statistics, saved with the vectors.
    subwords : Subwords, optional
        Vectors of character n-grams (:func:`wordvec.build` with ``subwords=True``):
        with them every lookup and query also takes words outside the vocabulary (their
        vector comes from their n-grams); ``"word" in wv`` still means "in the
        vocabulary" and :meth:`has_vector` says whether a word has a vector at all.

    Examples
    --------
    >>> wv = WordVectors(np.array([[1, 0], [0.9, 0.1], [0, 1]]), ["cat", "dog", "car"])
    >>> "cat" in wv, len(wv), wv["car"].tolist()
    (True, 3, [0.0, 1.0])
    >>> [w for w, _ in wv.most_similar("cat", topn=2)]
    ['dog', 'car']
    """

    def __init__(self, vectors: np.ndarray, words: Sequence[str],
                 counts: Sequence[int] | np.ndarray | None = None,
                 params: dict[str, Any] | None = None,
                 stats: dict[str, Any] | None = None,
                 subwords: Subwords | None = None) -> None:
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or vectors.shape[1] < 1:
            raise ValueError(f"vectors must be a 2-D array with at least one column; got "
                             f"shape {vectors.shape}")
        if vectors.dtype.kind not in "biuf":
            raise ValueError(f"vectors must hold real numbers; got dtype {vectors.dtype}")
        if vectors.dtype != np.float32:
            vectors = vectors.astype(np.float32)
        if isinstance(words, (str, bytes)):
            raise ValueError("words must be a sequence of str, one per row; got a single "
                             f"{type(words).__name__}")
        words = list(words)
        if len(words) != vectors.shape[0]:
            raise ValueError(f"{len(words)} words for {vectors.shape[0]} vectors")
        bad = next((w for w in words if not isinstance(w, str)), None)
        if bad is not None:
            raise ValueError(f"words must be str; got {bad!r} ({type(bad).__name__})")
        counts = _check_counts(counts, len(words))
        for name, value in (("params", params), ("stats", stats)):
            if value is not None and not isinstance(value, dict):
                raise ValueError(f"{name} must be a dict; got {type(value).__name__}")
        self.index_to_key = words
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        if len(self.key_to_index) != len(self.index_to_key):
            seen: set[str] = set()
            dup = next(w for w in self.index_to_key if w in seen or seen.add(w))  # type: ignore[func-returns-value]
            raise ValueError(f"duplicate word {dup!r} in vocabulary")
        if subwords is not None and not isinstance(subwords, Subwords):
            raise ValueError(f"subwords must be a wordvec.vectors.subwords.Subwords; got "
                             f"{type(subwords).__name__}")
        if subwords is not None and subwords.dim != vectors.shape[1]:
            raise ValueError(f"the n-gram vectors have {subwords.dim} dimensions, the word "
                             f"vectors {vectors.shape[1]}")
        self.subwords = subwords
        self._vectors = vectors
        self.counts = counts
        self.params = dict(params or {})
        self.stats = dict(stats or {})
        self._unit: np.ndarray | None = None
        self._unusable: np.ndarray | None = None

    # -- container ---------------------------------------------------------------
    @property
    def vectors(self) -> np.ndarray:
        """The (n_words, dim) float32 matrix, read-only."""
        view = self._vectors.view()
        view.flags.writeable = False
        return view

    @property
    def vector_size(self) -> int:
        return int(self._vectors.shape[1])

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index_to_key)

    def __repr__(self) -> str:
        extra = "" if self.subwords is None else \
            f", subwords={self.subwords.table.shape[0]} n-grams"
        return f"WordVectors({len(self)} words, dim={self.vector_size}{extra})"

    def get_index(self, word: str) -> int:
        """Row of ``word``, as given or as the model's tokenizer normalizes it (``Money``
        finds ``money``); ``KeyError`` naming the word and close spellings if unknown."""
        idx = _lookup.find(self, word)
        if idx is None:
            raise _lookup.unknown_word(self, word)
        return idx

    def __getitem__(self, words: str | Sequence[str]) -> np.ndarray:
        if not isinstance(words, (str, list, tuple, np.ndarray)):
            raise TypeError(f"index with a word (str) or a list of words; got "
                            f"{type(words).__name__}")
        if isinstance(words, str):
            return self.get_vector(words)
        if self.subwords is None:
            out = self._vectors[[self.get_index(w) for w in words]]
        else:
            out = np.stack([self.get_vector(w) for w in words]) if len(words) else \
                np.zeros((0, self.vector_size), dtype=np.float32)
        out = out.view()
        out.flags.writeable = False
        return out

    def get_vector(self, word: str) -> np.ndarray:
        """The vector of ``word`` (read-only): its row, else (with :attr:`subwords`) the
        vector of its character n-grams; ``KeyError`` if it has neither."""
        idx = _lookup.find(self, word)
        if idx is not None:
            out = self._vectors[idx].view()
        else:
            out = self._subword_vector(word)
        out.flags.writeable = False
        return out

    def has_vector(self, word: str) -> bool:
        """Whether ``word`` has a vector: in the vocabulary (as given or normalized), or
        one of its n-grams is known (:attr:`subwords`).  ``word in wv`` is the
        vocabulary alone."""
        if _lookup.find(self, word) is not None:
            return True
        return self.subwords is not None and isinstance(word, str) and \
            self.subwords.known_ngrams(_lookup.normal_form(self, word)) > 0

    def _subword_vector(self, word: str) -> np.ndarray:
        """The n-gram vector of a word outside the vocabulary (of its normalized form, as
        the model's tokenizer would have counted it); ``KeyError`` if there is none."""
        if self.subwords is None or not isinstance(word, str):
            raise _lookup.unknown_word(self, word)
        v = self.subwords.vector(_lookup.normal_form(self, word))
        if v is None:
            raise _lookup.unknown_word(self, word)
        return v

    def _unit_of(self, word: str) -> np.ndarray:
        """Unit vector of ``word`` for a cosine: its row's, or its n-grams' direction."""
        idx = _lookup.find(self, word)
        if idx is None and self.subwords is not None:
            v = self._subword_vector(word)
            return (v / np.linalg.norm(v)).astype(np.float32)
        return self.unit_vectors[self._row(word)]

    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to unit length; cached, read-only.

        Rows with no direction (all zero, e.g. a word seen only in one-word documents)
        or with a NaN or infinite value are zero here: see :attr:`unusable_rows`.
        """
        if self._unit is None:
            vectors = np.asarray(self._vectors)
            norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors, dtype=np.float64))
            bad = ~np.isfinite(norms) | (norms == 0)
            norms[bad] = 1.0
            unit = (vectors / norms[:, None]).astype(np.float32, copy=False)
            if bad.any():
                unit[bad] = 0.0
                first = self.index_to_key[int(np.argmax(bad))]
                warnings.warn(f"{int(bad.sum())} of {len(self)} words have a zero or "
                              f"non-finite vector (first: {first!r}): they are never "
                              "answered, and querying them raises ValueError",
                              UnusableVectorWarning, stacklevel=3)
            unit.flags.writeable = False
            self._unusable = np.flatnonzero(bad)
            self._unit = unit
        return self._unit

    @property
    def unusable_rows(self) -> np.ndarray:
        """Rows whose vector is zero or not finite: no cosine is defined for them, so
        queries never answer them and raise ``ValueError`` naming them when asked."""
        if self._unusable is None:
            self.unit_vectors  # noqa: B018 (computes both)
        return self._unusable  # type: ignore[return-value]

    def _row(self, word: str) -> int:
        """Row of ``word`` for a cosine: ``KeyError`` if unknown, ``ValueError`` if its
        vector is zero or not finite (a cosine with it would be a silent 0 or NaN)."""
        i = self.get_index(word)
        unusable = self.unusable_rows
        if unusable.size and np.any(unusable == i):
            raise ValueError(f"word {word!r} has a zero or non-finite vector: no cosine "
                             "similarity is defined for it")
        return i

    # -- queries -----------------------------------------------------------------
    # Each method is a thin wrapper over the batched engine in :mod:`wordvec.vectors.query`.
    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words.

        >>> wv = WordVectors(np.array([[1, 0], [1, 1]]), ["x", "y"])
        >>> round(wv.similarity("x", "y"), 4)
        0.7071
        """
        return float(self._unit_of(a) @ self._unit_of(b))

    def n_similarity(self, words_a: Sequence[str], words_b: Sequence[str]) -> float:
        """Cosine between the means of two word sets (raw vectors, as gensim).

        >>> wv = WordVectors(np.array([[1, 0], [0, 1], [1, 1]]), ["x", "y", "z"])
        >>> round(wv.n_similarity(["x", "y"], ["z"]), 4)
        1.0
        """
        if isinstance(words_a, str) or isinstance(words_b, str):
            raise ValueError("n_similarity takes two lists of words; got a str")
        if not len(words_a) or not len(words_b):
            raise ValueError("n_similarity needs two non-empty word lists")
        mean_a = np.mean([self._raw(w) for w in words_a], axis=0)
        mean_b = np.mean([self._raw(w) for w in words_b], axis=0)
        denom = float(np.linalg.norm(mean_a) * np.linalg.norm(mean_b))
        if not denom:
            raise ValueError("n_similarity: the mean vector of one word list is zero (its "
                             "vectors cancel out): no cosine is defined")
        return float(mean_a @ mean_b) / denom

    def _raw(self, word: str) -> np.ndarray:
        """The vector of ``word`` for a sum: its row (checked usable), or its n-grams'."""
        if _lookup.find(self, word) is None and self.subwords is not None:
            return self._subword_vector(word)
        return self._vectors[self._row(word)]

    def distances(self, word: str, others: Sequence[str] | None = None) -> np.ndarray:
        """Cosine distances ``1 - cos`` from ``word`` to ``others`` (default: every word).

        >>> wv = WordVectors(np.array([[1, 0], [0, 1], [-1, 0]]), ["x", "y", "z"])
        >>> wv.distances("x", ["y", "z"]).tolist()
        [1.0, 2.0]
        """
        unit = self.unit_vectors
        target = unit if not others else np.stack([self._unit_of(w) for w in others])
        dist = (1.0 - target @ self._unit_of(word)).astype(np.float32)
        if not others and self.unusable_rows.size:
            dist[self.unusable_rows] = np.inf  # never closer than any word
        return dist

    def closer_than(self, a: str, b: str) -> list[str]:
        """Words closer to ``a`` than ``b`` is (``a`` itself excluded), in vocabulary order.

        >>> wv = WordVectors(np.array([[1, 0], [1, 0.1], [1, 1], [0, 1]]), list("wxyz"))
        >>> wv.closer_than("w", "y")
        ['x']
        """
        dist = self.distances(a)
        ia = _lookup.find(self, a)
        if _lookup.find(self, b) is None and self.subwords is not None:  # b from n-grams
            cut = np.float32(1.0) - np.float32(self._unit_of(b) @ self._unit_of(a))
        else:
            cut = dist[self._row(b)]
        return [self.index_to_key[i] for i in np.flatnonzero(dist < cut) if i != ia]

    def rank(self, a: str, b: str) -> int:
        """Rank of ``b`` among the neighbours of ``a`` (1 = nearest), as gensim.

        >>> wv = WordVectors(np.array([[1, 0], [1, 0.1], [1, 1], [0, 1]]), list("wxyz"))
        >>> wv.rank("w", "y")
        2
        """
        return len(self.closer_than(a, b)) + 1

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word farthest from the mean of the unit vectors of ``words``.

        >>> wv = WordVectors(np.array([[1, 0], [1, 0.1], [0, 1]]), ["cat", "dog", "car"])
        >>> wv.doesnt_match(["cat", "dog", "car"])
        'car'
        """
        if isinstance(words, str) or not len(words):
            raise ValueError(f"doesnt_match needs a non-empty list of words; got {words!r}")
        unit = np.stack([self._unit_of(w) for w in words])
        mean = unit.mean(axis=0)
        norm = np.linalg.norm(mean)
        scores = unit @ (mean / norm if norm else mean)
        return list(words)[int(np.argmin(scores))]

    def most_similar(self, positive: WordList = None, negative: WordList = None,
                     topn: int = 10, restrict_vocab: int | None = None,
                     unknown: str = "raise") -> list[tuple[str, float]]:
        """Nearest words to ``sum(positive) - sum(negative)`` of unit vectors (3CosAdd).

        Parameters
        ----------
        positive, negative : str or list of str
        topn : int
        restrict_vocab : int, optional
            Only the first (most frequent) ``restrict_vocab`` words are candidates.
        unknown : {"raise", "skip"}
            An unknown word raises ``KeyError`` naming it, or (``"skip"``) gives ``[]``.

        Returns
        -------
        list of (str, float)
            Best first; the query words are never returned.
        """
        return query.most_similar_batch(self, [(positive, negative)],
                                        topn=topn, method="add",
                                        restrict_vocab=restrict_vocab, unknown=unknown)[0]

    def most_similar_cosmul(self, positive: WordList = None, negative: WordList = None,
                            topn: int = 10, restrict_vocab: int | None = None,
                            unknown: str = "raise") -> list[tuple[str, float]]:
        """3CosMul (Levy & Goldberg 2014): ``prod p(x, pos) / (prod p(x, neg) + 1e-6)``.

        ``p = (1 + cos) / 2`` shifts cosines to ``[0, 1]``; the epsilon is
        :data:`wordvec.vectors.query.EPSILON` (``1e-6``, as gensim).  Parameters as
        :meth:`most_similar`.

        >>> wv = WordVectors(np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]]),
        ...                  ["man", "woman", "king", "queen"])
        >>> wv.most_similar_cosmul(["woman", "king"], ["man"], topn=1)[0][0]
        'queen'
        """
        return query.most_similar_batch(self, [(positive, negative)],
                                        topn=topn, method="mul",
                                        restrict_vocab=restrict_vocab, unknown=unknown)[0]

    def similar_by_vector(self, vector: np.ndarray, topn: int = 10,
                          restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """Nearest words to a raw vector, by cosine (``ValueError`` for a zero or
        non-finite vector, which has no direction)."""
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self.vector_size,):
            raise ValueError(f"vector must have shape ({self.vector_size},); got {vector.shape}")
        return query.similar_by_vectors(self, vector[None, :], topn=topn,
                                        restrict_vocab=restrict_vocab)[0]

    def analogy(self, a: str, b: str, c: str, topn: int = 1, method: str = "add",
                restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """``a`` is to ``b`` as ``c`` is to ?  (a, b, c are excluded).

        ``method="add"`` is 3CosAdd (``b - a + c``), ``"mul"`` is 3CosMul.
        """
        return query.analogy_batch(self, [(a, b, c)], method=method, topn=topn,
                                   restrict_vocab=restrict_vocab)[0]

    # -- batched queries: one matrix product per block -------------------------------
    def batch_most_similar(self, words: Sequence[str], topn: int = 10, method: str = "add",
                           restrict_vocab: int | None = None, unknown: str = "raise",
                           block_size: int | None = None) -> list[list[tuple[str, float]]]:
        """Neighbours of each word of ``words`` (one answer per word, same order).

        >>> wv = WordVectors(np.array([[1, 0], [0.9, 0.1], [0, 1]]), ["cat", "dog", "car"])
        >>> [r[0][0] for r in wv.batch_most_similar(["cat", "car"], topn=1)]
        ['dog', 'dog']
        """
        if isinstance(words, str):
            raise ValueError("batch_most_similar takes a list of words; got a str")
        return query.most_similar_batch(self, [([w], []) for w in words], topn=topn,
                                        method=method, restrict_vocab=restrict_vocab,
                                        unknown=unknown, block_size=block_size)

    def batch_analogy(self, triples: Sequence[Sequence[str]], topn: int = 1,
                      method: str = "add", restrict_vocab: int | None = None,
                      unknown: str = "raise",
                      block_size: int | None = None) -> list[list[tuple[str, float]]]:
        """Answer many ``(a, b, c)`` analogies; see :func:`wordvec.vectors.query.analogy_batch`."""
        return query.analogy_batch(self, triples, method=method, topn=topn,
                                   restrict_vocab=restrict_vocab, unknown=unknown,
                                   block_size=block_size)

    def batch_similar_by_vector(self, vectors: np.ndarray, topn: int = 10,
                                restrict_vocab: int | None = None,
                                block_size: int | None = None) -> list[list[tuple[str, float]]]:
        """Neighbours of each row of a ``(n, dim)`` matrix."""
        return query.similar_by_vectors(self, vectors, topn=topn,
                                        restrict_vocab=restrict_vocab, block_size=block_size)

    # -- persistence ---------------------------------------------------------------
    def plot(self, words: Sequence[str] = (), **kwargs: Any) -> Any:
        """A 2-D map of ``words``: :func:`wordvec.plot.plot_words` (needs matplotlib)."""
        from ..plot import plot_words
        return plot_words(self, words, **kwargs)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save in the native format (atomic: a temporary file renamed into place)."""
        _io.save_native(path, self._vectors, self.index_to_key, self.counts, self.params,
                        self.stats, self.subwords)

    @classmethod
    def load(cls, path: str | os.PathLike[str], mmap: str | None = None) -> WordVectors:
        """Load a native model; ``mmap="r"`` maps the matrix instead of reading it.

        With ``mmap``, the file must not be truncated or rewritten in place while the
        model is in use: the operating system then kills the process (SIGBUS) at the
        next read of a page that is gone.  wordvec's own saves never do that (they write
        a new file and rename it into place, so a mapped model keeps the old file).
        """
        matrix, header = _io.load_native(path, mmap=mmap)
        return cls(matrix, header["words"], header.get("counts"), header.get("params"),
                   header.get("stats"), header.get("subwords"))


def _check_counts(counts: Sequence[int] | np.ndarray | None, n: int) -> np.ndarray | None:
    """Corpus counts as int64, one non-negative whole number per word, or None."""
    if counts is None:
        return None
    if isinstance(counts, (str, bytes)):
        raise ValueError(f"counts must be {n} non-negative integers; got a str")
    arr = np.asarray(counts)
    if arr.shape != (n,):
        raise ValueError(f"counts must be {n} non-negative integers, one per word; got "
                         f"shape {arr.shape}")
    if arr.dtype.kind == "f" and arr.size and not (np.isfinite(arr).all()
                                                    and (arr == np.round(arr)).all()):
        raise ValueError("counts must be whole numbers; got a fraction, NaN or infinity")
    if arr.dtype.kind not in "biuf" or (arr.size and arr.min() < 0):
        raise ValueError("counts must be non-negative integers")
    return arr.astype(np.int64)


# From the SVD factors to the vectors (the last step of a build).

def embed(u: np.ndarray, s: np.ndarray, vt: np.ndarray, *, eig: float = 0.5,
          add_contexts: bool = False, context_weight: float = 1.0,
          normalize_parts: bool = False) -> np.ndarray:
    """Word vectors ``w = U * S**eig``, plus context vectors ``c = V * S**eig`` if asked.

    With ``add_contexts`` the result is ``w + context_weight * c``; with
    ``normalize_parts`` each row of ``w`` and of ``c`` is first scaled to unit length
    (all-zero rows stay zero), so every word gets the same mix of its word and
    context parts.  ``context_weight`` and ``normalize_parts`` are ignored without
    ``add_contexts``.

    >>> u = np.eye(2, dtype=np.float32); s = np.array([4.0, 1.0], dtype=np.float32)
    >>> embed(u, s, u.T, eig=0.5).tolist()
    [[2.0, 0.0], [0.0, 1.0]]
    >>> embed(u, s, u.T, eig=0.5, add_contexts=True, context_weight=0.5).tolist()
    [[3.0, 0.0], [0.0, 1.5]]
    >>> embed(u, s, u.T, eig=0.5, add_contexts=True, normalize_parts=True).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    eig = check_float("eig", eig, low=0.0, high=1.0)  # type: ignore[assignment]
    context_weight = check_float("context_weight", context_weight,  # type: ignore[assignment]
                                 low=0.0)
    check_bool("add_contexts", add_contexts)
    check_bool("normalize_parts", normalize_parts)
    u, s, vt = np.asarray(u), np.asarray(s), np.asarray(vt)
    if u.ndim != 2 or s.shape != (u.shape[1],) or vt.ndim != 2 or vt.shape[0] != s.size:
        raise ValueError(f"embed needs U (m, k), S (k,) and Vt (k, n) from truncated_svd; got "
                         f"shapes {u.shape}, {s.shape}, {vt.shape}")
    if s.size and (not np.isfinite(s).all() or s.min() < 0):
        raise ValueError("singular values must be finite and non-negative")
    weights = (s.astype(np.float64) ** eig).astype(np.float32)
    vectors = u * weights
    if add_contexts:
        if vt.shape[1] != u.shape[0]:
            raise ValueError("add_contexts needs as many contexts as words")
        contexts = vt.T * weights
        if normalize_parts:
            vectors = _unit_rows(vectors)
            contexts = _unit_rows(contexts)
        vectors = vectors + np.float32(context_weight) * contexts
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1).astype(x.dtype)
