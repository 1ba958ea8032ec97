"""The two backends (compiled kernels, NumPy/SciPy) against slow references and each
other -- tokens, ids, counts, products, the SVD, a whole build -- and the switch between
them: explicit, never silent (``wordvec.backend``).

CI runs this file verbosely: each equality test shows one line per backend.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import wordvec
from wordvec import backend
from wordvec._ext import _kernels
from wordvec.counting.counter import CooccurrenceCounter
from wordvec.linalg.operators import _TiledOperator
from wordvec.linalg.reduce import truncated_svd
from wordvec.text.tokenize import TokenIds, Tokenizer

COMPILED = backend._import()[0] is not None
BACKENDS = [pytest.param("compiled", marks=pytest.mark.skipif(
    not COMPILED, reason=f"extension modules missing: {backend._import()[1]}")), "numpy"]
REPO = Path(__file__).resolve().parents[1]

DOCS = ["The cat sat on the mat; the CAT's hat, 3.14 and 1,000 cats.",
        "Ünïcode wörds mix with ASCII: naïve café, Straße 12 and résumé.",
        "", "   ", "dog dog DOG d0g it's o'clock -- 2024-05-06",
        "short", "one two three four five six seven eight nine ten " * 5]


@pytest.fixture(autouse=True)
def _keep_the_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests here switch the process-wide backend: each leaves it as it found it."""
    monkeypatch.setitem(backend._state, "choice", backend.choice())


@pytest.fixture(params=BACKENDS)
def name(request: pytest.FixtureRequest) -> str:
    with wordvec.use_backend(request.param):
        yield request.param


def _reference_tokens(doc: str) -> list[str]:
    """The tokenizer's definition, by the regular expressions alone."""
    return [t.lower() for t in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,]\d+)*", doc)]


def test_tokens_and_ids_equal_the_reference(name: str) -> None:
    ids = TokenIds(Tokenizer())
    assert ids.compiled == (name == "compiled")
    got, n_tokens = ids(DOCS)
    blob, ends = ids.take_new()
    starts = np.concatenate(([0], ends[:-1]))
    types = [blob[a:b].decode() for a, b in zip(starts, ends)]
    want: list[str] = []
    for doc in DOCS:
        tokens = _reference_tokens(doc)
        want += tokens + (["<sep>"] if tokens else [])
    assert [types[i] if i >= 0 else "<sep>" for i in got] == want
    assert n_tokens == sum(t != "<sep>" for t in want)
    first_seen = list(dict.fromkeys(t for t in want if t != "<sep>"))
    assert types == first_seen  # ids in first-seen order


def _naive_counts(stream: list[int], n: int, window: int) -> np.ndarray:
    """Dynamic-window pair counts, both directions, one pair at a time."""
    out = np.zeros((n, n))
    for j, b in enumerate(stream):
        for d in range(1, window + 1):
            if j - d < 0 or stream[j - d] < 0 or b < 0:
                continue
            if -1 in stream[j - d:j]:
                break
            w = (window - d + 1) / window
            out[stream[j - d], b] += w
            out[b, stream[j - d]] += w
    return out


def test_counts_equal_the_reference(name: str) -> None:
    rng = np.random.default_rng(3)
    stream = rng.integers(0, 30, 3000).astype(np.int32)
    stream[rng.integers(0, 3000, 40)] = -1  # document ends
    counter = CooccurrenceCounter(30, window=4)
    for start in range(0, stream.size, 700):
        counter.update(stream[start:start + 700])
    got = counter.result()
    assert got.has_canonical_format and got.dtype == np.float32
    np.testing.assert_allclose(got.toarray(), _naive_counts(stream.tolist(), 30, 4),
                               rtol=1e-6)


def test_products_equal_dense_ones(name: str) -> None:
    a = sp.random(300, 260, density=0.05, format="csr", dtype=np.float32, random_state=1)
    op = _TiledOperator(a, n_threads=2, kernels=True)
    assert (op._lib is not None) == (name == "compiled")
    x = np.random.default_rng(0).standard_normal((260, 37)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((300, 21)).astype(np.float32)
    dense = a.toarray().astype(np.float64)
    np.testing.assert_allclose(op.matmat(x), dense @ x, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(op.rmatmat(y), dense.T @ y, rtol=1e-4, atol=1e-4)


def test_svd_equals_lapack(name: str) -> None:
    rng = np.random.default_rng(2)
    a = sp.csr_matrix((rng.standard_normal((200, 8)) * np.geomspace(10, 1, 8)
                       @ rng.standard_normal((8, 150))).astype(np.float32))
    u, s, vt = truncated_svd(a, 5, n_iter=6, seed=0)
    np.testing.assert_allclose(s, np.linalg.svd(a.toarray(), compute_uv=False)[:5],
                               rtol=1e-3)
    np.testing.assert_allclose(np.abs(np.sum(u * (a @ vt.T / s), axis=0)), 1, rtol=1e-3)


def test_a_build_is_the_same_on_both_backends(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(60)]
    for f in range(3):  # a folder: n_jobs=2 reads it in worker processes
        (folder / f"{f}.txt").write_text("\n".join(
            " ".join(rng.choice(words, 30)) + " Ünï" for _ in range(60)))
    built = {}
    for name in ["numpy"] + ["compiled"] * COMPILED:
        with wordvec.use_backend(name):
            built[name] = wordvec.build(str(folder), min_count=1, dim=8, progress=False,
                                        n_jobs=2, seed=1)
        assert built[name].stats["backend"] == name
    if COMPILED:
        a, b = built["numpy"], built["compiled"]
        assert list(a) == list(b) and np.array_equal(a.counts, b.counts)
        np.testing.assert_allclose(np.abs(a.vectors), np.abs(b.vectors), atol=2e-3)


def test_numpy_backend_uses_no_kernels() -> None:
    with wordvec.use_backend("numpy"):
        assert _kernels.load() is None and backend.get_backend() == "numpy"
    assert backend.get_backend() == ("compiled" if COMPILED else "numpy")


def test_bad_backend_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=r"backend must be one of 'auto', 'compiled', "
                                         r"'numpy'; got 'fast'"):
        wordvec.set_backend("fast")
    monkeypatch.setitem(backend._state, "choice", None)
    monkeypatch.setenv("WORDVEC_BACKEND", "gpu")
    with pytest.raises(ValueError, match=r"\$WORDVEC_BACKEND must be one of .* got 'gpu'"):
        _kernels.load()


def test_missing_extension_warns_once_and_numpy_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A source build without a compiler: import works, the first use warns with the
    reason and the fix, later ones are quiet; ``compiled`` refuses."""
    monkeypatch.setitem(backend._state, "kernels", None)
    monkeypatch.setitem(backend._state, "why", "the extension modules were not built "
                        "with this copy of wordvec (No module named 'wordvec._ext._count_ext')")
    monkeypatch.setitem(backend._state, "warned", False)
    monkeypatch.setitem(backend._state, "choice", "auto")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _kernels.load() is None
        assert _kernels.load() is None
        ids, n = TokenIds(Tokenizer())(["a cat and a dog"])
    assert n == 5 and ids.tolist() == [0, 1, 2, 0, 3, -1]
    assert len(caught) == 1 and caught[0].category is backend.KernelsUnavailableWarning
    assert "No module named 'wordvec._ext._count_ext'" in str(caught[0].message)
    assert "C compiler" in str(caught[0].message)
    with pytest.raises(backend.BackendUnavailableError, match="backend 'compiled'.*C compiler"):
        wordvec.set_backend("compiled")
    out = io.StringIO()
    wordvec.show_config(file=out)
    assert "backend: numpy (asked: auto)" in out.getvalue()
    assert "not available" in out.getvalue()
    with warnings.catch_warnings(record=True) as caught:  # asked for: no warning
        warnings.simplefilter("always")
        with wordvec.use_backend("numpy"):
            assert _kernels.load() is None
    assert not caught


def test_missing_extension_in_a_fresh_process(tmp_path: Path) -> None:
    """The same, for real: the extension modules cannot be imported."""
    code = ("import sys, warnings, wordvec\n"
            "for m in ('_tokenize_ext', '_count_ext', '_sparse_ext'):\n"
            "    sys.modules['wordvec._ext.' + m] = None  # import fails as if never built\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    wv = wordvec.build(['a b c a b c d'] * 30, min_count=1, dim=2, subsample=0, "
            "progress=False, n_jobs=1)\n"
            "print(wv.stats['backend'], len(w), w[0].category.__name__ if w else '')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["numpy", "1", "KernelsUnavailableWarning"]


def test_version_says_which_backend(capsys: pytest.CaptureFixture[str]) -> None:
    from wordvec.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["--backend", "numpy", "--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wordvec {wordvec.__version__} (python ")
    assert "backend: numpy (asked: numpy)" in out
    if COMPILED:
        assert "cpu features:" in out and "_sparse_ext" in out


@pytest.mark.skipif(os.environ.get("WORDVEC_TEST_INSTALLED", "") != "1",
                    reason="CI only (WORDVEC_TEST_INSTALLED=1): the suite tests the wheel")
def test_ci_tests_the_installed_wheel_with_its_kernels() -> None:
    info = backend.config()
    assert info["in_use"] == "compiled", info
    for path in [wordvec.__file__, *info["compiled"].values()]:
        assert REPO / "wordvec" not in Path(path).resolve().parents, path  # not the sources
