"""Read + tokenize + count of the wiki sample (``wordvec.count``), interleaved A/B.

    python benchmarks/bench_count.py --rounds 3                       # kernels vs none
    python benchmarks/bench_count.py --rounds 3 --other /tmp/old      # and another checkout
    python benchmarks/bench_count.py --max-memory 256M                # counts that spill

Each count runs in a fresh process: this checkout with its compiled kernels, the same
with ``WORDVEC_BACKEND=numpy``, and, with ``--other``, another checkout of wordvec (e.g.
``git worktree add /tmp/old REV``), put first on ``PYTHONPATH``.  The codes take turns
in every round; the table gives medians, the tokens/s target is the issue's
(read + tokenize + count >= 3M tokens/s), and the last line says whether every run
made the same vocabulary and non-zeros.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WORDVEC_SHARED", REPO.parent / "shared"))

_CHILD = r'''
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import wordvec.pipeline as P
t = time.perf_counter()
c = P.count(sys.argv[2], progress=False, min_count=5, max_memory=int(sys.argv[3]))
wall = time.perf_counter() - t
st = c.stats
print(json.dumps({"read": st["timings"]["read_tokenize"], "count": st["timings"]["count"],
                  "wall": wall, "tokens": st["tokens"], "vocab": st["vocab_size"],
                  "nnz": st["cooccurrence_nnz"], "spills": st["count_spills"],
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def _bytes(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().removesuffix("B")
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "corpora" / "enwiki-2015-sample"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--other", help="another wordvec checkout to compare with")
    ap.add_argument("--max-memory", default="1G", help="count()'s max_memory (default 1G)")
    args = ap.parse_args()
    codes = [("this checkout", str(REPO), {}),
             ("this checkout, WORDVEC_BACKEND=numpy", str(REPO), {"WORDVEC_BACKEND": "numpy"})]
    if args.other:
        codes.insert(0, (f"{args.other}", args.other, {"PYTHONPATH": args.other}))
    results: dict[str, list[dict[str, float]]] = {}
    for i in range(args.rounds):
        for label, path, env in codes:
            done = subprocess.run([sys.executable, "-c", _CHILD, path, args.corpus,
                                   str(_bytes(args.max_memory))], capture_output=True,
                                  text=True, env={**os.environ, **env}, cwd="/")
            if done.returncode:
                raise SystemExit(f"{label}: {done.stderr[-2000:]}")
            r = json.loads(done.stdout.strip().splitlines()[-1])
            results.setdefault(label, []).append(r)
            print(f"round {i + 1}, {label}: read {r['read']:.2f} s, count {r['count']:.2f} s",
                  file=sys.stderr)
    print(f"Command: `python benchmarks/bench_count.py {' '.join(sys.argv[1:])}`\n")
    print("| code | read+tokenize (s) | count (s) | read+tokenize+count (s) | tokens/s "
          "| spills | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, rs in results.items():
        def med(key: str) -> float:
            return statistics.median(r[key] for r in rs)
        total = statistics.median(r["read"] + r["count"] for r in rs)
        print(f"| {label} | {med('read'):.2f} | {med('count'):.2f} | {total:.2f} | "
              f"{rs[0]['tokens'] / total / 1e6:.2f}M | {rs[0]['spills']:.0f} | {med('rss'):.0f} |")
    same = len({(r["tokens"], r["vocab"], r["nnz"]) for rs in results.values() for r in rs})
    print(f"\nsame vocabulary and non-zeros in every run: {same == 1}")


if __name__ == "__main__":
    main()
