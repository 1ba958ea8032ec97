"""The SVD's matrix operators (wordvec.linalg.operators) against SciPy's products."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from wordvec.linalg.operators import _TiledOperator


@pytest.mark.parametrize("threads", [1, 2])
def test_tiled_products_equal_scipy(threads: int) -> None:
    a = sp.random(300, 260, density=0.05, format="csr", dtype=np.float32, random_state=0)
    x = np.random.default_rng(0).standard_normal((260, 70)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((300, 70)).astype(np.float32)
    op = _TiledOperator(a, threads, tile_width=37, block=16)
    try:
        np.testing.assert_allclose(op.matmat(x), a @ x, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(op.rmatmat(y), a.T @ y, rtol=1e-5, atol=1e-5)
    finally:
        op.close()
