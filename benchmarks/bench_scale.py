"""How wordvec's default build scales with corpus size: time per stage and peak memory.

    python benchmarks/bench_scale.py                   # 1M .. 16.7M and 67M words
    python benchmarks/bench_scale.py --sizes 1 2 4     # quick: a few sizes (M words)
    python benchmarks/bench_scale.py --budget-only     # only the fixed-vocabulary runs

Corpora are prefixes of ``../shared/corpora/enwiki-2015-sample`` (the first k of its
100 files, about 167k words each, linked into a temporary folder), and the whole
sample read four times (400 links, 67M words) to measure how time grows.  Each
build runs in its own process: ``wordvec.build(folder)`` with the package defaults,
then ``WordVectors.save``; stage times come from the model's ``stats["timings"]``,
peak RSS from the process's own ``ru_maxrss``.

The 67M-word corpus with the defaults has a larger vocabulary than the sample (a word
seen 2 times in the sample is seen 8 times there); a second 67M run with
``min_count=20`` keeps exactly the sample's vocabulary (counts are 4x), which is the
"fixed vocabulary" check with the default budget.

The budget runs (``--budget``, default 256 MiB) build the sample, the sample x2 with
``min_count=10`` and the sample x4 with ``min_count=20`` -- the same 75,408 words each
time -- with ``max_memory`` set to the budget, so the counts spill and the matrix stays
on disk (``BlockMatrix``): there peak RSS must stay flat as tokens grow 4x.

Writes a Markdown table to stdout and a log-log plot (time and peak RSS vs words) to
``--plot`` (default ``benchmarks/scale.png``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WORDVEC_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpora" / "enwiki-2015-sample"
STAGES = ("read_tokenize", "count", "weight", "svd", "save")


def worker(folder: str, out: str, params: dict[str, Any]) -> dict[str, Any]:
    import wordvec
    t0 = time.perf_counter()
    wv = wordvec.build(folder, progress=False, **params)
    t1 = time.perf_counter()
    wv.save(out)
    t2 = time.perf_counter()
    timings = dict(wv.stats["timings"])
    timings["save"] = t2 - t1
    timings["total"] = t2 - t0
    return {"tokens": wv.stats["tokens"], "vocab": len(wv), "timings": timings,
            "ppmi_nnz": wv.stats.get("ppmi_nnz"), "count_spills": wv.stats.get("count_spills"),
            "on_disk": wv.stats.get("on_disk", False),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def make_folder(root: Path, name: str, files: list[Path], repeat: int = 1) -> Path:
    folder = root / name
    folder.mkdir()
    for r in range(repeat):
        for f in files:
            (folder / f"r{r}_{f.name}").symlink_to(f)
    return folder


def run(folder: Path, params: dict[str, Any], out: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(folder), str(out),
           json.dumps(params)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line[7:])
    out.unlink(missing_ok=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8],
                        help="prefix sizes in millions of words (the whole sample and "
                             "the sample x4 are always added unless --no-full)")
    parser.add_argument("--no-full", action="store_true", help="skip the 16.7M and 67M runs")
    parser.add_argument("--budget", default="256M",
                        help="max_memory of the fixed-vocabulary runs (bytes, or K/M/G)")
    parser.add_argument("--no-budget", action="store_true",
                        help="skip the fixed-vocabulary runs with --budget")
    parser.add_argument("--budget-only", action="store_true",
                        help="only the fixed-vocabulary runs with --budget")
    parser.add_argument("--plot", default=str(REPO / "benchmarks" / "scale.png"))
    parser.add_argument("--json", help="write every measurement here")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        folder, out, params = args.worker
        print("RESULT " + json.dumps(worker(folder, out, json.loads(params))))
        return

    files = sorted(p for p in Path(args.corpus).iterdir() if p.is_file())
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="wordvec-scale-") as tmp:
        root = Path(tmp)
        out = root / "model.wv"
        per_file = 16.7 / len(files)  # M words per file, about
        plan: list[tuple[str, Path, dict[str, Any]]] = []
        for size in [] if args.budget_only else args.sizes:
            k = max(1, min(len(files), round(size / per_file)))
            plan.append((f"{size:g}M", make_folder(root, f"p{k}", files[:k]), {}))
        full = make_folder(root, "full", files)
        x4 = make_folder(root, "x4", files, repeat=4)
        if not args.no_full and not args.budget_only:
            plan += [("16.7M (sample)", full, {}), ("67M (sample x4)", x4, {}),
                     ("67M, min_count=20 (sample's vocabulary)", x4, {"min_count": 20})]
        if not args.no_budget:
            budget = _bytes(args.budget)
            x2 = make_folder(root, "x2", files, repeat=2)
            for label, folder, mc in (("16.7M", full, 5), ("33M (x2)", x2, 10),
                                      ("67M (x4)", x4, 20)):
                plan.append((f"{label}, min_count={mc}, max_memory={args.budget}", folder,
                             {"min_count": mc, "max_memory": budget}))
        for label, folder, params in plan:
            print(f"{label} ...", file=sys.stderr)
            r = run(folder, params, out)
            r["label"], r["params"] = label, params
            print(f"  {r['tokens']:,} tokens, {r['timings']['total']:.1f} s, "
                  f"{r['peak_rss_mb']:.0f} MB", file=sys.stderr)
            rows.append(r)
    report = {"command": " ".join(["python", "benchmarks/bench_scale.py", *sys.argv[1:]]),
              "rows": rows}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    print(markdown(report))
    if any(not r["params"] for r in rows):  # the plot is of the default builds' series
        plot(rows, args.plot)
    else:
        print(f"no default builds among these runs: {args.plot} not drawn", file=sys.stderr)


def _bytes(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def markdown(report: dict[str, Any]) -> str:
    lines = [f"Command: `{report['command']}`", "",
             "| corpus | tokens | vocabulary | read+tokenize (s) | count (s) | weight (s) "
             "| SVD (s) | save (s) | total (s) | tokens/s read+count | matrix | peak RSS (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in report["rows"]:
        t = r["timings"]
        rate = r["tokens"] / (t["read_tokenize"] + t["count"])
        lines.append(f"| {r['label']} | {r['tokens']:,} | {r['vocab']:,} | "
                     + " | ".join(f"{t.get(s, 0.0):.1f}" for s in STAGES)
                     + f" | {t['total']:.1f} | {rate / 1e6:.2f}M | "
                     + ("on disk" if r.get("on_disk") else "in memory")
                     + f" | {r['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    main_rows = [r for r in rows if not r["params"]]
    x = [r["tokens"] for r in main_rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for stage in (*STAGES, "total"):
        ax1.plot(x, [max(r["timings"].get(stage, 0.0), 1e-3) for r in main_rows], "o-",
                 label=stage, lw=2.5 if stage == "total" else 1.2)
    ax1.set(xscale="log", yscale="log", xlabel="words", ylabel="seconds",
            title="build time per stage")
    ax1.legend(fontsize=8)
    ax2.plot(x, [r["peak_rss_mb"] for r in main_rows], "o-", label="defaults")
    fixed = [r for r in rows if r["params"] and "max_memory" not in r["params"]]
    if fixed:
        ax2.plot([r["tokens"] for r in fixed], [r["peak_rss_mb"] for r in fixed], "s",
                 ms=9, label="67M, sample's vocabulary")
    budget = [r for r in rows if "max_memory" in r["params"]]
    if budget:
        mib = budget[0]["params"]["max_memory"] / (1 << 20)
        ax2.plot([r["tokens"] for r in budget], [r["peak_rss_mb"] for r in budget], "D-",
                 ms=7, label=f"sample's vocabulary, max_memory={mib:g} MiB (on disk)")
    ax2.set(xscale="log", yscale="log", xlabel="words", ylabel="peak RSS (MB)",
            title="peak memory")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
