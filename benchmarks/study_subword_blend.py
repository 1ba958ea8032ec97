"""Study: morphology in every vector, by blending each word's vector with its n-gram
reconstruction (issue 24).

The n-gram vectors are fitted to all words (:func:`wordvec.vectors.subwords.fit_subwords`);
each word's reconstruction ``r = G Z`` (the mean of its n-grams' vectors) is blended into
its unit vector, ``v = unit(w) + beta_i * unit(r)``, with ``beta_i = beta`` for every word
(``constant``) or ``floor + beta * k / (k + count)`` (``rare``: a frequent word's own vector is
reliable, a rare word's is noisy), ``k = 50``.  Scores on the Google analogies' semantic
and syntactic (``gram1``-``gram9``) sections and the similarity sets, side by side.

    NLTK_DATA=../shared/nltk_data python benchmarks/study_subword_blend.py MODEL \\
        [--beta 0 0.1 0.2 0.3 0.5] [--weights constant rare]

Figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

import numpy as np

import wordvec
from wordvec.evaluate import evaluate_analogies, evaluate_similarity
from wordvec.vectors.subwords import fit_subwords, incidence

EVAL = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval")
SIMS = ("EN-WS-353-ALL", "EN-WS-353-SIM", "EN-WS-353-REL", "EN-RG-65", "EN-MC-30",
        "EN-MTurk-287")


def unit_rows(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(n > 0, n, 1)


def scores(wv: wordvec.WordVectors) -> dict[str, float]:
    out = {}
    for name in SIMS:
        out[name] = evaluate_similarity(wv, os.path.join(EVAL, "similarity", name + ".txt")).spearman
    r = evaluate_analogies(wv, os.path.join(EVAL, "analogy", "questions-words.txt"))
    for kind, pick in (("sem", lambda s: not s.startswith("gram")),
                       ("syn", lambda s: s.startswith("gram"))):
        secs = [s for s in r.sections if pick(s["section"])]
        covered = sum(s["n_covered"] for s in secs)
        for m in ("add", "mul"):
            out[f"{kind} {m}"] = sum(s["correct"][m] for s in secs) / max(covered, 1)
    out["all mul"] = r.accuracy["mul"] or 0.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--beta", type=float, nargs="+", default=[0.0, 0.1, 0.2, 0.3, 0.5])
    ap.add_argument("--weights", nargs="+", default=["constant", "rare"])
    ap.add_argument("--k", type=float, default=50.0)
    ap.add_argument("--floor", type=float, nargs="+", default=[0.0],
                    help="added to every word's beta (rare weights only)")
    args = ap.parse_args()
    wv = wordvec.load(args.model)
    words, unit = wv.index_to_key, np.asarray(wv.unit_vectors)
    t = time.perf_counter()
    sw, _ = fit_subwords(words, unit, n_iter=3)
    g, used = incidence(words, sw.minn, sw.maxn, sw.buckets)
    assert np.array_equal(used, sw.buckets_used)
    recon = unit_rows(np.asarray(g @ sw.table, dtype=np.float32))
    print(f"{args.model}: {len(words)} words x {wv.vector_size}; fit + reconstruction "
          f"{time.perf_counter() - t:.1f} s; mean cos(w, r) {np.mean(np.sum(unit * recon, 1)):.3f}")
    cols = list(SIMS) + ["sem add", "sem mul", "syn add", "syn mul", "all mul"]
    print("| weights | beta | " + " | ".join(c.replace("EN-", "") for c in cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    counts = wv.counts.astype(np.float32)
    for weights, floor, beta in itertools.product(args.weights, args.floor, args.beta):
        if weights == "constant" and floor:
            continue
        b = np.full(len(words), beta, np.float32) if weights == "constant" else \
            floor + beta * args.k / (args.k + counts)
        blended = wordvec.WordVectors(unit + b[:, None] * recon, words, wv.counts,
                                      params=wv.params)
        s = scores(blended)
        print(f"| {weights} | {floor} + {beta} | " + " | ".join(f"{s[c]:.3f}" for c in cols) + " |",
              flush=True)


if __name__ == "__main__":
    main()
