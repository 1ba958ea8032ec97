"""LogCountRatio: naive Bayes log-count ratios by hand, fitted inside folds, sklearn contract."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import wordvec
from wordvec.logcountratio import LogCountRatio

# columns: "great" (positive only), "dull" (negative only), "film" (both), "cast" (one of each)
X = np.array([[2, 0, 1, 1],
              [1, 0, 1, 0],
              [0, 1, 1, 0],
              [0, 3, 1, 1]])
Y = ["pos", "pos", "neg", "neg"]


def ratio(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.log(p / p.sum()) - np.log(q / q.sum())


def test_binarized_ratios_by_hand() -> None:
    ncr = LogCountRatio().fit(X, Y)
    # binarized: pos rows (1,0,1,1), (1,0,1,0) -> p = 1 + (2,0,2,1); neg -> q = 1 + (0,2,2,1)
    expected = ratio(np.array([3.0, 1, 3, 2]), np.array([1.0, 3, 3, 2]))
    np.testing.assert_allclose(ncr.ratios_, [expected])
    assert ncr.classes_.tolist() == ["neg", "pos"]
    assert ncr.ratios_[0, 0] > 0 > ncr.ratios_[0, 1] and ncr.ratios_[0, 2] == pytest.approx(0)
    # transform: binarized rows times r (counts of 2 and 3 count once)
    np.testing.assert_allclose(ncr.transform(X), (X > 0) * expected)


def test_counts_and_alpha() -> None:
    ncr = LogCountRatio(alpha=0.5, binarize=False).fit(X, Y)
    expected = ratio(0.5 + np.array([3.0, 0, 2, 1]), 0.5 + np.array([0.0, 4, 2, 1]))
    np.testing.assert_allclose(ncr.ratios_, [expected])
    np.testing.assert_allclose(ncr.transform(X[:1]), [X[0] * expected])


def test_positive_class_is_the_second_label() -> None:
    flipped = LogCountRatio().fit(X, [1, 1, 0, 0])
    np.testing.assert_allclose(flipped.ratios_, LogCountRatio().fit(X, Y).ratios_)
    np.testing.assert_allclose(LogCountRatio().fit(X, [0, 0, 1, 1]).ratios_, -flipped.ratios_)


def test_sparse_and_dense_agree() -> None:
    ncr = LogCountRatio().fit(sp.csr_matrix(X), Y)
    np.testing.assert_allclose(ncr.ratios_, LogCountRatio().fit(X, Y).ratios_)
    out = ncr.transform(sp.csr_matrix(X))
    assert sp.issparse(out) and out.format == "csr" and out.dtype == np.float64
    np.testing.assert_allclose(out.toarray(), ncr.transform(X))


def test_multiclass_is_one_vs_rest_side_by_side() -> None:
    y3 = ["a", "a", "b", "c"]
    ncr = LogCountRatio().fit(X, y3)
    assert ncr.ratios_.shape == (3, 4)
    xb = (X > 0).astype(float)
    for k, label in enumerate(["a", "b", "c"]):
        mask = np.array(y3) == label
        np.testing.assert_allclose(ncr.ratios_[k], ratio(1 + xb[mask].sum(0), 1 + xb[~mask].sum(0)))
    out = ncr.transform(X)
    assert out.shape == (4, 12)
    np.testing.assert_allclose(out[:, 4:8], xb * ncr.ratios_[1])
    names = ncr.get_feature_names_out(["great", "dull", "film", "cast"])
    assert names[:2].tolist() == ["great|a", "dull|a"] and names[-1] == "cast|c"


def test_feature_names_two_classes() -> None:
    ncr = LogCountRatio().fit(X, Y)
    assert ncr.get_feature_names_out().tolist() == ["x0", "x1", "x2", "x3"]
    assert ncr.get_feature_names_out(list("abcd")).tolist() == list("abcd")


def test_errors() -> None:
    with pytest.raises(ValueError, match="at least 2 classes; got 1 class"):
        LogCountRatio().fit(X, ["pos"] * 4)
    with pytest.raises(ValueError, match="alpha must be a finite number > 0; got 0"):
        LogCountRatio(alpha=0).fit(X, Y)
    with pytest.raises(ValueError, match="binarize must be True or False"):
        LogCountRatio(binarize="yes").fit(X, Y)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Negative values"):
        LogCountRatio().fit(-X, Y)
    with pytest.raises(ValueError, match="Unknown label type"):
        LogCountRatio().fit(X, [0.5, 1.5, 2.5, 3.5])
    with pytest.raises(NotFittedError):
        LogCountRatio().transform(X)
    with pytest.raises(ValueError, match="4 features"):
        LogCountRatio().fit(X, Y).transform(X[:, :3])


def test_learns_only_from_the_training_fold() -> None:
    """In a Pipeline, each fold's ratios come from that fold's labels: a word that only
    the test documents share with a label cannot help."""
    train = ["great film", "great cast", "fine great plot", "dull film", "dull cast",
             "poor dull plot"] * 3
    y = [1, 1, 1, 0, 0, 0] * 3
    model = Pipeline([("counts", CountVectorizer(binary=True)), ("nb", LogCountRatio()),
                      ("clf", LogisticRegression())]).fit(train, y)
    ratios = dict(zip(model["counts"].get_feature_names_out(), model["nb"].ratios_[0]))
    assert ratios["great"] > 0 > ratios["dull"] and ratios["film"] == pytest.approx(0)
    assert model.predict(["a great plot", "dull, dull"]).tolist() == [1, 0]
    assert "superb" not in ratios  # a test-only word is not in the fitted vocabulary
    assert cross_val_score(clone(model), train, y, cv=3).mean() == 1.0
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(train), model.predict_proba(train))


def test_exported_lazily() -> None:
    assert wordvec.LogCountRatio is LogCountRatio


@parametrize_with_checks([LogCountRatio(), LogCountRatio(alpha=0.1, binarize=False)])
def test_sklearn_estimator_checks(estimator: LogCountRatio, check: object) -> None:
    check(estimator)  # type: ignore[operator]


def test_feature_names_length_checked() -> None:
    with pytest.raises(ValueError, match="length equal to number of features \\(4\\), got 2"):
        LogCountRatio().fit(X, Y).get_feature_names_out(["a", "b"])


def test_feature_names_from_a_data_frame() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["great", "dull", "film", "cast"])
    ncr = LogCountRatio().fit(frame, Y)
    assert ncr.get_feature_names_out().tolist() == ["great", "dull", "film", "cast"]
    with pytest.raises(ValueError, match="not equal to feature_names_in_"):
        ncr.get_feature_names_out(["a", "b", "c", "d"])
