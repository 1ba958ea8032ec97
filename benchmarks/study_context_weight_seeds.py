"""Study: the default context weight against 1.0, over three SVD seeds, on the wiki sample.

One count (``min_count=5``, as :func:`wordvec.build` makes it), then
:func:`wordvec.build_from_counts` per (context weight, seed); Spearman on five similarity
sets and Google 3CosMul on covered questions.

    python benchmarks/study_context_weight_seeds.py      # about 4 minutes
    python benchmarks/study_context_weight_seeds.py --weights 0.45 0.7 1.0 --seeds 0 \
        --corpus nltk5 [--set subword_weight=0 ...]

Figures: benchmarks/RESULTS.md ("Context weight over three seeds").
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import wordvec
from wordvec.evaluate import evaluate_analogies, evaluate_similarity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = ("EN-WS-353-ALL.txt", "EN-WS-353-SIM.txt", "EN-RG-65.txt", "EN-MC-30.txt",
        "EN-MTurk-287.txt")


CORPORA = {"wiki": (str(SHARED / "corpora" / "enwiki-2015-sample"),),
           "nltk5": ("brown", "abc", "state_union", "webtext", "inaugural")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", type=float, nargs="+", default=[0.45, 1.0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--corpus", default="wiki", choices=sorted(CORPORA))
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                    help="other build parameters, e.g. subword_weight=0")
    args = ap.parse_args()
    extra = {k: ast.literal_eval(v) for k, v in (x.split("=", 1) for x in args.set)}
    counts = wordvec.count(wordvec.Corpus(*CORPORA[args.corpus]), min_count=5, progress=False)
    print(f"corpus {args.corpus}; other parameters {extra or 'defaults'}")
    print("| context_weight | seed | WS353 | SIM | RG65 | MC30 | MTurk | 3CosMul covered |")
    print("|---|---|---|---|---|---|---|---|")
    for weight in args.weights:
        for seed in args.seeds:
            wv = wordvec.build_from_counts(counts, context_weight=weight, seed=seed,
                                           progress=False, **extra)
            scores = [evaluate_similarity(wv, SHARED / "eval" / "similarity" / f).spearman
                      for f in SETS]
            mul = evaluate_analogies(
                wv, SHARED / "eval" / "analogy" / "questions-words.txt").accuracy["mul"]
            print(f"| {weight} | {seed} | " + " | ".join(f"{x:.3f}" for x in scores)
                  + f" | {mul:.3f} |", flush=True)


if __name__ == "__main__":
    main()
