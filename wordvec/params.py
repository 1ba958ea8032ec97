"""The build parameters: one table, from which everything else is derived.

Each :class:`Param` names a parameter of :func:`wordvec.build`, its type, default,
check, the stage that uses it and its help text.  From :data:`PARAMS` come
:data:`DEFAULTS`, the counting and reduction key lists (:data:`COUNT_KEYS`,
:data:`REDUCE_KEYS`), :func:`validate`, the ``wordvec build`` flags
(their types and help text) and the README's parameter table
(:func:`markdown_table`; ``tests/test_params.py`` checks that the README holds it and
that the CLI, ``build``, ``count``, ``build_from_counts`` and ``adapt`` accept exactly
their parameters).  The defaults were chosen by the study in
``benchmarks/HYPERPARAMS.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._util.validation import check_bool, check_choice, check_float, check_int

__all__ = ["Param", "PARAMS", "DEFAULTS", "PRESETS", "COUNT_KEYS", "REDUCE_KEYS",
           "WINDOW_WEIGHTINGS", "SUBSAMPLE_MODES", "SVD_ALGORITHMS", "SVD_PRECISIONS",
           "MAX_WINDOW", "validate", "markdown_table"]

WINDOW_WEIGHTINGS = ("uniform", "harmonic", "dynamic")
SUBSAMPLE_MODES = ("dirty", "clean")
SVD_ALGORITHMS = ("randomized", "chebyshev", "arpack")
SVD_PRECISIONS = ("half", "single")
MAX_WINDOW = 1000
"""Largest ``window``: a wider one counts every pair of a document (memory grows with it)."""


@dataclass(frozen=True)
class Param:
    """One build parameter.

    ``stage`` is ``"count"`` (counting: :func:`wordvec.count`), ``"reduce"``
    (weighting and SVD: :func:`wordvec.build_from_counts`) or ``"both"``."""

    name: str
    type: type
    default: Any
    check: Callable[[str, Any], Any]
    stage: str
    help: str

    def validate(self, value: Any) -> Any:
        return self.check(self.name, value)

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The allowed values of a parameter that takes one of a few names, else None."""
        return getattr(self.check, "choices", None)


def _int(low: int, high: int | None = None, allow_none: bool = False) -> Callable[[str, Any], Any]:
    return lambda name, v: check_int(name, v, low=low, high=high, allow_none=allow_none)


def _float(low: float, high: float | None = None,
           low_open: bool = False) -> Callable[[str, Any], Any]:
    return lambda name, v: check_float(name, v, low=low, high=high, low_open=low_open)


def _dim(name: str, v: Any) -> Any:
    return v if v == "auto" else check_int(name, v, low=1)


def auto_dim(tokens: int, vocab_size: int | None = None) -> int:
    """``dim="auto"``: the dimension for a corpus of ``tokens`` tokens.

    ``100 * (tokens / 1M) ** 0.574`` rounded to a multiple of 50, between 50 and 500 (and
    below the vocabulary size): the power law through the best dimensions measured on
    Brown (1M tokens: 100) and the wiki sample (16.5M: 500), which also gives the best
    one measured in between (five NLTK corpora, 2.5M: 150); see
    ``benchmarks/study_dim.py`` and RESULTS.md.  Small corpora cannot fill many
    dimensions with signal: extra ones add noise to every cosine.

    >>> [auto_dim(n) for n in (200_000, 1_000_000, 2_500_000, 16_500_000, 10**9)]
    [50, 100, 150, 500, 500]
    """
    dim = int(min(max(50 * round(2 * (max(tokens, 1) / 1e6) ** 0.574), 50), 500))
    if vocab_size is not None:
        dim = max(1, min(dim, vocab_size - 1))
    return dim


def _choice(allowed: tuple[str, ...]) -> Callable[[str, Any], Any]:
    def check(name: str, v: Any) -> Any:
        return check_choice(name, v, allowed)
    check.choices = allowed  # type: ignore[attr-defined]  # the CLI's choices
    return check


PARAMS: tuple[Param, ...] = (
    Param("window", int, 5, _int(1, MAX_WINDOW), "count",
          "largest distance between a word and a context word"),
    Param("window_weighting", str, "dynamic", _choice(WINDOW_WEIGHTINGS), "count",
          "weight of a context at distance d: `dynamic` (window−d+1)/window (word2vec's "
          "random window, in expectation), `harmonic` 1/d (GloVe), `uniform` 1"),
    Param("min_count", int, 5, _int(1), "count",
          "words seen fewer times are removed (before windowing, as word2vec does)"),
    Param("max_vocab", int, None, _int(2, allow_none=True), "count",
          "keep at most this many of the most frequent words"),
    Param("subsample", float, 3e-5, _float(0.0, 1.0), "count",
          "word2vec's frequent-word subsampling threshold t; 0 disables"),
    Param("subsample_mode", str, "dirty", _choice(SUBSAMPLE_MODES), "count",
          "`dirty` removes subsampled words before windowing (word2vec); `clean` leaves "
          "holes, keeping distances"),
    Param("context_smoothing", float, 0.75, _float(0.0, 1.0, low_open=True), "reduce",
          "exponent of context counts in PMI (1 = none)"),
    Param("shift", float, 1.0, _float(1.0), "reduce",
          "shifted PPMI: max(PMI − log shift, 0)"),
    Param("dim", int, "auto", _dim, "reduce",
          "dimensions of the word vectors; `auto` grows with the corpus: 100 at 1M tokens, "
          "150 at 2.5M, 500 from 16M (see auto_dim)"),
    Param("eig", float, 0.5, _float(0.0, 1.0), "reduce",
          "eigenvalue weighting: vectors are U·Σ^eig"),
    Param("add_contexts", bool, True, check_bool, "reduce",
          "return word + context vectors (w+c)"),
    Param("context_weight", float, 1.0, _float(0.0), "reduce",
          "weight of the context vectors in w+c: w + context_weight·c"),
    Param("normalize_parts", bool, True, check_bool, "reduce",
          "scale each word's w and c to unit length before adding them"),
    Param("svd_algorithm", str, "chebyshev", _choice(SVD_ALGORITHMS), "reduce",
          "`chebyshev` (Chebyshev-filtered subspace iteration, threaded), `randomized` "
          "(power iterations, Halko et al.) or `arpack` (exact, slower)"),
    Param("n_iter", int, 4, _int(0), "reduce",
          "steps of the subspace SVD (4 Chebyshev steps beat 6 power iterations)"),
    Param("svd_precision", str, "half", _choice(SVD_PRECISIONS), "reduce",
          "precision of the dense operand in the SVD's steps: `half` (IEEE half, where "
          "the kernels convert it in hardware: x86-64 with F16C) halves what the products "
          "fetch, with the same accuracy and scores; the last product, which gives the "
          "vectors, is single precision either way"),
    Param("subword_weight", float, 0.2, _float(0.0), "reduce",
          "morphology in every vector: each word's unit vector plus this share of the "
          "direction of its character n-grams' vectors (fitted to all words by least "
          "squares); 0 with `subword_rare_weight` 0 turns the n-gram fit off"),
    Param("subword_rare_weight", float, 0.5, _float(0.0), "reduce",
          "extra n-gram share for rare words: + subword_rare_weight·50/(50+count)"),
    Param("subwords", bool, False, check_bool, "reduce",
          "keep the n-gram vectors in the model: vectors for words outside the "
          "vocabulary (`wv[word]`, queries, features, evaluation)"),
    Param("seed", int, 0, _int(0, 2**32 - 1), "both",
          "seed of subsampling and of the SVD: a build is deterministic for a seed"),
)

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
#: Default build parameters.
DEFAULTS: dict[str, Any] = {p.name: p.default for p in PARAMS}
#: Parameters of counting (:func:`wordvec.count`) and of weighting + reduction.
COUNT_KEYS: tuple[str, ...] = tuple(p.name for p in PARAMS if p.stage in ("count", "both"))
REDUCE_KEYS: tuple[str, ...] = tuple(p.name for p in PARAMS if p.stage in ("reduce", "both"))
#: Named presets: the parameters that differ from :data:`DEFAULTS` (see
#: ``benchmarks/HYPERPARAMS.md``).  Explicit parameters override a preset's.
PRESETS: dict[str, dict[str, Any]] = {
    # Word vectors alone (no w+c): better analogies, worse similarity.
    "analogy": {"add_contexts": False},
}


def validate(params: dict[str, Any], allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
    """``params`` checked and completed with the defaults; an unknown name is a
    TypeError listing the ``allowed`` ones (default: all of them)."""
    allowed = tuple(DEFAULTS) if allowed is None else allowed
    unknown = set(params) - set(allowed)
    if unknown:
        raise TypeError(f"unknown parameter(s) {', '.join(sorted(unknown))}; "
                        f"allowed: {', '.join(allowed)}")
    p = {**DEFAULTS, **params}
    for param in PARAMS:
        param.validate(p[param.name])
    return p


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, float):  # 1.0 -> 1, 3e-05 -> 3e-5
        return f"{value:g}".replace("e-0", "e-").replace("e+0", "e+")
    return str(value)


def markdown_table() -> str:
    """The README's parameter table."""
    rows = ["| parameter | default | meaning |", "|---|---|---|"]
    rows += [f"| `{p.name}` | {_show(p.default)} | {p.help} |" for p in PARAMS]
    return "\n".join(rows)
