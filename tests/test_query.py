"""Query engine: exact answers on hand-made vectors, gensim agreement, batched == single."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wordvec import WordVectors
from wordvec.cli import main
from wordvec.vectors import _ranking, query
from wordvec.vectors.vectors import UnusableVectorWarning

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")

# four words on the unit circle: cosines are read off by hand
CIRCLE = WordVectors(np.array([[1, 0], [0.8, 0.6], [0, 1], [-1, 0]]), ["a", "b", "c", "d"])
ROYAL = WordVectors(np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, 1]]),
                    ["man", "woman", "king", "queen", "crown"])


def _random_wv(n: int = 300, dim: int = 12, seed: int = 0) -> WordVectors:
    rng = np.random.default_rng(seed)
    return WordVectors(rng.standard_normal((n, dim)), [f"w{i}" for i in range(n)])


def _gensim(wv: WordVectors) -> object:
    kv = gensim_kv.KeyedVectors(wv.vector_size)
    kv.add_vectors(wv.index_to_key, np.array(wv.vectors))
    return kv


def test_most_similar_exact_on_hand_made_vectors():
    answer = CIRCLE.most_similar("a")
    assert [w for w, _ in answer] == ["b", "c", "d"]
    assert [s for _, s in answer] == pytest.approx([0.8, 0.0, -1.0], abs=1e-7)
    # b - a = (-0.2, 0.6): nearest is c with cosine 0.6 / sqrt(0.4)
    (word, score), = CIRCLE.most_similar(positive=["b"], negative=["a"], topn=1)
    assert word == "c" and score == pytest.approx(0.6 / np.sqrt(0.4), abs=1e-6)


def test_question_words_never_returned():
    for method in ("add", "mul"):
        answer = ROYAL.analogy("man", "woman", "king", topn=10, method=method)
        assert {w for w, _ in answer} == {"queen", "crown"}
    assert "a" not in [w for w, _ in CIRCLE.most_similar("a", topn=10)]


def test_unknown_words_raise_or_skip():
    with pytest.raises(KeyError, match="'zebra' not in vocabulary"):
        CIRCLE.most_similar(["a", "zebra"])
    with pytest.raises(KeyError, match="'zebra'"):
        ROYAL.analogy("man", "zebra", "king")
    assert CIRCLE.most_similar(["zebra"], unknown="skip") == []
    answers = ROYAL.batch_analogy([("man", "woman", "king"), ("x", "y", "z")], unknown="skip")
    assert answers[0][0][0] == "queen" and answers[1] == []


def test_restrict_vocab_limits_candidates():
    wv = _random_wv()
    answer = wv.most_similar("w250", topn=5, restrict_vocab=50)
    assert all(int(w[1:]) < 50 for w, _ in answer)
    kv = _gensim(wv)
    assert [w for w, _ in answer] == [w for w, _ in kv.most_similar("w250", topn=5,
                                                                       restrict_vocab=50)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_gensim(seed):
    wv = _random_wv(seed=seed)
    kv = _gensim(wv)
    for pos, neg in [(["w1"], []), (["w2", "w3"], ["w4"]), (["w5"], ["w6", "w7"])]:
        ours = wv.most_similar(pos, neg, topn=7)
        theirs = kv.most_similar(positive=pos, negative=neg, topn=7)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
        ours = wv.most_similar_cosmul(pos, neg, topn=7)
        theirs = kv.most_similar_cosmul(positive=pos, negative=neg, topn=7)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        assert np.allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-4)
    vec = np.linspace(-1, 1, wv.vector_size)
    assert [w for w, _ in wv.similar_by_vector(vec, topn=5)] == \
        [w for w, _ in kv.similar_by_vector(vec, topn=5)]


def test_top_n_breaks_ties_by_index():
    row = np.array([0.5, 0.9, 0.5, 0.5, -np.inf, 0.9], dtype=np.float32)
    assert query.top_n(row, 3).tolist() == [1, 5, 0]
    assert query.top_n(row, 10).tolist() == [1, 5, 0, 2, 3]


def test_validation_messages():
    with pytest.raises(ValueError, match="topn must be an integer >= 1; got 0"):
        CIRCLE.most_similar("a", topn=0)
    with pytest.raises(ValueError, match="method must be one of 'add', 'mul'; got 'sub'"):
        CIRCLE.analogy("a", "b", "c", method="sub")
    with pytest.raises(ValueError, match="unknown must be one of 'raise', 'skip'"):
        CIRCLE.most_similar("a", unknown="ignore")
    with pytest.raises(ValueError, match="three words"):
        CIRCLE.batch_analogy([("a", "b")])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        CIRCLE.batch_similar_by_vector(np.ones((2, 3)))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), topn=st.integers(1, 4), block=st.integers(1, 40),
       method=st.sampled_from(["add", "mul"]))
def test_batched_equals_one_by_one(seed, topn, block, method):
    rng = np.random.default_rng(seed)
    wv = _random_wv(n=60, dim=5, seed=seed)
    words = [f"w{i}" for i in rng.integers(0, 60, 12)]
    batched = wv.batch_most_similar(words, topn=topn, method=method, block_size=block)
    for word, answer in zip(words, batched):
        single = (wv.most_similar if method == "add" else wv.most_similar_cosmul)(word, topn=topn)
        assert [w for w, _ in answer] == [w for w, _ in single]
        assert np.allclose([s for _, s in answer], [s for _, s in single], atol=1e-5)
    triples = [tuple(f"w{i}" for i in rng.choice(60, 3, replace=False)) for _ in range(10)]
    batched = wv.batch_analogy(triples, topn=topn, method=method, block_size=block)
    for triple, answer in zip(triples, batched):
        single = wv.analogy(*triple, topn=topn, method=method)
        assert [w for w, _ in answer] == [w for w, _ in single]
        assert np.allclose([s for _, s in answer], [s for _, s in single], atol=1e-5)
    vectors = rng.standard_normal((7, 5))
    batched = wv.batch_similar_by_vector(vectors, topn=topn, block_size=block)
    assert batched == [wv.similar_by_vector(v, topn=topn) for v in vectors] or all(
        [w for w, _ in b] == [w for w, _ in wv.similar_by_vector(v, topn=topn)]
        for b, v in zip(batched, vectors))


def test_memory_is_bounded_by_block(monkeypatch):
    """Scores are made for ``block_size`` queries at a time: every row handed on to the
    masking is a row of a score block of at most that many rows (a spy on wordvec's own
    function, not on NumPy)."""
    wv = _random_wv(n=100, dim=4)
    blocks = []
    real = query._mask

    def spy(line, rows):
        blocks.append(line.base.shape[0] if line.base is not None else 1)
        return real(line, rows)

    monkeypatch.setattr(query, "_mask", spy)
    for method in ("add", "mul"):
        wv.batch_most_similar([f"w{i}" for i in range(50)], topn=2, block_size=8, method=method)
    assert len(blocks) == 100 and max(blocks) <= 8 and 8 in blocks


def test_cli_similar_and_analogy(tmp_path, capsys):
    model = tmp_path / "royal.wv"
    ROYAL.save(model)
    assert main(["similar", str(model), "king", "--topn", "2"]) == 0
    assert capsys.readouterr().out.startswith("king\tqueen ")
    assert main(["analogy", str(model), "man", "woman", "king", "--method", "mul",
                 "--json"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["query"] == ["man", "woman", "king"] and line["results"][0][0] == "queen"
    queries = tmp_path / "q.txt"
    queries.write_text("man woman king\n# comment\nman woman zebra\n")
    assert main(["analogy", str(model), "--queries", str(queries), "--skip-unknown"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("man woman king\tqueen") and out[1].endswith("(unknown word)")
    assert main(["similar", str(model), "zebra"]) == 2
    assert "'zebra' not in vocabulary" in capsys.readouterr().err
    assert main(["analogy", str(model), "man", "woman"]) == 2


# -- a model with a NaN row and a zero row (issue: one bad row emptied every answer) ----
def _bad_rows_model() -> WordVectors:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40, 6)).astype(np.float32)
    vectors[5] = np.nan
    vectors[9] = 0.0
    vectors[12, 2] = np.inf
    return WordVectors(vectors, [f"w{i}" for i in range(40)])


def _clean_reference(wv: WordVectors) -> WordVectors:
    """The same model without its unusable rows: what every answer must equal."""
    keep = [i for i in range(len(wv)) if i not in (5, 9, 12)]
    return WordVectors(np.asarray(wv.vectors)[keep], [wv.index_to_key[i] for i in keep])


def _same(got: list, want: list) -> bool:
    """Same words in the same order, scores equal up to float32 rounding."""
    flat = [(g, w) for a, b in zip(got, want) for g, w in (zip(a, b) if isinstance(a, list)
                                                          else [(a, b)])]
    lengths = [len(a) == len(b) for a, b in zip(got, want) if isinstance(a, list)]
    return len(got) == len(want) and all(lengths) and all(
        g[0] == w[0] and abs(g[1] - w[1]) < 1e-5 for g, w in flat)


@pytest.mark.filterwarnings("ignore::wordvec.vectors.vectors.UnusableVectorWarning")
def test_queries_never_drop_results_because_of_a_nan_or_zero_row():
    wv, ref = _bad_rows_model(), _clean_reference(_bad_rows_model())
    assert wv.unusable_rows.tolist() == [5, 9, 12]
    for word in ("w0", "w1", "w30"):
        got = wv.most_similar(word, topn=10)
        assert len(got) == 10 and _same(got, ref.most_similar(word, topn=10))
        assert _same(wv.most_similar_cosmul(word, topn=5), ref.most_similar_cosmul(word, topn=5))
    assert _same(wv.most_similar(["w0", "w1"], ["w2"], topn=4),
                 ref.most_similar(["w0", "w1"], ["w2"], topn=4))
    triples = [("w0", "w1", "w2"), ("w0", "w1", "w3"), ("w0", "w1", "w4"), ("w3", "w7", "w8")]
    for method in ("add", "mul"):
        assert _same(wv.batch_analogy(triples, topn=3, method=method),
                     ref.batch_analogy(triples, topn=3, method=method))
    got = wv.batch_most_similar(["w0", "w2"], topn=40)  # more than there are
    assert [len(r) for r in got] == [36, 36]  # every usable word but the query
    assert _same(got, ref.batch_most_similar(["w0", "w2"], topn=40))
    vec = np.asarray(wv.vectors)[0]
    assert _same(wv.similar_by_vector(vec, topn=5), ref.similar_by_vector(vec, topn=5))


@pytest.mark.filterwarnings("ignore::wordvec.vectors.vectors.UnusableVectorWarning")
def test_querying_a_zero_or_nan_row_is_a_clear_error():
    wv = _bad_rows_model()
    for word in ("w5", "w9", "w12"):
        with pytest.raises(ValueError, match=f"word '{word}' has a zero or non-finite vector"):
            wv.most_similar(word)
        with pytest.raises(ValueError, match=f"'{word}' has a zero or non-finite"):
            wv.analogy("w0", "w1", word)
    assert wv.batch_most_similar(["w9", "w0"], unknown="skip")[0] == []
    with pytest.raises(ValueError, match="cancel out"):
        wv.most_similar(positive=["w0"], negative=["w0"])
    with pytest.raises(ValueError, match="row 0 of vectors is zero"):
        wv.similar_by_vector(np.zeros(6))


def test_top_n_treats_nan_as_never_a_winner():
    row = np.array([0.2, np.nan, 0.9, np.nan, 0.5], dtype=np.float32)
    assert query.top_n(row, 3).tolist() == [2, 4, 0]
    assert query.top_n(row, 10).tolist() == [2, 4, 0]
    assert _ranking._select(row, 1).tolist() == [2]


def test_cli_similar_on_a_model_with_a_zero_row(tmp_path, capsys):
    wv = WordVectors(np.array([[1, 0], [0.9, 0.1], [0, 0], [0, 1]]), ["a", "b", "z", "c"])
    path = tmp_path / "m.model"
    wv.save(path)
    with pytest.warns(UnusableVectorWarning):
        assert main(["similar", str(path), "a", "--topn", "3"]) == 0
    out = capsys.readouterr().out
    assert "b " in out and "c " in out and "z " not in out
