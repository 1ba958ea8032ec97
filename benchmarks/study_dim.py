"""Study: which dimension suits a corpus of a given size (the rule behind ``dim="auto"``)?

Counts each corpus once, then weights and reduces it at several dimensions with every
other parameter at its default; WS353, MTurk-287, RG-65 (Spearman) and the Google
analogies (3CosMul over covered questions).  Three sizes: Brown (1.2M tokens), five NLTK
corpora (4.4M) and the wiki sample (16.7M).

    NLTK_DATA=../shared/nltk_data python benchmarks/study_dim.py [--corpora brown nltk5 wiki]

About 6 minutes here.  Figures and the rule: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import wordvec
from wordvec.evaluate import evaluate_analogies, evaluate_similarity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SIM = {"WS353": "EN-WS-353-ALL.txt", "MTurk": "EN-MTurk-287.txt", "RG65": "EN-RG-65.txt"}
CORPORA = {
    "brown": ("brown",),
    "nltk5": ("brown", "abc", "state_union", "webtext", "inaugural"),
    "wiki": (str(SHARED / "corpora" / "enwiki-2015-sample"),),
}
DIMS = (50, 100, 200, 300, 500)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    ap.add_argument("--dims", nargs="+", type=int, default=list(DIMS))
    args = ap.parse_args()
    os.environ.setdefault("NLTK_DATA", str(SHARED / "nltk_data"))
    print("| corpus | tokens | vocab | dim | " + " | ".join(SIM) + " | analogies | SVD s |")
    print("|---|---|---|---|" + "---|" * (len(SIM) + 2))
    for name in args.corpora:
        counts = wordvec.count(wordvec.Corpus(*CORPORA[name]),  # build's counts
                               min_count=wordvec.DEFAULTS["min_count"], progress=False)
        tokens, vocab = counts.stats["tokens"], len(counts.vocab)
        for dim in args.dims:
            if dim >= vocab:
                continue
            t0 = time.perf_counter()
            wv = wordvec.build_from_counts(counts, dim=dim, progress=False)
            took = time.perf_counter() - t0
            sims = [evaluate_similarity(wv, SHARED / "eval/similarity" / f).spearman
                    for f in SIM.values()]
            ana = evaluate_analogies(wv, SHARED / "eval/analogy/questions-words.txt",
                                     methods=("mul",)).accuracy["mul"] or 0.0
            print(f"| {name} | {tokens:,} | {vocab:,} | {dim} | "
                  + " | ".join(f"{s:.3f}" for s in sims) + f" | {ana:.3f} | {took:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
