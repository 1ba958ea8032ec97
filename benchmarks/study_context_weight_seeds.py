"""Study: the default context weight against 1.0, over three SVD seeds, on the wiki sample.

One count (``min_count=5``, as :func:`wordvec.build` makes it), then
:func:`wordvec.build_from_counts` per (context weight, seed); Spearman on five similarity
sets and Google 3CosMul on covered questions.

    python benchmarks/study_context_weight_seeds.py      # about 4 minutes

Figures: benchmarks/RESULTS.md ("Context weight over three seeds").
"""

from __future__ import annotations

from pathlib import Path

import wordvec
from wordvec.evaluate import evaluate_analogies, evaluate_similarity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = ("EN-WS-353-ALL.txt", "EN-WS-353-SIM.txt", "EN-RG-65.txt", "EN-MC-30.txt",
        "EN-MTurk-287.txt")


def main() -> None:
    corpus = wordvec.Corpus(str(SHARED / "corpora" / "enwiki-2015-sample"))
    counts = wordvec.count(corpus, min_count=5, progress=False)
    print("| context_weight | seed | WS353 | SIM | RG65 | MC30 | MTurk | 3CosMul covered |")
    print("|---|---|---|---|---|---|---|---|")
    for weight in (0.45, 1.0):
        for seed in (0, 1, 2):
            wv = wordvec.build_from_counts(counts, context_weight=weight, seed=seed,
                                           progress=False)
            scores = [evaluate_similarity(wv, SHARED / "eval" / "similarity" / f).spearman
                      for f in SETS]
            mul = evaluate_analogies(
                wv, SHARED / "eval" / "analogy" / "questions-words.txt").accuracy["mul"]
            print(f"| {weight} | {seed} | " + " | ".join(f"{x:.3f}" for x in scores)
                  + f" | {mul:.3f} |", flush=True)


if __name__ == "__main__":
    main()
