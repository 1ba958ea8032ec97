"""Defaults and named presets of ``build`` (issue 6): valid, documented, overridable."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import wordvec
from wordvec.cli import main
from wordvec.params import DEFAULTS, PRESETS, validate
from wordvec.pipeline import build

from .test_pipeline import tiny_corpus

SMALL = {"min_count": 1, "dim": 3, "window": 2, "subsample": 0.0}


def _documented_defaults() -> dict[str, str]:
    """``name : type, default=value`` lines of ``build``'s docstring."""
    doc = build.__doc__ or ""
    return dict(re.findall(r"^\s{4}(\w+) : .*?, default=(.+)$", doc, flags=re.M))


def test_docstring_defaults_match_defaults() -> None:
    documented = _documented_defaults()
    for name, value in DEFAULTS.items():
        assert name in documented, f"{name} has no 'default=' in build's docstring"
        assert _same(documented[name], value), (
            f"build's docstring says {name} default={documented[name]}; "
            f"DEFAULTS has {value!r}")


def _same(text: str, value: object) -> bool:
    """Whether the docstring's ``default=text`` denotes ``value``."""
    try:
        return ast.literal_eval(text) == value
    except (ValueError, SyntaxError):
        return text == str(value)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_valid_parameter_sets(name: str) -> None:
    preset = PRESETS[name]
    assert preset, "a preset changes at least one parameter"
    assert set(preset) <= set(DEFAULTS)
    validate(preset)  # raises on an invalid value


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_build_with_preset_records_its_parameters(name: str) -> None:
    wv = build(tiny_corpus(), progress=False, preset=name, **SMALL)
    expected = {**DEFAULTS, **PRESETS[name], **SMALL}
    for key in PRESETS[name]:
        assert wv.params[key] == expected[key], key
    assert wv.params["preset"] == name


def test_explicit_parameters_override_the_preset() -> None:
    name = sorted(PRESETS)[0]
    key = next(iter(PRESETS[name]))
    other = {"eig": 0.25, "window": 3, "dim": 2, "add_contexts": not DEFAULTS["add_contexts"],
             "context_smoothing": 0.5, "subsample": 0.0, "min_count": 1}
    params = {**SMALL, key: other.get(key, PRESETS[name][key])}
    wv = build(tiny_corpus(), progress=False, preset=name, **params)
    assert wv.params[key] == params[key]


def test_no_preset_is_the_defaults() -> None:
    wv = build(tiny_corpus(), progress=False, **SMALL)
    assert wv.params["preset"] is None
    for key in ("eig", "add_contexts", "context_smoothing", "shift"):
        assert wv.params[key] == DEFAULTS[key]


def test_context_parameters_reach_the_vectors() -> None:
    """build's w+c options are those of ``embed`` on the same SVD (without the n-gram
    blend, which tests/test_subwords.py checks)."""
    off = {"subword_weight": 0, "subword_rare_weight": 0}
    plain = build(tiny_corpus(), progress=False, **SMALL, **off, add_contexts=False)
    raw = build(tiny_corpus(), progress=False, **SMALL, **off, context_weight=1.0,
                normalize_parts=False)
    mixed = build(tiny_corpus(), progress=False, **SMALL, **off)  # default weight, normalized
    assert mixed.params["context_weight"] == DEFAULTS["context_weight"]
    assert mixed.params["normalize_parts"] is DEFAULTS["normalize_parts"] is True
    w = plain.vectors
    c = raw.vectors - w  # the context part, V * S**eig
    expected = _unit(w) + DEFAULTS["context_weight"] * _unit(c)
    np.testing.assert_allclose(mixed.vectors, expected, atol=1e-5)


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


@pytest.mark.parametrize("params, message", [
    ({"context_weight": -0.5}, r"context_weight must be a finite number >= 0.0; got -0.5"),
    ({"context_weight": "half"}, r"context_weight must be a finite number >= 0.0; got 'half'"),
    ({"normalize_parts": 1}, r"normalize_parts must be True or False; got 1"),
])
def test_bad_context_parameters(params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(tiny_corpus(), progress=False, **SMALL, **params)


def test_cli_context_options(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(tiny_corpus()), encoding="utf-8")
    out = tmp_path / "m.model"
    code = main(["build", str(corpus), "-o", str(out), "-q", "--min-count", "1", "--dim", "3",
                 "--window", "2", "--subsample", "0", "--context-weight", "0.7",
                 "--no-normalize-parts"])
    assert code == 0, capsys.readouterr().err
    wv = wordvec.load(out)
    assert wv.params["context_weight"] == 0.7
    assert wv.params["normalize_parts"] is False


def test_unknown_preset_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"preset must be one of 'analogy'; got 'fast'"):
        build(tiny_corpus(), progress=False, preset="fast", **SMALL)


def test_cli_preset(tmp_path: Path, capsys) -> None:
    name = sorted(PRESETS)[0]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(tiny_corpus()), encoding="utf-8")
    out = tmp_path / "m.model"
    code = main(["build", str(corpus), "-o", str(out), "-q", "--preset", name,
                 "--min-count", "1", "--dim", "3", "--window", "2", "--subsample", "0"])
    assert code == 0, capsys.readouterr().err
    wv = wordvec.load(out)
    assert wv.params["preset"] == name
    for key, value in PRESETS[name].items():
        if key not in SMALL:
            assert wv.params[key] == value


def test_cli_rejects_unknown_preset(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["build", "x.txt", "-o", str(tmp_path / "m"), "--preset", "fast"])
    assert "invalid choice: 'fast'" in capsys.readouterr().err
