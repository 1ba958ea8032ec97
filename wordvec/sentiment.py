"""Sentiment classification with word-vector features: the models and their cross-validation.

* vectors for a task come from :func:`wordvec.adapt` (:mod:`wordvec.adaptation`): a
  general corpus's saved counts plus the task's own (unlabelled) text.
* :func:`sentiment_models` makes the scikit-learn pipelines compared here:
  TF-IDF + logistic regression (the baseline), embeddings + logistic regression,
  naive Bayes scaled n-grams + logistic regression (the n-gram features of NBSVM,
  Wang & Manning 2012), and the combined model: NB n-grams and embeddings side by side
  (a ``FeatureUnion``) + logistic regression.
* :func:`cross_validate_sentiment` runs stratified k-fold cross-validation of them and
  returns the accuracy of each fold; :func:`format_report` prints mean ± std.

The ``wordvec sentiment`` command calls these.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._util.files import check_writable
from ._util.validation import check_choice, check_float, check_int
from .adaptation import adapt
from .classifier import CombinedClassifier
from .features import POOLINGS, EmbeddingVectorizer
from .logcountratio import LogCountRatio
from .params import DEFAULTS
from .text.labelled import LabelledTexts
from .vectors.formats import load_vectors
from .vectors.vectors import WordVectors

__all__ = ["EMBEDDING_WEIGHT_GRID", "MODELS", "NB_C_GRID", "SentimentReport",
           "cross_validate_sentiment", "format_report", "sentiment_models"]

#: The models compared by :func:`cross_validate_sentiment`, in report order.
MODELS = ("tfidf", "embeddings", "nb", "combined")
_MODEL_TITLES = {"tfidf": "TF-IDF + logistic regression",
                 "embeddings": "embeddings + logistic regression",
                 "nb": "NB n-grams + logistic regression",
                 "combined": "n-grams + embeddings, tuned in fit (CombinedClassifier)"}
#: The grids of nested cross-validation (``inner_folds``): ``nb_C`` of the "nb" and
#: "combined" models, and the combined model's ``embedding_weight`` (0: no embeddings).
NB_C_GRID = (0.1, 1.0, 10.0)
EMBEDDING_WEIGHT_GRID = (0.0, 0.01, 0.03, 0.1)


def sentiment_models(vectors: WordVectors | str | os.PathLike[str], *, pooling: str = "mean",
                     C: float = 100.0, embedding_C: float = 0.01, nb_C: float = 10.0,
                     embedding_weight: float | None = None, alpha: float = 1.0,
                     max_iter: int = 5000) -> dict[str, Any]:
    """The pipelines: ``"tfidf"``, ``"embeddings"``, ``"nb"`` and ``"combined"``.

    * ``"tfidf"`` (the baseline): word 1- and 2-grams seen in at least 2 training
      documents, sublinear tf, l2 rows, then ``LogisticRegression(C=C)``.
    * ``"embeddings"``: :class:`~wordvec.features.EmbeddingVectorizer` with
      ``pooling``, l2 rows, standardized, then ``LogisticRegression(C=embedding_C)``
      (dense features need much stronger regularization than sparse n-grams).
    * ``"nb"``: the n-gram features of NBSVM (Wang & Manning, 2012): binarized word
      1- and 2-grams (the TF-IDF model's tokens), each column scaled by its naive
      Bayes log-count ratio with smoothing ``alpha``
      (:class:`~wordvec.logcountratio.LogCountRatio`, learned from the training labels
      only), then ``LogisticRegression(C=nb_C)``.
    * ``"combined"``: :class:`~wordvec.classifier.CombinedClassifier`, which chooses
      in ``fit``, by inner cross-validation on the training documents, the sparse block
      (NB or TF-IDF n-grams), the weight of the standardized embedding block next to it
      (0 included) and ``C``: nothing is tuned per data set by hand, and where the
      vectors do not help the task the search drops them.  With a number for
      ``embedding_weight`` instead, the fixed model of earlier versions: the ``"nb"``
      features and the embedding block scaled by ``embedding_weight`` side by side
      (``FeatureUnion``), then ``LogisticRegression(C=nb_C)`` (0.1 and 10 were chosen
      on ``movie_reviews`` and did not carry over to other tasks:
      ``benchmarks/RESULTS.md``).

    ``alpha=1`` is the paper's.  ``C=100``, ``nb_C=10`` and ``embedding_C=0.01`` were
    chosen by nested cross-validation on ``movie_reviews``.  Every model is a fresh,
    unfitted estimator: all that is learned (vocabularies, IDF, ratios, scalers) is
    learned in ``fit``.
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import StandardScaler

    check_choice("pooling", pooling, POOLINGS)
    check_float("C", C, low=0, low_open=True)
    check_float("embedding_C", embedding_C, low=0, low_open=True)
    check_float("nb_C", nb_C, low=0, low_open=True)
    check_float("alpha", alpha, low=0, low_open=True)
    if embedding_weight is not None:
        check_float("embedding_weight", embedding_weight, low=0)

    def tfidf() -> TfidfVectorizer:
        return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)

    def nb() -> Pipeline:
        return Pipeline([("counts", CountVectorizer(ngram_range=(1, 2), binary=True)),
                         ("ratio", LogCountRatio(alpha=alpha))])

    def embeddings() -> Pipeline:
        return Pipeline([("pool", EmbeddingVectorizer(vectors, pooling=pooling)),
                         ("scale", StandardScaler())])

    def classifier(c: float = C) -> LogisticRegression:
        return LogisticRegression(C=c, max_iter=max_iter)

    return {
        "tfidf": Pipeline([("tfidf", tfidf()), ("clf", classifier())]),
        "embeddings": Pipeline([("embeddings", embeddings()),
                                ("clf", classifier(embedding_C))]),
        "nb": Pipeline([("nb", nb()), ("clf", classifier(nb_C))]),
        "combined": CombinedClassifier(vectors, pooling=pooling, alpha=alpha,
                                       max_iter=max_iter) if embedding_weight is None else
        Pipeline([
            ("features", FeatureUnion([("nb", nb()), ("embeddings", embeddings())],
                                      transformer_weights={"nb": 1.0,
                                                           "embeddings": embedding_weight})),
            ("clf", classifier(nb_C))]),
    }


@dataclass
class SentimentReport:
    """Accuracy per fold of each model, and how long pooling all documents takes.

    ``chosen[model]`` lists, for each outer fold, the hyperparameters that nested
    cross-validation chose (only with ``inner_folds``).

    ``transform_seconds`` is the median over ``transform_runs`` runs of
    ``EmbeddingVectorizer.transform`` on all documents (raw text, tokenizing
    included), after one ``fit``.
    """

    scores: dict[str, list[float]]
    folds: int
    seed: int
    n_documents: int
    class_counts: dict[str, int]
    settings: dict[str, Any] = field(default_factory=dict)
    transform_seconds: float | None = None
    transform_runs: int = 0
    fit_seconds: dict[str, float] = field(default_factory=dict)
    chosen: dict[str, list[dict[str, float]]] = field(default_factory=dict)

    def mean(self, model: str) -> float:
        return float(np.mean(self.scores[model]))

    def std(self, model: str) -> float:
        return float(np.std(self.scores[model]))


def cross_validate_sentiment(data: LabelledTexts, vectors: WordVectors | str | os.PathLike[str],
                             *, folds: int = 10, seed: int = 0,
                             models: Sequence[str] = MODELS, pooling: str = "mean",
                             C: float = 100.0, embedding_C: float = 0.01, nb_C: float = 10.0,
                             embedding_weight: float | None = None, alpha: float = 1.0,
                             n_jobs: int = 1, transform_runs: int = 5,
                             inner_folds: int | None = None,
                             log: Callable[[str], None] | None = None) -> SentimentReport:
    """Stratified k-fold cross-validated accuracy of the sentiment models.

    Parameters
    ----------
    data : LabelledTexts
        Documents and labels (see :mod:`wordvec.text.labelled`).
    vectors : WordVectors or path
        The word vectors (a path is loaded once here).
    folds : int, default=10
        ``StratifiedKFold(folds, shuffle=True, random_state=seed)``.
    seed : int, default=0
    models : sequence of {"tfidf", "embeddings", "nb", "combined"}
        Default all four, in that order.
    pooling, C, embedding_C, nb_C, embedding_weight, alpha
        See :func:`sentiment_models`.  Fixed values, except with ``inner_folds``.
    n_jobs : int, default=1
        Folds run in parallel (``cross_validate``'s ``n_jobs``; the inner folds and
        grid points with ``inner_folds``).
    transform_runs : int, default=5
        Time ``EmbeddingVectorizer(vectors, pooling=pooling).transform`` on all
        documents this many times after one ``fit``; the report keeps the median
        (``0``: not timed).
    inner_folds : int, optional
        Nested cross-validation: the "nb" model (and a combined model with a fixed
        ``embedding_weight``) choose ``nb_C`` in :data:`NB_C_GRID` (and
        ``embedding_weight`` in :data:`EMBEDDING_WEIGHT_GRID`) by ``GridSearchCV`` with
        ``StratifiedKFold(inner_folds, shuffle=True, random_state=seed)`` inside each
        outer training part, then refit there; ``nb_C`` and ``embedding_weight`` are
        then unused.  The choices are in ``SentimentReport.chosen``.  About 10 times
        slower (tokenizing is cached per inner training part in a temporary folder,
        a few hundred MB for 2,000 reviews, removed after each outer fold).
    log : callable, optional
        Called with a line of progress after each fold and each model.

    Returns
    -------
    SentimentReport
    """
    from sklearn.model_selection import StratifiedKFold

    check_int("folds", folds, low=2)
    check_int("seed", seed, low=0, high=2**32 - 1)
    if check_int("n_jobs", n_jobs, low=-1) == 0:
        raise ValueError("n_jobs must be an integer >= 1, or -1 for all cores; got 0")
    check_int("transform_runs", transform_runs, low=0)
    if inner_folds is not None:
        check_int("inner_folds", inner_folds, low=2)
    for m in models:
        check_choice("models", m, MODELS)
    if isinstance(vectors, (str, os.PathLike)):
        vectors = WordVectors.load(vectors)
    if len(set(data.labels)) < 2:
        raise ValueError(f"sentiment needs at least 2 labels; got {data.classes}")
    pipelines = sentiment_models(vectors, pooling=pooling, C=C, embedding_C=embedding_C,
                                 nb_C=nb_C, embedding_weight=embedding_weight, alpha=alpha)
    tuned = isinstance(pipelines["combined"], CombinedClassifier)
    weight = "tuned" if tuned else \
        pipelines["combined"].get_params()["features__transformer_weights"]["embeddings"]
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    labels = np.asarray(data.labels)
    report = SentimentReport({}, folds, seed, len(data), data.class_counts(),
                             settings={"pooling": pooling, "C": C, "embedding_C": embedding_C,
                                       "nb_C": nb_C, "embedding_weight": weight,
                                       "alpha": alpha, "inner_folds": inner_folds})
    if transform_runs:
        vectorizer = EmbeddingVectorizer(vectors, pooling=pooling).fit(data.texts)
        times = []
        for _ in range(transform_runs):
            t0 = time.perf_counter()
            vectorizer.transform(data.texts)
            times.append(time.perf_counter() - t0)
        report.transform_seconds = float(np.median(times))
        report.transform_runs = transform_runs
    for k, name in enumerate(models, 1):
        t0 = time.perf_counter()
        if log is not None:  # a fold takes seconds to minutes: say what is running
            log(f"model {k}/{len(models)} {name}: {folds}-fold cross-validation"
                + (f" with {inner_folds}-fold inner search" if inner_folds and
                   name in ("nb", "combined") else "")
                + f", {'all cores' if n_jobs == -1 else f'{n_jobs} job(s)'} ...")
        if inner_folds is not None and name == "nb" or (
                inner_folds is not None and name == "combined" and not tuned):
            inner = StratifiedKFold(n_splits=inner_folds, shuffle=True, random_state=seed)
            scores, report.chosen[name] = _nested_cv(pipelines[name], name, data.texts, labels,
                                                     cv, inner, n_jobs)
        else:
            scores, chosen = _folds(pipelines[name], name, data.texts, labels, cv, n_jobs, log)
            if chosen:
                report.chosen[name] = chosen
        report.scores[name] = [float(s) for s in scores]
        report.fit_seconds[name] = time.perf_counter() - t0
        if log is not None:
            log(f"{name}: {report.mean(name):.4f} ± {report.std(name):.4f} "
                f"({report.fit_seconds[name]:.1f} s)")
    return report


def _folds(model: Any, name: str, texts: list[str], labels: np.ndarray, cv: Any,
           n_jobs: int, log: Callable[[str], None] | None
           ) -> tuple[list[float], list[dict[str, Any]]]:
    """Accuracy of ``model`` on each fold (folds in parallel, one log line as each
    ends), and what a :class:`CombinedClassifier` chose in each."""
    from joblib import Parallel, delayed

    splits = list(cv.split(texts, labels))
    runs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_one_fold)(model, texts, labels, train, test, k)
        for k, (train, test) in enumerate(splits))
    scores: list[float] = [0.0] * len(splits)
    chosen: list[dict[str, Any]] = [{} for _ in splits]
    for done, (k, score, best) in enumerate(runs, 1):
        scores[k], chosen[k] = score, best
        if log is not None:
            picked = "" if not best else " (" + ", ".join(f"{a}={b}" for a, b in best.items()) + ")"
            log(f"  {name} fold {k + 1} ({done}/{len(splits)} done): accuracy {score:.4f}{picked}")
    return scores, [c for c in chosen if c]


def _one_fold(model: Any, texts: list[str], labels: np.ndarray, train: np.ndarray,
              test: np.ndarray, k: int) -> tuple[int, float, dict[str, Any]]:
    from sklearn.base import clone
    fitted = clone(model).fit([texts[i] for i in train], labels[train])
    score = float(np.mean(fitted.predict([texts[i] for i in test]) == labels[test]))
    return k, score, dict(getattr(fitted, "best_params_", {}))


def _nested_cv(model: Any, name: str, texts: list[str], labels: np.ndarray, cv: Any,
               inner: Any, n_jobs: int) -> tuple[list[float], list[dict[str, float]]]:
    """Outer-fold accuracy of ``model`` with its hyperparameters chosen by ``GridSearchCV``
    over the ``inner`` folds of each outer training part, and the choices."""
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    grid: dict[str, list[Any]] = {"clf__C": list(NB_C_GRID)}
    if name == "combined":
        grid["features__transformer_weights"] = [{"nb": 1.0, "embeddings": w}
                                                 for w in EMBEDDING_WEIGHT_GRID]
    memory_param = "features__nb__memory" if name == "combined" else "nb__memory"
    scores, chosen = [], []
    for train, test in cv.split(texts, labels):
        # the n-gram counts depend on the documents only: cached per inner training part
        # and grid point, in a folder that lives for one outer fold
        with tempfile.TemporaryDirectory(prefix="wordvec-nested-") as cache:
            search = GridSearchCV(clone(model).set_params(**{memory_param: cache}), grid,
                                  cv=inner, n_jobs=n_jobs)
            search.fit([texts[i] for i in train], labels[train])
            scores.append(float(search.score([texts[i] for i in test], labels[test])))
            chosen.append(_chosen(search.best_params_))
    return scores, chosen


def _chosen(best: dict[str, Any]) -> dict[str, float]:
    out = {"nb_C": float(best["clf__C"])}
    if "features__transformer_weights" in best:
        out["embedding_weight"] = float(best["features__transformer_weights"]["embeddings"])
    return out


def format_report(report: SentimentReport) -> str:
    """The report as text: one line per model, accuracy mean ± std over the folds."""
    counts = ", ".join(f"{k} {v}" for k, v in report.class_counts.items())
    st = report.settings
    weight = st.get("embedding_weight")
    shown = weight if isinstance(weight, str) else f"{weight:.4g}"
    if st.get("inner_folds"):
        nb = f"nb_C by nested CV ({st['inner_folds']} inner folds), embedding_weight={shown}"
    else:
        nb = f"nb_C={st.get('nb_C')}, embedding_weight={shown}"
    lines = [(f"{report.n_documents} documents ({counts}); {report.folds}-fold stratified "
              f"cross-validation, random_state={report.seed}; pooling={st.get('pooling')}, "
              f"C={st.get('C')}, embedding_C={st.get('embedding_C')}, {nb}, "
              f"alpha={st.get('alpha')}")]
    width = max(len(_MODEL_TITLES[m]) for m in report.scores) if report.scores else 0
    for name, scores in report.scores.items():
        lines.append(f"{_MODEL_TITLES[name]:<{width}}  accuracy {report.mean(name):.4f} ± "
                     f"{report.std(name):.4f}  (folds: {min(scores):.3f}-{max(scores):.3f}; "
                     f"{report.fit_seconds.get(name, float('nan')):.1f} s)")
    for name, chosen in report.chosen.items():
        tally = Counter(tuple(c.items()) for c in chosen)
        picks = "; ".join(", ".join(f"{k}={v:g}" if not isinstance(v, str) else f"{k}={v}"
                                    for k, v in key)
                          + f" in {n} fold{'s' * (n != 1)}" for key, n in tally.most_common())
        lines.append(f"{_MODEL_TITLES[name]}: chose {picks}")
    if report.transform_seconds is not None:
        lines.append(f"EmbeddingVectorizer.transform of {report.n_documents} documents "
                     f"(raw text, tokenizing included), median of {report.transform_runs} "
                     f"runs after fit: {report.transform_seconds:.2f} s")
    return "\n".join(lines)


def run(data: str | os.PathLike[str], *, model: str | os.PathLike[str] | None = None,
        adapt_counts: str | os.PathLike[str] | None = None, task_weight: float = 1.0,
        dim: int | str = DEFAULTS["dim"], save_model: str | os.PathLike[str] | None = None, progress: bool = False,
        log: Callable[[str], None] | None = None, **cv_options: Any) -> SentimentReport:
    """What ``wordvec sentiment`` does: load labelled data, get vectors, cross-validate.

    The vectors come from ``model`` (a saved model), or are built by :func:`adapt` from
    ``adapt_counts`` (saved general counts) plus the texts of ``data`` (their labels
    unused), with ``dim`` dimensions, optionally saved to ``save_model``.  ``cv_options`` go to
    :func:`cross_validate_sentiment`.
    """
    from .text.labelled import load_labelled

    if (model is None) == (adapt_counts is None):
        raise ValueError("give exactly one of model (saved vectors) and adapt_counts "
                         "(general counts to adapt with the data's own text)")
    if save_model is not None:
        check_writable(save_model, "save_model")
    labelled = load_labelled(data)
    if model is not None:
        vectors = load_vectors(model)  # any format the README lists
    else:
        t0 = time.perf_counter()
        vectors = adapt(adapt_counts, labelled.texts,  # type: ignore[arg-type]
                        task_weight=task_weight, dim=dim, progress=progress)
        if log is not None:
            log(f"adapted vectors: {len(vectors)} words x {vectors.vector_size} dims from "
                f"{adapt_counts} + {len(labelled)} documents of {data} (task_weight="
                f"{task_weight}) in {time.perf_counter() - t0:.1f} s")
        if save_model is not None:
            vectors.save(save_model)
    return cross_validate_sentiment(labelled, vectors, log=log, **cv_options)
