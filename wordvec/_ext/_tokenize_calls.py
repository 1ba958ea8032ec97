"""Python side of the tokenizer kernels (``_tokenize_ext``): the table of token types and
the ASCII fast path of the default tokenizer.  Used by :mod:`wordvec.text.tokenize`, through
:mod:`wordvec._ext._kernels`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..backend import Kernels

if TYPE_CHECKING:  # SciPy is imported where a function needs it: tokenizing workers do not
    pass

class TypeTable:
    """Token types (UTF-8 bytes) to int32 ids in first-seen order: the kernels' hash table.

    ``len(table)`` is the number of types; :meth:`packed` and :meth:`packed_at` return
    some of them as UTF-8 bytes.  The table is freed with the object.
    """

    def __init__(self, lib: Kernels) -> None:
        self._types = lib.tokenize.Types()

    def __len__(self) -> int:
        return len(self._types)

    def packed(self, lo: int, hi: int) -> tuple[bytes, np.ndarray]:
        """Types ``lo..hi-1`` as UTF-8 bytes one after the other, and where each ends."""
        if not 0 <= lo <= hi <= len(self):
            raise ValueError(f"types {lo}:{hi} outside the table's {len(self)}")
        offsets = np.empty(hi - lo + 1, dtype=np.int64)
        out = np.empty(self._types.copy_size(lo, hi), dtype=np.uint8)
        self._types.copy(lo, hi, out, offsets)
        return out.tobytes(), offsets[1:]

    def packed_at(self, ids: np.ndarray | list[int]) -> tuple[bytes, np.ndarray]:
        """The types of ``ids``, in that order, packed as :meth:`packed` does."""
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        size = self._types.gather_size(ids)
        if size < 0:
            raise ValueError(f"type ids outside the table's {len(self)}")
        out = np.empty(size, dtype=np.uint8)
        ends = np.empty(ids.size, dtype=np.int64)
        self._types.gather(ids, out, ends)
        return out.tobytes(), ends

    def intern(self, blob: bytes, ends: np.ndarray) -> np.ndarray:
        """Ids of the types packed in ``blob`` (type ``j`` ends at ``ends[j]``), added
        where new."""
        ends = np.ascontiguousarray(ends, dtype=np.int64).reshape(-1)
        if ends.size and (np.any(np.diff(ends) < 0) or ends[0] < 0 or ends[-1] > len(blob)):
            raise ValueError("ends must be non-decreasing offsets into blob")
        out = np.empty(ends.size, dtype=np.int32)
        if self._types.intern(blob, ends, out):
            raise MemoryError("no memory for the kernels' table of token types")
        return out


def nonascii_pieces(lib: Kernels, text: bytes) -> np.ndarray:
    """``(k, 2)`` start and end offsets of the whitespace-separated pieces of ``text``
    that hold a byte >= 0x80 (the pieces :func:`tokenize_ids` leaves to Python)."""
    cap = len(text) // 512 + 1024  # enough for English text: one scan
    while True:
        bounds = np.empty((cap, 2), dtype=np.int64)
        k = int(lib.tokenize.nonascii_pieces(text, bounds))
        if k <= cap:
            return bounds[:k]
        cap = k


_NUMBER_CODES = {"keep": 0, "zero": 1, "drop": 2, "token": 3}


def tokenize_ids(lib: Kernels, table: TypeTable, text: bytes, doc_ends: np.ndarray,
                 side: bytes, side_ends: np.ndarray, side_count: np.ndarray,
                 numbers: str) -> tuple[np.ndarray, int]:
    """Ids (in ``table``) of the tokens of documents, -1 after each one with tokens.

    ``text`` is UTF-8, document ``d`` ending at ``doc_ends[d]`` (the next one starts
    after it); ASCII pieces are tokenized as :class:`wordvec.text.tokenize.Tokenizer` does
    (``numbers`` its policy) and the ``k``-th piece of :func:`nonascii_pieces` is
    replaced by ``side_count[k]`` tokens of ``side`` (UTF-8, token ``j`` ending at
    ``side_ends[j]``).  Returns the ids and the number of tokens.
    """
    doc_ends = np.ascontiguousarray(doc_ends, dtype=np.int64)
    side_ends = np.ascontiguousarray(side_ends, dtype=np.int64)
    side_count = np.ascontiguousarray(side_count, dtype=np.int64)
    if doc_ends.size and not (np.all(np.diff(doc_ends) >= 0) and 0 <= doc_ends[0]
                              and doc_ends[-1] <= len(text)):
        raise ValueError("doc_ends must be non-decreasing offsets into text")
    if side_count.sum() != side_ends.size or (side_ends.size and (
            np.any(np.diff(side_ends) < 0) or side_ends[0] < 0 or side_ends[-1] > len(side))):
        raise ValueError("side_ends must be non-decreasing offsets into side, "
                         "as many as side_count adds up to")
    out = np.empty(len(text) + doc_ends.size, dtype=np.int32)
    k, n_tokens = table._types.tokenize_ids(text, doc_ends, side, side_ends, side_count,
                                            _NUMBER_CODES[numbers], out)
    if k == -1:
        raise MemoryError("no memory for the kernels' table of token types")
    if k < 0:
        raise ValueError("the side tokens do not match the pieces of the text")
    return out[:k].copy(), int(n_tokens)
