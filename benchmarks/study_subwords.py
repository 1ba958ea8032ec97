"""Study: vectors of hidden words from character n-grams (issue 24, first step).

A sample of in-vocabulary words seen 5-50 times is left out of the n-gram fit
(:func:`wordvec.vectors.subwords.fit_subwords`, ridge least squares on the other words'
unit vectors); their vectors are predicted from their n-grams and compared (cosine) with
their real vectors.  Baseline: the mean of the fitted words' vectors (what a word with no
information would get).

    NLTK_DATA=../shared/nltk_data python benchmarks/study_subwords.py MODEL [--hidden 500]
        [--lam 0.1] [--n-iter 10 30]

Figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import time

import numpy as np

import wordvec
from wordvec.vectors.subwords import fit_subwords


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--lam", type=float, nargs="+", default=[0.1])
    ap.add_argument("--n-iter", type=int, nargs="+", default=[10, 30])
    ap.add_argument("--min-words", type=int, nargs="+", default=[1])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    wv = wordvec.load(args.model)
    words, unit = wv.index_to_key, np.asarray(wv.unit_vectors)
    rng = np.random.default_rng(args.seed)
    pool = np.flatnonzero((wv.counts >= 5) & (wv.counts <= 50))
    hidden = rng.choice(pool, min(args.hidden, pool.size), replace=False)
    keep = np.setdiff1d(np.arange(len(words)), hidden)
    mean = unit[keep].mean(axis=0)
    base = float(np.mean(unit[hidden] @ (mean / np.linalg.norm(mean))))
    print(f"{args.model}: {len(words)} words x {wv.vector_size} dims; {hidden.size} hidden "
          f"words seen 5-50 times; mean-vector baseline cosine {base:.3f}")
    print("| lam | min words | steps | n-gram rows | fit s | peak RSS GB | cosine (hidden) | "
          "no n-gram known |")
    print("|---|---|---|---|---|---|---|---|")
    for lam, n_iter, min_words in itertools.product(args.lam, args.n_iter, args.min_words):
        if True:
            t = time.perf_counter()
            sw, _ = fit_subwords([words[i] for i in keep], unit[keep], lam=lam, n_iter=n_iter,
                              min_words=min_words)
            seconds = time.perf_counter() - t
            cos, missing = [], 0
            for i in hidden:
                v = sw.vector(words[i])
                if v is None:
                    missing += 1
                    cos.append(0.0)
                else:
                    cos.append(float(v @ unit[i]) / (float(np.linalg.norm(v)) or 1.0))
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
            print(f"| {lam} | {min_words} | {sw.fit['steps']} | {sw.table.shape[0]:,} | {seconds:.1f} | "
                  f"{rss:.2f} | {np.mean(cos):.3f} | {missing} |")


if __name__ == "__main__":
    main()
