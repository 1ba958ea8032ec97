"""Issue 5: the truncated SVD of a corpus's PPMI matrix -- time, accuracy and scores.

Counts the corpus once with the default counting parameters (cached in ``--cache``, as
``study_hyperparams.py`` does),
weights it with the default PPMI, cuts it for the products once, and then, for each
``--dims`` and each ``--solvers`` entry (``ALGORITHM:N_ITER`` or
``ALGORITHM:N_ITER:PRECISION``, precision ``half`` by default), runs the SVD with the
seeds of ``--seeds``, solvers interleaved so that a slow period of this shared
machine hits them alike.  For each run it reports

* wall time of ``wordvec.linalg.reduce.truncated_svd`` (median over seeds in the table);
* accuracy against a reference SVD of the same matrix (``chebyshev``, ``--ref-iter``
  steps, ``--ref-oversamples`` extra directions: converged to ~1e-3 in the tail on the
  wiki sample): the largest relative error of the singular values in rank bands, and
  the mean squared sine of the principal angles between the top-``k`` left subspaces
  (``sub@k``; 0 = the same subspace);
* the scores of the default embedding of that SVD (eig 0.5, normalized w + 0.45 c) on
  every benchmark of ``study_hyperparams.score``.

    python benchmarks/bench_svd.py --corpus wiki --dims 500 300 \\
        --solvers randomized:6 chebyshev:4 --seeds 0 1 2 --json /tmp/svd.json

Results: ``benchmarks/RESULTS.md``, "Chebyshev-filtered SVD".
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import study_hyperparams as study

import wordvec
from wordvec.linalg.blocks import TiledMatrix
from wordvec.linalg.reduce import truncated_svd
from wordvec.linalg.weighting import ppmi
from wordvec.vectors.vectors import embed

SCORES = ["WS-353-ALL", "WS-353-SIM", "WS-353-REL", "RG-65", "MC-30", "MTurk-287",
          "an300k_add", "an300k_mul"]


def bands(dim: int) -> list[tuple[int, int]]:
    cuts = sorted({0, dim // 5, (3 * dim) // 5, (9 * dim) // 10, dim})
    return list(zip(cuts[:-1], cuts[1:]))


def accuracy(ref: tuple[np.ndarray, np.ndarray], u: np.ndarray, s: np.ndarray
             ) -> dict[str, float]:
    ref_u, ref_s = ref
    dim = len(s)
    rel = np.abs(s - ref_s[:dim]) / ref_s[:dim]
    out = {f"sigma {lo}-{hi}": float(rel[lo:hi].max()) for lo, hi in bands(dim)}
    for k in sorted({(3 * dim) // 5, dim}):
        c = ref_u[:, :k].T.astype(np.float64) @ u[:, :k].astype(np.float64)
        out[f"sub@{k}"] = float(1 - (c ** 2).sum() / k)
    return out


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    args.cache.mkdir(parents=True, exist_ok=True)
    counts, _ = study.get_counts(args.corpus, {}, args.cache)  # {}: the default counting
    weighted = TiledMatrix(ppmi(counts.matrix,
                                context_smoothing=wordvec.DEFAULTS["context_smoothing"],
                                shift=wordvec.DEFAULTS["shift"]))
    print(f"{args.corpus}: {weighted.shape[0]} words, {weighted.nnz} PPMI non-zeros",
          flush=True)
    rows: list[dict[str, Any]] = []
    for dim in args.dims:
        t0 = time.perf_counter()
        ru, rs, _ = truncated_svd(weighted, dim, algorithm="chebyshev", n_iter=args.ref_iter,
                                  n_oversamples=args.ref_oversamples, seed=12345,
                                  precision="single")
        print(f"dim {dim}: reference in {time.perf_counter() - t0:.1f} s", flush=True)
        for seed in args.seeds:
            for solver in args.solvers:
                algorithm, n_iter, *rest = solver.split(":")
                precision = rest[0] if rest else "half"
                t0 = time.perf_counter()
                u, s, vt = truncated_svd(weighted, dim, algorithm=algorithm,
                                         n_iter=int(n_iter), seed=seed,
                                         precision=precision)
                seconds = time.perf_counter() - t0
                vectors = embed(u, s, vt, eig=wordvec.DEFAULTS["eig"], add_contexts=True,
                                context_weight=wordvec.DEFAULTS["context_weight"],
                                normalize_parts=True)
                sc = study.score(counts.vocab.words, vectors)
                row = {"corpus": args.corpus, "dim": dim, "solver": solver, "seed": seed,
                       "seconds": round(seconds, 2), **accuracy((ru, rs), u, s),
                       **{k: sc[k] for k in SCORES}}
                rows.append(row)
                print(json.dumps(row), flush=True)
        del ru, rs
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """Markdown: one row per (corpus, dim, solver), medians of time, means otherwise."""
    lines = []
    for corpus, dim in dict.fromkeys((r["corpus"], r["dim"]) for r in rows):
        sel = [r for r in rows if r["corpus"] == corpus and r["dim"] == dim]
        acc_cols = [k for k in sel[0] if k.startswith(("sigma", "sub@"))]
        lines += ["", f"{corpus}, dim {dim} (time: median; accuracy and scores: mean over "
                  f"seeds {sorted({r['seed'] for r in sel})})", "",
                  "| solver | SVD s | " + " | ".join(acc_cols + SCORES) + " |",
                  "|---|---:|" + "---:|" * (len(acc_cols) + len(SCORES))]
        for solver in dict.fromkeys(r["solver"] for r in sel):
            rs = [r for r in sel if r["solver"] == solver]
            t = np.median([r["seconds"] for r in rs])
            accs = [f"{np.mean([r[c] for r in rs]):.2g}" for c in acc_cols]
            scs = [f"{np.mean([r[c] for r in rs]):.3f}" for c in SCORES]
            lines.append(f"| {solver} | {t:.1f} | " + " | ".join(accs + scs) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=sorted(study.CORPORA), default="wiki")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/wordvec-study/counts"),
                    help="folder of cached counts (shared with study_hyperparams.py)")
    ap.add_argument("--dims", type=int, nargs="+", default=[500])
    ap.add_argument("--solvers", nargs="+", default=["randomized:6", "chebyshev:4"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--ref-iter", type=int, default=12)
    ap.add_argument("--ref-oversamples", type=int, default=200)
    ap.add_argument("--json", type=Path, help="write the rows here (and read them with "
                    "--table)")
    ap.add_argument("--table", action="store_true", help="print the table of --json")
    args = ap.parse_args(argv)
    if args.table:
        rows = json.loads(args.json.read_text(encoding="utf-8"))
    else:
        rows = run(args)
        if args.json is not None:
            tmp = args.json.with_name(f".{args.json.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(rows, indent=1), encoding="utf-8")
            tmp.replace(args.json)
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
