"""EmbeddingVectorizer: pooling values by hand, empty documents, scikit-learn contract."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from wordvec import Tokenizer, WordVectors
from wordvec.features import EmbeddingVectorizer, EmptyDocumentWarning

# good = (1, 0), bad = (0, 2), film = (1, 1), plot = (-1, 1); counts for SIF
WORDS = ["film", "good", "bad", "plot"]
MATRIX = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
COUNTS = [50, 30, 15, 5]


@pytest.fixture
def wv() -> WordVectors:
    return WordVectors(MATRIX, WORDS, counts=COUNTS,
                       params={"tokenizer": {"lowercase": True, "numbers": "keep"}})


def vec(wv: WordVectors, **kw: object) -> EmbeddingVectorizer:
    return EmbeddingVectorizer(wv, norm=None, **kw)


# -- pooling by hand ---------------------------------------------------------------------
def test_mean_counts_repeated_tokens_and_skips_unknown(wv: WordVectors) -> None:
    out = vec(wv).fit_transform(["Good good FILM, unknown!", "bad"])
    np.testing.assert_allclose(out, [[(1 + 1 + 1) / 3, 1 / 3], [0, 2]])
    assert out.dtype == np.float64 and out.shape == (2, 2)


def test_text_tokens_and_count_matrix_agree(wv: WordVectors) -> None:
    v = vec(wv).fit(["good film"])
    by_text = v.transform(["good film plot plot"])
    by_tokens = v.transform([["good", "film", "plot", "plot"]])
    by_counts = v.transform(np.array([[1, 1, 0, 2]]))
    by_sparse = v.transform(sp.csr_matrix([[1, 1]]))  # only the first 2 words counted
    np.testing.assert_allclose(by_text, [[(1 + 1 - 2) / 4, (1 + 0 + 2) / 4]])
    np.testing.assert_allclose(by_tokens, by_text)
    np.testing.assert_allclose(by_counts, by_text)
    np.testing.assert_allclose(by_sparse, [[1.0, 0.5]])


def test_same_tokens_as_a_count_vectorizer(wv: WordVectors) -> None:
    docs = ["good film", "bad bad plot", "film"]
    counts = CountVectorizer(vocabulary=WORDS, tokenizer=Tokenizer(), lowercase=False,
                             token_pattern=None).fit_transform(docs)
    v = vec(wv, pooling="tfidf")
    np.testing.assert_allclose(v.fit_transform(counts), clone(v).fit_transform(docs))


def test_tfidf_idf_learned_in_fit(wv: WordVectors) -> None:
    v = vec(wv, pooling="tfidf").fit(["good film", "film", "bad film"])
    # smooth idf: ln((1 + n) / (1 + df)) + 1 with n = 3
    idf = np.log(4 / np.array([4, 2, 2, 1])) + 1
    np.testing.assert_allclose(v.idf_, idf)
    out = v.transform(["good film"])
    expected = (idf[1] * MATRIX[1] + idf[0] * MATRIX[0]) / (idf[1] + idf[0])
    np.testing.assert_allclose(out[0], expected)


def test_sif_weights_and_direction_removed(wv: WordVectors) -> None:
    a = 0.1
    v = vec(wv, pooling="sif", sif_a=a)
    train = ["good film", "bad plot", "film film bad"]
    out = v.fit_transform(train)
    p = np.array(COUNTS) / sum(COUNTS)
    np.testing.assert_allclose(v.word_weights_, a / (a + p))
    w = a / (a + p)
    raw = np.array([(w[1] * MATRIX[1] + w[0] * MATRIX[0]) / 2,
                    (w[2] * MATRIX[2] + w[3] * MATRIX[3]) / 2,
                    (2 * w[0] * MATRIX[0] + w[2] * MATRIX[2]) / 3])
    u = np.linalg.svd(raw)[2][0]  # first right singular vector, uncentred
    np.testing.assert_allclose(np.abs(v.components_[0]), np.abs(u), atol=1e-6)
    np.testing.assert_allclose(out, raw - np.outer(raw @ u, u), atol=1e-6)
    np.testing.assert_allclose(v.transform(train), out, atol=1e-6)
    np.testing.assert_allclose(out @ u, 0, atol=1e-6)


def test_sif_needs_counts() -> None:
    bare = WordVectors(MATRIX, WORDS)
    with pytest.raises(ValueError, match="pooling='sif' needs the word counts"):
        EmbeddingVectorizer(bare, pooling="sif").fit(["good"])


def test_maxmin_concatenates(wv: WordVectors) -> None:
    v = vec(wv, pooling="maxmin")
    with pytest.warns(EmptyDocumentWarning, match="1 of 4"):
        out = v.fit_transform(["good plot", "bad", "nothing known", "film bad good"])
    np.testing.assert_allclose(out, [[1, 1, -1, 0], [0, 2, 0, 2], [0, 0, 0, 0],
                                     [1, 2, 0, 0]])
    assert v.get_feature_names_out().tolist() == ["max0", "max1", "min0", "min1"]


def test_maxmin_in_small_blocks_matches(wv: WordVectors, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    docs = [list(rng.choice(WORDS, size=rng.integers(0, 6))) for _ in range(50)]
    v = vec(wv, pooling="maxmin")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyDocumentWarning)
        expected = v.fit_transform(docs)
        import wordvec.features as features
        monkeypatch.setattr(features, "_MAXMIN_BLOCK", 5)
        np.testing.assert_allclose(v.transform(docs), expected)
    for row, doc in zip(expected, docs):
        if doc:
            np.testing.assert_allclose(row[:2], wv[doc].max(axis=0))


def test_l2_norm(wv: WordVectors) -> None:
    out = EmbeddingVectorizer(wv).fit_transform(["good film", "bad"])
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0)


# -- empty documents ---------------------------------------------------------------------
@pytest.mark.parametrize("pooling", ["mean", "tfidf", "sif", "maxmin"])
def test_empty_documents_give_zero_rows_and_a_warning(wv: WordVectors, pooling: str) -> None:
    v = EmbeddingVectorizer(wv, pooling=pooling)
    with pytest.warns(EmptyDocumentWarning, match="1 of 3 documents have no word"):
        out = v.fit_transform(["good film", "", "bad"])
    assert v.n_empty_fit_ == 1
    with pytest.warns(EmptyDocumentWarning, match="2 of 2 documents"):
        test = v.transform(["zzz", "!!"])
    assert np.all(np.isfinite(out)) and np.all(out[1] == 0) and np.all(test == 0)


def test_all_empty_training_documents(wv: WordVectors) -> None:
    with pytest.warns(EmptyDocumentWarning, match="2 of 2"):
        v = EmbeddingVectorizer(wv, pooling="sif").fit(["x", "y"])
    assert np.all(v.components_ == 0)
    assert np.all(np.isfinite(v.transform(["good"])))


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("params, match", [
    ({"pooling": "median"}, "pooling must be one of 'mean', 'tfidf', 'sif', 'maxmin'; got 'median'"),
    ({"norm": "l1"}, "norm must be one of 'l2', None; got 'l1'"),
    ({"sif_a": 0}, "sif_a must be a finite number > 0; got 0"),
    ({"sif_a": "x"}, "sif_a must be a finite number > 0; got 'x'"),
])
def test_bad_parameters(wv: WordVectors, params: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        EmbeddingVectorizer(wv, **params).fit(["good"])


def test_bad_inputs(wv: WordVectors) -> None:
    with pytest.raises(ValueError, match="vectors is required"):
        EmbeddingVectorizer().fit(["good"])
    with pytest.raises(ValueError, match="vectors must be a WordVectors or the path"):
        EmbeddingVectorizer(vectors=3).fit(["good"])
    v = EmbeddingVectorizer(wv)
    with pytest.raises(NotFittedError):
        v.transform(["good"])
    with pytest.raises(ValueError, match="got a single string"):
        v.fit("good film")
    with pytest.raises(ValueError, match="at least one document"):
        v.fit([])
    v.fit(["good"])
    with pytest.raises(ValueError, match="5 columns for a model of 4 words"):
        v.transform(np.ones((1, 5)))
    with pytest.raises(ValueError, match="Negative values in data"):
        v.transform(-np.ones((1, 2)))
    with pytest.raises(ValueError, match="Reshape your data"):
        v.transform(np.ones(2))


def test_custom_tokenizer_models_need_token_lists() -> None:
    custom = WordVectors(MATRIX, WORDS, params={"tokenizer": "<function split>"})
    v = EmbeddingVectorizer(custom, norm=None).fit([["good"]])
    assert v.tokenizer_ is None
    np.testing.assert_allclose(v.transform([["bad"]]), [[0, 2]])
    with pytest.raises(ValueError, match="custom tokenizer.*give token lists"):
        v.transform(["bad"])


def test_model_tokenizer_is_used() -> None:
    keep_case = WordVectors(MATRIX, ["Film", "good", "bad", "plot"],
                            params={"tokenizer": {"lowercase": False, "numbers": "keep"}})
    v = EmbeddingVectorizer(keep_case, norm=None).fit(["Film"])
    np.testing.assert_allclose(v.transform(["Film good"]), [[1, 0.5]])
    with pytest.warns(EmptyDocumentWarning):
        assert np.all(v.transform(["FILM"]) == 0)


# -- scikit-learn contract ------------------------------------------------------------------
def test_vectors_from_a_path_and_not_modified(wv: WordVectors, tmp_path: Path) -> None:
    path = tmp_path / "m.wv"
    wv.save(path)
    before = pickle.dumps(wv)
    by_path = EmbeddingVectorizer(str(path), pooling="tfidf").fit(["good film", "bad"])
    by_object = EmbeddingVectorizer(wv, pooling="tfidf").fit(["good film", "bad"])
    np.testing.assert_allclose(by_path.transform(["bad plot"]), by_object.transform(["bad plot"]),
                               rtol=1e-6)
    assert by_object.vectors is wv and pickle.dumps(wv) == before
    assert by_path.get_params()["vectors"] == str(path)


def test_pickle_clone_and_feature_names(wv: WordVectors) -> None:
    v = EmbeddingVectorizer(wv, pooling="sif", sif_a=0.01).fit(["good film", "bad plot"])
    again = pickle.loads(pickle.dumps(v))
    np.testing.assert_allclose(again.transform(["good bad"]), v.transform(["good bad"]))
    fresh = clone(v)
    assert fresh.get_params()["sif_a"] == 0.01 and not hasattr(fresh, "vectors_")
    assert v.get_feature_names_out().tolist() == ["sif0", "sif1"]


def test_pipeline_feature_union_and_grid_search(wv: WordVectors) -> None:
    docs = ["good film", "good good plot", "film good", "bad film", "bad plot bad",
            "plot bad", "good", "bad"] * 3
    y = [1, 1, 1, 0, 0, 0, 1, 0] * 3
    union = FeatureUnion([("tfidf", TfidfVectorizer()),
                          ("emb", EmbeddingVectorizer(wv, pooling="mean"))])
    model = Pipeline([("features", union), ("clf", LogisticRegression())])
    search = GridSearchCV(model, {"features__emb__pooling": ["mean", "tfidf", "maxmin"],
                                  "clf__C": [0.1, 10]}, cv=3)
    search.fit(docs, y)
    assert search.best_score_ == 1.0
    assert search.predict(["good film", "bad plot"]).tolist() == [1, 0]
    names = search.best_estimator_[:-1].get_feature_names_out()
    assert "emb__" + search.best_params_["features__emb__pooling"].replace(
        "maxmin", "max") + "0" in names


EXPECTED_FAILED_CHECKS: dict[str, str] = {}
"""No check fails: numeric X is read as a document-term count matrix over the model's
first words (``positive_only`` makes the checks feed non-negative data).  The only checks
skipped are the array-API ones, which sklearn skips unless SCIPY_ARRAY_API=1."""

_RNG = np.random.default_rng(0)
_CHECK_VECTORS = WordVectors(_RNG.normal(size=(200, 6)), [f"w{i}" for i in range(200)],
                             counts=np.arange(200, 0, -1))


@parametrize_with_checks(
    [EmbeddingVectorizer(_CHECK_VECTORS, pooling=p) for p in ("mean", "tfidf", "sif", "maxmin")],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_sklearn_estimator_checks(estimator: EmbeddingVectorizer, check: object) -> None:
    with warnings.catch_warnings():
        # the checks' random count matrices include all-zero rows
        warnings.simplefilter("ignore", EmptyDocumentWarning)
        check(estimator)  # type: ignore[operator]


def test_mixed_documents_name_the_first_bad_one():
    wv = WordVectors(np.eye(3, dtype=np.float32), ["a", "b", "c"])
    with pytest.raises(ValueError, match="must all be str .raw text.*document 1 is NoneType"):
        EmbeddingVectorizer(wv).fit_transform(["a b", None])
    with pytest.raises(ValueError, match="lists of str tokens.*document 1 is list"):
        EmbeddingVectorizer(wv).fit_transform([["a"], ["b", 3]])


@pytest.mark.filterwarnings("ignore::wordvec.vectors.vectors.UnusableVectorWarning")
def test_a_nan_vector_never_reaches_the_features():
    vectors = np.array([[np.nan, 1, 1], [1, 2, 3], [0, 1, 0]], dtype=np.float32)
    wv = WordVectors(vectors, ["a", "b", "c"], counts=[5, 3, 2])
    for pooling in ("mean", "tfidf", "sif", "maxmin"):
        out = EmbeddingVectorizer(wv, pooling=pooling).fit_transform([["a", "b"], ["c", "a"]])
        assert np.isfinite(out).all(), pooling
    clean = WordVectors(vectors[1:], ["b", "c"])
    np.testing.assert_allclose(EmbeddingVectorizer(wv).fit_transform([["a", "b"]]),
                               EmbeddingVectorizer(clean).fit_transform([["b"]]), rtol=1e-6)
