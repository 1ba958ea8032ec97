"""Progress bars: text bars in a terminal, widgets or nothing in Jupyter."""

from __future__ import annotations

import sys
import types

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
