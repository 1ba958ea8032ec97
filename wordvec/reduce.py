"""Reduction: truncated SVD of the weighted matrix to dense word vectors.

``W = U_d * S_d ** eig`` (Levy, Goldberg & Dagan 2015 "eigenvalue weighting"), and
optionally ``W + C`` with context vectors ``C = V_d * S_d ** eig``.

The default solver is a randomized range finder with power iterations (Halko,
Martinsson & Tropp 2011) in float32, whose sparse products run on all cores; ARPACK
(``scipy.sparse.linalg.svds``) is the exact alternative.  Signs are fixed so that
each component's largest-magnitude entry in ``U`` is positive, so results are
deterministic for a given ``seed``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg

from ._validation import check_choice, check_float, check_int

__all__ = ["truncated_svd", "embed", "SVD_ALGORITHMS"]

SVD_ALGORITHMS = ("randomized", "arpack")


def _n_threads() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1), 8))


class _ParallelOperator:
    """``A @ X`` and ``A.T @ X`` for a CSR matrix, split by rows over threads.

    SciPy's sparse kernels release the GIL, so threads give a real speed-up.
    """

    def __init__(self, matrix: sp.csr_matrix, n_threads: int) -> None:
        self.a = sp.csr_matrix(matrix)
        self.at = self.a.T.tocsr()
        self.shape = self.a.shape
        self.n_threads = n_threads
        self._pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None
        self._blocks = self._split(self.a)
        self._blocks_t = self._split(self.at)

    def _split(self, m: sp.csr_matrix) -> list[tuple[int, int, sp.csr_matrix]]:
        if self.n_threads == 1:
            return [(0, m.shape[0], m)]
        # Equal numbers of non-zeros per block, not equal rows.
        cuts = np.searchsorted(m.indptr, np.linspace(0, m.nnz, self.n_threads + 1))
        cuts[0], cuts[-1] = 0, m.shape[0]
        return [(int(lo), int(hi), m[lo:hi]) for lo, hi in zip(cuts[:-1], cuts[1:]) if hi > lo]

    def _apply(self, blocks: list[tuple[int, int, sp.csr_matrix]], n_out: int,
               x: np.ndarray) -> np.ndarray:
        out = np.empty((n_out, x.shape[1]), dtype=np.result_type(x.dtype, self.a.dtype))
        if self._pool is None:
            out[:] = blocks[0][2] @ x
            return out

        def run(block: tuple[int, int, sp.csr_matrix]) -> None:
            lo, hi, m = block
            out[lo:hi] = m @ x

        list(self._pool.map(run, blocks))
        return out

    def matmat(self, x: np.ndarray) -> np.ndarray:
        return self._apply(self._blocks, self.shape[0], x)

    def rmatmat(self, x: np.ndarray) -> np.ndarray:
        return self._apply(self._blocks_t, self.shape[1], x)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def _orthonormal(x: np.ndarray) -> np.ndarray:
    q, _ = scipy.linalg.qr(x, mode="economic", overwrite_a=True, check_finite=False)
    return q


def truncated_svd(matrix: sp.spmatrix | np.ndarray, dim: int, *, algorithm: str = "randomized",
                  n_iter: int = 3, n_oversamples: int = 20, seed: int = 0,
                  n_threads: int | None = None,
                  progress: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top ``dim`` singular triplets of ``matrix``, largest first.

    Parameters
    ----------
    matrix : sparse matrix or ndarray of shape (m, n)
    dim : int
        Number of components, ``1 <= dim < min(m, n)``.
    algorithm : {"randomized", "arpack"}, default="randomized"
    n_iter : int, default=3
        Power iterations of the randomized solver (more is more exact, and slower).
    n_oversamples : int, default=20
        Extra random directions of the randomized solver.
    seed : int, default=0
        Seed of the random start; the result is deterministic for a given seed.
    n_threads : int, optional
        Threads for the sparse products (default: all cores, at most 8).

    Returns
    -------
    U : ndarray (m, dim), S : ndarray (dim,), Vt : ndarray (dim, n), all float32.
    """
    check_choice("svd_algorithm", algorithm, SVD_ALGORITHMS)
    m, n = matrix.shape
    dim = check_int("dim", dim, low=1)  # type: ignore[assignment]
    if dim >= min(m, n):
        raise ValueError(f"dim must be smaller than the vocabulary ({min(m, n)} words); "
                         f"got dim={dim}: lower dim or raise max_vocab/lower min_count")
    n_iter = check_int("n_iter", n_iter, low=0)  # type: ignore[assignment]
    n_oversamples = check_int("n_oversamples", n_oversamples, low=0)  # type: ignore[assignment]
    seed = check_int("seed", seed)  # type: ignore[assignment]
    a = sp.csr_matrix(matrix, dtype=np.float32)
    if algorithm == "arpack":
        rng = np.random.default_rng(seed)
        v0 = rng.uniform(-1, 1, min(m, n))
        u, s, vt = scipy.sparse.linalg.svds(a.astype(np.float64), k=dim, v0=v0,
                                            solver="arpack")
        order = np.argsort(-s)
        u, s, vt = u[:, order], s[order], vt[order]
    else:
        u, s, vt = _randomized_svd(a, dim, n_iter, n_oversamples, seed,
                                   n_threads or _n_threads(), progress)
    u, vt = _flip_signs(u, vt)
    return u.astype(np.float32), s.astype(np.float32), vt.astype(np.float32)


def _randomized_svd(a: sp.csr_matrix, dim: int, n_iter: int, n_oversamples: int, seed: int,
                    n_threads: int, progress: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m, n = a.shape
    k = min(dim + n_oversamples, min(m, n))
    rng = np.random.default_rng(seed)
    op = _ParallelOperator(a, n_threads)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=2 * n_iter + 2, desc="svd", unit="product", leave=False)
    try:
        q = _orthonormal(op.matmat(rng.standard_normal((n, k), dtype=np.float32)))
        if bar is not None:
            bar.update()
        for _ in range(n_iter):
            q = _orthonormal(op.rmatmat(q))
            q = _orthonormal(op.matmat(q))
            if bar is not None:
                bar.update(2)
        bt = op.rmatmat(q)  # B.T = A.T @ Q, shape (n, k)
        if bar is not None:
            bar.update()
    finally:
        op.close()
        if bar is not None:
            bar.close()
    # SVD of the small B = Q.T A through B.T = V S Ub.T (economic, float64 for accuracy).
    v, s, ubt = scipy.linalg.svd(bt.astype(np.float64), full_matrices=False,
                                 check_finite=False)
    u = q.astype(np.float64) @ ubt.T
    return u[:, :dim], s[:dim], v[:, :dim].T


def _flip_signs(u: np.ndarray, vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols = np.argmax(np.abs(u), axis=0)
    signs = np.sign(u[cols, np.arange(u.shape[1])])
    signs[signs == 0] = 1
    return u * signs, vt * signs[:, None]


def embed(u: np.ndarray, s: np.ndarray, vt: np.ndarray, *, eig: float = 0.5,
          add_contexts: bool = False) -> np.ndarray:
    """Word vectors ``U * S**eig``, plus context vectors ``V * S**eig`` if ``add_contexts``.

    >>> u = np.eye(2, dtype=np.float32); s = np.array([4.0, 1.0], dtype=np.float32)
    >>> embed(u, s, u.T, eig=0.5).tolist()
    [[2.0, 0.0], [0.0, 1.0]]
    """
    eig = check_float("eig", eig, low=0.0, high=1.0)  # type: ignore[assignment]
    weights = (s.astype(np.float64) ** eig).astype(np.float32)
    vectors = u * weights
    if add_contexts:
        if vt.shape[1] != u.shape[0]:
            raise ValueError("add_contexts needs as many contexts as words")
        vectors = vectors + vt.T * weights
    return np.ascontiguousarray(vectors, dtype=np.float32)
