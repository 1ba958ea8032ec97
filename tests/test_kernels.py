"""The compiled kernels (the extension modules built with the package) against plain
NumPy products and sorts, and their wrappers' checks.

(The on-disk operator is tested with and without them in ``test_blocks.py``; the
backends against each other and the switch between them in ``test_backend.py``.)
Where the package was built without its extension modules these are skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from wordvec._ext import _kernels
from wordvec.linalg.blocks import TiledMatrix, _tile_cuts
from wordvec.linalg.operators import _half_scales, _TiledOperator
from wordvec.linalg.reduce import _sign_matrix, truncated_svd

LIB = _kernels.load()
needs_kernels = pytest.mark.skipif(LIB is None, reason=f"no compiled kernels: "
                                   f"{_kernels.status()}")
HALF = LIB is not None and _kernels.half_native(LIB)
needs_half = pytest.mark.skipif(not HALF, reason="no half-precision kernels here (they need "
                                "x86-64 with AVX2, FMA and F16C)")


def _matrix(m: int, n: int, density: float, seed: int) -> sp.csr_matrix:
    a = sp.random(m, n, density=density, format="csr", dtype=np.float32, random_state=seed)
    if m > 2:
        a = sp.csr_matrix(a.multiply(np.arange(m)[:, None] % 3 != 1))  # some empty rows
    return a


@needs_kernels
@settings(max_examples=60, deadline=None)
@given(m=st.integers(1, 90), n=st.integers(1, 90), k=st.integers(1, 150),
       density=st.sampled_from([0.0, 0.02, 0.3, 1.0]), tile=st.integers(1, 100),
       threads=st.sampled_from([1, 2, 3]), seed=st.integers(0, 2**16),
       wide=st.sampled_from([0.0, 3.0, 1e9]), group=st.sampled_from([1, 7, 1024]))
def test_tiled_kernels_equal_dense_products(m: int, n: int, k: int, density: float, tile: int,
                                            threads: int, seed: int, wide: float,
                                            group: int) -> None:
    """Tile by tile, rows joined full width (``wide``: all of them, some, none) or both."""
    a = _matrix(m, n, density, seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, k)).astype(np.float32)
    y = rng.standard_normal((m, k)).astype(np.float32)
    dense = a.toarray().astype(np.float64)
    op = _TiledOperator(TiledMatrix(a, tile), threads, wide_row_nnz=wide, wide_group=group)
    try:
        assert op._lib is not None
        ax, aty = op.matmat(x), op.rmatmat(y)
    finally:
        op.close()
    assert ax.shape == (m, k) and aty.shape == (n, k)
    assert ax.flags.c_contiguous and aty.flags.c_contiguous
    np.testing.assert_allclose(ax, dense @ x, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(aty, dense.T @ y, rtol=1e-5, atol=1e-4)


@needs_kernels
def test_rare_rows_are_gathered_whole_from_a_joined_copy() -> None:
    """Dense rows then sparse ones (a word list by frequency): the rows after the last
    group of ``wide_group`` rows averaging ``wide_row_nnz`` non-zeros or more are joined
    full width (sorted, the same entries as the tiles'), no chunk of rows straddles that
    row, and both products equal SciPy's, in single and half precision."""
    rng = np.random.default_rng(5)
    m, n = 300, 260
    dense_part = sp.random(40, n, density=0.5, format="csr", dtype=np.float32, random_state=1)
    sparse_part = sp.random(m - 40, n, density=0.01, format="csr", dtype=np.float32,
                            random_state=2)
    a = sp.vstack([dense_part, sparse_part], format="lil")
    a[150, :] = 1.0  # one dense row among the rare ones: its group stays tiled
    a = sp.csr_matrix(a)
    a.sort_indices()
    op = _TiledOperator(TiledMatrix(a, 50), 2, wide_row_nnz=10.0, wide_group=16)
    try:
        start, rows = op._wide
        assert start == 160  # after the group of rows 144..159
        assert rows is not None and rows.lo == 0 and rows.hi == n
        joined = sp.csr_matrix((rows.data, rows.indices, rows.indptr), shape=(m - start, n))
        assert joined.has_sorted_indices and (joined != a[start:]).nnz == 0
        assert all(r1 <= start or r0 >= start for r0, r1 in op._chunks)
        assert op._twide == (n, None)  # A.T's rows (contexts here) all alike: none joined
        x = rng.standard_normal((n, 70)).astype(np.float32)
        y = rng.standard_normal((m, 70)).astype(np.float32)
        np.testing.assert_allclose(op.matmat(x), a @ x, rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(op.rmatmat(y), a.T @ y, rtol=1e-5, atol=1e-4)
        if op._half_native:
            np.testing.assert_allclose(op.matmat(x, half=True), a @ half_rounded(x),
                                       rtol=1e-5, atol=1e-4)
    finally:
        op.close()
    no_dense_row = sp.csr_matrix(a[:150])
    op = _TiledOperator(TiledMatrix(no_dense_row, 50), 1, wide_row_nnz=10.0, wide_group=16)
    assert op._wide[0] == 48  # the dense part is rows 0..39: groups 0..2 average > 10
    assert _TiledOperator(TiledMatrix(a, 50), 1, wide_row_nnz=0.0)._wide == (m, None)
    assert _TiledOperator(TiledMatrix(a, 50), 1, wide_row_nnz=1e9)._wide[0] == 0  # all
    assert _TiledOperator(TiledMatrix(a, 500), 1)._wide == (m, None)  # one tile: no copy


@needs_kernels
@pytest.mark.parametrize("threads", [1, 2])
def test_kernels_equal_scipy_products(threads: int) -> None:
    """The compiled path and SciPy's (the fallback) agree to float32 rounding."""
    a = _matrix(400, 350, 0.05, 3)
    x = np.random.default_rng(0).standard_normal((350, 131)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((400, 131)).astype(np.float32)
    fast = _TiledOperator(a, threads, tile_width=60)
    slow = _TiledOperator(a, threads, tile_width=60, kernels=False)
    try:
        assert fast._lib is not None and slow._lib is None
        np.testing.assert_allclose(fast.matmat(x), slow.matmat(x), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(fast.rmatmat(y), slow.rmatmat(y), rtol=1e-5, atol=1e-5)
    finally:
        fast.close()
        slow.close()


@needs_kernels
def test_gather_and_scatter_by_hand() -> None:
    """A 3 x 4 matrix, rows 1..3 only, into an offset, accumulating."""
    a = sp.csr_matrix(np.array([[1, 0, 2, 0], [0, 3, 0, 0], [4, 0, 0, 5]], dtype=np.float32))
    tile = _kernels.CTile(0, 4, a)
    xb = np.arange(4 * 8, dtype=np.float32).reshape(4, 8)
    y = np.ones((4, 16), dtype=np.float32)
    _kernels.gather(LIB, tile, 1, 3, xb, y, 2, 8, accumulate=True)  # type: ignore[arg-type]
    expected = np.ones((4, 16), dtype=np.float32)
    expected[2, 8:] += 3 * xb[1]
    expected[3, 8:] += 4 * xb[0] + 5 * xb[3]
    np.testing.assert_array_equal(y, expected)
    _kernels.gather(LIB, tile, 0, 1, xb, y, 0, 0, accumulate=False)  # type: ignore[arg-type]
    np.testing.assert_array_equal(y[0, :8], xb[0] + 2 * xb[2])
    out = np.zeros((4, 8), dtype=np.float32)
    yb = np.ones((2, 8), dtype=np.float32)  # rows 1 and 2 of Y
    _kernels.scatter(LIB, tile, 1, 3, yb, out)  # type: ignore[arg-type]
    np.testing.assert_array_equal(out[:, 0], [4, 3, 0, 5])
    wide = np.ones((4, 24), dtype=np.float32)  # into columns 8..16 of wider rows
    _kernels.scatter(LIB, tile, 0, 3, np.full((3, 8), 2, np.float32), wide, 8)  # type: ignore[arg-type]
    expected = np.ones((4, 24), dtype=np.float32)
    expected[:, 8:16] += 2 * np.array([5, 3, 2, 5], dtype=np.float32)[:, None]
    np.testing.assert_array_equal(wide, expected)
    with pytest.raises(ValueError, match="multiple of 8"):
        _kernels.gather(LIB, tile, 0, 3, np.zeros((4, 12), np.float32), y, 0, 0, False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="smaller than"):  # y has 4 rows, not 2 + 3
        _kernels.gather(LIB, tile, 0, 3, xb, y, 2, 0, False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="float32"):
        _kernels.gather(LIB, tile, 0, 3, xb.astype(np.float64), y, 0, 0, False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="outside the tile"):
        _kernels.scatter(LIB, tile, 0, 4, np.ones((4, 8), np.float32), out)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="smaller than"):  # 3 columns of out, not 4
        _kernels.scatter(LIB, tile, 0, 3, yb[:1].repeat(3, 0), out[:3])  # type: ignore[arg-type]


@needs_kernels
@settings(max_examples=60, deadline=None)
@given(m=st.integers(1, 90), n=st.integers(1, 90), k=st.integers(1, 40),
       density=st.sampled_from([0.0, 0.02, 0.3, 1.0]), tile=st.integers(1, 100),
       threads=st.sampled_from([1, 2, 3]), seed=st.integers(0, 2**16))
def test_sign_sketch_equals_the_dense_product(m: int, n: int, k: int, density: float,
                                              tile: int, threads: int, seed: int) -> None:
    """The random start ``A @ G`` from the sparse sign kernel (all tiles of a row at once,
    its first k entries overwritten) against ``G`` made dense, and SciPy's fallback."""
    a = _matrix(m, n, density, seed)
    g = _sign_matrix(np.random.default_rng(seed), n, k)
    dense = a.toarray().astype(np.float64) @ g.dense().astype(np.float64)
    fast = _TiledOperator(TiledMatrix(a, tile), threads)
    slow = _TiledOperator(a, threads, kernels=False)
    try:
        out = np.full((m, k), np.nan, dtype=np.float32)
        assert fast.sketch(g, out=out) is out
        np.testing.assert_allclose(out, dense, rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(slow.sketch(g), dense, rtol=1e-5, atol=1e-4)
    finally:
        fast.close()
        slow.close()


@needs_kernels
def test_sign_sketch_by_hand() -> None:
    """A 3 x 4 matrix in two tiles times G (4 x 3, two signs per row), rows 1..3 into an
    offset of a wider array: the columns past k are left alone."""
    a = sp.csr_matrix(np.array([[1, 0, 2, 0], [0, 3, 0, 0], [4, 0, 0, 5]], dtype=np.float32))
    tiles = [_kernels.CTile(lo, hi, a[:, lo:hi].tocsr()) for lo, hi in ((0, 2), (2, 4))]
    g = _kernels.SignSketch(np.array([[0, 1], [1, 2], [2, 0], [0, 2]]),
                            np.array([[1, -1], [1, 1], [-1, 1], [1, 1]]), 3)
    np.testing.assert_array_equal(g.dense(), [[1, -1, 0], [0, 1, 1], [1, 0, -1], [1, 0, 1]])
    y = np.full((4, 5), 7, dtype=np.float32)
    _kernels.sign_sketch(LIB, tiles, 1, 3, g, y, 2)  # type: ignore[arg-type]
    expected = np.full((4, 5), 7, dtype=np.float32)
    expected[2, :3] = 3 * g.dense()[1]  # row 1: 3 at column 1
    expected[3, :3] = 4 * g.dense()[0] + 5 * g.dense()[3]
    np.testing.assert_array_equal(y, expected)
    with pytest.raises(ValueError, match="columns 0 <= c < 3"):
        _kernels.SignSketch(np.array([[3]]), np.array([[1.0]]), 3)
    with pytest.raises(ValueError, match="smaller than"):  # y has 4 rows, not 3 + 3
        _kernels.sign_sketch(LIB, tiles, 0, 3, g, y, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="G has 3 rows"):
        _kernels.sign_sketch(LIB, tiles, 0, 3, _kernels.SignSketch(  # type: ignore[arg-type]
            np.zeros((3, 1)), np.ones((3, 1)), 3), y, 0)


@pytest.mark.parametrize("z", [1, 2, 8])
@pytest.mark.parametrize("n,k", [(500, 320), (50, 9), (20, 3), (7, 1), (25, 25)])
def test_sign_matrix_has_distinct_columns_per_row(n: int, k: int, z: int) -> None:
    g = _sign_matrix(np.random.default_rng(0), n, k, z)
    z = min(z, k)
    assert g.buckets.shape == (n, z) and g.k == k
    ordered = np.sort(g.buckets, axis=1)
    assert np.all(ordered[:, 1:] > ordered[:, :-1])  # no column twice in a row
    assert set(np.unique(g.signs)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(np.abs(g.dense()).sum(axis=1), z)
    # the first entries spread evenly: every column of G holds n // k or more of them
    assert np.bincount(g.buckets[:, 0], minlength=k).min() == n // k
    again = _sign_matrix(np.random.default_rng(0), n, k, z)  # a seed gives one G
    np.testing.assert_array_equal(again.codes, g.codes)
    if n * z >= 20 * k:  # signs balanced
        assert abs(float(g.signs.mean())) < 0.15


def test_block_widths_cover_the_columns() -> None:
    # 65 vectors of 8 in 9 blocks: 2 of 64 columns, 7 of 56 (not 8 x 64 and one of 8)
    assert [w for _, w in _kernels.block_widths(520)] == [64, 64] + [56] * 7
    assert _kernels.block_widths(3) == [(0, 8)]
    assert _kernels.block_widths(0) == []
    for k in range(1, 300):
        widths = _kernels.block_widths(k)
        starts = [j for j, _ in widths]
        ws = [w for _, w in widths]
        assert starts == list(np.cumsum([0] + ws[:-1]))
        assert all(w % 8 == 0 and 8 <= w <= 64 for w in ws) and max(ws) - min(ws) <= 8
        assert k <= sum(ws) < k + 8 and len(ws) == -(-k // 64)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(_kernels.pack(x, 0, 8), np.hstack([x, np.zeros((2, 5))]))


def test_build_records_which_products_the_svd_used() -> None:
    import wordvec

    docs = ["a b c d e f g h a b c d", "b c d e f g h a b c"] * 20
    wv = wordvec.build(docs, min_count=1, dim=3, subsample=0.0, progress=False, n_jobs=1)
    assert wv.stats["svd_products"] == ("compiled" if LIB is not None else "scipy")


@needs_kernels
@settings(max_examples=80, deadline=None)
@given(bits=st.integers(1, 63), n=st.integers(0, 3000), seed=st.integers(0, 2**16),
       few=st.booleans())
def test_radix_sort_equals_numpy_sort(bits: int, n: int, seed: int, few: bool) -> None:
    rng = np.random.default_rng(seed)
    high = 2 ** bits
    keys = rng.integers(0, min(high, 5) if few else high, n, dtype=np.int64)  # few: repeats
    sorted_ = keys.copy()
    _kernels.sort_keys(sorted_, bits)
    np.testing.assert_array_equal(sorted_, np.sort(keys))


def test_sort_keys_falls_back_to_numpy_sort() -> None:
    keys = np.array([5, 3, 9, 1], dtype=np.int64)
    for bad in (keys.copy()[::-1], keys.astype(np.int32)):  # not contiguous / not int64
        _kernels.sort_keys(bad, 4)
        np.testing.assert_array_equal(bad, [1, 3, 5, 9])
    big = keys.copy()
    _kernels.sort_keys(big, 64)  # out of the radix sort's range: NumPy's sort
    np.testing.assert_array_equal(big, [1, 3, 5, 9])


@pytest.mark.parametrize("vocab,window,weighting", [(1, 1, "uniform"), (2, 1, "dynamic"),
                                                    (75_408, 5, "dynamic"), (1000, 8, "harmonic"),
                                                    (3, 10, "uniform")])
def test_pair_keys_fit_the_radix_sort_bound(vocab: int, window: int, weighting: str) -> None:
    from wordvec.counting.counter import CooccurrenceCounter

    c = CooccurrenceCounter(vocab, window=window, window_weighting=weighting)
    ids = np.array([vocab - 1] * (window + 1) + [0], dtype=np.int32)  # the largest keys
    keys = c._pair_keys(ids, 0)
    assert keys.size and int(keys.max()) < 2 ** c._key_bits
    if vocab > 1:
        assert int(keys.max()) >= 2 ** (c._key_bits - 1) // 2 ** (c._dbits + 1)


@needs_kernels
@settings(max_examples=60, deadline=None)
@given(stream=st.lists(st.integers(-2, 11), max_size=80), p=st.integers(0, 6),
       window=st.integers(1, 6), weighting=st.sampled_from(["uniform", "harmonic", "dynamic"]))
def test_count_pairs_equals_numpy(stream: list[int], p: int, window: int,
                                  weighting: str) -> None:
    """The C chunk counter (pairs, radix sort, weights, CSR) = the NumPy path it replaces."""
    from wordvec.counting.counter import CooccurrenceCounter

    c = CooccurrenceCounter(12, window=window, window_weighting=weighting)
    x = np.array(stream, dtype=np.int32)
    p = min(p, x.size)
    keys = c._pair_keys(x, p)
    got, n_pairs = _kernels.count_pairs(LIB, x, p, window, 12, c._weights, c._dbits,
                                        c._key_bits)
    assert n_pairs == keys.size
    assert got.has_canonical_format and got.data.dtype == np.float64
    if keys.size:
        expected = c._reduce(keys)
        np.testing.assert_array_equal(got.indptr, expected.indptr)
        np.testing.assert_array_equal(got.indices, expected.indices)
        np.testing.assert_array_equal(got.data, expected.data)
    else:
        assert got.nnz == 0


def _integer_csr(rng: np.random.Generator, n: int, density: float) -> sp.csr_matrix:
    m = sp.random(n, n, density=density, format="csr", random_state=rng,
                  data_rvs=lambda k: rng.integers(1, 50, k).astype(np.float64))
    m.sum_duplicates()
    return m


@needs_kernels
@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 6), n=st.integers(1, 90), density=st.floats(0.0, 0.6),
       threads=st.integers(1, 3), seed=st.integers(0, 2 ** 16))
def test_merge_of_partials_equals_scipy_sum(k: int, n: int, density: float, threads: int,
                                            seed: int) -> None:
    """The k-way row merge (dense accumulator, copies, both read-back orders) = SciPy's sum."""
    from concurrent.futures import ThreadPoolExecutor

    from wordvec.counting._partials import _merge_partials

    rng = np.random.default_rng(seed)
    parts = [_integer_csr(rng, n, density * rng.random()) for _ in range(k)]
    expected = parts[0]
    for m in parts[1:]:
        expected = (expected + m).tocsr()
    with ThreadPoolExecutor(threads) as pool:
        got = _merge_partials(parts, pool, threads)
    assert got.has_canonical_format
    got.check_format(full_check=True)
    assert got.shape == expected.shape and (got != expected).nnz == 0
    np.testing.assert_array_equal(got.indices, expected.indices)  # sorted, no zeros dropped


@needs_kernels
def test_merge_rows_by_hand() -> None:
    a = sp.csr_matrix(np.array([[1, 0, 2], [0, 0, 0], [0, 3, 0]], dtype=np.float64))
    b = sp.csr_matrix(np.array([[0, 4, 1], [5, 0, 0], [0, 0, 0]], dtype=np.float64))
    indptr, cols, vals = np.empty(3, np.int64), np.empty(6, np.int32), np.empty(6, np.float64)
    n = _kernels.merge_rows(LIB, [a, b], 0, 2, indptr, cols, vals)  # rows 0 and 1
    assert n == 4
    assert indptr.tolist() == [0, 3, 4]
    assert cols[:n].tolist() == [0, 1, 2, 0] and vals[:n].tolist() == [1.0, 4.0, 3.0, 5.0]
    with pytest.raises(ValueError, match="out_cols"):
        _kernels.merge_rows(LIB, [a, b], 0, 3, np.empty(4, np.int64), np.empty(2, np.int32),
                            np.empty(6))


@needs_kernels
@settings(max_examples=60, deadline=None)
@given(stream=st.lists(st.integers(-1, 9), max_size=60), seed=st.integers(0, 2 ** 16),
       clean=st.booleans())
def test_remap_and_subsample_equal_numpy(stream: list[int], seed: int, clean: bool) -> None:
    """The pass-2 steps in C = the NumPy lines they replace (pipeline without kernels)."""
    rng = np.random.default_rng(seed)
    lut = rng.integers(-3, 6, 10).astype(np.int32)  # -3: out of the vocabulary
    keep = rng.random(6).astype(np.float32)
    x = np.array(stream, dtype=np.int32)
    expected = np.concatenate([lut, [-1]]).astype(np.int32)[x]
    expected = expected[expected != -3]
    got = _kernels.remap_ids(LIB, x, lut, -3)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(x, np.array(stream, dtype=np.int32))  # x is not changed
    rand = rng.random(got.size, dtype=np.float32)
    is_word = expected >= 0
    drop = is_word & (rand >= keep[np.where(is_word, expected, 0)])
    if clean:
        expected = expected.copy()
        expected[drop] = -2
    else:
        expected = expected[~drop]
    got, kept = _kernels.subsample_ids(LIB, got, rand, keep, clean, -2)
    np.testing.assert_array_equal(got, expected)
    assert kept == int(np.count_nonzero(expected >= 0))


@needs_kernels
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 70), density=st.floats(0.0, 0.5), threads=st.integers(1, 3),
       scale=st.sampled_from([1.0, 5.0, 2520.0]), seed=st.integers(0, 2 ** 16))
def test_symmetrize_equals_scipy_float32_sum(n: int, density: float, threads: int,
                                             scale: float, seed: int) -> None:
    """C + C.T over the scale in C (threads by row ranges) = SciPy's float32 h + h.T, bit
    for bit (the result of CooccurrenceCounter.result without the kernels)."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(seed)
    half = _integer_csr(rng, n, density)
    half.data *= rng.random(half.nnz) * 3  # values that round differently in float32
    h = sp.csr_matrix(((half.data / scale).astype(np.float32), half.indices, half.indptr),
                      shape=half.shape)
    expected = (h + h.T.tocsr()).tocsr()
    expected.sum_duplicates()
    with ThreadPoolExecutor(threads) as pool:
        got = _kernels.symmetrize(LIB, half, scale, pool.map, threads)
    got.check_format(full_check=True)
    assert got.dtype == np.float32 and got.has_canonical_format
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.data, expected.data)


@needs_kernels
def test_count_ids_by_hand() -> None:
    counts = np.zeros(4, dtype=np.int64)
    _kernels.count_ids(LIB, np.array([0, 3, -1, 3, -2, 1], dtype=np.int32), counts)
    assert counts.tolist() == [1, 1, 0, 2]
    with pytest.raises(ValueError, match="an id of 4 or more"):
        _kernels.count_ids(LIB, np.array([4], dtype=np.int32), counts)


@needs_kernels
@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 40), cols=st.integers(1, 60), width=st.integers(1, 25),
       density=st.floats(0.0, 0.6), seed=st.integers(0, 2 ** 16))
def test_column_tiles_equal_scipy_slices(rows: int, cols: int, width: int, density: float,
                                         seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = sp.random(rows, cols, density=density, format="csr", dtype=np.float32,
                  random_state=rng)
    a.sum_duplicates()
    cuts = _tile_cuts(cols, width)
    tiles = _kernels.split_columns(LIB, a, cuts)
    tiled = TiledMatrix(a, width)
    assert len(tiles) == len(tiled.tiles) == len(cuts) - 1
    for (lo, hi), tile, (tlo, thi, t2) in zip(zip(cuts[:-1], cuts[1:]), tiles, tiled.tiles):
        expected = a[:, int(lo):int(hi)].tocsr()
        expected.sort_indices()
        assert (tlo, thi) == (lo, hi) and tile.shape == expected.shape
        for got in (tile, t2):
            np.testing.assert_array_equal(got.indptr, expected.indptr)
            np.testing.assert_array_equal(got.indices, expected.indices)
            np.testing.assert_array_equal(got.data, expected.data)


def half_rounded(x: np.ndarray) -> np.ndarray:
    """The slow reference of the half-precision products' rounding: each column scaled
    by ``_half_scales``, rounded to half precision by NumPy, scaled back (float64)."""
    scale, unscale = _half_scales(x)
    return (x * scale).astype(np.float16).astype(np.float64) * unscale


def _operand(m: int, k: int, seed: int, exponent: int) -> np.ndarray:
    """Columns of mixed scales, a zero column, zeros and entries that become subnormal
    half-precision numbers once their column is scaled."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, k)) * 2.0 ** rng.integers(exponent - 8, exponent + 8, k)
    x[rng.random((m, k)) < 0.1] = 0.0
    x[rng.random((m, k)) < 0.1] *= 1e-6
    if k > 2:
        x[:, 1] = 0.0
    return x.astype(np.float32)


@needs_half
@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 60), k=st.integers(1, 140), seed=st.integers(0, 2**16),
       exponent=st.integers(-40, 40), split=st.integers(0, 60))
def test_pack_half_rounds_as_numpy(m: int, k: int, seed: int, exponent: int,
                                   split: int) -> None:
    assert LIB is not None
    x = _operand(m, k, seed, exponent)
    scale, _ = _half_scales(x)
    split = min(split, m)
    for j, w in _kernels.block_widths(k):
        out = np.full((m, w), 0x7777, dtype=np.uint16)
        _kernels.pack_half(LIB, x, j, w, scale[j:], out, 0, split)
        _kernels.pack_half(LIB, x, j, w, scale[j:], out, split, m)
        nv = min(w, k - j)
        expected = np.zeros((m, w), dtype=np.float16)
        expected[:, :nv] = (x[:, j:j + nv] * scale[j:j + nv]).astype(np.float16)
        np.testing.assert_array_equal(out, expected.view(np.uint16))


@needs_kernels
@settings(max_examples=60, deadline=None)
@given(m=st.integers(0, 60), k=st.integers(1, 40), seed=st.integers(0, 2**16),
       exponent=st.integers(-40, 40), parts=st.integers(1, 5),
       special=st.sampled_from([None, np.nan, np.inf, -np.inf, -0.0]))
def test_column_absmax_equals_numpy(m: int, k: int, seed: int, exponent: int, parts: int,
                                    special: float | None) -> None:
    """The half scales' column maxima in C (row ranges, as the threads take them) against
    NumPy's, NaN and infinities included; the scales made from them equal NumPy's."""
    assert LIB is not None
    x = _operand(m, k, seed, exponent)
    if special is not None and m:
        x[np.random.default_rng(seed).integers(0, m), k // 2] = special
    ranges = _kernels.row_ranges(np.arange(m + 1), parts)
    got = _kernels.column_absmax(LIB, x, ranges)
    want = np.max(np.abs(x), axis=0) if m else np.zeros(k, dtype=np.float32)
    np.testing.assert_array_equal(got, want)
    for a, b in zip(_half_scales(x, got), _half_scales(x)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="outside"):
        _kernels.column_absmax(LIB, x, [(0, m + 1)])


@needs_half
def test_gather_half_is_gather_of_the_rounded_block() -> None:
    """Bit for bit: the rows are converted back exactly and summed in the same order."""
    assert LIB is not None
    a = _matrix(70, 50, 0.3, 1)
    tile = _kernels.CTile(0, 50, a)
    for w in (8, 24, 56, 64):
        x = _operand(50, w, w, 0)
        scale, _ = _half_scales(x)
        xh = np.empty((50, w), dtype=np.uint16)
        _kernels.pack_half(LIB, x, 0, w, scale, xh, 0, 50)
        rounded = xh.view(np.float16).astype(np.float32)
        for accumulate in (False, True):
            got = np.ones((72, w + 8), dtype=np.float32)
            want = got.copy()
            col = 8 if w < 64 else 0
            _kernels.gather_half(LIB, tile, 3, 70, xh, got, 5, col, accumulate)
            _kernels.gather(LIB, tile, 3, 70, rounded, want, 5, col, accumulate)
            np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="uint16"):
        _kernels.gather_half(LIB, tile, 0, 70, rounded, got, 0, 0, False)
    with pytest.raises(ValueError, match="multiple of 8"):
        _kernels.gather_half(LIB, tile, 0, 70, np.zeros((50, 12), np.uint16), got, 0, 0, False)
    with pytest.raises(ValueError, match="shape"):
        _kernels.pack_half(LIB, x, 0, w, scale, np.empty((50, w + 8), np.uint16), 0, 50)


@needs_kernels
@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 80), n=st.integers(1, 80), density=st.sampled_from([0.0, 0.05, 0.5, 1.0]),
       width=st.integers(1, 90), row_width=st.integers(1, 90), seed=st.integers(0, 2**16))
def test_transpose_tiles_are_scipys_transposed_row_blocks(m: int, n: int, density: float,
                                                          width: int, row_width: int,
                                                          seed: int) -> None:
    a = _matrix(m, n, density, seed)
    tiles = [_kernels.CTile(lo, hi, t) for lo, hi, t in TiledMatrix(a, width).tiles]
    cuts = _tile_cuts(m, row_width)
    assert LIB is not None
    got = _kernels.transpose_tiles(LIB, tiles, cuts)
    assert len(got) == len(cuts) - 1
    for t, lo, hi in zip(got, cuts[:-1], cuts[1:]):
        want = sp.csr_matrix(a[lo:hi].T)
        want.sort_indices()
        assert (t.lo, t.hi, t.nnz) == (lo, hi, want.nnz)
        np.testing.assert_array_equal(t.indptr, want.indptr)
        np.testing.assert_array_equal(t.indices, want.indices)
        np.testing.assert_array_equal(t.data, want.data)


@needs_kernels
@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 90), n=st.integers(1, 90), k=st.integers(1, 150),
       density=st.sampled_from([0.0, 0.05, 0.5]), tile=st.integers(1, 100),
       threads=st.sampled_from([1, 2, 3]), seed=st.integers(0, 2**16),
       native=st.booleans(), wide=st.sampled_from([0.0, 3.0, 1e9]),
       group=st.sampled_from([1, 7, 1024]))
def test_half_products_are_products_of_the_rounded_operand(m: int, n: int, k: int,
                                                           density: float, tile: int,
                                                           threads: int, seed: int,
                                                           native: bool, wide: float,
                                                           group: int) -> None:
    """Against float64 products of the operand rounded by NumPy (:func:`half_rounded`, the
    slow reference); without hardware conversion ``half`` is ignored (single precision)."""
    a = _matrix(m, n, density, seed)
    x, y = _operand(n, k, seed, 3), _operand(m, k, seed + 1, -3)
    dense = a.toarray().astype(np.float64)
    op = _TiledOperator(TiledMatrix(a, tile), threads, wide_row_nnz=wide, wide_group=group)
    op._half_native = op._half_native and native
    try:
        ax, aty = op.matmat(x, half=True), op.rmatmat(y, half=True)
    finally:
        op.close()
    reference = half_rounded if op._half_native else (lambda v: v.astype(np.float64))
    for got, m_, v in ((ax, dense, reference(x)), (aty, dense.T, reference(y))):
        # float32 sums: errors relative to the sum of the terms' magnitudes (a sum that
        # cancels is off by more than its own size allows)
        scale = (np.abs(m_) @ np.abs(v)).max(axis=0, initial=0.0) + 1e-30
        np.testing.assert_allclose(got / scale, (m_ @ v) / scale, rtol=0, atol=1e-6)
    # the rounding is real: off the single-precision product by ~1e-4 of the columns' scale
    if op._half_native and density and min(m, n, k) > 5:
        assert not np.array_equal(ax, (dense @ x).astype(np.float32))


# -- bad input at the kernels' entry points (a crash before: segfault, heap corruption) --
def _bad_csr(kind: str) -> sp.csr_matrix:
    a = sp.random(400, 400, density=0.05, format="csr", dtype=np.float32, random_state=0)
    if kind == "big":
        a.indices[10] = 10**7
    elif kind == "negative":
        a.indices[10] = -5
    elif kind == "indptr":
        a.indptr[5] = a.indptr[6] + 3
    elif kind == "nan":
        a.data[3] = np.nan
    elif kind == "inf":
        a.data[-1] = np.inf
    return a


@pytest.mark.parametrize("kind, message", [
    ("big", r"column indices must be in \[0, 400\); got 0..10000000"),
    ("negative", r"column indices must be in \[0, 400\); got -5"),
    ("indptr", "indptr must start at 0 and never decrease"),
    ("nan", "matrix must hold finite values; got nan in row 0"),
    ("inf", "matrix must hold finite values; got inf in row 399"),
])
@pytest.mark.parametrize("entry", ["truncated_svd", "TiledMatrix", "arpack"])
def test_bad_csr_is_refused_before_the_kernels(kind: str, message: str, entry: str,
                                               tmp_path: Path) -> None:
    """Run in a child: a crash fails this test instead of killing the test run."""
    code = (f"import sys; sys.path.append({str(Path(__file__).resolve().parents[1])!r})\n"
            f"import numpy as np, scipy.sparse as sp\n"
            f"from tests.test_kernels import _bad_csr\n"
            f"from wordvec.linalg.reduce import truncated_svd\nfrom wordvec.linalg.blocks import TiledMatrix\n"
            f"a = _bad_csr({kind!r})\n"
            f"try:\n"
            f"    if {entry!r} == 'TiledMatrix': TiledMatrix(a, tile_width=64)\n"
            f"    else: truncated_svd(a, 8, algorithm='arpack' if {entry!r} == 'arpack' "
            f"else 'chebyshev')\n"
            f"except ValueError as exc: print('ValueError:', exc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ValueError:"), done.stdout + done.stderr[-1000:]
    import re
    assert re.search(message, done.stdout), done.stdout


@pytest.mark.parametrize("make", [
    lambda a: a.tocsc(), lambda a: a.tocoo(), lambda a: a.tobsr(), lambda a: a.toarray(),
    lambda a: a.astype(np.float64), lambda a: a.tolil()])
def test_every_input_form_gives_the_same_svd(make) -> None:
    a = sp.random(60, 50, density=0.2, format="csr", dtype=np.float32, random_state=1)
    _, s_ref, _ = truncated_svd(a, 5, algorithm="arpack")
    _, s, _ = truncated_svd(make(a), 5, algorithm="arpack")
    np.testing.assert_allclose(s, s_ref, rtol=1e-5)


def test_bad_coo_and_dtypes_are_refused() -> None:
    a = sp.random(30, 30, density=0.2, format="coo", dtype=np.float32, random_state=2)
    a.col[0] = 31
    with pytest.raises(ValueError, match=r"column indices must be in \[0, 30\)"):
        truncated_svd(a, 3)
    with pytest.raises(ValueError, match="must hold real numbers; got dtype complex"):
        truncated_svd(sp.random(30, 30, density=0.2, format="csr", random_state=2) * 1j, 3)
    with pytest.raises(ValueError, match="sparse matrix or a 2-d array of real numbers"):
        truncated_svd(np.array(["a", "b"]), 1)
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0; got -1"):
        truncated_svd(sp.eye(10, format="csr"), 2, seed=-1)
    with pytest.raises(ValueError, match=r"n_jobs must be an integer >= 1; got 0"):
        truncated_svd(sp.eye(10, format="csr"), 2, n_jobs=0)


@needs_kernels
def test_kernel_bindings_check_their_arrays() -> None:
    a = sp.random(50, 40, density=0.3, format="csr", dtype=np.float32, random_state=4)
    bad = a.copy()
    bad.indices[0] = 40
    bad.has_canonical_format = True  # a flag that lies: the kernels must not trust it
    with pytest.raises(ValueError, match="column indices must be in"):
        _kernels.CTile(0, 40, bad)
    with pytest.raises(ValueError, match="do not match its width"):
        _kernels.CTile(0, 39, a)
    with pytest.raises(ValueError, match="column indices must be in"):
        _kernels.split_columns(LIB, bad, np.array([0, 20, 40]))
    out_ptr = np.zeros(51, dtype=np.int64)
    room = np.zeros(2 * a.nnz, dtype=np.int32), np.zeros(2 * a.nnz)
    part = a.astype(np.float64)
    worse = part.copy()
    worse.indptr[3] = -1
    with pytest.raises(ValueError, match="part 1: indptr must start at 0 and never decrease"):
        _kernels.merge_rows(LIB, [part, worse], 0, 50, out_ptr, *room)
    tiles = [_kernels.CTile(0, 20, a[:, :20]), _kernels.CTile(20, 40, a[:, 20:])]
    with pytest.raises(ValueError, match="tile 0 does not follow"):
        _kernels.join_tiles(LIB, tiles[::-1], 0, 50)
    with pytest.raises(ValueError, match="keys of 10 bits cannot hold pairs"):
        _kernels.count_pairs(LIB, np.arange(100, dtype=np.int32), 0, 2, 100,
                             np.ones(2), 1, 10)

