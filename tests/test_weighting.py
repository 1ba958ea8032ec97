"""PPMI, context smoothing and shift against values computed by hand on a 3x3 matrix."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from wordvec.linalg.weighting import ppmi

# Row sums r = [3, 4, 4], column sums c = [3, 4, 4], total 11.
COUNTS = np.array([[2.0, 1.0, 0.0],
                   [1.0, 0.0, 3.0],
                   [0.0, 3.0, 1.0]])


def test_plain_ppmi_by_hand() -> None:
    # PMI(i, j) = log(#(i,j) * 11 / (r_i * c_j)); negatives and zeros are dropped.
    expected = np.zeros((3, 3))
    expected[0, 0] = np.log(2 * 11 / (3 * 3))   # 22/9
    expected[1, 2] = np.log(3 * 11 / (4 * 4))   # 33/16
    expected[2, 1] = np.log(3 * 11 / (4 * 4))
    # (0,1): log(11/12) < 0, (1,0): log(11/12) < 0, (2,2): log(11/16) < 0 -> 0
    out = ppmi(sp.csr_matrix(COUNTS), context_smoothing=1.0)
    np.testing.assert_allclose(out.toarray(), expected, rtol=1e-6)
    assert out.nnz == 3  # only the positive entries are stored
    assert out.dtype == np.float32


def test_context_smoothing_by_hand() -> None:
    a = 0.75
    c = np.array([3.0, 4.0, 4.0]) ** a          # smoothed context counts
    total = c.sum()                             # 3^.75 + 2 * 4^.75 = 7.9363...
    expected = np.zeros((3, 3))
    expected[0, 0] = np.log(2 * total / (3 * 3 ** a))   # log 2.3211 = 0.842
    expected[1, 2] = np.log(3 * total / (4 * 4 ** a))   # log 2.1044 = 0.744
    expected[2, 1] = np.log(3 * total / (4 * 4 ** a))
    # (0,1): log(total / (3 * 4^.75)) = log 0.935 < 0; (1,0): log 0.870 < 0
    out = ppmi(sp.csr_matrix(COUNTS), context_smoothing=a)
    np.testing.assert_allclose(out.toarray(), expected, rtol=1e-5)
    assert expected[0, 0] == pytest.approx(0.8420, abs=1e-3)


def test_shift_by_hand() -> None:
    expected = np.zeros((3, 3))
    expected[0, 0] = np.log(22 / 9) - np.log(2)      # 0.2007
    expected[1, 2] = np.log(33 / 16) - np.log(2)     # 0.0308
    expected[2, 1] = expected[1, 2]
    out = ppmi(sp.csr_matrix(COUNTS), context_smoothing=1.0, shift=2)
    np.testing.assert_allclose(out.toarray(), expected, rtol=1e-5, atol=1e-7)
    # A shift of 3 (log 3 = 1.0986) removes everything here.
    assert ppmi(sp.csr_matrix(COUNTS), context_smoothing=1.0, shift=3).nnz == 0


def test_input_not_modified_and_empty_rows() -> None:
    counts = sp.csr_matrix(np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 2.0], [0.0, 2.0, 1.0]]))
    before = counts.toarray().copy()
    out = ppmi(counts)
    np.testing.assert_array_equal(counts.toarray(), before)
    assert np.isfinite(out.data).all()
    assert out[0].nnz == 0


def test_in_place_gives_the_same_values() -> None:
    rng = np.random.default_rng(0)
    counts = sp.random(30, 30, density=0.3, format="csr", dtype=np.float32, random_state=rng)
    counts.data = np.ceil(counts.data * 5)
    want = ppmi(counts, shift=1.5)
    got = ppmi(counts.copy(), shift=1.5, copy=False)
    np.testing.assert_array_equal(got.indptr, want.indptr)
    np.testing.assert_array_equal(got.indices, want.indices)
    np.testing.assert_array_equal(got.data, want.data)


@pytest.mark.parametrize("kwargs, match", [
    ({"context_smoothing": 0}, r"context_smoothing must be a finite number > 0.0 and <= 1.0; got 0"),
    ({"context_smoothing": 1.5}, r"context_smoothing must be .*got 1.5"),
    ({"shift": 0.5}, r"shift must be a finite number >= 1.0; got 0.5"),
    ({"shift": "5"}, r"shift must be a finite number"),
])
def test_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ppmi(sp.csr_matrix(COUNTS), **kwargs)


def test_negative_counts_rejected() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        ppmi(sp.csr_matrix(-COUNTS))


def test_threads_and_blocks_do_not_change_the_values(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    counts = sp.random(60, 50, density=0.3, format="csr", dtype=np.float32, random_state=rng)
    counts.data = np.round(counts.data * 9 + 1)
    expected = ppmi(counts, context_smoothing=0.75, shift=2.0)
    monkeypatch.setattr("wordvec.linalg.weighting._BLOCK_NNZ", 37)  # many blocks of rows
    for threads in (1, 3):
        got = ppmi(counts, context_smoothing=0.75, shift=2.0, n_jobs=threads)
        assert got.has_canonical_format
        np.testing.assert_array_equal(got.indptr, expected.indptr)
        np.testing.assert_array_equal(got.indices, expected.indices)
        np.testing.assert_array_equal(got.data, expected.data)
    with pytest.raises(ValueError, match="n_jobs"):
        ppmi(counts, n_jobs=0)
