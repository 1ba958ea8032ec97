"""One big plain-text file: read + tokenize + count with and without cutting it in pieces.

The wiki sample's text (WikiExtractor tags removed) is written once as one plain file
(``--file``, default in the temporary folder; never in the repository), then
``wordvec.count`` runs on it with both cores, first as one piece (one worker reads the
whole file, the behaviour before pieces) and then in 16 MiB pieces, ``--repeat`` times
each, alternating.  Prints the median stage times and the ratio.

    python benchmarks/bench_one_file.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import wordvec
import wordvec.text._reading as reading
from wordvec.text.textfiles import iter_file

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared/corpora/enwiki-2015-sample"


def make_file(path: Path) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as out:
        for f in sorted(p for p in SAMPLE.rglob("*") if p.is_file()):
            for doc in iter_file(f):
                out.write(doc.replace("\n", " ") + "\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path,
                    default=Path(tempfile.gettempdir()) / "wordvec-one-file.txt")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    make_file(args.file)
    size = args.file.stat().st_size
    results: dict[str, list[dict[str, float]]] = {"one piece": [], "16 MiB pieces": []}
    for _ in range(args.repeat):
        for name, piece in (("one piece", 1 << 62), ("16 MiB pieces", 16 << 20)):
            reading._PIECE_BYTES = piece
            t0 = time.perf_counter()
            c = wordvec.count(args.file, progress=False, n_jobs=2)
            t = dict(c.stats["timings"], total=time.perf_counter() - t0)
            results[name].append(t)
    tokens = c.stats["tokens"]
    print(f"{args.file} ({size / 1e6:.0f} MB, {tokens:,} tokens), n_jobs=2, "
          f"median of {args.repeat}, load {os.getloadavg()[0]:.1f}\n")
    print("| reading | read+tokenize s | count s | total s | M tokens/s |")
    print("|---|---:|---:|---:|---:|")
    med = {}
    for name, runs in results.items():
        m = {k: statistics.median(r[k] for r in runs) for k in ("read_tokenize", "count", "total")}
        med[name] = m
        print(f"| {name} | {m['read_tokenize']:.1f} | {m['count']:.1f} | {m['total']:.1f} | "
              f"{tokens / m['total'] / 1e6:.2f} |")
    ratio = med["one piece"]["read_tokenize"] / med["16 MiB pieces"]["read_tokenize"]
    print(f"\nread+tokenize speed-up from pieces: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
