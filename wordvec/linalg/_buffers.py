"""A pool of reusable float32 buffers, so that the solvers' iterates reuse memory."""

from __future__ import annotations

import numpy as np


class _Buffers:
    """Spare float32 arrays for the solvers' iterates, taken by shape.

    Fresh memory costs a page fault per page at its first touch (dear on virtual
    machines; ``benchmarks/DECISIONS.md``): the solvers hand back the
    arrays they are done with and take them again for the next iterate.  Only for an
    operator that writes into them (``op.takes_out``): for one that does not, a kept
    array would only add to the peak, so ``take`` gives None and ``give`` drops."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._free: list[np.ndarray] = []

    def take(self, shape: tuple[int, int]) -> np.ndarray | None:
        if not self.enabled:
            return None
        for i, a in enumerate(self._free):
            if a.shape == shape:
                return self._free.pop(i)
        return np.empty(shape, dtype=np.float32)

    def give(self, *arrays: np.ndarray | None) -> None:
        for a in arrays:
            if self.enabled and a is not None and a.dtype == np.float32 \
                    and a.flags.c_contiguous and a.flags.writeable \
                    and not any(a is b for b in self._free):
                self._free.append(a)
