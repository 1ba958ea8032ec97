"""Counts files (``Cooccurrences.save``/``load``): every damage is one clear FormatError."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import wordvec
from wordvec.counting.cooccurrences import Cooccurrences
from wordvec.counting.vocab import Vocabulary
from wordvec.errors import FormatError

PARAMS = {"window": 2, "window_weighting": "harmonic", "subsample": 0.0,
          "subsample_mode": "static"}


def small() -> Cooccurrences:
    """Three words, a symmetric matrix with six non-zeros."""
    matrix = sp.csr_matrix(np.array([[0, 2, 1], [2, 0, 0.5], [1, 0.5, 0]], dtype=np.float32))
    return Cooccurrences(Vocabulary(["a", "b", "c"], [3, 2, 1]), matrix, PARAMS,
                         {"tokens": 6})


def arrays_of(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def meta_array(meta: Any) -> np.ndarray:
    text = meta if isinstance(meta, str) else json.dumps(meta)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "c.npz"
    small().save(path)
    return path


def rewrite(path: Path, **changes: Any) -> Path:
    """The file at ``path`` with some arrays replaced (``None``: removed)."""
    arrays = arrays_of(path)
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = np.asarray(value)
    out = path.with_name("changed.npz")
    np.savez(out, **arrays)
    return out


def test_round_trip(saved: Path) -> None:
    c = Cooccurrences.load(saved)
    assert c.vocab.words == ["a", "b", "c"] and c.vocab.counts.tolist() == [3, 2, 1]
    assert (c.matrix != small().matrix).nnz == 0
    assert c.params == PARAMS and c.stats == {"tokens": 6}


GOOD_META = {"words": ["a", "b", "c"], "params": PARAMS, "stats": {}}


@pytest.mark.parametrize("changes, match", [
    ({"indptr": [0, 3, 2, 6]}, r"array 'indptr' is not a valid row index"),
    ({"indptr": [0, -1, 3, 6]}, r"array 'indptr' is not a valid row index"),
    ({"indptr": [0, 2, 4]}, r"array 'indptr' has 3 values; expected 4"),
    ({"indptr": [1, 2, 4, 6]}, r"array 'indptr' is not a valid row index"),
    ({"indptr": [0.0, 2.0, 4.0, 6.0]}, r"array 'indptr': expected integers"),
    ({"indptr": np.array([0, 4, 2, 6], dtype=np.uint64)}, r"'indptr' is not a valid row index"),
    ({"meta": meta_array({**GOOD_META, "params": {"tokenizer": {"case": 1}}})},
     r"meta field 'params.tokenizer' is not a Tokenizer's parameters"),
    ({"data": [2, 1, 2, np.nan, 1, 1]}, r"array 'data' must hold finite .* NaN"),
    ({"data": [2, 1, 2, np.inf, 1, 1]}, r"array 'data' must hold finite .* NaN or infinite"),
    ({"data": [2, 1, 2, 1e300, 1, 1]}, r"array 'data' must hold finite .*too large for float32"),
    ({"data": [2, 1, 2, -0.5, 1, 1]}, r"array 'data' must hold finite non-negative .*-0\.5"),
    ({"data": [2, 1, 2, 1, 1]}, r"arrays 'data' and 'indices' differ in length \(5 and 6\)"),
    ({"data": ["x"] * 6}, r"array 'data': expected numbers; got dtype <U1"),
    ({"indices": [1, 2, 0, 3, 0, 1]}, r"array 'indices' holds a column outside \[0, 3\)"),
    ({"indices": [1, 2, 0, -1, 0, 1]}, r"array 'indices' holds a column outside \[0, 3\)"),
    ({"indices": [[1, 2, 0, 2, 0, 1]]}, r"array 'indices': expected a 1-D array"),
    ({"counts": [3, -2, 1]}, r"array 'counts': must be non-negative integers; got -2"),
    ({"counts": [3, 2.5, 1]}, r"array 'counts': must be non-negative whole numbers; got a frac"),
    ({"counts": [3.0, np.nan, 1.0]}, r"array 'counts': must be .*NaN"),
    ({"counts": [True, True, False]}, r"array 'counts': must be non-negative integers; got dt"),
    ({"counts": [3, 2]}, r"array 'counts' has 2 values for 3 words in meta"),
    ({"counts": None}, r"no array 'counts'; it has 'data', 'indices', 'indptr', 'meta'"),
    ({"meta": None}, r"no array 'meta'"),
    ({"meta": meta_array("{not json")}, r"array 'meta' is not JSON text"),
    ({"meta": np.frombuffer(b"\xff\xfe", dtype=np.uint8)}, r"array 'meta' is not JSON text"),
    ({"meta": meta_array([1, 2])}, r"array 'meta' must be a JSON object; got list"),
    ({"meta": meta_array({**GOOD_META, "words": "abc"})}, r"meta field 'words' must be a list"),
    ({"meta": meta_array({**GOOD_META, "words": ["a", 1, "c"]})}, r"meta field 'words' must"),
    ({"meta": meta_array({**GOOD_META, "words": ["a", "a", "c"]})}, r"'words' holds a word tw"),
    ({"meta": meta_array({**GOOD_META, "params": [1]})}, r"meta field 'params' must be a JSON o"),
    ({"meta": meta_array({**GOOD_META, "stats": 3})}, r"meta field 'stats' must be a JSON obj"),
    ({"meta": meta_array({"words": ["a", "b", "c"]})}, r"meta has no field 'params'"),
    ({"meta": meta_array({**GOOD_META, "words": ["a", "b", "c", "d"]})},
     r"array 'counts' has 3 values for 4 words"),
    ({"meta": np.zeros(3, dtype=np.float64)}, r"array 'meta': expected bytes \(uint8\)"),
])
def test_damaged_arrays_name_file_and_array(saved: Path, changes: dict[str, Any],
                                            match: str) -> None:
    bad = rewrite(saved, **changes)
    with pytest.raises(FormatError, match=rf"changed\.npz: .*{match}"):
        Cooccurrences.load(bad)


def test_object_array_never_advises_allow_pickle(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["data"] = np.array([{"x": 1}] * 6, dtype=object)
    bad = saved.with_name("pickled.npz")
    np.savez(bad, **arrays)
    with pytest.raises(FormatError, match=r"pickled\.npz: array 'data'") as info:
        Cooccurrences.load(bad)
    assert "allow_pickle" not in str(info.value)


@pytest.mark.parametrize("content, match", [
    (b"", r"e\.npz: not a wordvec counts file \(the file is empty\)"),
    (b"hello, not a zip", r"e\.npz: not a wordvec counts file \(not an \.npz archive"),
    (b"\x80\x04\x95pickled", r"e\.npz: not a wordvec counts file \(not an \.npz archive"),
])
def test_not_an_archive(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "e.npz"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=match) as info:
        Cooccurrences.load(path)
    assert "allow_pickle" not in str(info.value)


def test_npy_instead_of_npz(tmp_path: Path) -> None:
    path = tmp_path / "e.npy"
    np.save(path, np.arange(3))
    with pytest.raises(FormatError, match=r"e\.npy: not a wordvec counts file \(a single Num"):
        Cooccurrences.load(path)


def test_truncated_archive(saved: Path) -> None:
    data = saved.read_bytes()
    cut = saved.with_name("cut.npz")
    for n in (10, len(data) // 2, len(data) - 10):
        cut.write_bytes(data[:n])
        with pytest.raises(FormatError, match=r"cut\.npz: not a wordvec counts file \(damaged"):
            Cooccurrences.load(cut)


def test_corrupted_member_data(saved: Path) -> None:
    # flip a byte inside the stored 'data' array: the zip's CRC check fails
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as z:
        info = z.getinfo("data.npy")
    data[info.header_offset + 30 + len(info.filename) + info.extra.__len__() + 130] ^= 0xFF
    bad = saved.with_name("crc.npz")
    bad.write_bytes(bytes(data))
    with pytest.raises(FormatError, match=r"crc\.npz: array 'data': damaged or truncated"):
        Cooccurrences.load(bad)


def test_not_a_regular_file_or_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"counts file .*nope\.npz' does not exist"):
        Cooccurrences.load(tmp_path / "nope.npz")
    with pytest.raises(FormatError, match=r"not a wordvec counts file \(not a regular file\)"):
        Cooccurrences.load(tmp_path)
    with pytest.raises(FormatError, match="not a regular file"):
        Cooccurrences.load("/dev/zero")
    with pytest.raises(ValueError, match="path must be a str or os.PathLike; got int"):
        Cooccurrences.load(3)  # type: ignore[arg-type]


def test_unsorted_duplicate_columns_are_summed(saved: Path) -> None:
    # row 0 holds column 2 then column 1 twice: a valid CSR, made canonical on load
    bad = rewrite(saved, indices=[2, 1, 1, 0, 0, 1], data=[1, 1, 1, 2, 1, 1],
                  indptr=[0, 3, 4, 6])
    c = Cooccurrences.load(bad)
    assert c.matrix.has_canonical_format
    assert c.matrix.toarray().tolist() == [[0, 2, 1], [2, 0, 0], [1, 1, 0]]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"vocab": ["a"]}, ValueError, "vocab must be a Vocabulary; got list"),
    ({"matrix": [[1]]}, ValueError, "matrix must be a scipy.sparse matrix; got list"),
    ({"matrix": sp.csr_matrix(np.eye(2))}, ValueError, r"matrix shape \(2, 2\) does not match"),
    ({"matrix": sp.csr_matrix(-np.eye(3))}, ValueError, "matrix must hold finite non-negative"),
    ({"matrix": sp.csr_matrix(np.eye(3) * np.nan)}, ValueError, "matrix must hold finite"),
    ({"params": None}, ValueError, "params must be a dict; got NoneType"),
    ({"stats": [1]}, ValueError, "stats must be a dict or None; got list"),
])
def test_constructor_checks(kwargs: dict[str, Any], error: type, match: str) -> None:
    args: dict[str, Any] = {"vocab": Vocabulary(["a", "b", "c"], [3, 2, 1]),
                            "matrix": sp.csr_matrix(np.eye(3)), "params": PARAMS}
    with pytest.raises(error, match=match):
        Cooccurrences(**{**args, **kwargs})


def test_merge_checks_its_argument() -> None:
    with pytest.raises(ValueError, match="other must be Cooccurrences; got dict"):
        small().merge({})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unsupported operand"):
        small() + 1  # type: ignore[operator]
    merged = small() + small()
    assert merged.vocab.counts.tolist() == [6, 4, 2]


def test_prune_by_other_counts_keeps_its_own_order() -> None:
    m = sp.csr_matrix(np.arange(9, dtype=np.float32).reshape(3, 3))
    c = Cooccurrences(Vocabulary(["a", "b", "c"], np.array([9, 5, 1])), m, {"window": 2})
    p = c.prune(min_count=5, by=np.array([1, 5, 9]))  # b and c were seen 5+ times
    assert p.vocab.words == ["b", "c"] and p.vocab.counts.tolist() == [5, 1]
    np.testing.assert_array_equal(p.matrix.toarray(), [[4, 5], [7, 8]])
    assert c.prune(min_count=5).vocab.words == ["a", "b"]  # by its own counts
    with pytest.raises(ValueError, match=r"by must hold one count per word \(3\); got 2"):
        c.prune(by=np.array([1, 2]))


def _as_dict(c: Cooccurrences) -> tuple[dict[str, int], dict[tuple[str, str], float]]:
    words = c.vocab.words
    m = c.matrix.tocoo()
    return (dict(zip(words, c.vocab.counts.tolist())),
            {(words[i], words[j]): float(v) for i, j, v in zip(m.row, m.col, m.data)})


def test_merging_then_pruning_equals_counting_together() -> None:
    """Counts keep every word by default, so two corpora merged and then pruned are the two
    counted together and then pruned: a word seen 3 times in each survives min_count=5."""
    a = ["rare x y the a", "the a b c rare", "rare the b"] * 2 + ["only in a"] * 6
    b = ["the rare b c", "x rare a the b", "c rare"] + ["only in b"] * 6
    kw = {"subsample": 0, "progress": False, "window": 3}
    merged = wordvec.count(a, **kw).merge(wordvec.count(b, **kw)).prune(min_count=5)
    together = wordvec.count(a + b, **kw).prune(min_count=5)
    (mw, mp), (tw, tp) = _as_dict(merged), _as_dict(together)
    assert mw == tw and mw["rare"] == 9  # 6 + 3: below 5 in b alone
    assert mp.keys() == tp.keys()
    for key, value in tp.items():
        assert mp[key] == pytest.approx(value, rel=1e-6)
    # the vocabulary is that of the corpora counted together with min_count=5
    assert set(mw) == set(wordvec.count(a + b, min_count=5, **kw).vocab.words)


def test_merging_counts_pruned_apart_warns() -> None:
    kw = {"subsample": 0, "progress": False, "min_count": 2}
    a, b = wordvec.count(["x y x y z"], **kw), wordvec.count(["x y y z z"], **kw)
    with pytest.warns(wordvec.PrunedCountsWarning, match="min_count=1"):
        merged = a.merge(b)
    assert "z" in merged.vocab.index and merged.params["min_count"] == 2


def test_build_from_counts_prunes_merged_counts() -> None:
    kw = {"subsample": 0, "progress": False}
    text = [" ".join(f"w{i % 40}" for i in range(j, j + 30)) for j in range(60)]
    counts = wordvec.count(text + ["once"], **kw)
    assert "once" in counts.vocab.index and counts.params["min_count"] == 1
    wv = wordvec.build_from_counts(counts, dim=3, progress=False)
    assert "once" not in wv and wv.params["min_count"] == 5
    assert "once" in wordvec.build_from_counts(counts, dim=3, min_count=1, progress=False)
    with pytest.raises(wordvec.CorpusError, match="min_count=10000"):
        wordvec.build_from_counts(counts, min_count=10000, progress=False)


def test_pruning_records_the_thresholds_and_the_vocabulary() -> None:
    kw = {"subsample": 0, "progress": False}
    counts = wordvec.count(["a b c a b a", "a b d"] * 3, **kw)
    pruned = counts.prune(min_count=5, max_vocab=10)
    assert pruned.params["min_count"] == 5 and pruned.params["max_vocab"] == 10
    assert pruned.stats["vocab_size"] == len(pruned.vocab) == 2
    assert pruned.stats["tokens_in_vocab"] == pruned.vocab.total
    assert pruned.prune(min_count=1).params["min_count"] == 5  # what went stays gone
    wv = wordvec.build_from_counts(counts, min_count=1, max_vocab=3, dim=1, progress=False)
    assert wv.params["max_vocab"] == 3 and len(wv) == 3


def test_merging_with_one_pruned_part_warns() -> None:
    kw = {"subsample": 0, "progress": False}
    full, capped = wordvec.count(["x y x y z"], **kw), wordvec.count(["x y y z"], max_vocab=2, **kw)
    with pytest.warns(wordvec.PrunedCountsWarning, match="max_vocab"):
        full.merge(capped)
    with pytest.warns(wordvec.PrunedCountsWarning):
        full.merge(wordvec.count(["x y y z z"], min_count=2, **kw))
