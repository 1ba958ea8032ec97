"""Window weights: how much a pair counts at each distance, exactly as integers.

``dynamic`` (word2vec's sampled window, in expectation): ``(window - d + 1) / window``;
``harmonic`` (GloVe): ``1 / d``; ``uniform``: 1.  The counter accumulates the integer
weights of :func:`_integer_weights` so that sums are exact, and divides once at the end.
"""

from __future__ import annotations

import math

import numpy as np

from .._util.validation import check_choice, check_int
from ..params import WINDOW_WEIGHTINGS

__all__ = ["window_weights"]

_MAX_INT_SCALE = 1 << 24  # larger integer scales would risk float64 exactness


def window_weights(window: int, weighting: str) -> np.ndarray:
    """Weight of a context at distance ``d = 1..window`` (index ``d - 1``).

    ``uniform``: 1; ``harmonic``: 1/d (GloVe); ``dynamic``: (window - d + 1) / window,
    the probability that word2vec's randomly shrunk window reaches distance ``d``.

    >>> window_weights(4, "dynamic").tolist()
    [1.0, 0.75, 0.5, 0.25]
    """
    window = check_int("window", window, low=1)
    check_choice("window_weighting", weighting, WINDOW_WEIGHTINGS)
    d = np.arange(1, window + 1, dtype=np.float64)
    if weighting == "uniform":
        w = np.ones_like(d)
    elif weighting == "harmonic":
        w = 1.0 / d
    else:
        w = (window - d + 1) / window
    return w


def _integer_weights(window: int, weighting: str) -> tuple[np.ndarray, float]:
    """Integer weights ``w_int`` and a scale with ``w_int / scale == window_weights``.

    For ``harmonic`` with a window so large that ``lcm(1..window)`` exceeds 2**24, the
    float weights are used as they are (scale 1) and sums are exact only up to float64
    rounding.
    """
    d = np.arange(1, window + 1, dtype=np.int64)
    if weighting == "uniform":
        return np.ones(window), 1.0
    if weighting == "dynamic":
        return (window - d + 1).astype(np.float64), float(window)
    scale = math.lcm(*range(1, window + 1))
    if scale > _MAX_INT_SCALE:
        return 1.0 / d.astype(np.float64), 1.0
    return (scale // d).astype(np.float64), float(scale)
