"""``WordVectors``: a float32 matrix, its vocabulary, and cosine queries.

Stored as gensim's ``KeyedVectors`` stores them: one float32 matrix, an
``index_to_key`` list, a ``key_to_index`` dict and a cached unit-norm copy.
Arrays handed out are read-only views.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from . import io as _io
from ._validation import check_int

__all__ = ["WordVectors"]

WordList = str | Sequence[str] | None


def _as_list(words: WordList) -> list[str]:
    if words is None:
        return []
    if isinstance(words, str):
        return [words]
    return list(words)


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
                 stats: dict[str, Any] | None = None) -> None:
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-D array; got shape {vectors.shape}")
        if vectors.dtype != np.float32:
            vectors = vectors.astype(np.float32)
        if len(words) != vectors.shape[0]:
            raise ValueError(f"{len(words)} words for {vectors.shape[0]} vectors")
        self.index_to_key = list(words)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        if len(self.key_to_index) != len(self.index_to_key):
            seen: set[str] = set()
            dup = next(w for w in self.index_to_key if w in seen or seen.add(w))  # type: ignore[func-returns-value]
            raise ValueError(f"duplicate word {dup!r} in vocabulary")
        self._vectors = vectors
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self.params = dict(params or {})
        self.stats = dict(stats or {})
        self._unit: np.ndarray | None = None

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
        return f"WordVectors({len(self)} words, dim={self.vector_size})"

    def get_index(self, word: str) -> int:
        """Row of ``word``; ``KeyError`` naming the word if it is unknown."""
        try:
            return self.key_to_index[word]
        except KeyError:
            raise KeyError(f"word {word!r} not in vocabulary") from None

    def __getitem__(self, words: str | Sequence[str]) -> np.ndarray:
        if isinstance(words, str):
            out = self._vectors[self.get_index(words)]
        else:
            out = self._vectors[[self.get_index(w) for w in words]]
        out = out.view()
        out.flags.writeable = False
        return out

    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero); cached, read-only."""
        if self._unit is None:
            norms = np.linalg.norm(self._vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            unit = (self._vectors / norms).astype(np.float32)
            unit.flags.writeable = False
            self._unit = unit
        return self._unit

    # -- queries -----------------------------------------------------------------
    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words."""
        unit = self.unit_vectors
        return float(unit[self.get_index(a)] @ unit[self.get_index(b)])

    def most_similar(self, positive: WordList = None, negative: WordList = None,
                     topn: int = 10) -> list[tuple[str, float]]:
        """Nearest words to ``sum(positive) - sum(negative)`` of unit vectors (3CosAdd).

        The query words are never returned.  Unknown words raise ``KeyError``.
        """
        pos, neg = _as_list(positive), _as_list(negative)
        if not pos and not neg:
            raise ValueError("most_similar needs at least one positive or negative word")
        topn = check_int("topn", topn, low=1)  # type: ignore[assignment]
        unit = self.unit_vectors
        ids = [self.get_index(w) for w in pos + neg]
        query = unit[ids[:len(pos)]].sum(axis=0) - unit[ids[len(pos):]].sum(axis=0)
        norm = np.linalg.norm(query)
        if norm > 0:
            query = query / norm
        return self._top(unit @ query, topn, ids)

    def similar_by_vector(self, vector: np.ndarray, topn: int = 10) -> list[tuple[str, float]]:
        """Nearest words to a raw vector, by cosine."""
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self.vector_size,):
            raise ValueError(f"vector must have shape ({self.vector_size},); got {vector.shape}")
        norm = np.linalg.norm(vector)
        return self._top(self.unit_vectors @ (vector / norm if norm else vector), topn, [])

    def analogy(self, a: str, b: str, c: str, topn: int = 1) -> list[tuple[str, float]]:
        """``a`` is to ``b`` as ``c`` is to ?  (3CosAdd: ``b - a + c``; a, b, c excluded)."""
        return self.most_similar(positive=[b, c], negative=[a], topn=topn)

    def _top(self, scores: np.ndarray, topn: int, exclude: Iterable[int]) -> list[tuple[str, float]]:
        scores = np.array(scores, dtype=np.float32)  # a copy: we mask it
        excl = list(exclude)
        if excl:
            scores[excl] = -np.inf
        n = min(topn, len(scores) - len(set(excl)))
        if n <= 0:
            return []
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.index_to_key[i], float(scores[i])) for i in best]

    # -- persistence ---------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Save in the native format (atomic: a temporary file renamed into place)."""
        _io.save_native(path, self._vectors, self.index_to_key, self.counts, self.params,
                        self.stats)

    @classmethod
    def load(cls, path: str | os.PathLike[str], mmap: str | None = None) -> WordVectors:
        """Load a native model; ``mmap="r"`` maps the matrix instead of reading it."""
        matrix, header = _io.load_native(path, mmap=mmap)
        return cls(matrix, header["words"], header.get("counts"), header.get("params"),
                   header.get("stats"))
