"""word2vec text/binary and GloVe files, both ways against gensim; malformed files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wordvec import FormatError, WordVectors, load_word2vec, save_word2vec
from wordvec.vectors.formats import detect_format, load_glove, load_vectors, save_glove

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
KeyedVectors = gensim_kv.KeyedVectors


@pytest.fixture
def wv():
    rng = np.random.default_rng(3)
    words = ["the", "naïve", "café", "日本", "x"] + [f"w{i}" for i in range(45)]
    vectors = rng.standard_normal((50, 7)).astype(np.float32) * 10.0 ** rng.integers(-8, 4, (50, 1))
    return WordVectors(vectors, words)


@pytest.mark.parametrize("binary", [False, True])
def test_ours_load_in_gensim(wv, tmp_path, binary):
    path = tmp_path / "v.w2v"
    save_word2vec(wv, path, binary=binary)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert kv.index_to_key == wv.index_to_key
    assert np.array_equal(kv.vectors, wv.vectors)


@pytest.mark.parametrize("binary", [False, True])
def test_gensims_load_here(wv, tmp_path, binary):
    kv = KeyedVectors(wv.vector_size)
    kv.add_vectors(wv.index_to_key, np.array(wv.vectors))
    path = tmp_path / "g.w2v"
    kv.save_word2vec_format(str(path), binary=binary)
    for mode in (binary, None):  # explicit and auto-detected
        back = load_word2vec(path, binary=mode)
        assert back.index_to_key == wv.index_to_key
        assert np.array_equal(back.vectors, wv.vectors)
    assert detect_format(path) == ("word2vec-binary" if binary else "word2vec")


def test_glove_both_ways(wv, tmp_path):
    path = tmp_path / "glove.txt"
    save_glove(wv, path)
    assert not path.read_text(encoding="utf-8").startswith("50 7")
    kv = KeyedVectors.load_word2vec_format(str(path), no_header=True)
    assert kv.index_to_key == wv.index_to_key and np.array_equal(kv.vectors, wv.vectors)
    kv.save_word2vec_format(str(tmp_path / "g.txt"), write_header=False)
    back = load_glove(tmp_path / "g.txt")
    assert back.index_to_key == wv.index_to_key and np.array_equal(back.vectors, wv.vectors)
    assert detect_format(path) == "glove"
    assert load_vectors(path).index_to_key == wv.index_to_key


def test_limit_and_c_tool_newlines(wv, tmp_path):
    path = tmp_path / "c.bin"
    # the C tool writes a newline after every binary vector
    body = b"".join(w.encode() + b" " + v.astype("<f4").tobytes() + b"\n"
                    for w, v in zip(wv.index_to_key, wv.vectors))
    path.write_bytes(b"50 7\n" + body)
    back = load_word2vec(path)
    assert np.array_equal(back.vectors, wv.vectors)
    assert load_word2vec(path, limit=3).index_to_key == wv.index_to_key[:3]
    save_word2vec(wv, tmp_path / "t.txt")
    assert len(load_word2vec(tmp_path / "t.txt", limit=4)) == 4


def test_native_mmap_load_maps_the_file(tmp_path):
    """``mmap="r"`` maps the vectors: no copy, read-only, whatever their size.

    (How fast that is, is measured by ``benchmarks/bench_query.py``, not here.)
    """
    rng = np.random.default_rng(0)
    model = WordVectors(rng.standard_normal((20_000, 50), dtype=np.float32),
                        [f"word{i}" for i in range(20_000)], counts=np.arange(20_000)[::-1])
    path = tmp_path / "big.wv"
    model.save(path)
    loaded = load_vectors(path, mmap="r")
    assert loaded.index_to_key[-1] == "word19999"
    assert np.array_equal(loaded.vectors[12345], model.vectors[12345])
    base = loaded.vectors
    while not isinstance(base, np.memmap) and getattr(base, "base", None) is not None:
        base = base.base
    assert isinstance(base, np.memmap), "the vectors were copied, not mapped"
    assert Path(base.filename).resolve() == path.resolve()
    assert not loaded.vectors.flags.writeable


def test_writes_are_atomic(wv, tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("keep me")
    bad = WordVectors(np.ones((2, 2)), ["ok", "two words"])
    with pytest.raises(ValueError, match="'two words' cannot be stored"):
        save_word2vec(bad, path)
    assert path.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["v.txt"]


ROWS = "2 3\nthe 0.1 0.2 0.3\ncat 1 2 3\n"


@pytest.mark.parametrize("text, match", [
    ("2 x\nthe 0.1 0.2 0.3\n", r"bad\.txt: line 1: expected a header"),
    ("2 3\nthe 0.1 0.2 0.3\ncat 1 2\n", r"bad\.txt: line 3: expected 3 values after the word 'cat'; got 2"),
    ("2 3\nthe 0.1 0.2 0.3\ncat 1 2 3 4\n", r"bad\.txt: line 3: expected 3 values"),
    ("2 3\nthe 0.1 zero 0.3\ncat 1 2 3\n", r"bad\.txt: line 2: value b?'zero' is not a number"),
    ("3 3\nthe 0.1 0.2 0.3\ncat 1 2 3\n", r"bad\.txt: line 4: file ends after 2 rows; the header declares 3"),
    ("2 3\nthe 0.1 0.2 0.3\nthe 1 2 3\n", r"bad\.txt: line 3: duplicate word 'the' \(first at line 2\)"),
])
def test_malformed_text(tmp_path, text, match):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(FormatError, match=match):
        load_word2vec(path, binary=False)


def test_malformed_text_non_utf8(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"2 3\nthe 0.1 0.2 0.3\nca\xfft 1 2 3\n")
    with pytest.raises(FormatError, match=r"bad\.txt: line 3: word .* is not valid UTF-8"):
        load_word2vec(path, binary=False)


def test_malformed_glove(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("the 0.1 0.2\ncat 1\n")
    with pytest.raises(FormatError, match=r"bad\.txt: line 2: expected 2 values"):
        load_glove(path)


def _binary(records, header=b"2 2\n"):
    return header + b"".join(w + b" " + np.array(v, dtype="<f4").tobytes() for w, v in records)


def test_malformed_binary(tmp_path):
    path = tmp_path / "bad.bin"
    full = _binary([(b"the", [1, 2]), (b"cat", [3, 4])])
    path.write_bytes(full[:-3])
    with pytest.raises(FormatError, match=r"bad\.bin: byte offset 20: truncated file: record 2 of 2"):
        load_word2vec(path, binary=True)
    path.write_bytes(_binary([(b"the", [1, 2]), (b"the", [3, 4])]))
    with pytest.raises(FormatError, match=r"bad\.bin: byte offset 16: duplicate word 'the' "
                                          r"\(first at byte offset 4\)"):
        load_word2vec(path, binary=True)
    path.write_bytes(_binary([(b"the", [1, 2]), (b"c\xffat", [3, 4])]))
    with pytest.raises(FormatError, match=r"bad\.bin: byte offset 16: word .* not valid UTF-8"):
        load_word2vec(path, binary=True)
    path.write_bytes(_binary([(b"the", [1, 2]), (b"cat", [3, 4])], header=b"two 2\n"))
    with pytest.raises(FormatError, match=r"bad\.bin: line 1: expected a header"):
        load_word2vec(path)
    path.write_bytes(full + b"junk 1234")
    with pytest.raises(FormatError, match=r"bad\.bin: byte offset 28: 9 bytes of extra data"):
        load_word2vec(path, binary=True)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_word2vec(tmp_path / "nope.txt")


# -- hostile files (robustness issue) ----------------------------------------------------
def test_vec_rows_ending_with_a_space_and_tabs_are_word2vec_text(tmp_path):
    from wordvec.vectors.formats import detect_format, load_vectors
    vec = tmp_path / "v.vec"
    vec.write_bytes(b"2 3\ncat 1 2 3 \ndog 4 5 6 \n")  # as word2vec.c and fastText write
    assert detect_format(vec) == "word2vec"
    assert load_vectors(vec, mmap="r")["dog"].tolist() == [4, 5, 6]
    tabs = tmp_path / "t.txt"
    tabs.write_bytes(b"2 3\ncat\t1\t2\t3\r\ndog\t4\t5\t6\n")
    assert detect_format(tabs) == "word2vec"
    assert load_vectors(tabs)["cat"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("row, where", [(b"dog nan 1", "line 3"), (b"dog 1 inf", "line 3"),
                                        (b"dog 1e999 1", "line 3")])
def test_non_finite_text_values_are_refused(tmp_path, row, where):
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 2\ncat 1 2\n" + row + b"\n")
    with pytest.raises(FormatError, match=f"v.txt: {where}: the vector of 'dog' holds NaN"):
        load_word2vec(path)
    glove = tmp_path / "g.txt"
    glove.write_bytes(b"cat 1 2\n" + row + b"\n")
    with pytest.raises(FormatError, match="g.txt: line 2: the vector of 'dog'"):
        load_glove(glove)


def test_non_finite_binary_values_and_huge_headers_are_refused(tmp_path):
    path = tmp_path / "v.bin"
    wv = WordVectors(np.array([[1, 2], [3, 4]], dtype=np.float32), ["cat", "dog"])
    save_word2vec(wv, path, binary=True)
    data = bytearray(path.read_bytes())
    data[-4:] = np.array([np.nan], dtype="<f4").tobytes()
    path.write_bytes(bytes(data))
    with pytest.raises(FormatError, match=r"v.bin: byte offset \d+: the vector of 'dog'"):
        load_word2vec(path, binary=True)
    path.write_bytes(b"1000000000000 8\ncat " + b"\0" * 32)
    with pytest.raises(FormatError, match="declares 1000000000000 words of 8 floats, more than"):
        load_word2vec(path, binary=True)


def test_every_format_opens_with_mmap_and_non_files_are_refused(tmp_path):
    import os

    from wordvec.vectors.formats import load_vectors
    wv = WordVectors(np.array([[1, 2], [3, 4]], dtype=np.float32), ["cat", "dog"])
    for name, save in (("t.txt", lambda p: save_word2vec(wv, p)),
                       ("b.bin", lambda p: save_word2vec(wv, p, binary=True)),
                       ("g.txt", lambda p: save_glove(wv, p)), ("n.model", wv.save)):
        save(tmp_path / name)
        assert load_vectors(tmp_path / name, mmap="r")["dog"].tolist() == [3, 4]
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, tmp_path):
        with pytest.raises(FormatError, match="not a regular file"):
            load_vectors(target)
