"""Any matrix as the product of two thin ones: the reduction stage on its own.

A word-context matrix and a users x movies rating matrix are factorized the same way:
the truncated SVD ``A ~ U_k S_k V_k^T`` keeps the ``k`` largest singular values, and
its two factors place the rows (words, users) and the columns (contexts, movies) as
points in the same ``k``-dimensional space, where a dot product approximates an entry
of ``A``.

>>> import numpy as np, wordvec
>>> ratings = np.array([[5, 4, 0, 1, 0],      # 4 users x 5 movies
...                     [4, 5, 1, 0, 0],
...                     [0, 1, 5, 4, 4],
...                     [1, 0, 4, 5, 5]], dtype=float)
>>> users, movies = wordvec.factorize(ratings, dim=2)
>>> users.shape, movies.shape                 # (4 x 2) @ (2 x 5) ~ (4 x 5)
((4, 2), (2, 5))
>>> bool(np.abs(users @ movies - ratings).max() < 1.2)
True
>>> bool(users[0] @ movies[:, 1] > users[0] @ movies[:, 4])   # user 0 prefers movie 1
True

**PCA is this SVD of the centred data.**  For data ``X`` (n samples x p features) with
column means removed, ``Xc = U S V^T``: the rows of ``V^T`` are the principal axes,
``U S = Xc V`` the scores (``split="left"`` returns them as the left factor), and
``S**2 / (n - 1)`` the variances along the axes:

>>> from sklearn.decomposition import PCA
>>> X = np.random.default_rng(0).standard_normal((50, 6)) @ np.diag([5, 3, 1, .5, .2, .1])
>>> f = wordvec.factorize(X - X.mean(axis=0), dim=2, split="left")
>>> pca = PCA(n_components=2).fit(X)
>>> bool(np.allclose(np.abs(f.left), np.abs(pca.transform(X))))
True
>>> bool(np.allclose(f.singular_values ** 2 / (len(X) - 1), pca.explained_variance_))
True
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["factorize", "Factorization"]

SPLITS = ("sqrt", "left", "right")
_DENSE_LIMIT = 4_000_000  # entries: below, LAPACK's exact SVD of the dense matrix


class Factorization:
    """``left`` (m x dim) and ``right`` (dim x n) with ``left @ right ~ matrix``, and the
    ``singular_values`` (dim, largest first).  Unpacks as ``left, right``."""

    __slots__ = ("left", "right", "singular_values")

    def __init__(self, left: np.ndarray, right: np.ndarray, s: np.ndarray) -> None:
        self.left, self.right, self.singular_values = left, right, s

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.left, self.right))

    def __repr__(self) -> str:
        return (f"Factorization(left {self.left.shape} @ right {self.right.shape}, "
                f"singular values {np.round(self.singular_values[:5], 4).tolist()}"
                f"{'...' if self.singular_values.size > 5 else ''})")


def factorize(matrix: Any, dim: int = 2, *, split: str = "sqrt", seed: int = 0,
              n_iter: int = 8) -> Factorization:
    """The rank-``dim`` factors of a dense or sparse (m x n) ``matrix``.

    Parameters
    ----------
    matrix : array-like or scipy sparse matrix, shape (m, n)
        Finite numbers; e.g. users x items ratings, or a word x context PPMI matrix.
    dim : int, default=2
        Number of factors, ``1 <= dim <= min(m, n)``.
    split : {"sqrt", "left", "right"}, default="sqrt"
        Where the singular values go: ``U S^1/2`` and ``S^1/2 V^T`` (rows and columns on
        an equal footing, as :func:`wordvec.build` does with ``eig=0.5``), ``U S`` and
        ``V^T`` (the left factor holds PCA scores for centred data), or ``U`` and
        ``S V^T``.
    seed, n_iter
        For matrices too large for an exact dense SVD (more than 4M entries, or sparse):
        the randomized solver's seed and power iterations
        (:func:`wordvec.linalg.reduce.truncated_svd`).

    Returns
    -------
    Factorization
        ``left`` (m, dim), ``right`` (dim, n), ``singular_values`` (dim,); each factor's
        signs fixed so that the largest entry of each row of ``right`` is positive.
    """
    import scipy.sparse as sp

    from .._util.validation import check_choice, check_int

    check_choice("split", split, SPLITS)
    check_int("seed", seed, low=0)
    check_int("n_iter", n_iter, low=1)
    if sp.issparse(matrix):
        a = sp.csr_matrix(matrix, dtype=np.float64)
        values = a.data
    else:
        try:
            a = np.asarray(matrix, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"matrix must be a 2-d array of numbers: {exc}") from None
        values = a
    if a.ndim != 2 or min(a.shape) < 1:
        raise ValueError(f"matrix must be 2-d with at least one row and column; got "
                         f"shape {a.shape}")
    if not np.isfinite(values).all():
        raise ValueError("matrix must hold finite numbers (no NaN or infinity)")
    check_int("dim", dim, low=1, high=min(a.shape))
    if a.shape[0] * a.shape[1] <= _DENSE_LIMIT or dim >= min(a.shape) - 1:
        dense = a.toarray() if sp.issparse(a) else a
        u, s, vt = np.linalg.svd(dense, full_matrices=False)
        u, s, vt = u[:, :dim], s[:dim], vt[:dim]
    else:
        from .reduce import truncated_svd

        u, s, vt = truncated_svd(a.astype(np.float32), dim, n_iter=n_iter, seed=seed,
                                 precision="single")
        u, s, vt = u.astype(np.float64), s.astype(np.float64), vt.astype(np.float64)
    flip = np.sign(vt[np.arange(dim), np.abs(vt).argmax(axis=1)])
    flip[flip == 0] = 1
    u, vt = u * flip, vt * flip[:, None]
    if split == "sqrt":
        root = np.sqrt(s)
        return Factorization(u * root, root[:, None] * vt, s)
    if split == "left":
        return Factorization(u * s, vt, s)
    return Factorization(u, s[:, None] * vt, s)
