"""Progress bars: text bars in a terminal, widgets or nothing in Jupyter."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from wordvec._util import progress as _progress


class _Shell:
    def __init__(self, kernel: bool) -> None:
        self.config = {"IPKernelApp": {}} if kernel else {}


def _fake_ipython(monkeypatch: pytest.MonkeyPatch, kernel: bool) -> None:
    module = types.ModuleType("IPython")
    module.get_ipython = lambda: _Shell(kernel)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", module)


def test_terminal_bar_follows_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    monkeypatch.setattr(_progress, "_terminal", lambda: True)
    assert not _progress.in_notebook()
    with _progress.bar(True, total=3) as on, _progress.bar(False, total=3) as off:
        assert not on.disable and off.disable


def test_terminal_ipython_is_not_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_ipython(monkeypatch, kernel=False)
    assert not _progress.in_notebook()


def test_notebook_without_widgets_has_no_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_ipython(monkeypatch, kernel=True)
    monkeypatch.setattr(_progress, "_has_widgets", lambda: False)
    assert _progress.in_notebook()
    with _progress.bar(True, total=3) as b:
        assert b.disable  # text bars would fill a stored notebook with lines


def test_notebook_with_widgets_uses_tqdm_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_ipython(monkeypatch, kernel=True)
    monkeypatch.setattr(_progress, "_has_widgets", lambda: True)
    made = {}

    class FakeNotebookBar:
        def __init__(self, **kw: object) -> None:
            made.update(kw)

    fake = types.ModuleType("tqdm.notebook")
    fake.tqdm = FakeNotebookBar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm.notebook", fake)
    assert isinstance(_progress.bar(True, total=7, desc="x"), FakeNotebookBar)
    assert made == {"total": 7, "desc": "x"}


def test_without_a_terminal_each_stage_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    monkeypatch.setattr(_progress, "_terminal", lambda: False)
    with _progress.bar(True, total=3, desc="tokenizing", unit="file") as b:
        assert isinstance(b, _progress.StageLine)
        for _ in range(3):
            b.update()
    with _progress.bar(True, total=2_500_000, desc="counting", unit="token",
                       unit_scale=True) as b:
        b.update(2_500_000)
    list(_progress.bar(True, iterable=["a", "b"], desc="reading", unit="file"))
    with _progress.bar(False, total=3, desc="quiet") as off:  # progress=False: nothing
        off.update()
    lines = capsys.readouterr().err.splitlines()
    assert [line.rsplit(" in ", 1)[0] for line in lines] == [
        "tokenizing: 3/3 files", "counting: 2.5M/2.5M tokens", "reading: 2/2 files"]
    assert all("\r" not in line and line.endswith(" s") for line in lines)


def test_build_logs_each_stage_against_its_total(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    import wordvec
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("the cat sat on the mat\n\n" * 30)
    wordvec.build(str(tmp_path), dim=2, min_count=1, subsample=0, n_jobs=1)  # stderr: a pipe
    err = capsys.readouterr().err
    assert "tokenizing: 3/3 files" in err and "counting: " in err and "svd: " in err
    assert "\r" not in err


def test_stage_line_counts_arrays_and_early_breaks(capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    for _ in _progress.StageLine(np.arange(3), desc="array", unit="row"):
        pass
    for item in _progress.StageLine(["a", "b", "c"], desc="cut", unit="file"):
        if item == "b":
            break
    lines = [line.rsplit(" in ", 1)[0] for line in capsys.readouterr().err.splitlines()]
    assert lines == ["array: 3/3 rows", "cut: 2/3 files"]


def test_no_stderr_means_no_progress(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    monkeypatch.setattr(sys, "stderr", None)
    with _progress.bar(True, total=2, desc="tokenizing") as b:
        b.update(2)
    assert capsys.readouterr().out == ""  # never on stdout instead


def test_trailing_empty_files_count(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import wordvec
    (tmp_path / "a.txt").write_text("the cat sat on the mat\n" * 30)
    (tmp_path / "b.txt").write_text("")
    wordvec.build(str(tmp_path), dim=2, min_count=1, subsample=0, n_jobs=1)
    assert "tokenizing: 2/2 files" in capsys.readouterr().err


def test_parallel_reading_shows_bytes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import wordvec
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("the cat sat on the mat\n\n" * 40)
    size = sum(f.stat().st_size for f in tmp_path.iterdir())
    wordvec.build(str(tmp_path), dim=2, min_count=1, subsample=0, n_jobs=2)
    assert f"tokenizing: {size:,}/{size:,} B in " in capsys.readouterr().err
