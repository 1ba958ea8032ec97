"""Per-core ceiling of reading + tokenizing in Python: where a worker's time goes.

Reads the first ``--files`` files of the wiki sample once (WikiExtractor documents), then
times, on one core and ``--repeat`` times each (median), every step a tokenizing worker
does per document: lowercasing, the tokenizer's regular expression over the whole text
(the definition), ``Tokenizer`` itself (whitespace pieces of letters only skip the
regex; the same tokens, checked here), mapping tokens to ids (``dict`` lookups), ``Tokenizer`` + mapping (the Python path), and
:class:`~wordvec.text.tokenize.TokenIds` (the compiled path ``wordvec.pipeline``'s workers run).  Prints tokens per second per
core for each, and the implied limit of read + tokenize on ``--cores`` cores, which
bounds read + tokenize + count.

    python benchmarks/bench_tokenize.py --files 30 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wordvec.text.textfiles import iter_file
from wordvec.text.tokenize import TokenIds, Tokenizer, _doc_ids, _TypeIndex

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared/corpora/enwiki-2015-sample"


def _median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=30, help="files of the wiki sample to read")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cores", type=int, default=2)
    args = ap.parse_args(argv)

    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file())[:args.files]
    if not files:
        raise SystemExit(f"no files under {SAMPLE}")
    t0 = time.perf_counter()
    docs = [doc for f in files for doc in iter_file(f)]
    t_read = time.perf_counter() - t0
    tok = Tokenizer()
    lowered = [d.lower() for d in docs]
    tokens = [tok(d) for d in docs]
    n = sum(map(len, tokens))
    regex = tok._regex

    if [regex.findall(d) for d in lowered] != tokens:
        raise SystemExit("Tokenizer does not give the tokens of one findall over the text")

    def map_ids() -> None:
        index = _TypeIndex()
        for t in tokens:
            _doc_ids(index, t)

    def tokenize_and_map() -> None:
        index = _TypeIndex()
        for d in docs:
            _doc_ids(index, tok(d))

    def token_ids() -> None:
        ids = TokenIds(tok)
        if not ids.compiled:
            raise SystemExit("the kernels do not load: TokenIds runs in Python")
        batch: list[str] = []
        for d in docs:
            batch.append(d)
            if sum(map(len, batch)) >= 4 << 20:
                ids(batch)
                batch = []
        ids(batch)

    steps: list[tuple[str, float]] = [
        ("read + decode + split documents (once)", t_read),
        ("lowercase", _median_time(lambda: [d.lower() for d in docs], args.repeat)),
        ("regex findall (lowercased text)",
         _median_time(lambda: [regex.findall(d) for d in lowered], args.repeat)),
        ("Tokenizer: lowercase + whitespace pieces, regex on non-letter pieces",
         _median_time(lambda: [tok(d) for d in docs], args.repeat)),
        ("map tokens to ids (dict + np.fromiter)", _median_time(map_ids, args.repeat)),
        ("Tokenizer + map to ids (the Python loop)",
         _median_time(tokenize_and_map, args.repeat)),
        ("TokenIds in batches of 4M characters (compiled ASCII path; a worker's loop)",
         _median_time(token_ids, args.repeat)),
    ]
    mb = sum(f.stat().st_size for f in files) / 1e6
    print(f"{len(files)} files, {mb:.1f} MB, {len(docs):,} documents, {n:,} tokens; one core")
    print()
    print("| step | seconds | M tokens/s per core |")
    print("|---|---:|---:|")
    for name, sec in steps:
        print(f"| {name} | {sec:.2f} | {n / sec / 1e6:.2f} |")
    worker = steps[-1][1] + t_read
    limit = n / worker * args.cores / 1e6
    print()
    print(f"read + tokenize + map on {args.cores} cores, perfectly parallel, nothing else: "
          f"at most {limit:.2f}M tokens/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
