"""Progress bars: one place decides how long work reports itself.

Every long step (reading files, tokenizing, counting, the SVD's products) asks
:func:`bar` for a tqdm bar against a known total. In a terminal that is tqdm's text
bar on stderr. In a Jupyter kernel it is tqdm's widget bar when ``ipywidgets`` is
installed; without it the bars are off, because text bars redrawn with carriage
returns fill a stored notebook with hundreds of lines. ``progress=False`` anywhere
turns them off.

When stderr is not a terminal (a log file, CI, a pipe), a redrawn bar would leave a
line of carriage returns per update, so each bar is instead one line written when its
stage ends: ``tokenizing: 500/500 files in 2.1 s``.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["bar", "in_notebook", "StageLine"]


def in_notebook() -> bool:
    """True inside a Jupyter (IPython kernel) session."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any failure means "not a kernel we know"
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _has_widgets() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class StageLine:
    """The part of tqdm's interface the stages use, reporting once: a line on stderr
    when the stage ends (``close``, or the end of the ``with`` block or iteration)."""

    def __init__(self, iterable: Iterable[Any] | None = None, *, desc: str = "",
                 total: float | None = None, unit: str = "it", unit_scale: bool = False,
                 leave: bool = True, file: Any = None, **_: Any) -> None:
        self.iterable, self.desc, self.unit, self.unit_scale = iterable, desc, unit, unit_scale
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        self.total, self.file = total, file
        self.n: float = 0
        self._start, self._closed = time.perf_counter(), False

    def update(self, n: float = 1) -> None:
        self.n += n

    def __iter__(self) -> Iterator[Any]:
        try:
            for item in self.iterable if self.iterable is not None else ():
                self.n += 1
                yield item
        finally:
            self.close()

    def _amount(self, value: float) -> str:
        if self.unit_scale and value >= 1e4:
            for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
                if value >= size:
                    return f"{value / size:.1f}{suffix}"
        return f"{value:,.0f}"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        done = self._amount(self.n)
        if self.total is not None:
            done = f"{done}/{self._amount(self.total)}"
        seconds = time.perf_counter() - self._start
        stream = self.file if self.file is not None else sys.stderr
        if stream is None:  # no stderr at all (closed when Python started)
            return
        try:
            plural = "s" if self.n != 1 and len(self.unit) > 1 else ""  # "B" stays "B"
            print(f"{self.desc}: {done} {self.unit}{plural} in "
                  f"{seconds:.1f} s", file=stream, flush=True)
        except (OSError, ValueError):  # closed or broken: progress is never an error
            pass

    def __enter__(self) -> StageLine:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def bar(progress: bool, **kw: Any) -> Any:
    """A tqdm bar, or a disabled one when ``progress`` is false (same interface); where
    stderr is not a terminal, a :class:`StageLine`."""
    if in_notebook():
        if progress and _has_widgets():
            from tqdm.notebook import tqdm as notebook_tqdm
            return notebook_tqdm(**kw)
        progress = False
    if progress and sys.stderr is None:  # started with stderr closed: nowhere to report
        progress = False
    if progress and not _terminal():
        return StageLine(**kw)
    from tqdm import tqdm
    return tqdm(disable=not progress, **kw)
