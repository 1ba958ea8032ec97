"""Progress bars: one place decides how long work reports itself.

Every long step (reading files, tokenizing, counting, the SVD's products) asks
:func:`bar` for a tqdm bar against a known total. In a terminal that is tqdm's text
bar on stderr. In a Jupyter kernel it is tqdm's widget bar when ``ipywidgets`` is
installed; without it the bars are off, because text bars redrawn with carriage
returns fill a stored notebook with hundreds of lines. ``progress=False`` anywhere
turns them off.
"""
from __future__ import annotations

import sys
from typing import Any

__all__ = ["bar", "in_notebook"]


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


def bar(progress: bool, **kw: Any) -> Any:
    """A tqdm bar, or a disabled one when ``progress`` is false (same interface)."""
    if in_notebook():
        if progress and _has_widgets():
            from tqdm.notebook import tqdm as notebook_tqdm
            return notebook_tqdm(**kw)
        progress = False
    from tqdm import tqdm
    return tqdm(disable=not progress, **kw)
