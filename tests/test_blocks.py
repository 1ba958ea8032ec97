"""Builds past ``max_memory``: the matrix on disk (BlockMatrix) against the in-memory path.

Counts and PPMI made block by block must equal the in-memory ones exactly; the SVD's
products on disk must equal plain SciPy products; a build that goes to disk must give
the vectors of one that does not, and leave no file behind.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import wordvec
from wordvec.counting.counter import SEPARATOR, CooccurrenceCounter
from wordvec.linalg.block_operator import _BlockOperator
from wordvec.linalg.blocks import BlockMatrix, row_cuts, sums64
from wordvec.linalg.operators import _TiledOperator
from wordvec.linalg.reduce import _sign_matrix, truncated_svd
from wordvec.linalg.weighting import ppmi

from .test_counting import id_documents


@given(weights=st.lists(st.integers(0, 50), min_size=1, max_size=60),
       target=st.integers(1, 120))
def test_row_cuts_cover_rows_in_blocks_near_target(weights: list[int], target: int) -> None:
    w = np.array(weights)
    cuts = row_cuts(w, target)
    assert cuts[0] == 0 and cuts[-1] == len(w)
    assert np.all(np.diff(cuts) > 0)
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        # a block is over target by at most one of its rows
        assert w[lo:hi].sum() <= target + w[lo:hi].max()


def _blocks_of(m: sp.csr_matrix, target: int, tile_width: int | None, dir: Path) -> BlockMatrix:
    b = BlockMatrix(m.shape, tile_width=tile_width, dir=dir)
    cuts = row_cuts(np.diff(m.indptr), target)
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        b.append(m[lo:hi])
    return b


def test_block_matrix_round_trip_and_cleanup(tmp_path: Path) -> None:
    m = sp.random(40, 33, density=0.2, format="csr", dtype=np.float32, random_state=1)
    b = _blocks_of(m, 25, tile_width=7, dir=tmp_path)
    assert b.n_blocks > 3 and b.nnz == m.nnz
    assert (b.tocsr() != m).nnz == 0
    rows, cols = b.sums()
    np.testing.assert_allclose(rows, m.toarray().sum(axis=1), rtol=1e-6)
    np.testing.assert_allclose(cols, m.toarray().sum(axis=0), rtol=1e-6)
    with pytest.raises(ValueError, match="columns"):
        b.append(sp.csr_matrix((1, 5), dtype=np.float32))
    b.close()
    assert not list(tmp_path.iterdir())


def test_incomplete_block_matrix_is_refused(tmp_path: Path) -> None:
    b = BlockMatrix((10, 4), dir=tmp_path)
    b.append(sp.csr_matrix(np.ones((3, 4))))
    with pytest.raises(ValueError, match="3 of its 10 rows"):
        b.tocsr()
    with pytest.raises(ValueError, match="more than the 10 rows"):
        b.append(sp.csr_matrix(np.ones((8, 4))))
    b.close()


@settings(max_examples=40, deadline=None)
@given(docs=id_documents(15, max_len=40, max_docs=10, n_holes=3), window=st.integers(1, 5),
       weighting=st.sampled_from(["uniform", "harmonic", "dynamic"]),
       budget=st.sampled_from([None, 300, 3000]), block_nnz=st.integers(1, 80),
       smoothing=st.sampled_from([1.0, 0.75]), shift=st.sampled_from([1.0, 2.0]))
def test_counts_and_ppmi_on_disk_equal_in_memory(docs: list[list[int]], window: int,
                                                 weighting: str, budget: int | None,
                                                 block_nnz: int, smoothing: float,
                                                 shift: float) -> None:
    stream = np.array([t for d in docs for t in d + [SEPARATOR]], dtype=np.int32)
    reference = CooccurrenceCounter(15, window=window, window_weighting=weighting)
    reference.update(stream)
    disk = CooccurrenceCounter(15, window=window, window_weighting=weighting,
                               max_memory=budget)
    for start in range(0, len(stream), 7):
        disk.update(stream[start:start + 7])
    counts = reference.result()
    with disk.result_blocks(block_nnz=block_nnz) as blocks:
        disk.close()
        got = blocks.tocsr()
        assert got.dtype == np.float32 and got.has_canonical_format
        assert got.shape == counts.shape and (got != counts).nnz == 0  # exact
        np.testing.assert_array_equal(got.indptr, counts.indptr)
        if counts.nnz == 0:
            return
        want = ppmi(counts, context_smoothing=smoothing, shift=shift)
        with ppmi(blocks, context_smoothing=smoothing, shift=shift, tile_width=4,
                  block_nnz=block_nnz) as weighted:
            assert isinstance(weighted, BlockMatrix) and weighted.nnz == want.nnz
            w = weighted.tocsr()
            np.testing.assert_array_equal(w.indptr, want.indptr)
            np.testing.assert_array_equal(w.indices, want.indices)
            np.testing.assert_array_equal(w.data, want.data)  # bit for bit


def test_result_blocks_hands_the_counts_over(tmp_path: Path) -> None:
    c = CooccurrenceCounter(4, window=1)
    c.update(np.array([0, 1, 2, 3], dtype=np.int32))
    with c.result_blocks(dir=tmp_path) as b:
        assert b.tocsr().toarray()[0, 1] == 1.0
    for call in (c.result, c.result_blocks, lambda: c.update(np.array([1], dtype=np.int32))):
        with pytest.raises(ValueError, match="handed over by result_blocks"):
            call()
    c.close()


def test_ppmi_on_disk_keeps_marginals_of_the_whole_matrix(tmp_path: Path) -> None:
    """Hand-computed PPMI of a 2 x 2 matrix cut into one-row blocks."""
    counts = sp.csr_matrix(np.array([[2.0, 0.0], [1.0, 1.0]], dtype=np.float32))
    with _blocks_of(counts, 1, None, tmp_path) as b, ppmi(b, context_smoothing=1.0) as w:
        assert b.n_blocks == 2
        # PMI(0,0) = log(2 * 4 / (2 * 3)); PMI(1,1) = log(1 * 4 / (2 * 1)); (1,0) negative
        np.testing.assert_allclose(w.tocsr().toarray(),
                                   [[np.log(4 / 3), 0.0], [0.0, np.log(2.0)]], rtol=1e-6)


@pytest.mark.parametrize("kernels", [True, False], ids=["compiled", "scipy"])
@pytest.mark.parametrize("threads", [1, 2])
def test_block_products_equal_scipy(tmp_path: Path, threads: int, kernels: bool) -> None:
    """Both kinds of products (compiled kernels where they build, SciPy's)."""
    a = sp.random(300, 260, density=0.05, format="csr", dtype=np.float32, random_state=0)
    x = np.random.default_rng(0).standard_normal((260, 77)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((300, 77)).astype(np.float32)
    with _blocks_of(a, 700, tile_width=37, dir=tmp_path) as b:
        assert b.n_blocks > 3
        op = _BlockOperator(b, threads, block=16, kernels=kernels)
        # tile by tile in memory too (no rows joined full width): the on-disk blocks' order
        tiled = _TiledOperator(a, threads, tile_width=37, block=16, kernels=kernels,
                               wide_row_nnz=0.0)
        try:
            np.testing.assert_allclose(op.matmat(x), a.toarray() @ x, rtol=1e-5, atol=1e-5)
            np.testing.assert_allclose(op.rmatmat(y), a.toarray().T @ y, rtol=1e-5, atol=1e-5)
            # A @ X is computed row by row as in memory: the same floats
            np.testing.assert_array_equal(op.matmat(x), tiled.matmat(x))
            if kernels:  # A.T @ Y into a given array where it fits (80 = 10 x 8 columns)
                y80 = np.random.default_rng(3).standard_normal((300, 80)).astype(np.float32)
                buf = np.full((260, 80), np.nan, dtype=np.float32)
                assert op.rmatmat(y80, out=buf) is buf
                np.testing.assert_allclose(buf, a.toarray().T @ y80, rtol=1e-5, atol=1e-5)
                assert op.rmatmat(y, out=np.empty((260, 77), np.float32)).shape == (260, 77)
            g = _sign_matrix(np.random.default_rng(2), 260, 40)  # the SVD's start A @ G
            np.testing.assert_allclose(op.sketch(g), a.toarray() @ g.dense(), rtol=1e-5,
                                       atol=1e-5)
            np.testing.assert_array_equal(op.sketch(g), tiled.sketch(g))
        finally:
            op.close()
            tiled.close()


@pytest.mark.parametrize("algorithm", ["randomized", "chebyshev"])
def test_svd_on_disk_equals_in_memory(tmp_path: Path, algorithm: str) -> None:
    a = sp.random(200, 200, density=0.1, format="csr", dtype=np.float32, random_state=2)
    a = a + sp.diags(np.linspace(10, 1, 200).astype(np.float32))
    # dim 12: k = 32 columns, so on disk A.T @ Y goes into the iterate it replaces
    u, s, vt = truncated_svd(a, 12, n_iter=4, algorithm=algorithm)
    with _blocks_of(sp.csr_matrix(a), 500, tile_width=64, dir=tmp_path) as b:
        ub, sb, vtb = truncated_svd(b, 12, n_iter=4, algorithm=algorithm)
        with pytest.raises(ValueError, match="needs a sparse matrix"):
            truncated_svd(b, 12, algorithm="arpack")
    np.testing.assert_allclose(sb, s, rtol=1e-4)
    np.testing.assert_allclose(np.abs(ub.T @ u).diagonal(), 1.0, atol=1e-3)
    np.testing.assert_allclose(np.abs(vtb @ vt.T).diagonal(), 1.0, atol=1e-3)


def test_build_past_max_memory_goes_to_disk_and_matches(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(60)]
    p = rng.zipf(1.5, 30000) % 60
    docs = [" ".join(words[i] for i in p[k:k + 300]) for k in range(0, len(p), 300)]
    kw = dict(min_count=1, dim=8, subsample=0.0, progress=False, n_jobs=1)
    in_memory = wordvec.build(docs, max_memory=None, **kw)
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    on_disk = wordvec.build(docs, max_memory=4096, tmp_dir=spill_dir, **kw)
    assert on_disk.stats["on_disk"] and not in_memory.stats["on_disk"]
    assert on_disk.stats["count_spills"] > 0
    assert on_disk.stats["ppmi_nnz"] == in_memory.stats["ppmi_nnz"]
    assert not list(spill_dir.iterdir())  # every block file is removed
    np.testing.assert_allclose(on_disk.stats["singular_values"],
                               in_memory.stats["singular_values"], rtol=1e-4)
    sims = in_memory.vectors @ in_memory.vectors.T
    np.testing.assert_allclose(on_disk.vectors @ on_disk.vectors.T, sims, atol=2e-3)
    # ARPACK needs the matrix in memory: the same budget keeps it there.
    arpack = wordvec.build(docs, max_memory=4096, tmp_dir=spill_dir, svd_algorithm="arpack",
                           **kw)
    assert not arpack.stats["on_disk"] and arpack.stats["count_spills"] > 0


def test_failed_build_on_disk_leaves_no_files(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("wordvec.pipeline.truncated_svd", boom)
    docs = [" ".join(f"w{i % 37} w{(i * 7) % 41}" for i in range(k, k + 200))
            for k in range(0, 6000, 200)]
    with pytest.raises(KeyboardInterrupt):
        wordvec.build(docs, min_count=1, dim=4, subsample=0.0, progress=False, n_jobs=1,
                      max_memory=2048, tmp_dir=tmp_path)
    assert not list(tmp_path.iterdir())


def test_release_freed_memory_finds_glibc_and_degrades_quietly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import platform

    from wordvec._util import memory as _memory
    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert _memory._MALLOC_TRIM is not None
        assert _memory._MALLOC_TRIM(0) in (0, 1)  # malloc_trim's documented results
    monkeypatch.setattr(_memory, "_MALLOC_TRIM", None)  # other C libraries: a no-op
    _memory.release_freed_memory()


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 40), n=st.integers(1, 40), density=st.sampled_from([0.0, 0.1, 0.6]),
       chunk=st.integers(1, 50), seed=st.integers(0, 2**16))
def test_sums64_in_row_chunks_equal_float64_sums(m: int, n: int, density: float, chunk: int,
                                                 seed: int) -> None:
    a = sp.random(m, n, density=density, format="csr", dtype=np.float32, random_state=seed)
    rows, cols = sums64(a, chunk=chunk)
    dense = a.toarray().astype(np.float64)
    np.testing.assert_allclose(rows, dense.sum(axis=1), rtol=1e-12, atol=0)
    np.testing.assert_allclose(cols, dense.sum(axis=0), rtol=1e-12, atol=0)

