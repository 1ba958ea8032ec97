"""Issue 5: before and after -- the truncated SVD of one PPMI matrix by two checkouts.

On this shared machine one period can be 30 % slower than the next, so a change to the
SVD is measured against the code before it in the same run: this script weights the
corpus's cached counts once (as ``bench_svd.py``), saves the matrix to a temporary
file, and then times ``truncated_svd`` of it in fresh processes, alternating between
this checkout and ``--other`` (any checkout of wordvec, e.g. one made with
``git worktree add /tmp/base REV``) for every dim and seed, so that a slow period hits
both alike.  Each child cuts the matrix for the products first (not timed) and reports
the wall time of ``truncated_svd`` and the singular values, which should agree.

    git worktree add /tmp/base 4a2be2e
    python benchmarks/ab_svd.py --other /tmp/base --dims 300 500 --seeds 0 1 2

Results: ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time, inspect
sys.path.insert(0, sys.argv[1])
import numpy as np, scipy.sparse as sp
import wordvec
from wordvec.linalg.blocks import TiledMatrix
from wordvec.linalg.reduce import truncated_svd
path, dim, n_iter, seed, algorithm, precision = sys.argv[2:8]
a = TiledMatrix(sp.load_npz(path).tocsr())
kw = {"precision": precision} if "precision" in inspect.signature(truncated_svd).parameters else {}
t0 = time.perf_counter()
u, s, vt = truncated_svd(a, int(dim), algorithm=algorithm, n_iter=int(n_iter), seed=int(seed), **kw)
seconds = time.perf_counter() - t0
print(json.dumps({"file": wordvec.__file__, "seconds": seconds, "s": s.tolist()}))
"""


def child(tree: Path, matrix: Path, dim: int, n_iter: int, seed: int, algorithm: str,
          precision: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(matrix), str(dim),
                           str(n_iter), str(seed), algorithm, precision],
                          capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(out["file"]).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"the child imported {out['file']}, not the checkout {tree}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--other", type=Path, required=True, help="the other checkout")
    ap.add_argument("--corpus", default="wiki")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/wordvec-study/counts"),
                    help="folder of cached counts (shared with study_hyperparams.py)")
    ap.add_argument("--dims", type=int, nargs="+", default=[300])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--algorithm", default="chebyshev")
    ap.add_argument("--n-iter", type=int, default=4)
    ap.add_argument("--precision", default="half",
                    help="passed where the checkout's truncated_svd takes it")
    args = ap.parse_args(argv)
    if not (args.other / "wordvec" / "__init__.py").exists():
        ap.error(f"--other {args.other} is not a checkout of wordvec (no wordvec/__init__.py)")

    import scipy.sparse as sp
    import study_hyperparams as study

    import wordvec
    from wordvec.linalg.weighting import ppmi

    args.cache.mkdir(parents=True, exist_ok=True)
    counts, _ = study.get_counts(args.corpus, {}, args.cache)
    weighted = ppmi(counts.matrix, context_smoothing=wordvec.DEFAULTS["context_smoothing"],
                    shift=wordvec.DEFAULTS["shift"])
    trees = {"this": HERE, "other": args.other}
    with tempfile.TemporaryDirectory() as tmp:
        matrix = Path(tmp) / "ppmi.npz"
        sp.save_npz(matrix, weighted, compressed=False)
        print(f"{args.corpus}: {weighted.shape[0]} words, {weighted.nnz} PPMI non-zeros; "
              f"this = {HERE}, other = {args.other}", flush=True)
        del weighted, counts
        rows = []
        for dim in args.dims:
            for seed in args.seeds:
                for name, tree in trees.items():
                    out = child(tree, matrix, dim, args.n_iter, seed, args.algorithm,
                                args.precision)
                    rows.append({"dim": dim, "seed": seed, "tree": name, **out})
                    print(json.dumps({k: v for k, v in rows[-1].items() if k != "s"}
                                     | {"s_last": out["s"][-1]}), flush=True)
    print(f"\n{args.algorithm}:{args.n_iter}, precision {args.precision}, seeds {args.seeds}\n")
    print("| dim | this (s, median) | other (s, median) | this / other | per seed | "
          "largest relative difference of the singular values |")
    print("|---:|---:|---:|---:|---|---:|")
    for dim in args.dims:
        sel = {name: [r for r in rows if r["dim"] == dim and r["tree"] == name]
               for name in trees}
        med = {name: float(np.median([r["seconds"] for r in rs])) for name, rs in sel.items()}
        pairs = " / ".join(f"{a['seconds']:.1f} vs {b['seconds']:.1f}"
                           for a, b in zip(sel["this"], sel["other"]))
        diff = max(float(np.max(np.abs(np.subtract(a["s"], b["s"])) / np.abs(b["s"])))
                   for a, b in zip(sel["this"], sel["other"]))
        print(f"| {dim} | {med['this']:.2f} | {med['other']:.2f} | "
              f"{med['this'] / med['other']:.3f} | {pairs} | {diff:.1e} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
