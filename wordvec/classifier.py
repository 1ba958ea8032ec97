"""The combined sentiment classifier: n-gram features and word vectors, tuned in ``fit``.

:class:`CombinedClassifier` is the ``"combined"`` model of :mod:`wordvec.sentiment`.  A
fixed embedding weight chosen on one data set costs accuracy on others (the embedding
block adds noise where the vectors know little of the task), so everything that
depends on the task is chosen inside ``fit``, by cross-validation on the training
documents only:

* the sparse block: naive Bayes scaled binary 1-2-grams (the features of NBSVM, Wang &
  Manning 2012; the log-count ratios learned from the inner training labels) or TF-IDF
  1-2-grams (sublinear tf, ``min_df=2``);
* the weight of the standardized pooled word vectors next to it, including 0 (no
  embeddings at all), and
* ``C`` of the logistic regression.

So the combined model is never worse than the better of its n-gram halves by more than
the noise of the inner folds: where the vectors do not help, the search drops them.
Ties go to the simpler model (weight 0 first, smaller ``C`` first).  The vocabularies,
IDF and pooling are fitted on the whole training set (no labels involved), the ratios
and the classifier per inner fold.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ._util.validation import check_choice, check_float, check_int
from .features import POOLINGS, EmbeddingVectorizer
from .logcountratio import LogCountRatio
from .vectors.vectors import WordVectors

__all__ = ["CombinedClassifier", "SPARSE_BLOCKS"]

#: The sparse n-gram blocks the search chooses from.
SPARSE_BLOCKS = ("nb", "tfidf")


class CombinedClassifier(ClassifierMixin, BaseEstimator):
    """N-gram features + pooled word vectors + logistic regression, tuned by inner CV.

    Parameters
    ----------
    vectors : WordVectors or path, default=None
        The word vectors (required).
    pooling : {"mean", "tfidf", "sif", "maxmin"}, default="mean"
        How :class:`~wordvec.features.EmbeddingVectorizer` pools them.
    sparse : tuple of {"nb", "tfidf"}, default=("nb", "tfidf")
        The sparse blocks to choose from.
    embedding_weights : tuple of float, default=(0, 0.03, 0.1, 0.3)
        Weights of the standardized embedding block to choose from (0: none).  A block
        scaled by ``w`` gets the regularization of ``C * w**2``.
    nb_Cs, tfidf_Cs : tuple of float, default=(1, 10) and (10, 100)
        ``C`` of the logistic regression to choose from, for each sparse block.
    alpha : float, default=1.0
        Smoothing of the naive Bayes ratios.
    cv : int, default=3
        Inner stratified folds (shuffled with ``random_state``).
    max_iter : int, default=5000
    random_state : int, default=0

    Attributes
    ----------
    best_params_ : dict
        ``sparse``, ``embedding_weight`` and ``C`` chosen.
    cv_results_ : list of dict
        Mean inner-fold accuracy of every grid point.
    classes_ : ndarray
    """

    def __init__(self, vectors: WordVectors | str | os.PathLike[str] | None = None, *,
                 pooling: str = "mean", sparse: tuple[str, ...] = SPARSE_BLOCKS,
                 embedding_weights: tuple[float, ...] = (0.0, 0.03, 0.1, 0.3),
                 nb_Cs: tuple[float, ...] = (1.0, 10.0),
                 tfidf_Cs: tuple[float, ...] = (10.0, 100.0), alpha: float = 1.0,
                 cv: int = 3, max_iter: int = 5000, random_state: int = 0) -> None:
        self.vectors = vectors
        self.pooling = pooling
        self.sparse = sparse
        self.embedding_weights = embedding_weights
        self.nb_Cs = nb_Cs
        self.tfidf_Cs = tfidf_Cs
        self.alpha = alpha
        self.cv = cv
        self.max_iter = max_iter
        self.random_state = random_state

    # -- fitting --------------------------------------------------------------------
    def fit(self, X: Any, y: Any) -> CombinedClassifier:
        """Choose the sparse block, embedding weight and ``C`` by inner CV on ``X``,
        then refit with them on all of ``X``.  ``X``: raw texts."""
        from sklearn.model_selection import StratifiedKFold

        self._check_params()
        texts = _texts(X)
        labels = np.asarray(y)
        if labels.shape != (len(texts),):
            raise ValueError(f"y must hold one label per document ({len(texts)}); got "
                             f"shape {labels.shape}")
        self.classes_ = np.unique(labels)
        if len(self.classes_) < 2:
            raise ValueError(f"fit needs at least 2 classes; got {self.classes_.tolist()}")
        blocks = self._fit_blocks(texts)
        splits = list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
                      .split(np.zeros(len(labels)), labels))
        results: list[dict[str, Any]] = []
        for kind in self.sparse:
            for weight in self.embedding_weights:
                for c in (self.nb_Cs if kind == "nb" else self.tfidf_Cs):
                    acc = [self._score(blocks, kind, weight, c, labels, tr, va)
                           for tr, va in splits]
                    results.append({"sparse": kind, "embedding_weight": float(weight),
                                    "C": float(c), "accuracy": float(np.mean(acc))})
        best = results[0]
        for r in results[1:]:  # strictly better only: ties keep the simpler, earlier one
            if r["accuracy"] > best["accuracy"] + 1e-12:
                best = r
        self.cv_results_ = results
        self.best_params_: dict[str, Any] = {k: best[k] for k in ("sparse", "embedding_weight",
                                                                   "C")}
        everything = np.arange(len(labels))
        self.ratio_ = self._ratio(blocks, best["sparse"], labels, everything)
        features = self._features(blocks, best["sparse"], best["embedding_weight"],
                                  everything, self.ratio_)
        self.classifier_ = self._classifier(best["C"]).fit(features, labels)
        self.blocks_ = {k: v for k, v in blocks.items() if k.endswith("_model")}
        return self

    def _check_params(self) -> None:
        check_choice("pooling", self.pooling, POOLINGS)
        if not self.sparse:
            raise ValueError(f"sparse must name at least one of {SPARSE_BLOCKS}")
        for kind in self.sparse:
            check_choice("sparse", kind, SPARSE_BLOCKS)
        if not len(self.embedding_weights):
            raise ValueError("embedding_weights must hold at least one weight (0: none)")
        for w in self.embedding_weights:
            check_float("embedding_weights", w, low=0.0)
        for name in ("nb_Cs", "tfidf_Cs"):
            values = getattr(self, name)
            if not len(values):
                raise ValueError(f"{name} must hold at least one C")
            for c in values:
                check_float(name, c, low=0, low_open=True)
        check_float("alpha", self.alpha, low=0, low_open=True)
        check_int("cv", self.cv, low=2)
        check_int("max_iter", self.max_iter, low=1)
        check_int("random_state", self.random_state, low=0, high=2**32 - 1)

    def _fit_blocks(self, texts: list[str]) -> dict[str, Any]:
        """The label-free parts, fitted once on all training texts: the n-gram matrices
        and the standardized pooled vectors."""
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.preprocessing import StandardScaler

        blocks: dict[str, Any] = {}
        if "nb" in self.sparse:
            counts = CountVectorizer(ngram_range=(1, 2), binary=True)
            blocks["nb"] = counts.fit_transform(texts).tocsr().astype(np.float64)
            blocks["nb_model"] = counts
        if "tfidf" in self.sparse:
            tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            blocks["tfidf"] = tfidf.fit_transform(texts).tocsr()
            blocks["tfidf_model"] = tfidf
        if any(w > 0 for w in self.embedding_weights):
            pool = EmbeddingVectorizer(self.vectors, pooling=self.pooling)
            scaler = StandardScaler()
            blocks["emb"] = scaler.fit_transform(pool.fit_transform(texts))
            blocks["emb_model"] = (pool, scaler)
        return blocks

    def _ratio(self, blocks: dict[str, Any], kind: str, labels: np.ndarray,
               rows: np.ndarray) -> LogCountRatio | None:
        if kind != "nb":
            return None
        return LogCountRatio(alpha=self.alpha).fit(blocks["nb"][rows], labels[rows])

    def _features(self, blocks: dict[str, Any], kind: str, weight: float, rows: np.ndarray,
                  ratio: LogCountRatio | None) -> sp.csr_matrix:
        sparse = blocks[kind][rows]
        if ratio is not None:
            sparse = ratio.transform(sparse)
        if weight <= 0:
            return sp.csr_matrix(sparse)
        return sp.hstack([sparse, sp.csr_matrix(weight * blocks["emb"][rows])], format="csr")

    def _classifier(self, c: float) -> Any:
        from sklearn.linear_model import LogisticRegression
        return LogisticRegression(C=c, max_iter=self.max_iter)

    def _score(self, blocks: dict[str, Any], kind: str, weight: float, c: float,
               labels: np.ndarray, train: np.ndarray, valid: np.ndarray) -> float:
        ratio = self._ratio(blocks, kind, labels, train)
        clf = self._classifier(c).fit(self._features(blocks, kind, weight, train, ratio),
                                      labels[train])
        return float(np.mean(clf.predict(self._features(blocks, kind, weight, valid, ratio))
                             == labels[valid]))

    # -- prediction -----------------------------------------------------------------
    def _transform(self, X: Any) -> sp.csr_matrix:
        check_is_fitted(self, "classifier_")
        texts = _texts(X)
        kind, weight = self.best_params_["sparse"], self.best_params_["embedding_weight"]
        sparse = self.blocks_[f"{kind}_model"].transform(texts)
        if kind == "nb":
            assert self.ratio_ is not None
            sparse = self.ratio_.transform(sparse.astype(np.float64))
        if weight <= 0:
            return sp.csr_matrix(sparse)
        pool, scaler = self.blocks_["emb_model"]
        emb = scaler.transform(pool.transform(texts))
        return sp.hstack([sparse, sp.csr_matrix(weight * emb)], format="csr")

    def decision_function(self, X: Any) -> np.ndarray:
        return self.classifier_.decision_function(self._transform(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.classifier_.predict_proba(self._transform(X))

    def predict(self, X: Any) -> np.ndarray:
        return self.classifier_.predict(self._transform(X))


def _texts(X: Any) -> list[str]:
    """Raw documents as a list of str; one clear error otherwise."""
    if isinstance(X, (str, bytes)):
        raise ValueError("expected an iterable of documents (str); got a single string")
    texts = list(X)
    if not texts:
        raise ValueError("CombinedClassifier needs at least one document; got 0")
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise ValueError(f"documents must be str (raw text); document {bad} is "
                         f"{type(texts[bad]).__name__}")
    return texts
