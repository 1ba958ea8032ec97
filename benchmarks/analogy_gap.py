"""Issue 6 follow-up: w+c variants (normalized parts, context weight, eig) on one SVD per dim.

One ``wordvec.count`` with the default counting parameters (cached as ``--counts``), PPMI,
then ``truncated_svd(m, dim, n_iter=6, seed=SEED)`` per dim; each variant is combined from
U, S, Vt and scored with ``wordvec.evaluate`` (``restrict_vocab`` 300000 and 30000).
One JSON line per variant (and one with the SVD time per dim) goes to ``--log``.

    python benchmarks/analogy_gap.py --dims 500 400 300 --log /tmp/gapstudy/log.jsonl
    python benchmarks/analogy_gap.py --dims 500 --seed 1 --weights 0.45 0.5 --log seed1.jsonl

Results: ``benchmarks/HYPERPARAMS.md``, "Follow-up: closing the analogy gap".
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

import wordvec
from wordvec.counting.cooccurrences import Cooccurrences
from wordvec.evaluate import evaluate_analogies, evaluate_similarity
from wordvec.linalg.reduce import truncated_svd
from wordvec.linalg.weighting import ppmi
from wordvec.vectors.vectors import WordVectors

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SIMS = ["WS-353-ALL", "WS-353-SIM", "WS-353-REL", "RG-65", "MC-30", "MTurk-287"]


def unit(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(n > 0, n, 1.0)).astype(np.float32)


def variant(u: np.ndarray, s: np.ndarray, vt: np.ndarray, eig: float = 0.5,
            wc: str | None = "raw", alpha: float = 1.0) -> np.ndarray:
    """``w`` alone, ``w + alpha c`` (raw) or ``w/|w| + alpha c/|c|`` (norm)."""
    weights = (s.astype(np.float64) ** eig).astype(np.float32)
    w = u * weights
    if wc is None:
        return w
    c = vt.T * weights
    return w + alpha * c if wc == "raw" else unit(w) + alpha * unit(c)


def score(vectors: np.ndarray, words: list[str], counts: Any) -> dict[str, Any]:
    wv = WordVectors(np.ascontiguousarray(vectors, dtype=np.float32), words, counts)
    r: dict[str, Any] = {}
    for name in SIMS:
        r[name] = evaluate_similarity(wv, SHARED / f"eval/similarity/EN-{name}.txt").spearman
    for rv in (300000, 30000):
        a = evaluate_analogies(wv, SHARED / "eval/analogy/questions-words.txt",
                               restrict_vocab=rv)
        r[f"add@{rv // 1000}k"], r[f"mul@{rv // 1000}k"] = a.accuracy["add"], a.accuracy["mul"]
        r[f"n@{rv // 1000}k"] = a.n_covered
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "corpora/enwiki-2015-sample"))
    ap.add_argument("--counts", default="/tmp/gapstudy/counts.npz")
    ap.add_argument("--log", required=True)
    ap.add_argument("--dims", type=int, nargs="+", default=[500, 400, 300])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--weights", type=float, nargs="+", default=None,
                    help="only normalized w+c with these context weights (eig 0.5)")
    args = ap.parse_args()
    if os.path.exists(args.counts):
        c = Cooccurrences.load(args.counts)
    else:
        c = wordvec.count(args.corpus, min_count=wordvec.DEFAULTS["min_count"], progress=False)
        os.makedirs(os.path.dirname(args.counts) or ".", exist_ok=True)
        c.save(args.counts)
    words, counts = c.vocab.words, c.vocab.counts
    m = ppmi(c.matrix, context_smoothing=0.75, shift=1.0)
    del c
    if args.weights:
        variants = [{"wc": "norm", "alpha": a} for a in args.weights]
    else:
        variants = [{"wc": "raw"}, {"wc": "norm"}, {"wc": None},
                    {"wc": "norm", "eig": 0.4}, {"wc": "norm", "eig": 0.6},
                    {"wc": "norm", "alpha": 0.5}, {"wc": "norm", "alpha": 0.75},
                    {"wc": "raw", "alpha": 0.5}, {"wc": "norm", "eig": 0.6, "alpha": 0.75}]
    with open(args.log, "a") as log:
        for dim in args.dims:
            t = time.perf_counter()
            u, s, vt = truncated_svd(m, dim, n_iter=6, seed=args.seed)
            rec: dict[str, Any] = {"dim": dim, "seed": args.seed,
                                   "svd_s": time.perf_counter() - t}
            print(json.dumps(rec), file=log, flush=True)
            for v in variants:
                rec = {"dim": dim, "seed": args.seed, **v,
                       **score(variant(u, s, vt, **v), words, counts)}
                print(json.dumps(rec), file=log, flush=True)
                print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
