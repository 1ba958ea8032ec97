"""Study: a `preset="similarity"` -- which settings favour similarity over relatedness?

Counts per window (one count each), then variants of the reduction on them; Spearman on
the similarity sets (WS353-SIM, RG-65, MC-30), the relatedness ones (WS353-REL, MTurk-287)
and WS353-ALL, for the default build and each candidate, on two corpora.

    NLTK_DATA=../shared/nltk_data python benchmarks/study_similarity_preset.py [--corpora wiki nltk5] [--round 2|3]

Figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import wordvec
from wordvec.evaluate import evaluate_similarity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = {"SIM": "EN-WS-353-SIM.txt", "RG65": "EN-RG-65.txt", "MC30": "EN-MC-30.txt",
        "REL": "EN-WS-353-REL.txt", "MTurk": "EN-MTurk-287.txt", "WS353": "EN-WS-353-ALL.txt"}
CORPORA = {"wiki": [str(SHARED / "corpora" / "enwiki-2015-sample")],
           "nltk5": ["brown", "abc", "state_union", "webtext", "inaugural"],
           "brown": ["brown"]}
VARIANTS = {  # (window, reduction parameters)
    "default": (5, {}),
    "w2": (2, {}),
    "w2 no-contexts": (2, {"add_contexts": False}),
    "w2 no-contexts eig0": (2, {"add_contexts": False, "eig": 0.0}),
    "w3 no-contexts": (3, {"add_contexts": False}),
    "w2 eig0": (2, {"eig": 0.0}),
}
MORE = {  # a second round, on the default window, after small windows lost (RESULTS.md)
    "default": (5, {}),
    "eig 0.25": (5, {"eig": 0.25}),
    "eig 0.75": (5, {"eig": 0.75}),
    "shift 5": (5, {"shift": 5}),
    "context_weight 1": (5, {"context_weight": 1.0}),
    "w8": (8, {}),
}

ROUND3 = {  # a third round, after the n-gram blend and context_weight 1 became defaults
    "default": (5, {}),
    "shift 5": (5, {"shift": 5}),
    "subword 0.5": (5, {"subword_weight": 0.5}),
    "shift 5 + subword 0.5": (5, {"shift": 5, "subword_weight": 0.5}),
    "shift 3 + subword 0.4": (5, {"shift": 3, "subword_weight": 0.4}),
    "no contexts + subword 0.5": (5, {"add_contexts": False, "subword_weight": 0.5}),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", nargs="+", default=["wiki", "nltk5"], choices=sorted(CORPORA))
    ap.add_argument("--round", type=int, choices=(1, 2, 3), default=1)
    args = ap.parse_args()
    variants = {1: VARIANTS, 2: MORE, 3: ROUND3}[args.round]
    print("| corpus | variant | " + " | ".join(SETS) + " | mean sim | mean rel |")
    print("|---|---|" + "---|" * (len(SETS) + 2))
    for name in args.corpora:
        counts: dict[int, wordvec.Cooccurrences] = {}
        for variant, (window, params) in variants.items():
            if window not in counts:
                counts[window] = wordvec.count(wordvec.Corpus(*CORPORA[name]), window=window,
                                               min_count=5, progress=False)
            wv = wordvec.build_from_counts(counts[window], progress=False, **params)
            s = {k: evaluate_similarity(wv, SHARED / "eval" / "similarity" / f).spearman
                 for k, f in SETS.items()}
            sim = (s["SIM"] + s["RG65"] + s["MC30"]) / 3
            rel = (s["REL"] + s["MTurk"]) / 2
            print(f"| {name} | {variant} | " + " | ".join(f"{v:.3f}" for v in s.values())
                  + f" | {sim:.3f} | {rel:.3f} |", flush=True)


if __name__ == "__main__":
    main()
