"""Where a warning should point: the first frame outside the package (the user's call)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The folder of the package (``wordvec/``), with a trailing separator.
PACKAGE = str(Path(__file__).resolve().parents[1]) + os.sep


def user_stacklevel() -> int:
    """The ``stacklevel`` for :func:`warnings.warn` called from the caller of this function
    that names the first frame outside ``wordvec/``, however deep the call is."""
    frame, level = sys._getframe(1), 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(PACKAGE):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    return level
