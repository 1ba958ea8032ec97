"""Giving freed memory back to the system (glibc's ``malloc_trim``)."""

from __future__ import annotations

import ctypes
import sys
from typing import Any

__all__ = ["release_freed_memory"]


def _find_malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc; musl has none
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _find_malloc_trim()


def release_freed_memory() -> None:
    """Hand memory that malloc keeps after ``free`` back to the system (glibc only).

    Arrays smaller than glibc's mmap threshold (which rises up to 32 MiB as large
    blocks are freed) come from malloc's heaps -- one per thread -- which keep freed
    pages resident.  The SVD on disk calls this after each product, which keeps its
    peak resident memory at the in-memory build's (``benchmarks/DECISIONS.md``).
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
