"""wordvec.factorize: the factors of any matrix, by hand and against LAPACK."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import wordvec


def test_rank_one_by_hand() -> None:
    # [[2, 4], [1, 2]] = [2, 1]^T [1, 2]: s = sqrt(5) * sqrt(5) = 5, u = [2, 1]/sqrt(5)
    f = wordvec.factorize([[2.0, 4.0], [1.0, 2.0]], dim=1)
    np.testing.assert_allclose(f.singular_values, [5.0])
    np.testing.assert_allclose(f.left @ f.right, [[2, 4], [1, 2]], atol=1e-12)
    np.testing.assert_allclose(f.left.ravel(), np.array([2, 1]) / np.sqrt(5) * np.sqrt(5))
    assert f.right[0].max() > 0  # the sign rule


@pytest.mark.parametrize("split", ["sqrt", "left", "right"])
def test_splits_and_shapes(split: str) -> None:
    a = np.random.default_rng(0).standard_normal((7, 5))
    left, right = wordvec.factorize(a, dim=3, split=split)
    assert left.shape == (7, 3) and right.shape == (3, 5)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(left @ right, (u[:, :3] * s[:3]) @ vt[:3], atol=1e-10)
    if split == "left":
        np.testing.assert_allclose(np.linalg.norm(left, axis=0), s[:3])
    if split == "right":
        np.testing.assert_allclose(left.T @ left, np.eye(3), atol=1e-12)


def test_full_rank_reconstructs_exactly() -> None:
    a = np.arange(12.0).reshape(3, 4) ** 1.5
    left, right = wordvec.factorize(a, dim=3)
    np.testing.assert_allclose(left @ right, a, atol=1e-9)


@pytest.mark.slow
def test_large_sparse_uses_the_randomized_solver() -> None:
    rng = np.random.default_rng(1)
    lo = rng.standard_normal((3000, 4)) @ np.diag([9, 6, 3, 1]) @ rng.standard_normal((4, 2000))
    a = sp.csr_matrix(lo)
    f = wordvec.factorize(a, dim=4)
    np.testing.assert_allclose(f.singular_values, np.linalg.svd(lo, compute_uv=False)[:4],
                               rtol=1e-3)


@pytest.mark.parametrize("matrix, dim, match", [
    ([[1.0, np.nan]], 1, "finite"),
    ([1.0, 2.0], 1, "2-d"),
    ([["a", "b"]], 1, "array of numbers"),
    ([[1.0, 2.0]], 2, "dim must be"),
    ([[1.0, 2.0]], 0, "dim must be"),
])
def test_bad_input(matrix: object, dim: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        wordvec.factorize(matrix, dim=dim)
    with pytest.raises(ValueError, match="split must be one of"):
        wordvec.factorize([[1.0]], dim=1, split="both")
