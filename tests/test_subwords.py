"""Subword vectors: n-grams by hand, the ridge fit against a dense solve."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from wordvec.vectors.subwords import (blend, blend_weights, char_ngrams, fit_subwords, incidence,
                                      ngram_buckets)


def test_ngrams_of_the_marked_word() -> None:
    assert char_ngrams("cat", 3, 4) == ["<ca", "<cat", "cat", "cat>", "at>"]
    assert char_ngrams("a", 3, 6) == ["<a>"]
    assert char_ngrams("ab", 1, 2) == ["<", "<a", "a", "ab", "b", "b>", ">"]
    assert ngram_buckets("cat", 3, 3, 7).tolist() == [
        zlib.crc32(g.encode()) % 7 for g in ("<ca", "cat", "at>")]


def test_incidence_rows_are_means() -> None:
    g, used = incidence(["cat", "cats"], 3, 3, 1000)
    assert g.shape == (2, used.size) and np.all(np.diff(used) > 0)
    np.testing.assert_allclose(np.asarray(g.sum(axis=1)).ravel(), 1.0, rtol=1e-6)
    assert g[0].nnz == 3 and g[1].nnz == 4  # <ca cat at> ; <ca cat ats ts>
    shared = set(g[0].indices) & set(g[1].indices)
    assert len(shared) == 2  # <ca and cat


def test_fit_solves_the_ridge_problem() -> None:
    rng = np.random.default_rng(0)
    words = ["walk", "walked", "walking", "talk", "talked", "talking", "city", "cities"]
    w = rng.standard_normal((len(words), 4)).astype(np.float32)
    lam = 0.05
    sw, recon = fit_subwords(words, w, minn=2, maxn=4, buckets=10_000, lam=lam, n_iter=500,
                             tol=1e-7)
    g, used = incidence(words, 2, 4, 10_000)
    dense = g.toarray().astype(np.float64)
    expected = np.linalg.solve(dense.T @ dense + lam * np.eye(used.size), dense.T @ w)
    np.testing.assert_allclose(sw.table, expected, atol=2e-4)
    np.testing.assert_array_equal(sw.buckets_used, used)
    # the reconstructions are the means of the words' n-gram vectors, G Z
    np.testing.assert_allclose(recon, dense @ expected, atol=2e-4)
    stats: dict = {}
    none, alone = fit_subwords(words, w, minn=2, maxn=4, buckets=10_000, lam=lam, n_iter=500,
                               tol=1e-7, keep_table=False, stats=stats)
    assert none is None and stats["ngram_rows"] == used.size  # the table was never kept
    np.testing.assert_array_equal(alone, recon)
    np.testing.assert_allclose(sw.mean(words), dense @ expected, atol=2e-4)
    # a word's vector is that mean's direction, ``scale`` long
    mean = (dense @ expected)[1]
    np.testing.assert_allclose(sw.vector("walked"), mean / np.linalg.norm(mean), atol=2e-4)
    many, ok = sw.vectors(["walked", "qqqq"])
    assert ok.tolist() == [True, False] and not many[1].any()
    np.testing.assert_allclose(many[0], sw.vector("walked"), atol=1e-6)


def test_blend_by_hand() -> None:
    shares = blend_weights(np.array([0, 50]), 0.2, 0.5)
    np.testing.assert_allclose(shares, [0.7, 0.45], rtol=1e-6)
    unit = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    recon = np.array([[0.0, 2.0], [0.0, 0.0]], dtype=np.float32)  # the second has none
    np.testing.assert_allclose(blend(unit, recon, shares), [[1.0, 0.7], [0.0, 1.0]], rtol=1e-6)


def test_unseen_words_get_vectors_from_shared_ngrams() -> None:
    words = ["walk", "walked", "talk", "talked", "jump", "jumped"]
    w = np.eye(6, dtype=np.float32)
    sw, _ = fit_subwords(words, w, minn=3, maxn=4, buckets=100_000, lam=0.01, n_iter=30)
    v = sw.vector("walking")
    assert v is not None and sw.known_ngrams("walking") >= 2
    assert int(np.argmax(v)) in (0, 1)  # closest to walk / walked
    assert sw.vector("zzzz") is None and sw.known_ngrams("zzzz") == 0


@pytest.mark.parametrize("kw, message", [({"minn": 0}, "minn"), ({"minn": 4, "maxn": 3}, "maxn"),
                                         ({"lam": 0}, "lam"), ({"buckets": 0}, "buckets")])
def test_bad_parameters(kw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fit_subwords(["ab"], np.ones((1, 2)), **kw)
    with pytest.raises(ValueError, match="one row per word"):
        fit_subwords(["ab", "cd"], np.ones((1, 2)))


def test_min_words_leaves_out_buckets_of_one_word() -> None:
    words = ["walk", "walked", "talk", "talked", "xyzq"]
    g1, used1 = incidence(words, 3, 3, 100_000)
    g2, used2 = incidence(words, 3, 3, 100_000, min_words=2)
    assert used2.size < used1.size and set(used2) <= set(used1)
    assert g2[4].nnz == 0  # no n-gram of xyzq is shared
    sums = np.asarray(g2.sum(axis=1)).ravel()
    np.testing.assert_allclose(sums[:4], 1.0, rtol=1e-6)  # still means over what is kept


# -- in the model: build, save and load, lookups, queries, features, evaluation ----------

STEMS = ["walk", "talk", "jump", "play", "look", "work", "call", "help"]
SUFFIXES = ["", "s", "ed", "ing"]


def _morph_corpus(n_docs: int = 80, seed: int = 0) -> list[str]:
    """Verbs and their inflections; each document uses one stem's forms."""
    rng = np.random.default_rng(seed)
    docs = []
    for i in range(n_docs):
        stem = STEMS[i % len(STEMS)]
        forms = [stem + s for s in SUFFIXES] + ["the", "a", "we", "they"]
        docs.append(" ".join(rng.choice(forms, 14)))
    return docs


SMALL = {"window": 2, "min_count": 1, "subsample": 0, "dim": 6, "progress": False}


@pytest.fixture(scope="module")
def model():
    import wordvec
    return wordvec.build(_morph_corpus(), subwords=True, **SMALL)


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_build_keeps_subwords_and_reports_the_step(model) -> None:
    assert model.subwords is not None and model.subwords.dim == model.vector_size
    assert model.stats["subwords"]["ngram_rows"] == model.subwords.table.shape[0]
    assert model.stats["timings"]["subwords"] > 0
    assert model.params["subwords"] is True and "subwords=" in repr(model)
    # the scale of an unseen word's vector is the median length of the model's vectors
    np.testing.assert_allclose(model.subwords.scale,
                               np.median(np.linalg.norm(model.vectors, axis=1)), rtol=1e-5)


def test_without_subwords_nothing_is_kept_and_unseen_words_raise() -> None:
    import wordvec
    wv = wordvec.build(_morph_corpus(), **SMALL)
    assert wv.subwords is None and "subwords" in wv.stats  # fitted for the blend only
    with pytest.raises(KeyError, match="'walker' not in vocabulary"):
        wv["walker"]
    assert not wv.has_vector("walker")


def test_blend_reaches_the_vectors() -> None:
    """build's vectors are the blend of the unblended vectors with their n-gram
    reconstructions, by the shares of blend_weights."""
    import wordvec
    off = wordvec.build(_morph_corpus(), subword_weight=0, subword_rare_weight=0, **SMALL)
    assert "subwords" not in off.stats  # no n-gram step at all
    on = wordvec.build(_morph_corpus(), subword_weight=0.3, subword_rare_weight=0.6, **SMALL)
    unit = _unit(off.vectors).astype(np.float32)
    _, recon = fit_subwords(off.index_to_key, unit)
    expected = unit + blend_weights(off.counts, 0.3, 0.6)[:, None] * _unit(recon)
    np.testing.assert_allclose(on.vectors, expected, atol=2e-5)


def test_save_load_round_trip(model, tmp_path) -> None:
    import wordvec
    path = tmp_path / "m.model"
    model.save(path)
    for mmap in (None, "r"):
        back = wordvec.load(path, mmap=mmap)
        assert back.subwords is not None
        np.testing.assert_array_equal(back.subwords.table, model.subwords.table)
        np.testing.assert_array_equal(back.subwords.buckets_used, model.subwords.buckets_used)
        assert back.subwords.scale == model.subwords.scale
        assert (back.subwords.minn, back.subwords.maxn) == (3, 6)
        np.testing.assert_array_equal(back["walker"], model["walker"])
    # word2vec text cannot hold n-grams: the vocabulary's vectors alone
    wordvec.save_word2vec(model, tmp_path / "m.txt")
    text = wordvec.load_word2vec(tmp_path / "m.txt")
    assert text.subwords is None and len(text) == len(model)


def test_damaged_subword_files_are_named(model, tmp_path) -> None:
    from wordvec.errors import FormatError
    from wordvec.vectors.io import load_native
    path = tmp_path / "m.model"
    model.save(path)
    data = path.read_bytes()
    (tmp_path / "short.model").write_bytes(data[:-4])
    with pytest.raises(FormatError, match="and .* n-gram vectors \\(truncated\\?\\)"):
        load_native(tmp_path / "short.model")
    bad = bytearray(data)
    bad[-4:] = np.array([np.nan], dtype="<f4").tobytes()
    (tmp_path / "nan.model").write_bytes(bytes(bad))
    with pytest.raises(FormatError, match="n-gram vector .* holds NaN"):
        load_native(tmp_path / "nan.model")


def test_unseen_word_lookups(model) -> None:
    assert "walker" not in model and model.has_vector("walker")
    v = model["walker"]
    assert v.shape == (model.vector_size,) and not v.flags.writeable
    np.testing.assert_array_equal(v, model.subwords.vector("walker"))
    np.testing.assert_array_equal(model.get_vector("Walker"), v)  # normalized as counted
    np.testing.assert_array_equal(model[["walk", "walker"]],
                                  np.stack([model["walk"], v]))
    with pytest.raises(KeyError, match="none of its character n-grams is known"):
        model["qqqqqq"]
    assert not model.has_vector("qqqqqq")


def test_unseen_word_queries_match_a_brute_force_reference(model) -> None:
    """most_similar, 3CosMul, analogies, similarity and friends with an unseen word, against
    cosines computed here over the whole vocabulary."""
    unit = _unit(model.vectors)
    words = model.index_to_key
    q = _unit(model["walker"])
    assert model.similarity("walker", "walked") == pytest.approx(float(q @ unit[words.index("walked")]), abs=1e-6)
    cos = unit @ q
    expected = [words[i] for i in np.argsort(-cos, kind="stable")[:5]]
    assert [w for w, _ in model.most_similar("walker", topn=5)] == expected
    # 3CosAdd with an unseen positive and a known negative
    target = _unit(q - unit[words.index("talk")])
    scores = unit @ target
    scores[words.index("talk")] = -np.inf
    assert model.most_similar(["walker"], ["talk"], topn=1)[0][0] == words[int(np.argmax(scores))]
    # 3CosMul analogy talk : talked :: walker : ?
    p = lambda v: (1 + unit @ v) / 2  # noqa: E731
    a, b = unit[words.index("talk")], unit[words.index("talked")]
    mul = p(b) * p(q) / (p(a) + 1e-6)
    mul[[words.index("talk"), words.index("talked")]] = -np.inf
    got = model.analogy("talk", "talked", "walker", method="mul")[0]
    assert got[0] == words[int(np.argmax(mul))]
    assert got[1] == pytest.approx(float(np.max(mul)), rel=1e-4)
    dist = model.distances("walker", ["walk", "walker"])
    np.testing.assert_allclose(dist, [1 - q @ unit[words.index("walk")], 0.0], atol=1e-6)
    assert model.rank("walker", "walked") == int(np.sum(cos > cos[words.index("walked")])) + 1
    assert model.doesnt_match(["walker", "walked", "walking", "the"]) in {"the", "walker"}
    assert np.isfinite(model.n_similarity(["walker"], ["walk", "talk"]))


def test_embedding_vectorizer_uses_subwords(model) -> None:
    from wordvec.features import EmbeddingVectorizer, EmptyDocumentWarning
    vec = EmbeddingVectorizer(model, norm=None).fit([["walk"], ["talk"]])
    np.testing.assert_allclose(vec.transform([["walker"]])[0], model["walker"], rtol=1e-6)
    np.testing.assert_allclose(vec.transform([["walker", "walk"]])[0],
                               (model["walker"] + model["walk"]) / 2, rtol=1e-5)
    skip = EmbeddingVectorizer(model, norm=None, subwords=False).fit([["walk"]])
    np.testing.assert_allclose(skip.transform([["walker", "walk"]])[0], model["walk"],
                               rtol=1e-6)
    tfidf = EmbeddingVectorizer(model, norm=None, pooling="tfidf").fit([["walk"], ["talk"]])
    idf_walk = tfidf.idf_[model.get_index("walk")]
    w = np.array([tfidf.idf_unseen_, idf_walk])
    expected = (w[0] * model["walker"] + w[1] * model["walk"]) / w.sum()
    np.testing.assert_allclose(tfidf.transform([["walker", "walk"]])[0], expected, rtol=1e-5)
    assert tfidf.idf_unseen_ == pytest.approx(np.log(3) + 1)
    for pooling in ("sif", "maxmin"):
        with pytest.warns(EmptyDocumentWarning, match="1 of 2 documents"):
            out = EmbeddingVectorizer(model, pooling=pooling).fit_transform(
                [["walker", "walk"], ["qqqqq"]])
        assert np.isfinite(out).all() and not out[1].any()  # qqqqq: no n-gram known


def test_evaluation_counts_subword_pairs(model, tmp_path) -> None:
    from wordvec.evaluate import evaluate_analogies, evaluate_similarity
    sim = tmp_path / "sim.txt"
    sim.write_text("walk walked 9\nwalker walking 8\ntalk the 1\nqqqqq walk 2\n")
    r = evaluate_similarity(model, sim)
    assert (r.n_scored, r.n_subwords, r.n_unknown) == (3, 1, 1)
    plain = evaluate_similarity(model, sim, subwords=False)
    assert (plain.n_scored, plain.n_subwords, plain.n_unknown) == (2, 0, 2)
    q = tmp_path / "q.txt"
    q.write_text(": verbs\ntalk talked walk walked\ntalk talked walker walked\n"
                 "talk talked qqqqq walked\ntalk talked walk walkerz\n")
    a = evaluate_analogies(model, q)
    assert (a.n_total, a.n_covered, a.n_subwords) == (4, 2, 1)
    assert evaluate_analogies(model, q, subwords=False).n_covered == 1
