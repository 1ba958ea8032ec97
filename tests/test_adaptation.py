"""Domain adaptation: a general corpus's saved counts merged with a task's own text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import wordvec
from wordvec.adaptation import adapt
from wordvec.text.labelled import LabelledTexts


def test_adapt_equals_counting_both_corpora(general_counts: Path, data: LabelledTexts) -> None:
    wv = adapt(general_counts, data.texts, dim=4, min_count=2)
    general = wordvec.Cooccurrences.load(general_counts)
    task = wordvec.count(data.texts, min_count=1, subsample=0, progress=False)
    expected = wordvec.build_from_counts(general.merge(task), min_count=2, dim=4,
                                         progress=False)
    assert wv.index_to_key == expected.index_to_key
    np.testing.assert_allclose(wv.vectors, expected.vectors, atol=1e-5)
    assert "great" in wv and "cat" in wv  # words of both corpora
    assert wv.stats["adapted"]["task_tokens"] == sum(len(t.split()) for t in data.texts)
    assert wv.params["min_count"] == 2


def test_adapt_task_weight_scales_task_counts(general_counts: Path, data: LabelledTexts) -> None:
    plain = adapt(general_counts, data.texts, dim=4)
    heavy = adapt(general_counts, data.texts, dim=4, task_weight=3)
    film = plain.key_to_index["film"]
    assert heavy.counts[heavy.key_to_index["film"]] == 3 * plain.counts[film]
    assert heavy.counts[heavy.key_to_index["cat"]] == plain.counts[plain.key_to_index["cat"]]


def test_adapt_errors(general_counts: Path, data: LabelledTexts, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="task_weight must be a finite number > 0; got 0"):
        adapt(general_counts, data.texts, task_weight=0)
    with pytest.raises(ValueError, match="task_weight must be a finite number > 0; got inf"):
        adapt(general_counts, data.texts, task_weight=float("inf"))
    with pytest.raises(TypeError, match="window"):
        adapt(general_counts, data.texts, window=3)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        adapt(tmp_path / "none.npz", data.texts)


def test_thresholds_apply_to_raw_counts_not_weighted_ones(general_counts: Path,
                                                         data: LabelledTexts) -> None:
    """A weight says how much the task's contexts count, not how often a word was seen:
    a word seen once in the task stays out at min_count=2 whatever the weight."""
    texts = [*data.texts, "zyzzyva appears once"]
    general = wordvec.Cooccurrences.load(general_counts)
    task = wordvec.count(texts, min_count=1, subsample=0, progress=False)
    raw = general.merge(task)
    seen = dict(zip(raw.vocab.words, raw.vocab.counts.tolist()))
    for weight in (1, 10):
        wv = adapt(general_counts, texts, dim=4, min_count=2, task_weight=weight)
        assert "zyzzyva" not in wv
        assert set(wv.index_to_key) == {w for w, n in seen.items() if n >= 2}
        counts = wv.counts.tolist()
        assert counts == sorted(counts, reverse=True)  # most frequent (weighted) first
