"""Study: sentiment features on several labelled tasks, with vectors that never saw them.

The vectors are a general model (default: the wiki sample built with the defaults, e.g.
``bench_build.py --keep DIR``'s ``wordvec.model``): no task text in them.  For each task,
stratified k-fold cross-validation (``random_state=0``, folds fixed before looking) of

* TF-IDF + LR, NB n-grams + LR, embeddings + LR (:func:`wordvec.sentiment.sentiment_models`),
* the combined model *before*: NB n-grams + embeddings with the fixed weight 0.1 and
  ``C=10`` chosen on ``movie_reviews`` (``embedding_weight=0.1``), and
* the combined model *after*: :class:`wordvec.classifier.CombinedClassifier`, which chooses
  its n-gram block, embedding weight and ``C`` by inner CV on each training part.

Tasks: ``movie_reviews`` (2,000 reviews), ``product_reviews`` (3,623 review sentences,
opinion sign), ``pros_cons`` (45,867 pros / cons sentences).

    NLTK_DATA=../shared/nltk_data python benchmarks/study_sentiment_tasks.py MODEL \\
        [--tasks movie_reviews product_reviews pros_cons] [--folds 10] [--n-jobs -1]

Figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import time

import wordvec
from wordvec.sentiment import cross_validate_sentiment
from wordvec.text.labelled import load_labelled


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--tasks", nargs="+", default=["movie_reviews", "product_reviews",
                                                    "pros_cons"])
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--n-jobs", type=int, default=-1)
    args = ap.parse_args()
    wv = wordvec.load(args.model)
    print(f"vectors: {args.model} ({wv}); {args.folds}-fold stratified CV, random_state=0")
    print("| task | documents | TF-IDF + LR | NB n-grams + LR | embeddings + LR | "
          "combined before (fixed 0.1) | combined after (tuned in fit) | after - best of "
          "TF-IDF, NB | chosen (after) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for task in args.tasks:
        data = load_labelled(task)
        t = time.perf_counter()
        before = cross_validate_sentiment(data, wv, folds=args.folds, models=["combined"],
                                          embedding_weight=0.1, n_jobs=args.n_jobs,
                                          transform_runs=0)
        after = cross_validate_sentiment(data, wv, folds=args.folds,
                                         models=["tfidf", "nb", "embeddings", "combined"],
                                         n_jobs=args.n_jobs, transform_runs=0)
        m = {k: after.mean(k) for k in after.scores}
        s = {k: after.std(k) for k in after.scores}
        picks: dict[str, int] = {}
        for c in after.chosen.get("combined", []):
            key = f"{c['sparse']} w={c['embedding_weight']:g} C={c['C']:g}"
            picks[key] = picks.get(key, 0) + 1
        chosen = "; ".join(f"{k} ×{n}" for k, n in sorted(picks.items(), key=lambda x: -x[1]))
        gap = m["combined"] - max(m["tfidf"], m["nb"])
        print(f"| {task} | {len(data):,} | {m['tfidf']:.4f} ± {s['tfidf']:.3f} | "
              f"{m['nb']:.4f} ± {s['nb']:.3f} | {m['embeddings']:.4f} ± {s['embeddings']:.3f} | "
              f"{before.mean('combined'):.4f} ± {before.std('combined'):.3f} | "
              f"{m['combined']:.4f} ± {s['combined']:.3f} | {gap:+.4f} | {chosen} |",
              flush=True)
        print(f"  ({task}: {time.perf_counter() - t:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
