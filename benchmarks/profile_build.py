"""Where the time of a default build goes: stage timings and a pyinstrument profile.

    python benchmarks/profile_build.py                 # the wiki sample
    python benchmarks/profile_build.py --html prof.html

Runs ``wordvec.build`` (package defaults) + ``save`` once under pyinstrument and
prints the stage timings recorded by the pipeline and the call tree of the main
process.  Tokenizing runs in worker processes, which pyinstrument does not see: in
the tree that stage shows as the main process waiting in ``Pool.imap``; its own
split is measured with ``--serial`` (one process, ``n_jobs=1``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WORDVEC_SHARED", REPO.parent / "shared"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(SHARED / "corpora" / "enwiki-2015-sample"))
    parser.add_argument("--serial", action="store_true", help="n_jobs=1 (one process)")
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    args = parser.parse_args()

    from pyinstrument import Profiler

    import wordvec

    profiler = Profiler(interval=0.005)
    with tempfile.TemporaryDirectory() as tmp:
        profiler.start()
        t0 = time.perf_counter()
        wv = wordvec.build(args.corpus, progress=False, n_jobs=1 if args.serial else None)
        t1 = time.perf_counter()
        wv.save(Path(tmp) / "model.wv")
        t2 = time.perf_counter()
        profiler.stop()
    timings = dict(wv.stats["timings"])
    timings["save"] = t2 - t1
    print(f"{wv.stats['tokens']:,} tokens, {len(wv):,} words; wall {t2 - t0:.1f} s")
    print("| stage | seconds | share |\n|---|---:|---:|")
    for stage in ("read_tokenize", "count", "weight", "svd", "save"):
        print(f"| {stage} | {timings[stage]:.1f} | {timings[stage] / (t2 - t0):.0%} |")
    print()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    if args.html:
        Path(args.html).write_text(profiler.output_html())


if __name__ == "__main__":
    main()
