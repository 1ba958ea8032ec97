"""Naive Bayes n-gram scaling for scikit-learn: the log-count ratio features of NBSVM.

:class:`LogCountRatio` scales a document-term matrix by the naive Bayes log-count ratio
of each column (Wang & Manning 2012), learned from the training labels; a linear model
on the scaled counts is NBSVM.  It takes any count matrix (e.g. a ``CountVectorizer``'s
n-grams), so it pairs with :class:`~wordvec.features.EmbeddingVectorizer` in a
``FeatureUnion``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._util.validation import check_bool, check_float

__all__ = ["LogCountRatio"]


class LogCountRatio(TransformerMixin, BaseEstimator):
    """Scale each column of a document-term matrix by its naive Bayes log-count ratio.

    The features of NBSVM (Wang & Manning, 2012): with ``x`` the (binarized) rows,
    ``p = alpha + sum of x over the positive documents`` and ``q`` the same over the
    negative ones, each column ``j`` is multiplied by
    ``r_j = log((p_j / |p|_1) / (q_j / |q|_1))``, learned in ``fit`` from the training
    labels only.  A linear model on ``x * r`` starts from the naive Bayes evidence of
    each n-gram.  Put it after a ``CountVectorizer`` in a ``Pipeline`` so the ratios
    are learned inside each cross-validation fold.

    With two classes the positive class is ``classes_[1]`` and the output has the
    input's columns.  With ``k > 2`` classes each class gets its own ratios against
    the other classes (one-vs-rest) and the output is the ``k`` scaled copies side by
    side (``k * n_features`` columns).

    Parameters
    ----------
    alpha : float, default=1.0
        Smoothing count added to every column of ``p`` and ``q`` (``alpha=1`` in the
        paper).
    binarize : bool, default=True
        Use ``x = (X > 0)`` instead of the counts, as the paper does for both the
        ratios and the scaled output.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted.
    ratios_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        The log-count ratios ``r``: one row for two classes, one per class otherwise.
    n_features_in_ : int
        Columns seen in ``fit``.

    Examples
    --------
    >>> X = np.array([[2, 0, 1], [1, 0, 1], [0, 1, 1], [0, 3, 1]])
    >>> ncr = LogCountRatio().fit(X, ["pos", "pos", "neg", "neg"])
    >>> ncr.classes_.tolist()            # "pos" is the positive class
    ['neg', 'pos']
    >>> ncr.ratios_.round(3).tolist()   # p = 1 + (2, 0, 2), q = 1 + (0, 2, 2): log(3/1), ...
    [[1.099, -1.099, 0.0]]
    >>> ncr.transform(X[:1]).round(3).tolist()
    [[1.099, 0.0, 0.0]]
    """

    def __init__(self, alpha: float = 1.0, binarize: bool = True) -> None:
        self.alpha = alpha
        self.binarize = binarize

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = True
        tags.target_tags.required = True
        return tags

    def fit(self, X: Any, y: Any) -> LogCountRatio:
        """Learn the log-count ratio of each column from documents ``X`` and labels ``y``."""
        check_float("alpha", self.alpha, low=0, low_open=True)
        check_bool("binarize", self.binarize)
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32],
                             reset=True)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"LogCountRatio needs at least 2 classes; got 1 class "
                             f"({self.classes_.tolist()})")
        x = self._prepare(X)
        positives = [y_index == 1] if len(self.classes_) == 2 else \
            [y_index == k for k in range(len(self.classes_))]
        ratios = []
        for pos in positives:
            p = self.alpha + np.asarray(x[pos].sum(axis=0), dtype=np.float64).ravel()
            q = self.alpha + np.asarray(x[~pos].sum(axis=0), dtype=np.float64).ravel()
            ratios.append(np.log(p / p.sum()) - np.log(q / q.sum()))
        self.ratios_ = np.vstack(ratios)
        return self

    def transform(self, X: Any) -> Any:
        """``x * r``: sparse in, CSR out; dense in, dense out (float64)."""
        check_is_fitted(self, "ratios_")
        X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32],
                          reset=False)
        x = self._prepare(X)
        if sp.issparse(x):
            blocks = [sp.csr_matrix(x @ sp.diags(r)) for r in self.ratios_]
            return blocks[0] if len(blocks) == 1 else sp.hstack(blocks, format="csr")
        return np.hstack([x * r + 0.0 for r in self.ratios_])  # no -0.0

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        """The input feature names; with ``k > 2`` classes, ``name|class`` for each class."""
        check_is_fitted(self, "ratios_")
        names = _feature_names_in(self, input_features)
        if len(self.ratios_) == 1:
            return np.asarray(names, dtype=object)
        return np.asarray([f"{n}|{c}" for c in self.classes_ for n in names], dtype=object)

    def _prepare(self, X: Any) -> Any:
        """Float64 copy of ``X``, binarized if asked; negative entries are refused."""
        if sp.issparse(X):
            x = sp.csr_matrix(X, dtype=np.float64, copy=True)
            x.eliminate_zeros()
            values = x.data
        else:
            x = np.array(X, dtype=np.float64)
            values = x
        if values.size and values.min() < 0:
            raise ValueError(f"Negative values in data passed to {type(self).__name__}: "
                             f"it needs counts")
        if self.binarize:
            if sp.issparse(x):
                x.data[:] = 1.0
            else:
                x = (x > 0).astype(np.float64)
        return x


# -- helpers ------------------------------------------------------------------------------


def _feature_names_in(est: LogCountRatio, input_features: Sequence[str] | None) -> list[str]:
    """The input feature names, checked as scikit-learn's transformers check them: the
    fitted ``feature_names_in_`` if any (``input_features``, if given, must equal them),
    else ``input_features`` of length ``n_features_in_``, else ``x0, x1, ...``."""
    fitted = getattr(est, "feature_names_in_", None)
    if input_features is None:
        if fitted is not None:
            return [str(n) for n in fitted]
        return [f"x{i}" for i in range(est.n_features_in_)]
    names = [str(n) for n in np.asarray(input_features, dtype=object)]
    if fitted is not None and names != [str(n) for n in fitted]:
        raise ValueError("input_features is not equal to feature_names_in_")
    if len(names) != est.n_features_in_:
        raise ValueError(f"input_features should have length equal to number of features "
                         f"({est.n_features_in_}), got {len(names)}")
    return names
