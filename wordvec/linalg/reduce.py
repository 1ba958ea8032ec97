"""Reduction: truncated SVD of the weighted matrix to dense word vectors.

``W = U_d * S_d ** eig`` (Levy, Goldberg & Dagan 2015 "eigenvalue weighting"), and
optionally ``W + C`` with context vectors ``C = V_d * S_d ** eig`` (both rows
normalized first and ``C`` weighted, if asked: see :func:`embed`).

Two subspace iterations from a random start (``A @ G`` for a CountSketch ``G``: one pass
over ``A``'s non-zeros instead of a product with a dense random matrix) share one
machinery in float32: cache-tiled sparse products on all cores (compiled kernels from
:mod:`wordvec._ext._kernels` under the compiled backend, else SciPy's; in the steps, the
dense operand in half precision where the CPU converts it in hardware), one Cholesky-QR
basis (BLAS-3, in place) per step, and the small SVD through a k x k eigendecomposition
of a single precision product. ``"randomized"`` is the range finder with power
iterations of Halko, Martinsson & Tropp (2011): each step multiplies by ``A A.T``.
``"chebyshev"`` multiplies by Chebyshev polynomials of ``A A.T`` instead
(Chebyshev-filtered subspace iteration, Zhou & Saad 2007), which damp every direction
below a cutoff and grow the wanted ones much faster than powers do where the spectrum is
flat, as PPMI spectra are: at the same number of products it is markedly more accurate,
so fewer products give the same accuracy. ARPACK (``scipy.sparse.linalg.svds``) is the
exact alternative. Signs are fixed so that each component's largest-magnitude entry in
``U`` is positive, so results are deterministic for a given ``seed``.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg

from .._ext import _kernels
from .._util.validation import check_choice, check_int, default_n_jobs
from ..params import DEFAULTS, SVD_ALGORITHMS, SVD_PRECISIONS
from ._buffers import _Buffers
from .block_operator import _BlockOperator
from .blocks import BlockMatrix, TiledMatrix, as_csr
from .operators import _TiledOperator

__all__ = ["truncated_svd", "SVD_ALGORITHMS", "SVD_PRECISIONS"]

_SIGN_NONZEROS = 1  # per row of the random start (see _sign_matrix)

_SUBSPACE = ("randomized", "chebyshev")  # the solvers that take a TiledMatrix / BlockMatrix
def _orthonormal(x: np.ndarray, *, passes: int = 2, overwrite: bool = False) -> np.ndarray:
    """A basis of the columns of ``x`` (m x k, m >> k), same dtype.

    CholeskyQR: ``x.T x = L L.T``, ``x <- x L^-T``; two passes (CholeskyQR2, Gram in
    float64) give an orthonormal basis, one pass (Gram in ``x``'s dtype) a
    well-conditioned basis of the same span, which is all a power iteration needs.
    These are BLAS-3 products, which use every core, unlike the panel steps of
    LAPACK's Householder QR.  Power iterates are normalized once per iteration, so
    their condition number stays near ``(s_max / s_k) ** 2``.  A numerically
    rank-deficient or too ill-conditioned ``x`` (Cholesky fails) gets Householder QR:
    same span.  With ``overwrite`` (``x`` C-contiguous) the basis is computed in ``x``'s
    memory (triangular products in place: no fresh array, whose first touch costs
    page faults).
    """
    q = x if overwrite and x.flags.c_contiguous else np.array(x, order="C")
    for _ in range(passes):
        if passes > 1:
            gram = _gram64(q)
        else:
            gram = (q.T @ q).astype(np.float64)
        inv_t = _inverse_cholesky_t(gram)
        if inv_t is None:
            basis, _ = scipy.linalg.qr(q, mode="economic", check_finite=False)
            return np.ascontiguousarray(basis, dtype=x.dtype)
        _times_upper(q, inv_t)
    return q


def _inverse_cholesky_t(gram: np.ndarray) -> np.ndarray | None:
    """``L^-T`` (upper triangular, float64) for the Cholesky factor ``L`` of ``gram``, or
    None where it fails or the inverse overflows."""
    try:
        low = np.linalg.cholesky(gram)
        inv_t = scipy.linalg.solve_triangular(low, np.eye(len(low)), lower=True,
                                              check_finite=False).T
    except np.linalg.LinAlgError:
        return None
    return inv_t if np.all(np.isfinite(inv_t)) else None


def _times_upper(y: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``y <- y @ upper`` in place (``y`` C-contiguous, ``upper`` upper triangular):
    BLAS ``trmm`` on ``y.T`` (Fortran order), half the operations of a product."""
    trmm, = scipy.linalg.blas.get_blas_funcs(("trmm",), (y,))
    done = trmm(1.0, np.asarray(upper, dtype=y.dtype), y.T, side=0, lower=0, trans_a=1,
                overwrite_b=1)
    if not np.shares_memory(done, y):  # BLAS made a copy (not expected for C order)
        y[...] = done.T
    return y


def truncated_svd(matrix: sp.spmatrix | np.ndarray | BlockMatrix | TiledMatrix, dim: int, *,
                  algorithm: str = DEFAULTS["svd_algorithm"], n_iter: int = DEFAULTS["n_iter"],
                  n_oversamples: int = 20, seed: int = 0, n_jobs: int | None = None,
                  precision: str = DEFAULTS["svd_precision"],
                  progress: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top ``dim`` singular triplets of ``matrix``, largest first.

    Parameters
    ----------
    matrix : sparse matrix, ndarray, TiledMatrix or BlockMatrix of shape (m, n)
        A :class:`~wordvec.linalg.blocks.BlockMatrix` stays on disk (randomized and
        chebyshev solvers): each product reads it block by block.  A
        :class:`TiledMatrix` is the matrix already cut for the products (same solvers).
    dim : int
        Number of components, ``1 <= dim < min(m, n)``.
    algorithm : {"randomized", "chebyshev", "arpack"}, default="randomized"
        Subspace iteration from a random start with power iterations (Halko et al.
        2011) or with Chebyshev filters (Zhou & Saad 2007; see :func:`_chebyshev_filter`),
        or ARPACK's Lanczos.
    n_iter : int, default=4
        Steps of the subspace solvers, each a product with ``A.T`` and one with ``A``
        (more is more exact, and slower): power iterations, or the total degree of
        the Chebyshev filters.
    n_oversamples : int, default=20
        Extra random directions of the subspace solvers.
    seed : int, default=0
        Seed of the random start; the result is deterministic for a given seed.
    n_jobs : int, optional
        Threads for the sparse products (default: all cores, at most 8).
    precision : {"half", "single"}, default="half"
        Precision of the dense operand in the subspace solvers' steps (the products
        that only look for the subspace): ``"half"`` rounds it to IEEE half precision
        (each column scaled by a power of two first; sums stay float32), which halves
        the bytes of the operand each product fetches, and perturbs each step by ~1e-4
        relative, far below the steps' own error (on the wiki sample: the same
        accuracy in every rank band and the same scores; ``benchmarks/DECISIONS.md``).  The last
        product, from which the triplets are computed (Rayleigh-Ritz), is single
        precision either way.  Only where the compiled kernels convert in hardware
        (x86-64 with F16C) and the matrix is in memory; elsewhere the steps are single
        precision.  Ignored by ARPACK.

    Returns
    -------
    U : ndarray (m, dim), S : ndarray (dim,), Vt : ndarray (dim, n), all float32.
    """
    check_choice("svd_algorithm", algorithm, SVD_ALGORITHMS)
    tiled = isinstance(matrix, (BlockMatrix, TiledMatrix))
    if not tiled:
        matrix = a = as_csr(matrix)
    m, n = matrix.shape
    dim = check_int("dim", dim, low=1)  # type: ignore[assignment]
    if dim >= min(m, n):
        raise ValueError(f"dim must be smaller than the vocabulary ({min(m, n)} words); "
                         f"got dim={dim}: lower dim or raise max_vocab/lower min_count")
    n_iter = check_int("n_iter", n_iter, low=0)  # type: ignore[assignment]
    n_oversamples = check_int("n_oversamples", n_oversamples, low=0)  # type: ignore[assignment]
    seed = check_int("seed", seed, low=0)  # type: ignore[assignment]
    n_threads = check_int("n_jobs", n_jobs, low=1, allow_none=True)
    check_choice("svd_precision", precision, SVD_PRECISIONS)
    half = precision == "half"
    if tiled:
        if algorithm not in _SUBSPACE:
            raise ValueError(f"svd_algorithm={algorithm!r} needs a sparse matrix; a "
                             f"{type(matrix).__name__} takes 'randomized' or 'chebyshev'")
        u, s, vt = _subspace_svd(matrix, dim, n_iter, n_oversamples, seed,
                                 n_threads or default_n_jobs(), progress,
                                 algorithm == "chebyshev", half)
        u, vt = _flip_signs(u, vt)
        return _float32(u), _float32(s), _float32(vt)
    if algorithm == "arpack":
        rng = np.random.default_rng(seed)
        v0 = rng.uniform(-1, 1, min(m, n))
        u, s, vt = scipy.sparse.linalg.svds(a.astype(np.float64), k=dim, v0=v0,
                                            solver="arpack")
        order = np.argsort(-s)
        u, s, vt = u[:, order], s[order], vt[order]
    else:
        u, s, vt = _subspace_svd(a, dim, n_iter, n_oversamples, seed,
                                 n_threads or default_n_jobs(), progress,
                                 algorithm == "chebyshev", half)
    u, vt = _flip_signs(u, vt)
    return _float32(u), _float32(s), _float32(vt)


def _float32(x: np.ndarray) -> np.ndarray:
    """``x`` as a C-contiguous float32 array, not copied where it is one already."""
    return np.ascontiguousarray(x, dtype=np.float32)


def _project_svd(q: np.ndarray, bt: np.ndarray, dim: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SVD of ``B = Q.T A`` from ``B.T`` (n x k) via the k x k Gram matrix ``B B.T``.

    ``B B.T = W S**2 W.T`` (float64 eigendecomposition), then ``U = Q W`` and
    ``V.T = W.T B / S``: three BLAS-3 products instead of a LAPACK SVD of an (n x k)
    matrix, the same triplets up to rounding.
    """
    gram = _gram64(bt)
    evals, w = scipy.linalg.eigh(gram, check_finite=False)
    order = np.argsort(evals)[::-1][:dim]
    s = np.sqrt(np.maximum(evals[order], 0.0))
    w = w[:, order].astype(np.float32)
    u = q @ w
    vt = w.T @ bt.T  # V.T, row-major as returned (no transposed copy)
    vt /= np.where(s > 0, s, 1.0).astype(np.float32)[:, None]
    return u, s, vt


def _subspace_svd(a: sp.csr_matrix | BlockMatrix | TiledMatrix, dim: int, n_iter: int,
                  n_oversamples: int, seed: int, n_threads: int, progress: bool,
                  chebyshev: bool, half: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subspace iteration from a random start, then Rayleigh-Ritz (``B = Q.T A``).

    Steps are powers of ``A A.T`` (Halko et al. 2011) or, with ``chebyshev``, the
    filters of :func:`_chebyshev_degrees` (see :func:`_chebyshev_filter`).  On the wiki
    sample's PPMI matrix (dim 500, whose singular values fall only from 221 to 205
    between ranks 300 and 500) 4 filtered steps are more accurate than 6 power
    iterations on every rank, with 10 products instead of 14 (``benchmarks/DECISIONS.md``).
    The start ``Y = A G`` takes a sparse sign matrix ``G`` (:func:`_sign_matrix`), not a
    Gaussian one: on the wiki sample, 13 seeds each, the same subspace accuracy in every
    band and the same scores, in a fraction of the time (drawing a Gaussian matrix and
    multiplying by it are both dearer than one pass over the non-zeros;
    ``benchmarks/DECISIONS.md``).
    """
    m, n = a.shape
    k = min(dim + n_oversamples, min(m, n))
    rng = np.random.default_rng(seed)
    op: _TiledOperator | _BlockOperator
    op = _BlockOperator(a, n_threads) if isinstance(a, BlockMatrix) else \
        _TiledOperator(a, n_threads)
    bar = None
    if progress:
        from .._util.progress import bar as progress_bar
        bar = progress_bar(True, total=2 * n_iter + 2, desc="svd", unit="product")
    work = _Buffers(op.takes_out)
    try:
        y = op.sketch(_sign_matrix(rng, n, k), out=work.take((m, k)))  # the start A @ G
        if bar is not None:
            bar.update()
        if chebyshev:
            q = _orthonormal(y, passes=1, overwrite=True)
            del y
            for degree in _chebyshev_degrees(n_iter):
                q, _ = _chebyshev_filter(op, q, degree, dim, bar, half, work)
            # near-orthonormal already (float64-Gram Cholesky): one float32 pass is enough
            q = _orthonormal(q, passes=1, overwrite=True)
        else:
            for _ in range(n_iter):
                # One basis per power iteration, not one per product: A.T @ Q goes
                # straight back through A.  Y = A A.T Q has condition ~ (s_1 / s_k)**2,
                # which float32 holds for PPMI spectra (~17**2 on the wiki sample); a Gram
                # too ill-conditioned for Cholesky falls back to Householder QR in
                # _orthonormal.  Same scores to 4 decimals on every benchmark, 6 fewer
                # Cholesky-QRs (benchmarks/DECISIONS.md).
                z = op.rmatmat(_orthonormal(y, passes=1, overwrite=True), half,
                               out=work.take((n, k)))
                work.give(y)
                y = op.matmat(z, half, out=work.take((m, k)))
                work.give(z)
                if bar is not None:
                    bar.update(2)
            q = _orthonormal(y, overwrite=True)
            del y
        # B.T = A.T @ Q, shape (n, k): always single precision
        bt = op.rmatmat(q, out=work.take((n, k)))
        del work
        if bar is not None:
            bar.update()
    finally:
        op.close()
        if bar is not None:
            bar.close()
    return _project_svd(q, bt, dim)


def _sign_matrix(rng: np.random.Generator, n: int, k: int, z: int = _SIGN_NONZEROS
                 ) -> _kernels.SignSketch:
    """The random start ``G`` (n x k), a sparse sign matrix: ``min(z, k)`` entries of +-1 in
    distinct columns of each row (Martinsson & Tropp 2020, sec. 9.2; ``z = 1`` is a
    CountSketch).  The first entries are spread evenly over the columns (a random
    permutation of the rows, modulo ``k``), so that no column of ``G`` is empty where
    ``n >= k``; the others fall at random."""
    z = min(z, k)
    first = (rng.permutation(n) % k).astype(np.int32)
    if z == 1:
        buckets = first[:, None]
    elif 2 * z > k:  # few columns: the first, then a random order of the others
        keys = rng.random((n, k))
        keys[np.arange(n), first] = -1.0
        buckets = np.argsort(keys, axis=1)[:, :z].astype(np.int32)
    else:  # redraw the rows that repeat a column (about z**2 / 2k of them)
        buckets = np.empty((n, z), dtype=np.int32)
        buckets[:, 0] = first
        bad = np.arange(n)
        while bad.size:
            buckets[bad, 1:] = rng.integers(0, k, size=(bad.size, z - 1), dtype=np.int32)
            ordered = np.sort(buckets[bad], axis=1)
            bad = bad[(ordered[:, 1:] == ordered[:, :-1]).any(axis=1)]
    signs = rng.integers(0, 2, size=buckets.shape).astype(np.float32) * 2 - 1
    return _kernels.SignSketch(buckets, signs, k)


def _chebyshev_degrees(n_iter: int) -> list[int]:
    """Degrees of the Chebyshev filters for ``n_iter`` steps (they sum to ``n_iter``).

    Filters of degree 2, the cutoff re-estimated before each; the first one (odd
    ``n_iter``) or two (even) have degree 1, because the cutoff estimated from the random
    start is poor.  On the wiki sample (dim 500) this ordering beat degree-1, degree-3
    and other orders of degree-2 filters at 4 and 6 steps (``benchmarks/DECISIONS.md``).
    """
    if n_iter <= 0:
        return []
    if n_iter <= 2:
        return [1] * n_iter
    lead = [1] if n_iter % 2 else [1, 1]
    return lead + [2] * ((n_iter - len(lead)) // 2)


def _gram64(x: np.ndarray, rows: int = 4096) -> np.ndarray:
    """``x.T @ x`` in float64, converting ``rows`` rows at a time (no float64 copy of
    ``x``: allocating and first touching one cost more than the product itself)."""
    gram = np.zeros((x.shape[1], x.shape[1]))
    for lo in range(0, x.shape[0], rows):
        part = x[lo:lo + rows].astype(np.float64)
        gram += part.T @ part
    return gram


def _orthonormal_factor(y: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``y = q s`` with ``q`` a well-conditioned basis of ``y``'s columns: returns ``q``
    and ``s^-1`` (k x k, float64, upper triangular; None where ``y`` is numerically
    rank-deficient).

    One CholeskyQR pass with the Gram in float64: a Chebyshev step spreads the columns'
    scales by about ``4 (s_1 / s_cut) ** 2`` (~1e3 on PPMI), whose square a float32 Gram
    would not hold.  ``q`` is ``y`` itself (C-contiguous), overwritten; Householder QR
    (a new array) where Cholesky fails.
    """
    inv_t = _inverse_cholesky_t(_gram64(y))  # L^-T = (L.T)^-1 = s^-1
    if inv_t is not None:
        return _times_upper(y, inv_t), inv_t
    q, r = scipy.linalg.qr(y, mode="economic", check_finite=False)
    d = np.abs(np.diag(r))
    full_rank = d.size and d.min() > d.max() * 1e-5
    r_inv = scipy.linalg.solve_triangular(r.astype(np.float64), np.eye(len(r)), lower=False,
                                          check_finite=False) if full_rank else None
    return np.ascontiguousarray(q, dtype=y.dtype), r_inv


def _chebyshev_filter(op: _TiledOperator | _BlockOperator, q: np.ndarray, degree: int,
                      dim: int, bar: object = None, half: bool = False,
                      work: _Buffers | None = None) -> tuple[np.ndarray, float]:
    """Basis of ``T_degree(L) q`` with ``L = (2 A A.T - c) / c``, ``c`` the cutoff.

    ``L`` maps the eigenvalues ``[0, c]`` of ``A A.T`` to ``[-1, 1]``, where Chebyshev
    polynomials stay in ``[-1, 1]``; above ``c`` they grow like ``exp(degree *
    acosh(x))``, much faster than powers near the cutoff.  ``c`` is the ``dim``-th
    largest Ritz value of ``A A.T`` on ``span(q)``: Ritz values never exceed the true
    eigenvalues of the same rank, so no wanted direction is damped.  The three-term
    recurrence ``Y_j+1 = 2 L Y_j - Y_j-1`` runs on bases: with ``Y_j = Q_j R_j`` and
    ``Q_j+1 S_j+1 = Y_j+1 R_j^-1``, the next step is ``2 L Q_j - Q_j-1 S_j^-1`` (only the
    last triangular factor is needed).  Returns the basis and ``c`` (0: the Ritz values
    were zero, and the filter fell back to power steps).  ``q`` is consumed: its memory
    may hold a later basis.  ``half``: the products' operand in half precision (see
    :class:`_TiledOperator`); ``work``: spare arrays to take iterates from and give
    dead ones back to.
    """
    work = work if work is not None else _Buffers(op.takes_out)
    z = op.rmatmat(q, half, out=work.take((op.shape[1], q.shape[1])))
    gram = (z.T @ z).astype(np.float64)  # = Q.T A A.T Q: the Ritz values
    ritz = scipy.linalg.eigvalsh(gram, check_finite=False)[::-1]
    cut = float(ritz[min(dim, len(ritz)) - 1])
    if not cut > ritz[0] * 1e-12:  # rank below dim: plain power steps
        cut = 0.0
    mid = np.float32(cut / 2)
    prev: np.ndarray | None = None
    s_inv: np.ndarray | None = None  # of the last basis: Y_j = Q_j S_j
    for j in range(degree):
        if j:
            z = op.rmatmat(q, half, out=z)
        y = op.matmat(z, half, out=work.take((op.shape[0], q.shape[1])))
        if bar is not None:
            bar.update(2)  # type: ignore[attr-defined]
        if cut == 0.0:
            work.give(q)
            q = _orthonormal(y, passes=1, overwrite=True)
            continue
        y /= mid  # L q = (A A.T q - c/2 q) / (c/2), in place
        y -= q
        if j:  # 2 L Q_j - Q_j-1 S_j^-1 (Q_j-1 is dead after: overwritten by the product)
            y *= np.float32(2)
            assert prev is not None and s_inv is not None
            y -= _times_upper(prev, s_inv)
        work.give(prev)
        new_q, s_inv = _orthonormal_factor(y)  # in y's memory
        prev, q = q, new_q
        if s_inv is None:  # lost rank: the rest of this filter as power steps
            cut = 0.0
    work.give(prev, z)
    return q, cut


def _flip_signs(u: np.ndarray, vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each component's largest-magnitude entry of ``u`` made positive, in place (``u``
    and ``vt`` are the solvers' own arrays)."""
    top, bottom = u.max(axis=0, initial=0), u.min(axis=0, initial=0)
    signs = np.where(top > -bottom, 1.0, -1.0)  # no |u| temporary, no strided argmax
    for j in np.flatnonzero(top == -bottom):  # a tie (or zeros): the first of them decides
        i = np.argmax(np.abs(u[:, j]))
        signs[j] = -1.0 if u[i, j] < 0 else 1.0
    u *= signs.astype(u.dtype)
    vt *= signs.astype(vt.dtype)[:, None]
    return u, vt
