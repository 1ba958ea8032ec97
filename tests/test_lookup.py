"""Query words go through the model's own normalization; unknown words get close spellings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wordvec import Tokenizer, WordVectors
from wordvec.cli import main
from wordvec.vectors import _lookup

WORDS = ["money", "many", "king", "queen", "0000", "<num>", "cat"]


def _model(**tokenizer: object) -> WordVectors:
    rng = np.random.default_rng(0)
    params = {"tokenizer": {"lowercase": True, "numbers": "keep", **tokenizer}}
    return WordVectors(rng.normal(size=(len(WORDS), 4)), WORDS, params=params)


def test_tokenizer_normalizes_one_word_as_it_counts_it() -> None:
    assert Tokenizer().normalize("Money") == "money"
    assert Tokenizer(lowercase=False).normalize("Money") == "Money"
    assert Tokenizer(numbers="zero").normalize("1984") == "0000"
    assert Tokenizer(numbers="token").normalize("1984") == "<num>"
    assert Tokenizer().normalize("1984") == "1984"
    for text in ["Money", "KING", "Déjà"]:  # the same as tokenizing the one word
        assert [Tokenizer().normalize(text)] == Tokenizer()(text)


def test_lookups_use_the_models_normalization() -> None:
    wv = _model()
    assert wv.get_index("Money") == 0 and np.array_equal(wv["KING"], wv["king"])
    assert [w for w, _ in wv.most_similar("Queen", topn=6)] == \
        [w for w, _ in wv.most_similar("queen", topn=6)]
    assert wv.analogy("Money", "Many", "King", topn=2) == wv.analogy("money", "many", "king", topn=2)
    assert "Money" not in wv and "money" in wv  # `in` is the vocabulary as stored
    assert _model(numbers="zero").get_index("1999") == WORDS.index("0000")
    assert _model(numbers="token").get_index("7") == WORDS.index("<num>")


def test_exact_lookups_where_the_normalization_is_unknown() -> None:
    rng = np.random.default_rng(0)
    by_hand = WordVectors(rng.normal(size=(2, 3)), ["a", "b"])
    with pytest.raises(KeyError, match="'A' not in vocabulary"):
        by_hand["A"]
    custom = WordVectors(rng.normal(size=(2, 3)), ["a", "b"], params={"tokenizer": "str.split"})
    with pytest.raises(KeyError, match="'A' not in vocabulary"):
        custom.get_index("A")


def test_unknown_word_names_close_spellings() -> None:
    wv = _model()
    with pytest.raises(KeyError, match=r"'Mony' \(looked up as 'mony'\) not in vocabulary; "
                                        r"did you mean 'money', 'many'\?"):
        wv.most_similar("Mony")
    with pytest.raises(KeyError, match=r"word 'zzz' not in vocabulary\"?$"):
        wv["zzz"]
    assert _lookup.suggestions(wv, "quen") == ["queen"]
    assert wv.most_similar("Mony", unknown="skip") == []


def test_cli_similar_normalizes_and_suggests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.wv"
    _model().save(model)
    assert main(["similar", str(model), "Money", "--topn", "2"]) == 0
    assert capsys.readouterr().out.startswith("Money\t")
    assert main(["similar", str(model), "Mony"]) == 2
    assert "did you mean 'money', 'many'?" in capsys.readouterr().err
