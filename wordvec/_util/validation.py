"""Parameter checks shared by every stage, with messages in one style.

Each message names the parameter, what is allowed and what was received, as
scikit-learn's generated messages do.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from numbers import Integral, Real
from typing import Any, Literal, overload

import numpy as np


@overload
def check_int(name: str, value: Any, *, low: int | None = ..., high: int | None = ...,
              allow_none: Literal[False] = ...) -> int: ...
@overload
def check_int(name: str, value: Any, *, low: int | None = ..., high: int | None = ...,
              allow_none: bool) -> int | None: ...
def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None,
              allow_none: bool = False) -> int | None:
    """Return ``value`` as an ``int`` or raise ``ValueError`` naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer{_range(low, high)}; got {value!r}")
    if (low is not None and int(value) < low) or (high is not None and int(value) > high):
        raise ValueError(f"{name} must be an integer{_range(low, high)}; got {value!r}")
    return int(value)


@overload
def check_float(name: str, value: Any, *, low: float | None = ..., high: float | None = ...,
                low_open: bool = ..., allow_none: Literal[False] = ...) -> float: ...
@overload
def check_float(name: str, value: Any, *, low: float | None = ..., high: float | None = ...,
                low_open: bool = ..., allow_none: bool) -> float | None: ...
def check_float(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                low_open: bool = False, allow_none: bool = False) -> float | None:
    """Return ``value`` as a ``float`` or raise ``ValueError`` naming ``name``."""
    if value is None and allow_none:
        return None
    ok = (isinstance(value, Real) and not isinstance(value, bool) and value == value
          and abs(float(value)) != float("inf"))  # NaN and infinity are never a setting
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        bound = ""
        if low is not None:
            bound = f" {'>' if low_open else '>='} {low}"
        if high is not None:
            bound += f"{' and' if bound else ''} <= {high}"
        raise ValueError(f"{name} must be a finite number{bound}; got {value!r}")
    return float(value)


def check_choice(name: str, value: Any, choices: Collection[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a boolean, else raise ``ValueError`` naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def default_n_jobs() -> int:
    """The cores this process may use, at most 8: the default of ``n_jobs``."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(n or 1, 8))


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f" in [{low}, {high}]"
    if low is not None:
        return f" >= {low}"
    if high is not None:
        return f" <= {high}"
    return ""
