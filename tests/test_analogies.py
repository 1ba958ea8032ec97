"""Analogy queries: 3CosMul by hand, and the exact top-K shortcut against the full scan."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec import WordVectors
from wordvec.vectors import analogies, query

ROYAL = WordVectors(np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, 1]]),
                    ["man", "woman", "king", "queen", "crown"])


def test_cosmul_exact_value():
    # p = (1 + cos) / 2; 3CosMul(x) = p(x, woman) p(x, king) / (p(x, man) + 1e-6)
    unit = ROYAL.unit_vectors
    p = (1 + unit @ unit.T) / 2
    expected = p[3, 1] * p[3, 2] / (p[3, 0] + 1e-6)
    (word, score), = ROYAL.analogy("man", "woman", "king", method="mul")
    assert word == "queen" and score == pytest.approx(expected, rel=1e-6)
    assert ROYAL.analogy("man", "woman", "king")[0][0] == "queen"


@pytest.mark.parametrize("method", ["add", "mul"])
@pytest.mark.parametrize("topn", [1, 3])
def test_pruned_analogies_are_exact(method, topn):
    """Many questions sharing (a, b), as in the Google set, take the top-K shortcut."""
    rng = np.random.default_rng(7)
    n = 4 * (analogies._PRUNE_K + topn) + 200
    unit = rng.standard_normal((n, 16)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    pairs = rng.choice(n, (6, 2), replace=False)
    triples = np.array([[a, b, c] for a, b in pairs for c in rng.choice(n, 8)
                        if c not in (a, b)])
    best, scores = query.analogy_indices(unit, triples, methods=(method,), topn=topn)[method]
    for (a, b, c), got, got_scores in zip(triples, best, scores):
        if method == "add":
            row = unit @ (unit[b] - unit[a] + unit[c])
            row /= np.linalg.norm(unit[b] - unit[a] + unit[c])
        else:
            p = (1 + unit @ unit[[a, b, c]].T) / 2
            row = p[:, 1] * p[:, 2] / (p[:, 0] + 1e-6)
        row[[a, b, c]] = -np.inf
        assert got.tolist() == np.argsort(-row, kind="stable")[:topn].tolist()
        assert np.allclose(got_scores, row[got], rtol=1e-4)
