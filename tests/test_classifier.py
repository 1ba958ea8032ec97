"""CombinedClassifier: the inner search against scikit-learn pipelines built by hand."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

import wordvec
from wordvec.classifier import CombinedClassifier
from wordvec.logcountratio import LogCountRatio

GOOD = ["great", "fine", "superb", "lovely", "moving", "brilliant"]
BAD = ["awful", "dull", "poor", "boring", "clumsy", "weak"]
FILLER = ["the", "film", "a", "plot", "was", "actors", "story", "it"]


def _data(n: int = 60, seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        words = GOOD if i % 2 else BAD
        doc = list(rng.choice(FILLER, 6)) + list(rng.choice(words, 2))
        if rng.random() < 0.15:  # some noise: a word of the other side
            doc.append(str(rng.choice(BAD if i % 2 else GOOD)))
        rng.shuffle(doc)
        texts.append(" ".join(doc))
        labels.append("pos" if i % 2 else "neg")
    return texts, np.array(labels)


def _vectors() -> wordvec.WordVectors:
    words = GOOD + BAD + FILLER
    rows = [[1.0, 0.1 * i] for i in range(len(GOOD))] + \
        [[-1.0, 0.1 * i] for i in range(len(BAD))] + [[0.0, 1.0 + i] for i in range(len(FILLER))]
    return wordvec.WordVectors(np.array(rows), words)


def test_nb_alone_is_the_nbsvm_pipeline() -> None:
    """With only the NB block, no embeddings and one C, the model is CountVectorizer +
    LogCountRatio + LogisticRegression: the same predictions and the same inner score."""
    texts, labels = _data()
    model = CombinedClassifier(_vectors(), sparse=("nb",), embedding_weights=(0.0,),
                               nb_Cs=(3.0,)).fit(texts, labels)
    ref = Pipeline([("counts", CountVectorizer(ngram_range=(1, 2), binary=True)),
                    ("ratio", LogCountRatio(alpha=1.0)),
                    ("clf", LogisticRegression(C=3.0, max_iter=5000))]).fit(texts, labels)
    test, _ = _data(20, seed=1)
    assert model.predict(test).tolist() == ref.predict(test).tolist()
    np.testing.assert_allclose(model.predict_proba(test), ref.predict_proba(test), atol=1e-6)
    assert model.best_params_ == {"sparse": "nb", "embedding_weight": 0.0, "C": 3.0}
    # the inner score is cross_val_score's, except that the vocabulary is fitted once on
    # all training texts (label-free): the same here, as every fold sees every n-gram
    assert len(model.cv_results_) == 1


def test_tfidf_alone_is_the_tfidf_pipeline() -> None:
    texts, labels = _data()
    model = CombinedClassifier(_vectors(), sparse=("tfidf",), embedding_weights=(0.0,),
                               tfidf_Cs=(50.0,)).fit(texts, labels)
    ref = Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                    ("clf", LogisticRegression(C=50.0, max_iter=5000))]).fit(texts, labels)
    test, _ = _data(20, seed=1)
    np.testing.assert_allclose(model.decision_function(test), ref.decision_function(test),
                               atol=1e-6)


def test_the_search_keeps_the_best_and_ties_go_to_the_simpler_model() -> None:
    texts, labels = _data()
    model = CombinedClassifier(_vectors()).fit(texts, labels)
    grid = model.cv_results_
    assert len(grid) == 2 * 4 * 2  # sparse x weights x Cs
    best = max(r["accuracy"] for r in grid)
    first_best = next(r for r in grid if r["accuracy"] == best)
    assert model.best_params_ == {k: first_best[k] for k in ("sparse", "embedding_weight", "C")}
    # one grid point by hand: NB + embeddings at weight 0.1, C=1, on the same inner folds
    from sklearn.preprocessing import StandardScaler

    from wordvec.features import EmbeddingVectorizer
    counts = CountVectorizer(ngram_range=(1, 2), binary=True).fit_transform(texts)
    emb = StandardScaler().fit_transform(
        EmbeddingVectorizer(_vectors()).fit_transform(texts))
    accs = []
    for tr, va in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, labels):
        ratio = LogCountRatio().fit(counts[tr], labels[tr])
        import scipy.sparse as sp

        def feats(rows: np.ndarray) -> sp.csr_matrix:
            return sp.hstack([ratio.transform(counts[rows]), sp.csr_matrix(0.1 * emb[rows])])
        clf = LogisticRegression(C=1.0, max_iter=5000).fit(feats(tr), labels[tr])
        accs.append(np.mean(clf.predict(feats(va)) == labels[va]))
    point = next(r for r in grid if r["sparse"] == "nb" and r["embedding_weight"] == 0.1
                 and r["C"] == 1.0)
    assert point["accuracy"] == pytest.approx(np.mean(accs))


def test_it_is_a_scikit_learn_classifier() -> None:
    texts, labels = _data()
    model = CombinedClassifier(_vectors(), cv=2, embedding_weights=(0.0, 0.1), nb_Cs=(1.0,),
                               tfidf_Cs=(10.0,))
    assert clone(model).get_params()["cv"] == 2
    scores = cross_val_score(model, texts, labels, cv=3)
    assert scores.mean() > 0.8
    fitted = model.fit(texts, labels)
    assert fitted.classes_.tolist() == ["neg", "pos"]
    assert fitted.score(texts, labels) > 0.9


@pytest.mark.parametrize("params, message", [
    ({"sparse": ("svm",)}, "sparse must be one of"),
    ({"sparse": ()}, "sparse must name at least one"),
    ({"embedding_weights": ()}, "embedding_weights must hold at least one"),
    ({"embedding_weights": (-1.0,)}, "embedding_weights must be a finite number >= 0"),
    ({"nb_Cs": (0.0,)}, "nb_Cs must be a finite number > 0"),
    ({"cv": 1}, "cv must be an integer >= 2"),
    ({"pooling": "median"}, "pooling must be one of"),
])
def test_bad_parameters_are_named(params: dict, message: str) -> None:
    texts, labels = _data()
    with pytest.raises(ValueError, match=message):
        CombinedClassifier(_vectors(), **params).fit(texts, labels)


def test_bad_input_is_named() -> None:
    model = CombinedClassifier(_vectors())
    with pytest.raises(ValueError, match="a single string"):
        model.fit("great film", ["pos"])
    with pytest.raises(ValueError, match="document 1 is int"):
        model.fit(["great", 3], ["pos", "neg"])
    with pytest.raises(ValueError, match="one label per document"):
        model.fit(["great", "awful"], ["pos"])
    with pytest.raises(ValueError, match="at least 2 classes"):
        model.fit(["great", "fine"], ["pos", "pos"])
