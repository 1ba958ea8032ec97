"""Document features for scikit-learn: documents as pooled word vectors.

:class:`EmbeddingVectorizer` turns documents into dense rows by pooling the vectors
of their words, so word vectors can feed any scikit-learn model inside a
``Pipeline`` or a ``FeatureUnion`` (next to a ``TfidfVectorizer``, say, or
:class:`~wordvec.logcountratio.LogCountRatio`).

Documents are given as

* raw text (an iterable of ``str``), tokenized with the model's own tokenizer
  (``wv.params["tokenizer"]``, the :class:`~wordvec.text.tokenize.Tokenizer` used to build
  the vectors), or
* token lists (an iterable of ``list[str]``), used as they are, or
* a document-term count matrix (2-D array or sparse matrix, non-negative) whose
  column ``j`` counts word ``j`` of the model (``wv.index_to_key[j]``); it may have
  fewer columns than the model has words (then only the first words are counted),
  as ``CountVectorizer(vocabulary=wv.index_to_key[:k])`` makes.

Words that are not in the model are skipped, unless the model has n-gram vectors
(``build(..., subwords=True)``): then a word outside the vocabulary with a known n-gram
gets its vector from them (``subwords=False`` turns that off).  A document with no word
that has a vector gets a zero row; they are counted and an
:class:`EmptyDocumentWarning` says how many.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._util.validation import check_bool, check_choice, check_float
from .text.tokenize import Tokenizer
from .vectors._lookup import model_tokenizer
from .vectors.vectors import WordVectors

__all__ = ["EmbeddingVectorizer", "EmptyDocumentWarning", "POOLINGS"]

#: Pooling methods of :class:`EmbeddingVectorizer`.
POOLINGS = ("mean", "tfidf", "sif", "maxmin")
_NORMS = ("l2", None)
_MAXMIN_BLOCK = 1 << 22  # vector entries gathered at once by "maxmin" pooling


class EmptyDocumentWarning(UserWarning):
    """Some documents had no word in the model's vocabulary; their rows are zero."""


class EmbeddingVectorizer(TransformerMixin, BaseEstimator):
    """Pool the word vectors of each document into one dense row.

    Parameters
    ----------
    vectors : WordVectors or str or os.PathLike, default=None
        The word vectors, or the path of a model saved by :meth:`WordVectors.save`
        (loaded by ``fit``).  Required; the default exists for scikit-learn's
        conventions only.  It is never modified.
    pooling : {"mean", "tfidf", "sif", "maxmin"}, default="mean"
        ``"mean"``: mean of the vectors of the document's tokens (repeated tokens count
        again).  ``"tfidf"``: the same mean weighted by the inverse document frequency
        of each word, learned in ``fit`` (smooth IDF, ``ln((1 + n) / (1 + df)) + 1``,
        as ``TfidfTransformer``).  ``"sif"``: smooth inverse frequency (Arora et al.,
        2017): each token weighted by ``sif_a / (sif_a + p(w))``, ``p(w)`` the word's
        unigram probability in the model's corpus counts, summed and divided by the
        number of known tokens, then the projection on the first principal component
        of the training documents (learned in ``fit``) is removed.  ``"maxmin"``: the
        element-wise maximum and minimum over the document's words, concatenated
        (De Boom et al., 2016): ``2 * dim`` features.
    norm : {"l2", None}, default="l2"
        Scale each output row to unit Euclidean length (zero rows stay zero).
    sif_a : float, default=1e-3
        The ``a`` of SIF weights; used only with ``pooling="sif"``.
    subwords : bool, default=True
        With a model that has n-gram vectors (:attr:`WordVectors.subwords`), words
        outside its vocabulary get vectors from their n-grams (with the IDF of a word in
        no training document for ``"tfidf"``, the SIF weight of a word of count 0 for
        ``"sif"``); without, or with a model that has none, they are skipped.

    Attributes
    ----------
    vectors_ : WordVectors
        The vectors used (``vectors`` itself, or the model loaded from its path).
    tokenizer_ : Tokenizer or None
        The model's tokenizer, used on raw text; ``None`` when the model was built with
        a custom tokenizer that cannot be rebuilt (give token lists then).
    idf_ : ndarray of shape (n_words,)
        Inverse document frequency of each word of the model (``pooling="tfidf"``).
    idf_unseen_ : float
        The IDF of a word in no training document, given to words from n-grams
        (``pooling="tfidf"``).
    word_weights_ : ndarray of shape (n_words,)
        SIF weight of each word of the model (``pooling="sif"``).
    components_ : ndarray of shape (1, dim)
        The removed principal direction (``pooling="sif"``; zero if every training
        document was empty).
    n_features_in_ : int
        Columns of the count matrix seen in ``fit`` (only when fitted on one).
    n_empty_fit_ : int
        Training documents with no known word.
    nonfinite_rows_ : ndarray of int
        Words of the model whose vector holds a NaN or infinity: they count as unknown
        words (one of them would make a row of NaN features).

    Examples
    --------
    >>> wv = WordVectors(np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), ["good", "bad", "film"])
    >>> vec = EmbeddingVectorizer(wv, norm=None).fit(["a good film", "bad"])
    >>> vec.transform(["Good good film!", "BAD"]).round(3).tolist()
    [[1.0, 0.333], [0.0, 2.0]]
    >>> vec.transform([["bad", "film"]]).tolist()
    [[0.5, 1.5]]
    >>> vec.get_feature_names_out().tolist()
    ['mean0', 'mean1']
    """

    def __init__(self, vectors: WordVectors | str | os.PathLike[str] | None = None,
                 pooling: str = "mean", norm: str | None = "l2",
                 sif_a: float = 1e-3, subwords: bool = True) -> None:
        self.vectors = vectors
        self.pooling = pooling
        self.norm = norm
        self.sif_a = sif_a
        self.subwords = subwords

    # -- scikit-learn protocol --------------------------------------------------------
    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True      # raw text and token lists
        tags.input_tags.two_d_array = True  # count matrices
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = True
        return tags

    def fit(self, X: Any, y: Any = None) -> EmbeddingVectorizer:
        """Learn what the pooling needs (IDF, SIF direction) from documents ``X``.

        ``y`` is ignored.
        """
        self._fit_pool(X)
        return self

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> np.ndarray:
        """``fit`` then ``transform`` with one pass over ``X``."""
        rows = self._fit_pool(X)
        return self._finish(rows)

    def transform(self, X: Any) -> np.ndarray:
        """One row per document: float64 array of shape (n_documents, n_features_out)."""
        check_is_fitted(self, "vectors_")
        counts, extra = self._counts(X, reset=False)
        rows, n_empty = self._pool(counts, extra)
        _warn_empty(n_empty, counts.shape[0])
        if self.pooling == "sif":
            rows = self._remove_direction(rows)
        return self._finish(rows)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        """Output feature names: ``mean0``, ``mean1``, ... (``max*`` and ``min*`` for maxmin).

        ``input_features`` is only checked (its length must match a fitted count
        matrix): the output features do not correspond to input columns.
        """
        check_is_fitted(self, "vectors_")
        if input_features is not None:
            n_in = getattr(self, "n_features_in_", None)
            if n_in is not None and len(input_features) != n_in:
                raise ValueError(f"input_features should have length equal to number of "
                                 f"features ({n_in}), got {len(input_features)}")
            names_in = getattr(self, "feature_names_in_", None)
            if names_in is not None and list(input_features) != list(names_in):
                raise ValueError("input_features is not equal to feature_names_in_")
        dim = self.vectors_.vector_size
        if self.pooling == "maxmin":
            names = [f"max{i}" for i in range(dim)] + [f"min{i}" for i in range(dim)]
        else:
            names = [f"{self.pooling}{i}" for i in range(dim)]
        return np.asarray(names, dtype=object)

    # -- fitting ----------------------------------------------------------------------
    def _fit_pool(self, X: Any) -> np.ndarray:
        check_choice("pooling", self.pooling, POOLINGS)
        check_choice("norm", self.norm, _NORMS)
        check_float("sif_a", self.sif_a, low=0, low_open=True)
        check_bool("subwords", self.subwords)
        wv = _resolve_vectors(self.vectors)
        for name in ("idf_", "idf_unseen_", "word_weights_", "components_", "n_features_in_",
                     "feature_names_in_"):
            if hasattr(self, name):
                delattr(self, name)
        self.vectors_ = wv
        self.tokenizer_ = model_tokenizer(wv, missing=Tokenizer())  # hand-made: the default
        self.nonfinite_rows_ = np.flatnonzero(~np.isfinite(np.asarray(wv.vectors)).all(axis=1))
        counts, extra = self._counts(X, reset=True)
        n_docs = counts.shape[0]
        if self.pooling == "tfidf":
            df = np.bincount(counts.indices, minlength=counts.shape[1])[:len(wv)]
            self.idf_ = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
            self.idf_unseen_ = float(np.log(1.0 + n_docs) + 1.0)
        elif self.pooling == "sif":
            if wv.counts is None:
                raise ValueError("pooling='sif' needs the word counts of the model's corpus "
                                 "(WordVectors.counts), and these vectors have none; use "
                                 "pooling='tfidf' or give vectors with counts")
            p = wv.counts / max(int(wv.counts.sum()), 1)
            self.word_weights_ = self.sif_a / (self.sif_a + p)
        rows, n_empty = self._pool(counts, extra)
        _warn_empty(n_empty, n_docs)
        self.n_empty_fit_ = n_empty
        if self.pooling == "sif":
            self.components_ = _first_direction(rows)
            rows = self._remove_direction(rows)
        return rows

    # -- documents to a count matrix --------------------------------------------------
    def _counts(self, X: Any, *, reset: bool) -> tuple[sp.csr_matrix, np.ndarray]:
        """Documents as a CSR matrix of token counts, one column per word of the model
        and then one per word from n-grams, and the vectors of those (n_extra, dim)."""
        wv = self.vectors_
        none = np.zeros((0, wv.vector_size), dtype=np.float32)
        kind, docs = _document_kind(X)
        if kind == "matrix":
            matrix = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32],
                                   reset=reset)
            matrix = sp.csr_matrix(matrix, dtype=np.float32)
            if matrix.nnz and matrix.data.min() < 0:
                raise ValueError(f"Negative values in data passed to "
                                 f"{type(self).__name__}: a count matrix must be non-negative")
            if matrix.shape[1] > len(wv):
                raise ValueError(f"a count matrix has one column per word of the model, in "
                                 f"its order; got {matrix.shape[1]} columns for a model of "
                                 f"{len(wv)} words")
            matrix.resize((matrix.shape[0], len(wv)))
            matrix.eliminate_zeros()
            return _without_rows(matrix, self.nonfinite_rows_), none
        if not docs:
            raise ValueError(f"{type(self).__name__} needs at least one document; got 0")
        if kind == "text":
            if self.tokenizer_ is None:
                raise ValueError(
                    f"these vectors were built with a custom tokenizer "
                    f"({wv.params.get('tokenizer')!r}) that cannot be rebuilt; give token "
                    f"lists instead of raw text")
            docs = [self.tokenizer_(d) for d in docs]
        index = wv.key_to_index
        unseen: dict[str, int] = {}  # words from n-grams -> column
        use_subwords = self.subwords and wv.subwords is not None
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        ids: list[int] = []
        for i, tokens in enumerate(docs):
            if use_subwords:
                ids.extend([index[t] if t in index else
                            unseen.setdefault(t, len(wv) + len(unseen)) for t in tokens])
            else:
                ids.extend([index[t] for t in tokens if t in index])
            indptr[i + 1] = len(ids)
        extra = none
        n_cols = len(wv)
        if unseen:
            assert wv.subwords is not None
            extra, ok = wv.subwords.vectors(list(unseen))
            n_cols += len(unseen)
        rows = np.repeat(np.arange(len(docs)), np.diff(indptr))
        matrix = sp.csr_matrix((np.ones(len(ids), dtype=np.float32),
                                (rows, np.asarray(ids, dtype=np.int64))),
                               shape=(len(docs), n_cols))
        matrix.sum_duplicates()
        matrix = _without_rows(matrix, self.nonfinite_rows_)
        if unseen and not ok.all():  # words none of whose n-grams is known: skipped
            matrix = _without_rows(matrix, len(wv) + np.flatnonzero(~ok))
        return matrix, extra

    # -- pooling ------------------------------------------------------------------------
    def _pool(self, counts: sp.csr_matrix, extra: np.ndarray) -> tuple[np.ndarray, int]:
        """Pooled rows (float64, before SIF removal and norm) and the empty-row count;
        ``extra``: the vectors of the columns after the model's words (from n-grams)."""
        vectors = self.vectors_.vectors
        if len(extra):
            vectors = np.concatenate([vectors, extra])
        n_docs = counts.shape[0]
        empty = np.diff(counts.indptr) == 0
        if self.pooling == "maxmin":
            return _max_min(counts, vectors), int(empty.sum())
        tokens = np.asarray(counts.sum(axis=1)).ravel()
        if self.pooling == "tfidf":
            idf = np.concatenate([self.idf_, np.full(len(extra), self.idf_unseen_)])
            weighted = counts @ sp.diags(idf.astype(np.float32))
            total = np.asarray(weighted.sum(axis=1)).ravel()
        elif self.pooling == "sif":  # a word from n-grams has count 0: weight 1
            weights = np.concatenate([self.word_weights_, np.ones(len(extra))])
            weighted = counts @ sp.diags(weights.astype(np.float32))
            total = tokens
        else:
            weighted, total = counts, tokens
        rows = np.asarray(weighted @ vectors, dtype=np.float64).reshape(n_docs, -1)
        total = np.where(total > 0, total, 1.0)
        rows /= total[:, None]
        return rows, int(empty.sum())

    def _remove_direction(self, rows: np.ndarray) -> np.ndarray:
        u = self.components_[0]
        return rows - np.outer(rows @ u, u)

    def _finish(self, rows: np.ndarray) -> np.ndarray:
        if self.norm == "l2":
            norms = np.linalg.norm(rows, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            rows = rows / norms
        return rows


def _resolve_vectors(vectors: Any) -> WordVectors:
    if vectors is None:
        raise ValueError("vectors is required: give a WordVectors or the path of a saved "
                         "model, e.g. EmbeddingVectorizer(wordvec.load('wiki.model'))")
    if isinstance(vectors, WordVectors):
        return vectors
    if isinstance(vectors, (str, os.PathLike)):
        return WordVectors.load(vectors, mmap="r")
    raise ValueError(f"vectors must be a WordVectors or the path of a saved model; got "
                     f"{type(vectors).__name__}")


def _document_kind(X: Any) -> tuple[str, list[Any] | None]:
    """``("text", docs)``, ``("tokens", docs)`` or ``("matrix", None)``."""
    if isinstance(X, (str, bytes)):
        raise ValueError("expected an iterable of documents (str or token lists); got a "
                         "single string")
    if sp.issparse(X):
        return "matrix", None
    if isinstance(X, (list, tuple)) or (np.ndim(X) == 1 if hasattr(X, "__len__") else
                                       isinstance(X, Iterable)):
        docs = list(X)
        if all(isinstance(d, str) for d in docs):
            return "text", docs
        if all(isinstance(d, (list, tuple, np.ndarray)) and all(isinstance(t, str) for t in d)
               for d in docs):
            return "tokens", docs
        first = docs[0] if docs else None
        if isinstance(first, str) or (isinstance(first, (list, tuple)) and first
                                      and isinstance(first[0], str)):
            bad = next(i for i, d in enumerate(docs) if not (
                isinstance(d, str) if isinstance(docs[0], str) else
                isinstance(d, (list, tuple, np.ndarray)) and all(isinstance(t, str) for t in d)))
            kind = "str (raw text)" if isinstance(docs[0], str) else "lists of str tokens"
            raise ValueError(f"documents must all be {kind}, as the first one is; document "
                             f"{bad} is {type(docs[bad]).__name__}: {str(docs[bad])[:60]!r}")
    return "matrix", None


def _without_rows(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """The counts without the words of ``rows`` (those whose vector is not finite: one
    NaN would make every document that holds the word a row of NaN features)."""
    if rows.size:
        matrix.data[np.isin(matrix.indices, rows)] = 0
        matrix.eliminate_zeros()
    return matrix


def _warn_empty(n_empty: int, n_docs: int) -> None:
    if n_empty:
        warnings.warn(f"{n_empty} of {n_docs} documents have no word in the vocabulary of "
                      f"the vectors; their rows are zero", EmptyDocumentWarning, stacklevel=3)


def _first_direction(rows: np.ndarray) -> np.ndarray:
    """First right singular vector of ``rows`` (uncentred, as Arora et al.), shape (1, dim)."""
    gram = rows.T @ rows
    if not np.any(gram):
        return np.zeros((1, rows.shape[1]))
    _, vecs = np.linalg.eigh(gram)
    u = vecs[:, -1]
    return (u if u[np.argmax(np.abs(u))] >= 0 else -u)[None, :]


def _max_min(counts: sp.csr_matrix, vectors: np.ndarray) -> np.ndarray:
    """Element-wise max and min of each row's word vectors, concatenated (zeros if empty)."""
    n_docs, dim = counts.shape[0], vectors.shape[1]
    out = np.zeros((n_docs, 2 * dim), dtype=np.float64)
    indptr, indices = counts.indptr, counts.indices
    nonempty = np.flatnonzero(np.diff(indptr) > 0)
    start = 0
    while start < len(nonempty):
        # a block of documents whose gathered vectors stay under the memory budget
        stop = start + 1
        first = indptr[nonempty[start]]
        while stop < len(nonempty) and (indptr[nonempty[stop] + 1] - first) * dim <= _MAXMIN_BLOCK:
            stop += 1
        docs = nonempty[start:stop]
        lo, hi = indptr[docs[0]], indptr[docs[-1] + 1]
        gathered = vectors[indices[lo:hi]]
        offsets = indptr[docs] - lo
        # empty documents between ``docs`` were skipped: offsets stay increasing
        out[docs, :dim] = np.maximum.reduceat(gathered, offsets, axis=0)
        out[docs, dim:] = np.minimum.reduceat(gathered, offsets, axis=0)
        start = stop
    return out
