"""``Cooccurrences``: a vocabulary with its co-occurrence matrix, saved and merged.

Counts are additive: the counts of two corpora, made with the same window settings,
merge into the counts of their concatenation (up to out-of-vocabulary words, which
each corpus removed before windowing by its own ``min_count``).  So adding a task's
own text to a large general corpus does not need a second pass over the general one.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import io as _io
from ._validation import check_int
from .errors import FormatError
from .vocab import Vocabulary

__all__ = ["Cooccurrences", "COUNT_PARAMS"]

#: Parameters that must agree for two count sets to be merged.
COUNT_PARAMS = ("window", "window_weighting", "subsample", "subsample_mode")


class Cooccurrences:
    """Word counts and the symmetric word x context count matrix of a corpus.

    Parameters
    ----------
    vocab : Vocabulary
        Words, most frequent first, with their corpus counts.
    matrix : scipy.sparse matrix (len(vocab), len(vocab))
        Weighted co-occurrence counts (rows words, columns contexts).
    params : dict
        The counting parameters (``window``, ``window_weighting``, ...).
    stats : dict
        Corpus statistics.
    """

    def __init__(self, vocab: Vocabulary, matrix: sp.spmatrix, params: dict[str, Any],
                 stats: dict[str, Any] | None = None) -> None:
        if matrix.shape != (len(vocab), len(vocab)):
            raise ValueError(f"matrix shape {matrix.shape} does not match a vocabulary of "
                             f"{len(vocab)} words")
        self.vocab = vocab
        self.matrix = sp.csr_matrix(matrix, dtype=np.float32)
        self.params = dict(params)
        self.stats = dict(stats or {})

    def __repr__(self) -> str:
        return (f"Cooccurrences({len(self.vocab)} words, {self.matrix.nnz} non-zeros, "
                f"window={self.params.get('window')})")

    # -- combining -----------------------------------------------------------------
    def merge(self, other: Cooccurrences) -> Cooccurrences:
        """Counts of both corpora: union vocabulary, summed word and pair counts."""
        for key in COUNT_PARAMS:
            if self.params.get(key) != other.params.get(key):
                raise ValueError(f"cannot merge counts made with {key}="
                                 f"{self.params.get(key)!r} and {key}={other.params.get(key)!r}")
        words = list(self.vocab.words)
        index = dict(self.vocab.index)
        for w in other.vocab.words:
            if w not in index:
                index[w] = len(words)
                words.append(w)
        n = len(words)
        counts = np.zeros(n, dtype=np.int64)
        counts[: len(self.vocab)] += self.vocab.counts
        other_ids = np.array([index[w] for w in other.vocab.words], dtype=np.int64)
        counts[other_ids] += other.vocab.counts
        a = _reindex(self.matrix, np.arange(len(self.vocab)), n)
        b = _reindex(other.matrix, other_ids, n)
        merged_vocab, remap = Vocabulary.from_arrays(words, counts)
        order = np.argsort(remap)  # new id -> old (union) id
        matrix = (a + b).tocsr()[order][:, order]
        stats = {"merged_from": [self.stats, other.stats],
                 "tokens": self.stats.get("tokens", 0) + other.stats.get("tokens", 0)}
        return Cooccurrences(merged_vocab, matrix, self.params, stats)

    def __add__(self, other: Cooccurrences) -> Cooccurrences:
        return self.merge(other)

    def prune(self, min_count: int = 1, max_vocab: int | None = None) -> Cooccurrences:
        """Keep words seen ``min_count`` times or more, at most ``max_vocab`` of them."""
        check_int("min_count", min_count, low=1)
        vocab, remap = Vocabulary.from_arrays(self.vocab.words, self.vocab.counts,
                                              min_count=min_count, max_vocab=max_vocab)
        keep = np.flatnonzero(remap >= 0)[np.argsort(remap[remap >= 0])]
        matrix = self.matrix[keep][:, keep]
        params = {**self.params, "min_count": min_count, "max_vocab": max_vocab}
        return Cooccurrences(vocab, matrix, params, self.stats)

    # -- persistence ---------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Save as an ``.npz`` archive (atomic write)."""
        m = self.matrix
        meta = json.dumps({"words": self.vocab.words, "params": self.params,
                           "stats": self.stats}, default=str)
        with _io.atomic_write(path) as fh:
            np.savez(fh, data=m.data, indices=m.indices, indptr=m.indptr,
                     counts=self.vocab.counts, meta=np.frombuffer(meta.encode("utf-8"),
                                                                 dtype=np.uint8))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cooccurrences:
        """Load counts saved by :meth:`save`."""
        if not os.path.exists(path):
            raise FileNotFoundError(f"counts file {str(path)!r} does not exist")
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(z["meta"].tobytes().decode("utf-8"))
                n = len(meta["words"])
                matrix = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=(n, n))
                vocab = Vocabulary(meta["words"], z["counts"])
        except (OSError, ValueError, KeyError) as exc:
            raise FormatError(f"{path}: not a wordvec counts file ({exc})") from None
        return cls(vocab, matrix, meta["params"], meta["stats"])


def _reindex(m: sp.csr_matrix, ids: np.ndarray, n: int) -> sp.csr_matrix:
    coo = m.tocoo()
    return sp.csr_matrix((coo.data, (ids[coo.row], ids[coo.col])), shape=(n, n))

