"""The native model format: every damaged header is one FormatError naming the field."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from wordvec import FormatError, WordVectors
from wordvec.vectors.io import MAGIC, load_native, save_native


def _write(path, header, matrix=None):
    blob = json.dumps(header).encode() if not isinstance(header, bytes) else header
    start = len(MAGIC) + 8 + len(blob)
    pad = (-start) % 64
    body = b"" if matrix is None else np.ascontiguousarray(matrix, dtype="<f4").tobytes()
    path.write_bytes(MAGIC + len(blob).to_bytes(8, "little") + blob + b"\0" * pad + body)


def _good(**over):
    header = {"format": 1, "shape": [2, 3], "dtype": "<f4", "words": ["a", "b"],
              "counts": [5, 2], "params": {}, "stats": {}}
    header.update(over)
    return header


@pytest.mark.parametrize("over, message", [
    ({"words": None}, "'words' must be a list of strings"),
    ({"words": "ab"}, "'words' must be a list of strings"),
    ({"words": ["a", 1]}, "'words' must be a list of strings"),
    ({"words": ["a", "a"]}, "'words' holds 'a' twice"),
    ({"words": ["a"]}, "'words' lists 1 words for 2 rows"),
    ({"counts": "12"}, "'counts' must be null or 2 non-negative integers"),
    ({"counts": [1, -1]}, "'counts' must be null or 2 non-negative"),
    ({"counts": [1]}, "'counts' must be null or 2"),
    ({"params": [1]}, "'params' must be a JSON object"),
    ({"stats": "x"}, "'stats' must be a JSON object"),
    ({"format": 3}, "'format' is 3; this version reads formats 1 and 2"),
    ({"format": 2}, "'subwords' is required in format 2"),
    ({"subwords": {"rows": 1}}, "'subwords' is required in format 2 \\(and only there\\)"),
    ({"format": 2, "subwords": {"rows": -1, "minn": 3, "maxn": 6, "buckets": 9, "scale": 1}},
     "'subwords' must hold rows, minn, maxn, buckets"),
    ({"format": 2, "subwords": {"rows": 0, "minn": 3, "maxn": 6, "buckets": 9, "scale": "x"}},
     "'subwords' must hold rows"),
    ({"dtype": "<f8"}, "'dtype' is '<f8'; expected '<f4'"),
    ({"shape": [2]}, "'shape' must be two non-negative integers"),
    ({"shape": [2.5, 3]}, "'shape' must be two non-negative integers"),
    ({"shape": [2, 0]}, "'shape' has 0 columns"),
])
def test_bad_header_fields_are_named(tmp_path, over, message):
    path = tmp_path / "m.model"
    _write(path, _good(**over), np.ones((2, 3)))
    with pytest.raises(FormatError, match=f"m.model: header field {message}"):
        WordVectors.load(path)


@pytest.mark.parametrize("blob, message", [
    (b'{"shape": [Infinity, 2]}', "Infinity is not a JSON number"),
    (b"[" * 100000 + b"]" * 100000, "RecursionError"),
    (b'{"format": 1, \xff}', "corrupt header at byte offset 16"),
    (b"[1, 2]", "must be a JSON object"),
])
def test_corrupt_json_is_one_format_error(tmp_path, blob, message):
    path = tmp_path / "m.model"
    _write(path, blob, np.ones((2, 3)))
    with pytest.raises(FormatError, match=message):
        WordVectors.load(path)


@pytest.mark.parametrize("mmap", [None, "r"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused_at_load(tmp_path, value, mmap):
    path = tmp_path / "m.model"
    matrix = np.ones((2, 3), dtype=np.float32)
    matrix[1, 2] = value
    save_native(path, matrix, ["a", "b"], None, {}, {})
    with pytest.raises(FormatError, match=r"m.model: row 1 \(word 'b'\): the vector holds NaN"):
        load_native(path, mmap=mmap)


def test_truncated_file_and_not_a_file(tmp_path):
    path = tmp_path / "m.model"
    WordVectors(np.ones((2, 3)), ["a", "b"]).save(path)
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(FormatError, match="truncated"):
        WordVectors.load(path)
    with pytest.raises(FormatError, match="not a regular file"):
        WordVectors.load(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match="not a regular file"):
        WordVectors.load(fifo)  # refused unopened: does not block


def test_round_trip_still_works(tmp_path):
    path = tmp_path / "m.model"
    wv = WordVectors(np.arange(6).reshape(2, 3), ["a", "b"], counts=[3, 1], params={"x": 1})
    wv.save(path)
    for mmap in (None, "r"):
        back = WordVectors.load(path, mmap=mmap)
        assert back.index_to_key == ["a", "b"] and back.counts.tolist() == [3, 1]
        np.testing.assert_array_equal(back.vectors, wv.vectors)
    empty = tmp_path / "e.model"
    WordVectors(np.zeros((0, 3)), []).save(empty)
    assert len(WordVectors.load(empty, mmap="r")) == 0
