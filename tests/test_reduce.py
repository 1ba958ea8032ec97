"""Truncated SVD: reconstruction, agreement with dense SVD, eig weighting, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from wordvec.reduce import embed, truncated_svd


def low_rank(m: int, n: int, rank: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.standard_normal((m, rank)))
    v, _ = np.linalg.qr(rng.standard_normal((n, rank)))
    s = np.geomspace(10, 1, rank)
    return (u * s) @ v.T


@pytest.mark.parametrize("algorithm", ["randomized", "arpack"])
def test_reconstructs_a_low_rank_matrix(algorithm: str) -> None:
    a = low_rank(60, 40, 5)
    u, s, vt = truncated_svd(sp.csr_matrix(a), 5, algorithm=algorithm)
    assert u.shape == (60, 5) and s.shape == (5,) and vt.shape == (5, 40)
    np.testing.assert_allclose((u * s) @ vt, a, atol=1e-4)
    np.testing.assert_allclose(s, np.geomspace(10, 1, 5), rtol=1e-4)
    assert np.all(np.diff(s) <= 0)  # largest first


def test_matches_dense_svd_on_a_sparse_matrix() -> None:
    rng = np.random.default_rng(1)
    a = sp.random(200, 150, density=0.05, random_state=rng, dtype=np.float64)
    a = a + sp.csr_matrix(low_rank(200, 150, 3, seed=2) * 5)
    dense_s = np.linalg.svd(a.toarray(), compute_uv=False)[:4]
    _, s, _ = truncated_svd(a, 4, n_iter=6)
    np.testing.assert_allclose(s, dense_s, rtol=1e-3)
    _, s_arpack, _ = truncated_svd(a, 4, algorithm="arpack")
    np.testing.assert_allclose(s_arpack, dense_s, rtol=1e-5)


def test_deterministic_for_a_seed_and_sign_fixed() -> None:
    a = sp.random(80, 70, density=0.1, random_state=3, dtype=np.float32)
    first = truncated_svd(a, 6, seed=7)
    second = truncated_svd(a, 6, seed=7)
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    u = first[0]
    # each component's largest-magnitude entry is positive
    assert np.all(u[np.argmax(np.abs(u), axis=0), np.arange(u.shape[1])] > 0)
    assert all(x.dtype == np.float32 for x in first)


def test_threads_give_the_same_result() -> None:
    a = sp.random(300, 300, density=0.05, random_state=4, dtype=np.float32)
    one = truncated_svd(a, 10, n_threads=1)
    two = truncated_svd(a, 10, n_threads=2)
    for x, y in zip(one, two):
        np.testing.assert_allclose(x, y, atol=1e-4)


def test_eig_weighting_by_hand() -> None:
    u = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], dtype=np.float32)
    s = np.array([9.0, 4.0], dtype=np.float32)
    vt = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32)
    np.testing.assert_allclose(embed(u, s, vt, eig=0), u)
    np.testing.assert_allclose(embed(u, s, vt, eig=0.5), [[3, 0], [0, 2], [0, 0]])
    np.testing.assert_allclose(embed(u, s, vt, eig=1), [[9, 0], [0, 4], [0, 0]])
    # w + c: context vectors V * S**eig added; V = vt.T
    np.testing.assert_allclose(embed(u, s, vt, eig=0.5, add_contexts=True),
                               [[3, 2], [3, 2], [0, 0]])


def test_weighted_and_normalized_contexts_by_hand() -> None:
    u = np.array([[0.6, 0.0], [0.0, 0.8], [0.8, 0.6]], dtype=np.float32)
    s = np.array([4.0, 1.0], dtype=np.float32)
    vt = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    # eig 0.5: w = U * [2, 1] = [[1.2, 0], [0, 0.8], [1.6, 0.6]]
    #          c = V * [2, 1] = [[0, 0], [2, 0], [0, 1]]
    np.testing.assert_allclose(
        embed(u, s, vt, eig=0.5, add_contexts=True, context_weight=0.5),
        [[1.2, 0.0], [1.0, 0.8], [1.6, 1.1]], rtol=1e-6)
    # normalized parts: |w| = 1.2, 0.8, sqrt(2.92); |c| = 0 (stays 0), 2, 1
    n3 = np.sqrt(1.6 ** 2 + 0.6 ** 2)
    np.testing.assert_allclose(
        embed(u, s, vt, eig=0.5, add_contexts=True, normalize_parts=True),
        [[1.0, 0.0], [1.0, 1.0], [1.6 / n3, 0.6 / n3 + 1.0]], rtol=1e-6)
    np.testing.assert_allclose(
        embed(u, s, vt, eig=0.5, add_contexts=True, context_weight=0.25,
              normalize_parts=True),
        [[1.0, 0.0], [0.25, 1.0], [1.6 / n3, 0.6 / n3 + 0.25]], rtol=1e-6)
    # weight 0 is w alone (normalized if asked); without add_contexts both are ignored
    np.testing.assert_allclose(embed(u, s, vt, eig=0.5, add_contexts=True, context_weight=0),
                               embed(u, s, vt, eig=0.5), rtol=1e-6)
    np.testing.assert_allclose(embed(u, s, vt, eig=0.5, context_weight=0.3,
                                     normalize_parts=True),
                               embed(u, s, vt, eig=0.5), rtol=1e-6)


def test_bad_context_parameters() -> None:
    u, s = np.eye(2, dtype=np.float32), np.ones(2, dtype=np.float32)
    with pytest.raises(ValueError, match=r"context_weight must be a number >= 0.0; got -1"):
        embed(u, s, u, add_contexts=True, context_weight=-1)
    with pytest.raises(ValueError, match=r"normalize_parts must be True or False; got 'yes'"):
        embed(u, s, u, add_contexts=True, normalize_parts="yes")
    with pytest.raises(ValueError, match=r"add_contexts must be True or False; got 'norm'"):
        embed(u, s, u, add_contexts="norm")


def test_bad_parameters() -> None:
    a = sp.random(20, 20, density=0.2, random_state=0)
    with pytest.raises(ValueError, match=r"dim must be smaller than the vocabulary \(20 words\)"):
        truncated_svd(a, 20)
    with pytest.raises(ValueError, match=r"svd_algorithm must be one of 'randomized', 'arpack'"):
        truncated_svd(a, 3, algorithm="lobpcg")
    with pytest.raises(ValueError, match=r"eig must be a number >= 0.0 and <= 1.0; got 2"):
        embed(np.eye(2), np.ones(2), np.eye(2), eig=2)


@pytest.mark.parametrize("decay", [1e-1, 1e-3, 1e-6])
def test_randomized_svd_on_steep_and_flat_spectra(decay: float) -> None:
    """One basis per power iteration squares the iterate's condition number: a spectrum
    falling from 1 to 1e-6 must still give the top singular values and vectors."""
    rng = np.random.default_rng(0)
    u0, _ = np.linalg.qr(rng.standard_normal((300, 250)))
    v0, _ = np.linalg.qr(rng.standard_normal((250, 250)))
    a = sp.csr_matrix((u0 * np.geomspace(1, decay, 250)) @ v0.T, dtype=np.float32)
    u, s, _ = truncated_svd(a, 5, n_iter=4)
    exact = np.linalg.svd(a.toarray().astype(np.float64), compute_uv=False)[:5]
    np.testing.assert_allclose(s, exact, rtol=5e-3)
    # cosines of the principal angles between the found and the true top-5 subspaces
    assert np.linalg.svd(u.T @ u0[:, :5], compute_uv=False).min() > 0.97
