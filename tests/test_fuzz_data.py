"""Fuzzing the data loaders: damaged counts files and labelled CSV/TSV files.

Every case must load cleanly (and then be valid, checked in the child) or raise one of
wordvec's errors; anything else (a KeyError, a zlib.error, a crash, a hang) fails.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from .fuzzing import Tally, mutations, run_cases, truncations

REPO = Path(__file__).resolve().parents[1]


def _assert_clean(tally: Tally, min_ok: int = 1) -> None:
    first = tally.others[0][1] if tally.others else ""
    assert tally.counts["other"] == 0, f"{tally}; first: case {tally.others[:1]} {first}"
    assert tally.counts["ok"] >= min_ok, str(tally)  # the valid file itself loads


def load_counts(path: str) -> Any:
    """The loader the child calls (``run_cases`` takes a module-level function)."""
    from wordvec.counting.cooccurrences import Cooccurrences
    return Cooccurrences.load(path)


# -- checks run in the child on every clean load -----------------------------------------
def check_counts(c: Any) -> None:
    """A loaded Cooccurrences is consistent: finite non-negative data, ids in range."""
    n = len(c.vocab)
    m = c.matrix
    assert sp.issparse(m) and m.shape == (n, n), m.shape
    assert m.dtype == np.float32
    assert np.isfinite(m.data).all() and (m.data >= 0).all()
    assert len(m.indptr) == n + 1 and m.indptr[0] == 0 and m.indptr[-1] == m.nnz
    assert (np.diff(m.indptr) >= 0).all()
    assert m.nnz == 0 or (m.indices.min() >= 0 and m.indices.max() < n)
    assert m.has_canonical_format
    assert c.vocab.counts.dtype == np.int64 and len(c.vocab.counts) == n
    assert (c.vocab.counts >= 0).all()
    assert all(isinstance(w, str) for w in c.vocab.words)
    assert len(set(c.vocab.words)) == n
    assert isinstance(c.params, dict) and isinstance(c.stats, dict)
    m.toarray()  # usable


def check_labelled(data: Any) -> None:
    """A loaded LabelledTexts has one non-empty label and text per row, str only."""
    assert len(data.texts) == len(data.labels) == len(data.sources) > 0
    assert all(isinstance(t, str) and t.strip() for t in data.texts)
    assert all(isinstance(lab, str) and lab and lab == lab.strip() for lab in data.labels)
    assert not data.labels[0].startswith("\ufeff")


# -- counts files ------------------------------------------------------------------------
def _small_counts(path: Path) -> bytes:
    from wordvec.counting.cooccurrences import Cooccurrences
    from wordvec.counting.vocab import Vocabulary
    matrix = sp.csr_matrix(np.array([[0, 2, 1], [2, 0, 0.5], [1, 0.5, 0]], dtype=np.float32))
    Cooccurrences(Vocabulary(["a", "bé", "c"], [3, 2, 1]), matrix,
                  {"window": 2, "window_weighting": "harmonic"}, {"tokens": 6}).save(path)
    return path.read_bytes()


def _npz(arrays: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _array_mutations(base: dict[str, np.ndarray], n: int, seed: int = 0) -> list[bytes]:
    """Valid archives whose arrays have wrong dtypes, shapes, lengths or values."""
    rng = random.Random(seed)
    meta = json.loads(base["meta"].tobytes())
    metas = [[1, 2], "text", {"words": "abc", "params": {}}, {**meta, "words": ["a", "a", "c"]},
             {**meta, "params": []}, {**meta, "stats": 1}, {"params": {}},
             {**meta, "words": ["a", None, "c"]}, {**meta, "words": meta["words"] + ["d"]},
             {**meta, "words": meta["words"][:2]}, {}]
    special = [np.nan, np.inf, -np.inf, -1, -1e-30, 1e300, 2**31, 2**63 - 1, -2**63, 0.5, 3]
    dtypes = [np.int8, np.uint8, np.int16, np.uint32, np.int64, np.uint64, np.float16,
              np.float64, np.complex64, np.bool_, "<U2", "S2", object]
    out = []
    for _ in range(n):
        arrays = dict(base)
        for _ in range(rng.randint(1, 2)):
            if not arrays:
                break
            key = rng.choice(sorted(arrays))
            kind = rng.randrange(7)
            a = np.array(arrays[key])
            if kind == 0 and key == "meta":
                text = json.dumps(rng.choice(metas))
                arrays[key] = np.frombuffer(text.encode(), dtype=np.uint8)
            elif kind == 1:  # another dtype
                dtype = rng.choice(dtypes)
                with np.errstate(all="ignore"):
                    arrays[key] = a.astype(dtype)
            elif kind == 2 and a.size:  # one special value
                a = a.astype(np.float64) if rng.random() < 0.5 else a
                with np.errstate(all="ignore"):
                    try:
                        a[rng.randrange(a.size)] = rng.choice(special)
                    except (OverflowError, ValueError):
                        a = a.astype(np.float64)
                        a[rng.randrange(a.size)] = rng.choice(special)
                arrays[key] = a
            elif kind == 3:  # shorter or longer
                arrays[key] = a[:rng.randrange(a.size + 1)] if rng.random() < 0.5 \
                    else np.concatenate([a, a[:rng.randint(1, 3)]])
            elif kind == 4:  # another shape
                arrays[key] = rng.choice([a.reshape(1, -1), a.reshape(-1, 1), np.array(3),
                                          np.zeros((0,), a.dtype)])
            elif kind == 5:  # removed
                del arrays[key]
            else:  # shuffled values
                a = a.copy()
                rng.shuffle(a) if a.ndim == 1 else None  # type: ignore[func-returns-value]
                arrays[key] = a
        out.append(_npz(arrays))
    return out


def test_fuzz_counts_npz(tmp_path: Path) -> None:
    data = _small_counts(tmp_path / "c.npz")
    assert len(data) < 3000
    with np.load(tmp_path / "c.npz") as z:
        base = {k: z[k] for k in z.files}
    cases = [data, *truncations(data), *mutations(data, 400, seed=1),
             *_array_mutations(base, 300, seed=2)]
    tally = run_cases("tests.test_fuzz_data:load_counts", cases, suffix=".npz",
                      check="tests.test_fuzz_data:check_counts")
    print("counts .npz:", tally)
    _assert_clean(tally)


# -- labelled CSV / TSV ----------------------------------------------------------------------
CSV = ('id,text,label\n1,"A great film, truly.",pos\n2,Dull and slow,neg\n'
       '3,"He said ""wow""\non two lines",pos\n\n4,Fine.,neg\n').encode("utf-8")
TSV = ("text\tlabel\nA great film\tpos\nDull, slow\tneg\n"
       "Café crème\tpos\n\"quoted\ttab\"\tneg\n").encode("utf-8")


@pytest.mark.parametrize("name, data", [("csv", CSV), ("tsv", TSV)])
def test_fuzz_labelled(name: str, data: bytes) -> None:
    cases = [data, b"\xef\xbb\xbf" + data, *truncations(data), *mutations(data, 300, seed=3)]
    tally = run_cases("wordvec.text.labelled:load_labelled", cases, suffix=f".{name}",
                      check="tests.test_fuzz_data:check_labelled")
    print(f"labelled .{name}:", tally)
    _assert_clean(tally, min_ok=2)
