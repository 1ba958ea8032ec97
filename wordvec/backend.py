"""Which implementation runs the heavy loops: the compiled kernels or NumPy/SciPy.

The compiled kernels are three extension modules built with the package (one per stage:
``_tokenize_ext``, ``_count_ext``, ``_sparse_ext``; see ``setup.py``).  The NumPy/SciPy
implementation of the same steps is the reference the kernels are tested against: the
same tokens, ids and counts, and products equal up to float32 rounding order.

Backends:

* ``"auto"`` (the default): the compiled kernels where they were built; otherwise
  NumPy/SciPy, with one :class:`KernelsUnavailableWarning` saying why and how to fix it;
* ``"compiled"``: the kernels, or :class:`BackendUnavailableError` where they are missing;
* ``"numpy"``: NumPy/SciPy (slower: tokenizing, counting and the SVD's products).

Chosen with :func:`set_backend`, for a block with :func:`use_backend`, or for a process
by the ``WORDVEC_BACKEND`` environment variable.  The choice is for the whole process
(and the worker processes a build starts), not per thread.  :func:`show_config` says
what is in use.

>>> import wordvec
>>> with wordvec.use_backend("numpy"):
...     wordvec.backend.get_backend()
'numpy'
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any, TextIO

from ._util.caller import user_stacklevel
from .errors import MissingDependencyError

__all__ = ["BACKENDS", "BackendUnavailableError", "KernelsUnavailableWarning", "Kernels",
           "set_backend", "get_backend", "use_backend", "show_config", "config"]

BACKENDS = ("auto", "compiled", "numpy")
_ENV = "WORDVEC_BACKEND"
_FIX = ("reinstall with a C compiler on PATH (pip install --force-reinstall --no-binary "
        "wordvec wordvec, or pip install . in a clone), or install a platform wheel")


class KernelsUnavailableWarning(UserWarning):
    """The compiled kernels are not installed: NumPy/SciPy run instead (slower)."""


class BackendUnavailableError(MissingDependencyError):
    """``backend="compiled"`` was asked for where the extension modules are missing."""


class Kernels:
    """The three extension modules, as the wrappers in :mod:`wordvec._ext._kernels` take them."""

    __slots__ = ("tokenize", "count", "sparse")

    def __init__(self, tokenize: Any, count: Any, sparse: Any) -> None:
        self.tokenize, self.count, self.sparse = tokenize, count, sparse


_lock = threading.Lock()
_state: dict[str, Any] = {"choice": None, "warned": False}


def _check(name: object, where: str = "backend") -> str:
    if not isinstance(name, str) or name not in BACKENDS:
        raise ValueError(f"{where} must be one of {', '.join(map(repr, BACKENDS))}; "
                         f"got {name!r}")
    return name


def _import() -> tuple[Kernels | None, str]:
    """The extension modules (imported once), or None and why not."""
    if "kernels" not in _state:
        try:
            from ._ext import _count_ext, _sparse_ext, _tokenize_ext  # type: ignore[attr-defined]  # compiled, no stubs
            _state["kernels"], _state["why"] = Kernels(_tokenize_ext, _count_ext,
                                                       _sparse_ext), ""
        except ImportError as exc:
            _state["kernels"] = None
            _state["why"] = (f"the extension modules were not built with this copy of "
                             f"wordvec ({exc})")
    return _state["kernels"], _state["why"]


def _choice() -> str:
    if _state["choice"] is None:
        _state["choice"] = _check(os.environ.get(_ENV, "auto") or "auto",
                                  f"${_ENV}")
    return str(_state["choice"])


def kernels() -> Kernels | None:
    """The compiled kernels if the backend in force uses them, else None (NumPy/SciPy).

    Under ``"auto"`` a missing extension warns once; under ``"compiled"`` it raises."""
    with _lock:
        choice = _choice()
        if choice == "numpy":
            return None
        lib, why = _import()
        if lib is None:
            if choice == "compiled":
                raise BackendUnavailableError(f"backend 'compiled': {why}; {_FIX}")
            if not _state["warned"]:
                _state["warned"] = True
                warnings.warn(f"wordvec runs its NumPy/SciPy backend, 2-3x slower at "
                              f"tokenizing, counting and the SVD: {why}; {_FIX}. Say "
                              f"wordvec.set_backend('numpy') to silence this.",
                              KernelsUnavailableWarning, stacklevel=user_stacklevel())
        return lib


def set_backend(name: str) -> None:
    """Use backend ``name`` (``"auto"``, ``"compiled"`` or ``"numpy"``) from now on.

    ``"compiled"`` raises :class:`BackendUnavailableError` at once where the extension
    modules are missing."""
    _check(name)
    if name == "compiled":
        lib, why = _import()
        if lib is None:
            raise BackendUnavailableError(f"backend 'compiled': {why}; {_FIX}")
    with _lock:
        _state["choice"] = name


def get_backend() -> str:
    """The backend in use: ``"compiled"`` or ``"numpy"`` (what ``"auto"`` resolves to)."""
    choice = _choice()
    if choice == "numpy":
        return "numpy"
    return "compiled" if _import()[0] is not None else "numpy"


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[None]:
    """Use backend ``name`` inside a ``with`` block (for the whole process)."""
    before = _choice()
    set_backend(name)
    try:
        yield
    finally:
        with _lock:
            _state["choice"] = before


def choice() -> str:
    """The backend asked for (``"auto"``, ``"compiled"`` or ``"numpy"``), to hand to
    worker processes, which start with the environment's."""
    return _choice()


def config() -> dict[str, Any]:
    """What :func:`show_config` prints, as a dict (for bug reports and the tests)."""
    import numpy as np
    import scipy

    from . import __version__

    lib, why = _import()
    out: dict[str, Any] = {
        "wordvec": __version__, "python": sys.version.split()[0],
        "platform": f"{sys.platform}-{platform.machine()}", "numpy": np.__version__,
        "scipy": scipy.__version__, "backend": _choice(), "in_use": get_backend(),
        "cpus": os.cpu_count()}
    if lib is None:
        out["compiled"] = f"not available: {why}"
    else:
        out["compiled"] = {stage: getattr(lib, stage).__file__ for stage in Kernels.__slots__}
        out["cpu"] = lib.sparse.cpu_features()
    return out


def show_config(file: TextIO | None = None) -> None:
    """Print wordvec's version, the backend in use, where its compiled modules are and
    the CPU features their dispatch found (as ``numpy.show_config`` does)."""
    info = config()
    lines = [f"wordvec {info['wordvec']} (python {info['python']}, {info['platform']}, "
             f"numpy {info['numpy']}, scipy {info['scipy']}, {info['cpus']} CPUs)",
             f"backend: {info['in_use']} (asked: {info['backend']})"]
    if isinstance(info["compiled"], dict):
        for stage, path in info["compiled"].items():
            lines.append(f"  {stage}: {path}")
        cpu = info["cpu"]
        flags = [k for k in ("avx2", "fma", "f16c") if cpu[k]]
        lines.append(f"cpu features: {' '.join(flags) or 'baseline only'}; products "
                     f"{'multiversioned (x86-64-v3 / baseline)' if cpu['clones'] else 'portable'}"
                     f"; half-precision products {'on' if cpu['half'] else 'off'}")
    else:
        lines.append(f"compiled kernels {info['compiled']}")
    print("\n".join(lines), file=file if file is not None else sys.stdout)
