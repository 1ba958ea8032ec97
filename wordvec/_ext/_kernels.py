"""The compiled kernels, one name for the stages: :func:`load` gives them (or None), and
the wrappers with the checks the C needs come from one module per extension:
:mod:`wordvec._ext._sparse_calls` (the SVD's sparse x dense products),
:mod:`wordvec._ext._count_calls` (the counter's pair keys and merges) and
:mod:`wordvec._ext._tokenize_calls` (the default tokenizer's ASCII path).

The kernels are extension modules built with the package (``_tokenize_ext``,
``_count_ext``, ``_sparse_ext``: C next to the stage it serves, bound with Cython; see
``setup.py``).  Nothing is compiled or loaded from a user's folder at run time.
:func:`load` returns them where the backend in force uses them
(:mod:`wordvec.backend`), else None, and the stages then run their NumPy/SciPy
reference (the same tokens, ids and counts; products equal up to float32 rounding
order; slower).

Each wrapper checks what the C would read or write out of bounds with (the typed
memoryviews of the bindings check types, dtypes and contiguity; the ranges are checked
here): a wrong call is a ``ValueError`` naming the argument, never memory overwritten.
"""

from __future__ import annotations

from .. import backend as _backend
from ..backend import Kernels, KernelsUnavailableWarning
from ._count_calls import (
    count_ids,
    count_pairs,
    join_row_ranges,
    merge_rows,
    remap_ids,
    row_ranges,
    sort_keys,
    split_columns,
    subsample_ids,
    symmetrize,
)
from ._sparse_calls import (
    MAX_WIDTH,
    CTile,
    SignSketch,
    block_widths,
    check_csr_arrays,
    column_absmax,
    gather,
    gather_half,
    half_native,
    join_tiles,
    pack,
    pack_half,
    scatter,
    sign_sketch,
    transpose_tiles,
)
from ._tokenize_calls import TypeTable, nonascii_pieces, tokenize_ids

__all__ = ["load", "status", "Kernels", "KernelsUnavailableWarning", "CTile",
           "check_csr_arrays", "gather", "scatter", "pack", "block_widths",
           "half_native", "pack_half", "gather_half", "column_absmax", "SignSketch",
           "sign_sketch", "transpose_tiles", "join_tiles", "sort_keys",
           "count_pairs", "merge_rows", "symmetrize", "split_columns", "remap_ids",
           "count_ids", "subsample_ids", "MAX_WIDTH", "TypeTable", "nonascii_pieces",
           "tokenize_ids", "row_ranges", "join_row_ranges"]


def load() -> Kernels | None:
    """The compiled kernels where the backend in force uses them, else None."""
    return _backend.kernels()


def status() -> str:
    """Which backend runs, and why (for bug reports and the tests)."""
    info = _backend.config()
    if info["in_use"] == "compiled":
        return f"compiled kernels ({info['compiled']['sparse']})"
    if info["backend"] == "numpy":
        return "NumPy/SciPy backend (asked for)"
    return f"NumPy/SciPy backend: compiled kernels {info['compiled']}"
