"""The sentiment models and their cross-validation (vectors from :mod:`wordvec.adaptation`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import wordvec
from wordvec.adaptation import adapt
from wordvec.classifier import CombinedClassifier
from wordvec.cli import main
from wordvec.sentiment import (
    EMBEDDING_WEIGHT_GRID,
    MODELS,
    NB_C_GRID,
    cross_validate_sentiment,
    format_report,
    run,
    sentiment_models,
)
from wordvec.text.labelled import LabelledTexts

from .conftest import POS


def test_models_are_pipelines_with_the_settings() -> None:
    wv = wordvec.WordVectors(np.eye(3), ["a", "b", "c"])
    models = sentiment_models(wv, pooling="sif", C=3.0, nb_C=2.0, embedding_weight=0.5,
                              alpha=0.5)
    assert list(models) == list(MODELS) == ["tfidf", "embeddings", "nb", "combined"]
    defaults = sentiment_models(wv)
    tuned = defaults["combined"]  # chooses its blocks, embedding weight and C in fit
    assert isinstance(tuned, CombinedClassifier) and tuned.vectors is wv
    assert tuned.get_params()["pooling"] == "mean" and tuned.get_params()["alpha"] == 1.0
    assert 0.0 in tuned.embedding_weights and set(tuned.sparse) == {"nb", "tfidf"}
    assert defaults["embeddings"].get_params()["clf__C"] == 0.01
    assert defaults["tfidf"].get_params()["clf__C"] == 100.0
    assert defaults["nb"].get_params()["clf__C"] == 10.0
    assert defaults["nb"].get_params()["nb__ratio__alpha"] == 1.0
    no_embeddings = sentiment_models(wv, embedding_weight=0)["combined"].get_params()
    assert no_embeddings["features__transformer_weights"]["embeddings"] == 0
    assert models["tfidf"].get_params()["clf__C"] == 3.0
    nb = models["nb"].get_params()
    assert nb["clf__C"] == 2.0 and nb["nb__ratio__alpha"] == 0.5
    assert nb["nb__counts__ngram_range"] == (1, 2) and nb["nb__counts__binary"] is True
    params = models["combined"].get_params()
    assert params["features__embeddings__pool__pooling"] == "sif"
    assert params["features__transformer_weights"]["embeddings"] == 0.5
    assert params["features__nb__ratio__alpha"] == 0.5
    assert params["clf__C"] == 2.0
    with pytest.raises(ValueError, match="pooling must be one of"):
        sentiment_models(wv, pooling="median")
    with pytest.raises(ValueError, match="nb_C must be a finite number > 0"):
        sentiment_models(wv, nb_C=0)
    with pytest.raises(ValueError, match="embedding_weight must be a finite number >= 0; got -1"):
        sentiment_models(wv, embedding_weight=-1)


@pytest.mark.filterwarnings("ignore::wordvec.EmptyDocumentWarning")  # "dull awful mess"
def test_combined_is_nb_features_next_to_the_embedding_block(data: LabelledTexts) -> None:
    wv = wordvec.WordVectors(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                             ["great", "poor", "film"])
    models = sentiment_models(wv, embedding_weight=0.5)
    features = models["combined"][0].fit(data.texts, data.labels)
    out = features.transform(["a great film", "poor"])
    nb = models["nb"][0].fit(data.texts, data.labels)
    n_ngrams = len(nb["counts"].vocabulary_)
    assert out.shape == (2, n_ngrams + 2)
    np.testing.assert_allclose(out[:, :n_ngrams].toarray(),
                               nb.transform(["a great film", "poor"]).toarray())
    emb = features.transformer_list[1][1]
    np.testing.assert_allclose(out[:, n_ngrams:].toarray(),
                               0.5 * emb.transform(["a great film", "poor"]))
    ratios = dict(zip(nb["counts"].get_feature_names_out(), nb["ratio"].ratios_[0]))
    assert ratios["great"] > 0 > ratios["poor"]  # classes_ = ["neg", "pos"]


def test_cross_validation_on_tiny_data(general_counts: Path, data: LabelledTexts) -> None:
    wv = adapt(general_counts, data.texts, dim=4)
    report = cross_validate_sentiment(data, wv, folds=3, seed=0, transform_runs=3)
    assert list(report.scores) == list(MODELS)
    assert all(len(s) == 3 for s in report.scores.values())
    assert report.mean("tfidf") == 1.0  # "great"/"poor" separate the classes
    # 8 training documents per fold: most, not all, test documents right
    assert report.mean("nb") > 0.7 and report.mean("combined") > 0.7
    assert report.transform_seconds is not None and report.transform_seconds >= 0
    assert report.transform_runs == 3
    text = format_report(report)
    assert "12 documents (neg 6, pos 6); 3-fold stratified" in text
    assert "nb_C=10.0, embedding_weight=tuned, alpha=1.0" in text
    assert "TF-IDF + logistic regression" in text and "accuracy 1.0000 ± 0.0000" in text
    assert "NB n-grams + logistic regression " in text
    assert "n-grams + embeddings, tuned in fit (CombinedClassifier)" in text
    # what the combined model chose in each fold is reported
    assert len(report.chosen["combined"]) == 3
    assert {c["sparse"] for c in report.chosen["combined"]} <= {"nb", "tfidf"}
    assert "tuned in fit (CombinedClassifier): chose " in text
    assert "median of 3 runs after fit" in text
    untimed = cross_validate_sentiment(data, wv, folds=2, models=["nb"], transform_runs=0)
    assert untimed.transform_seconds is None and list(untimed.scores) == ["nb"]
    assert "median of" not in format_report(untimed)
    with pytest.raises(ValueError, match="models must be one of"):
        cross_validate_sentiment(data, wv, models=["svm"])
    with pytest.raises(ValueError, match="at least 2 labels"):
        cross_validate_sentiment(LabelledTexts(POS, ["pos"] * 6), wv, folds=2)


@pytest.mark.slow
def test_nested_cross_validation_chooses_inside_the_training_part(
        general_counts: Path, data: LabelledTexts) -> None:
    wv = adapt(general_counts, data.texts, dim=4)
    report = cross_validate_sentiment(data, wv, folds=3, seed=0, inner_folds=2,
                                      models=["tfidf", "nb", "combined"], transform_runs=0)
    assert list(report.chosen) == ["nb", "combined"]  # tfidf keeps its fixed C
    assert len(report.chosen["nb"]) == len(report.chosen["combined"]) == 3
    assert {c["nb_C"] for c in report.chosen["nb"]} <= set(NB_C_GRID)
    for c in report.chosen["combined"]:  # the tuned combined model chooses in its own fit
        assert set(c) == {"sparse", "embedding_weight", "C"}
    fixed = cross_validate_sentiment(data, wv, folds=3, seed=0, inner_folds=2,
                                     models=["combined"], embedding_weight=0.1,
                                     transform_runs=0)
    for c in fixed.chosen["combined"]:
        assert c["nb_C"] in NB_C_GRID and c["embedding_weight"] in EMBEDDING_WEIGHT_GRID
    # the same grid search by hand on the first outer fold
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    outer = StratifiedKFold(3, shuffle=True, random_state=0)
    train, test = next(outer.split(data.texts, data.labels))
    search = GridSearchCV(sentiment_models(wv)["nb"], {"clf__C": list(NB_C_GRID)},
                          cv=StratifiedKFold(2, shuffle=True, random_state=0))
    search.fit([data.texts[i] for i in train], [data.labels[i] for i in train])
    assert report.chosen["nb"][0] == {"nb_C": search.best_params_["clf__C"]}
    assert report.scores["nb"][0] == search.score([data.texts[i] for i in test],
                                                  [data.labels[i] for i in test])
    text = format_report(report)
    assert "nb_C by nested CV (2 inner folds), embedding_weight=tuned" in text
    assert "NB n-grams + logistic regression: chose nb_C=" in text
    with pytest.raises(ValueError, match="inner_folds must be an integer >= 2; got 1"):
        cross_validate_sentiment(data, wv, inner_folds=1)


def test_run_needs_one_vector_source(data: LabelledTexts, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="exactly one of model"):
        run(tmp_path)


def write_csv(tmp_path: Path, data: LabelledTexts) -> Path:
    path = tmp_path / "reviews.csv"
    path.write_text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in
                                             zip(data.texts, data.labels)), encoding="utf-8")
    return path


def test_cli_sentiment_with_adaptation(general_counts: Path, data: LabelledTexts,
                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write_csv(tmp_path, data)
    model = tmp_path / "adapted.wv"
    assert main(["sentiment", str(csv), "--adapt-counts", str(general_counts), "--folds", "3",
                 "--task-weight", "2", "--dim", "4", "--save-model", str(model), "--models", "tfidf",
                 "combined", "--pooling", "mean", "--C", "5", "--nb-C", "4", "--alpha", "0.5"]) == 0
    out, err = capsys.readouterr()
    assert "adapted vectors:" in err and "task_weight=2.0" in err
    assert ("pooling=mean, C=5.0, embedding_C=0.01, nb_C=4.0, embedding_weight=tuned, "
            "alpha=0.5") in out
    assert "combined fold 1 (" in err and "3/3 done" in err  # fold progress
    assert "TF-IDF + logistic regression " in out
    assert "n-grams + embeddings, tuned in fit" in out
    assert "NB n-grams + logistic regression " not in out
    assert "embeddings + logistic regression " not in out
    assert model.exists()
    report = tmp_path / "report.json"
    assert main(["sentiment", str(csv), "--model", str(model), "--folds", "2", "-q",
                 "--models", "embeddings", "nb", "--json", str(report)]) == 0
    assert "2-fold" in capsys.readouterr().out
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert list(saved["scores"]) == ["embeddings", "nb"] and len(saved["scores"]["nb"]) == 2
    assert saved["settings"]["nb_C"] == 10.0 and saved["n_documents"] == 12
    assert saved["chosen"] == {}
    assert main(["sentiment", str(csv), "--model", str(model), "--folds", "2", "-q",
                 "--models", "nb", "--inner-folds", "2", "--json", str(report)]) == 0
    assert "NB n-grams + logistic regression: chose nb_C=" in capsys.readouterr().out
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["settings"]["inner_folds"] == 2 and len(saved["chosen"]["nb"]) == 2


def test_cli_sentiment_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\ngood film,pos\nno label here\n", encoding="utf-8")
    assert main(["sentiment", str(bad), "--model", "x.wv"]) == 2
    assert "bad.csv:3: expected at least 2 fields" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["sentiment", str(bad)])  # --model or --adapt-counts is required


def test_n_jobs_zero_is_named(data: LabelledTexts) -> None:
    from wordvec import WordVectors
    from wordvec.sentiment import cross_validate_sentiment
    wv = WordVectors(np.eye(3), ["film", "good", "bad"])
    with pytest.raises(ValueError, match="n_jobs must be an integer >= 1, or -1 for all cores"):
        cross_validate_sentiment(data, wv, n_jobs=0)


def test_each_model_says_when_it_starts_and_ends(general_counts: Path, data: LabelledTexts) -> None:
    wv = adapt(general_counts, data.texts, dim=4)
    lines: list[str] = []
    cross_validate_sentiment(data, wv, folds=3, models=("tfidf", "nb"), log=lines.append,
                             transform_runs=1)
    starts = [s for s in lines if "-fold cross-validation" in s]
    assert starts == ["model 1/2 tfidf: 3-fold cross-validation, 1 job(s) ...",
                      "model 2/2 nb: 3-fold cross-validation, 1 job(s) ..."]
    assert lines.index(starts[1]) > next(i for i, s in enumerate(lines) if s.startswith("tfidf: "))
