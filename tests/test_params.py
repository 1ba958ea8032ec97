"""The parameter table: every layer takes its parameters from it, and exactly those."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import wordvec
from wordvec import params
from wordvec.cli import build_parser
from wordvec.counting.cooccurrences import Cooccurrences
from wordvec.counting.vocab import Vocabulary
from wordvec.params import COUNT_KEYS, DEFAULTS, PARAMS, REDUCE_KEYS

NAMES = [p.name for p in PARAMS]
# what a build needs besides the parameters: how to read and how to run
RUN_OPTIONS = {"tokenizer", "glob", "document", "progress", "n_jobs", "max_memory", "tmp_dir"}


def _keywords(func: object) -> set[str]:
    sig = inspect.signature(func)  # type: ignore[arg-type]
    return {n for n, p in sig.parameters.items() if p.kind is p.KEYWORD_ONLY}


@pytest.fixture()
def counts() -> Cooccurrences:
    rng = np.random.default_rng(0)
    m = sp.random(12, 12, density=0.6, random_state=rng, dtype=np.float32) * 10
    m = (m + m.T).tocsr()
    return Cooccurrences(Vocabulary([f"w{i}" for i in range(12)], np.arange(40, 28, -1)),
                         m, {k: DEFAULTS[k] for k in COUNT_KEYS})


def test_table_is_partitioned_into_the_stages() -> None:
    assert len(set(NAMES)) == len(NAMES)
    assert set(COUNT_KEYS) | set(REDUCE_KEYS) == set(NAMES)
    assert set(COUNT_KEYS) & set(REDUCE_KEYS) == {"seed"}
    assert list(DEFAULTS) == NAMES
    for p in PARAMS:  # every default passes its own check
        assert p.validate(p.default) == p.default or p.default is None


@pytest.mark.parametrize("param", PARAMS, ids=lambda p: p.name)
def test_every_check_names_its_parameter(param: params.Param) -> None:
    bad = {int: "many", float: "much", str: 17, bool: "yes"}[param.type]
    with pytest.raises((ValueError, TypeError), match=param.name):
        params.validate({param.name: bad})


def test_readme_holds_the_generated_table() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert params.markdown_table() in readme


def test_cli_build_has_one_flag_per_parameter_with_its_type() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command" or a.choices and
               "build" in (a.choices or {}))
    build = sub.choices["build"]  # type: ignore[index]
    dests = {a.dest for a in build._actions} - {"help"}
    assert dests - set(NAMES) == {"corpus", "output", "glob", "document", "show", "quiet", "preset",
                                  "n_jobs", "max_memory", "tmp_dir"}
    assert set(NAMES) <= dests
    args = build.parse_args(["c", "-o", "m", "--max-vocab", "none", "--no-add-contexts",
                             "--subsample", "1e-4", "--window-weighting", "harmonic"])
    assert (args.max_vocab, args.add_contexts, args.subsample, args.window_weighting) == \
        (None, False, 1e-4, "harmonic")
    assert build.parse_args(["c", "-o", "m", "--add-contexts"]).add_contexts is True
    assert build.parse_args(["c", "-o", "m"]).add_contexts is None  # not given: the default
    for p in PARAMS:  # each flag's help gives the table's meaning and default, and choices
        action = next(a for a in build._actions if a.dest == p.name)
        shown = {True: "on", False: "off", None: "none"}.get(p.default, p.default) \
            if p.default is None or isinstance(p.default, bool) else p.default
        assert f"(default: {shown})" in (action.help or "")
        assert p.help.replace("`", "")[:30] in (action.help or "")
        assert tuple(action.choices or ()) == (p.choices or ())
    assert build_parser().parse_args(["build", "c", "-o", "m"]) is not None
    with pytest.raises(SystemExit):
        build.parse_args(["c", "-o", "m", "--svd-algorithm", "lanczos"])


def test_build_and_count_take_the_table_and_the_run_options() -> None:
    assert _keywords(wordvec.build) == RUN_OPTIONS | {"preset"}
    assert _keywords(wordvec.count) == RUN_OPTIONS | set(COUNT_KEYS)
    for name in COUNT_KEYS:  # but count keeps every word: merged counts are pruned once
        expected = 1 if name == "min_count" else DEFAULTS[name]
        assert inspect.signature(wordvec.count).parameters[name].default == expected
    with pytest.raises(TypeError, match="unknown parameter.*dims"):
        wordvec.build(["a b"], dims=3)


def test_build_from_counts_takes_exactly_the_reduction_parameters(
        counts: Cooccurrences) -> None:
    for name in REDUCE_KEYS:  # each accepted, at its default (dim made small)
        kw = {name: DEFAULTS[name], "dim": 3}
        assert wordvec.build_from_counts(counts, progress=False, **kw).vector_size <= 3
    for name in ("min_count", "max_vocab"):  # the vocabulary thresholds prune the counts
        assert inspect.signature(wordvec.build_from_counts).parameters[name].default == \
            DEFAULTS[name]
    for name in set(COUNT_KEYS) - set(REDUCE_KEYS) - {"min_count", "max_vocab"}:
        with pytest.raises(TypeError, match=name):
            wordvec.build_from_counts(counts, **{name: DEFAULTS[name]})


def test_adapt_takes_the_reduction_parameters(counts: Cooccurrences) -> None:
    wv = wordvec.adapt(counts, ["w1 w2 w3 w1 w2"], dim=3, eig=0.0, min_count=1)
    assert wv.vector_size <= 3 and wv.params["eig"] == 0.0
    with pytest.raises(TypeError, match="window"):
        wordvec.adapt(counts, ["w1 w2"], window=3)
    assert set(inspect.signature(wordvec.adapt).parameters) == \
        {"general", "task_text", "task_weight", "min_count", "progress", "reduce_params"}
