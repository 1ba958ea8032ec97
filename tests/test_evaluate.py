"""Benchmark evaluation: formats, hand-checked numbers, agreement with gensim."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from wordvec import FormatError, WordVectors
from wordvec.cli import main
from wordvec.evaluate import (
    evaluate_analogies,
    evaluate_similarity,
    read_analogies,
    read_similarity,
)

from .conftest import EVAL, needs_shared

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
GOOGLE = EVAL / "analogy" / "questions-words.txt"
WS353 = EVAL / "similarity" / "EN-WS-353-ALL.txt"


def _gensim(wv):
    kv = gensim_kv.KeyedVectors(wv.vector_size)
    kv.add_vectors(wv.index_to_key, np.array(wv.vectors))
    return kv


def test_read_similarity_formats(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("# comment\nWord 1\tWord 2\tHuman (mean)\ncat\tdog\t7.5\r\n\ncar  bus 6\n")
    assert read_similarity(path) == [("cat", "dog", 7.5), ("car", "bus", 6.0)]
    path.write_text("cat dog 7.5\ncar bus lots\n")
    with pytest.raises(FormatError, match=r"s\.txt: line 2: score 'lots' is not a number"):
        read_similarity(path)
    path.write_text("cat dog 7.5\ncar bus\n")
    with pytest.raises(FormatError, match=r"s\.txt: line 2: expected 3 fields"):
        read_similarity(path)
    for bad in ("nan", "inf", "-1e999"):
        path.write_text(f"cat dog 7.5\ncar bus {bad}\n")
        with pytest.raises(FormatError, match=rf"s\.txt: line 2: score '{bad}' is not a finite"):
            read_similarity(path)


def test_zero_vector_words_count_as_unknown_in_evaluation(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("a b 1\na c 2\nb c 3\nz a 4\n")
    wv = WordVectors(np.array([[1, 0], [0.8, 0.6], [0, 1], [0, 0]]), ["a", "b", "c", "z"])
    with pytest.warns(UserWarning, match="zero or non-finite vector"):
        result = evaluate_similarity(wv, path, case_insensitive=False)
    assert (result.n_scored, result.n_unknown) == (3, 1)


def test_read_analogies_formats(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("a b c d\ne f g h\n")
    assert read_analogies(path) == [("plain", [("a", "b", "c", "d"), ("e", "f", "g", "h")])]
    path.write_text(": one\na b c d\n: two\na b c\n")
    with pytest.raises(FormatError, match=r"plain\.txt: line 4: expected 4 words"):
        read_analogies(path)


def test_similarity_hand_made(tmp_path):
    wv = WordVectors(np.array([[1, 0], [1, 0.2], [0, 1], [0.5, 1]]), ["a", "b", "c", "D"])
    path = tmp_path / "sim.txt"
    path.write_text("a b 9\nc d 7\na c 1\nb zebra 3\n")
    r = evaluate_similarity(wv, path)
    cos = [float(wv.unit_vectors[i] @ wv.unit_vectors[j]) for i, j in [(0, 1), (2, 3), (0, 2)]]
    assert (r.n_pairs, r.n_scored, r.n_unknown, r.unknown_policy) == (4, 3, 1, "skip")
    assert r.spearman == pytest.approx(stats.spearmanr([9, 7, 1], cos)[0])
    assert r.pearson == pytest.approx(stats.pearsonr([9, 7, 1], cos)[0])
    zero = evaluate_similarity(wv, path, unknown="zero")
    assert (zero.n_scored, zero.n_unknown) == (4, 1)
    assert zero.pearson == pytest.approx(stats.pearsonr([9, 7, 1, 3], cos + [0.0])[0])
    strict = evaluate_similarity(wv, path, case_insensitive=False)
    assert strict.n_unknown == 2            # "d" is not "D" any more
    assert json.loads(json.dumps(r.as_dict()))["name"] == "sim"
    with pytest.raises(ValueError, match="unknown must be one of 'raise', 'skip', 'zero'; got 'dr"):
        evaluate_similarity(wv, path, unknown="drop")
    with pytest.raises(KeyError, match=r"pair 'b' 'zebra': 'zebra' is not in the vocabulary"):
        evaluate_similarity(wv, path, unknown="raise")  # as the queries' unknown="raise"


def test_unknown_means_the_same_in_queries_and_evaluation() -> None:
    from wordvec.evaluate import UNKNOWN_SIMILARITY
    from wordvec.vectors.query import UNKNOWN_POLICIES

    assert set(UNKNOWN_POLICIES) <= set(UNKNOWN_SIMILARITY)


def test_cli_restrict_vocab_is_a_count_or_all(tmp_path, capsys):
    from wordvec.cli import main

    wv = WordVectors(np.array([[1, 0], [1, 0.2], [0, 1], [0.5, 1]]), ["a", "b", "c", "d"])
    wv.save(tmp_path / "m.wv")
    (tmp_path / "sim.txt").write_text("a b 9\nc d 7\na c 1\n")
    assert main(["evaluate", str(tmp_path / "m.wv"), "--similarity", str(tmp_path / "sim.txt"),
                 "--restrict-vocab", "all"]) == 0
    assert "restrict_vocab=None" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", str(tmp_path / "m.wv"), "--restrict-vocab", "0"])
    assert exit_info.value.code == 2
    assert "must be a number of words >= 1 or 'all'; got '0'" in capsys.readouterr().err


def _mixed_case_model(seed=0):
    """Random vectors over words with case variants, most frequent first."""
    rng = np.random.default_rng(seed)
    base = ["athens", "greece", "oslo", "norway", "paris", "france", "rome", "italy",
            "big", "bigger", "small", "smaller", "good", "better"]
    words = base + [w.capitalize() for w in base[:6]] + [f"filler{i}" for i in range(30)]
    return WordVectors(rng.standard_normal((len(words), 6)), words)


def test_analogies_hand_made(tmp_path):
    wv = WordVectors(np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, 1]]),
                     ["man", "woman", "king", "queen", "crown"])
    path = tmp_path / "q.txt"
    path.write_text(": royals\nman woman king queen\nman woman king crown\n"
                    ": other\nman woman prince princess\n")
    r = evaluate_analogies(wv, path)
    assert (r.n_total, r.n_covered) == (3, 2)
    assert r.accuracy == {"add": 0.5, "mul": 0.5}
    assert r.accuracy_all == {"add": 1 / 3, "mul": 1 / 3}
    assert [s["n_covered"] for s in r.sections] == [2, 0]
    assert r.sections[1]["accuracy"] == {"add": None, "mul": None}
    assert json.loads(json.dumps(r.as_dict()))["sections"][0]["correct"] == {"add": 1, "mul": 1}


@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("restrict", [None, 12, 300000])
def test_analogies_match_gensim(tmp_path, case_insensitive, restrict):
    wv = _mixed_case_model()
    base = wv.index_to_key[:14]
    lines = [": pairs"] + [f"{a} {b} {c} {d}" for a, b in zip(base[::2], base[1::2])
                           for c, d in zip(base[::2], base[1::2]) if a != c]
    lines += [": cased", "Athens Greece Paris France", "ATHENS greece oslo NORWAY",
              "athens Greece Oslo Norway", "Paris France zebra zebras"]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(lines) + "\n")
    r = evaluate_analogies(wv, path, restrict_vocab=restrict, case_insensitive=case_insensitive,
                           methods=("add",))
    score, sections = _gensim(wv).evaluate_word_analogies(
        str(path), restrict_vocab=restrict or len(wv), case_insensitive=case_insensitive)
    assert r.accuracy["add"] == pytest.approx(score)
    for ours, theirs in zip(r.sections, sections):
        n = len(theirs["correct"]) + len(theirs["incorrect"])
        assert ours["n_covered"] == n and ours["correct"]["add"] == len(theirs["correct"])


def test_similarity_matches_gensim(tmp_path):
    wv = _mixed_case_model(1)
    path = tmp_path / "s.tsv"
    rng = np.random.default_rng(2)
    words = wv.index_to_key[:20] + ["zebra"]
    # no pair of a word with itself (or its case variant): cosines of 1 are ties whose
    # last-bit rounding differs between implementations and would reorder Spearman ranks
    pairs = [(words[i], words[j], float(rng.uniform(0, 10)))
             for i, j in rng.integers(0, len(words), (40, 2))
             if words[i].upper() != words[j].upper()]
    path.write_text("".join(f"{a}\t{b}\t{s}\n" for a, b, s in pairs))
    kv = _gensim(wv)
    for dummy in (False, True):
        pearson, spearman, _ = kv.evaluate_word_pairs(str(path), dummy4unknown=dummy)
        r = evaluate_similarity(wv, path, unknown="zero" if dummy else "skip")
        assert r.spearman == pytest.approx(spearman[0], abs=1e-6)
        assert r.pearson == pytest.approx(pearson[0], abs=1e-6)


@pytest.mark.shared
@needs_shared(GOOGLE)
def test_google_set_matches_gensim_on_a_small_model():
    """The real questions-words.txt, a random 2k-word model: covered counts and accuracy."""
    words, seen = [], set()
    for line in GOOGLE.read_text().splitlines():
        if not line.startswith(":"):
            for w in line.lower().split():
                if w not in seen:
                    seen.add(w)
                    words.append(w)
    rng = np.random.default_rng(0)
    keep = sorted(rng.choice(len(words), int(len(words) * 0.9), replace=False))
    names = [words[i] for i in keep]
    # low-rank structure so that some analogies are right
    vectors = rng.standard_normal((len(names), 4)) @ rng.standard_normal((4, 24))
    vectors += 0.5 * rng.standard_normal(vectors.shape)
    wv = WordVectors(vectors, names)
    r = evaluate_analogies(wv, GOOGLE, methods=("add",))
    score, sections = _gensim(wv).evaluate_word_analogies(str(GOOGLE))
    assert r.n_total == 19544
    assert r.n_covered == len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    assert r.accuracy["add"] == pytest.approx(score, abs=5e-4)


@pytest.mark.shared
@needs_shared(WS353)
def test_cli_evaluate(tmp_path, capsys):
    rng = np.random.default_rng(0)
    words = sorted({w.lower() for line in WS353.read_text().splitlines()
                    for w in line.split("\t")[:2]})
    model = tmp_path / "m.wv"
    WordVectors(rng.standard_normal((len(words), 8)), words).save(model)
    out_json = tmp_path / "r.json"
    assert main(["evaluate", str(model), "--similarity", str(WS353), "--analogy", str(GOOGLE),
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "EN-WS-353-ALL" in out and "all (unknown = wrong)" in out
    report = json.loads(out_json.read_text())
    assert report["similarity"][0]["n_pairs"] == 353
    assert report["analogy"][0]["n_total"] == 19544
    assert main(["evaluate", str(model)]) == 2


@pytest.mark.parametrize("seed", range(5))
def test_correlations_match_scipy_with_ties(seed):
    from wordvec.evaluate import pearson, spearman
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, 6, 40).astype(float), rng.standard_normal(40).round(1)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)
    assert pearson(x, y) == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-12)
