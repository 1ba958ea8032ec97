"""Queries and evaluation, wordvec against gensim on the same vectors, in one run.

Usage::

    python benchmarks/bench_query.py [MODEL] [--cosmul-sample N] [--json OUT]

MODEL defaults to ``/tmp/wiki.model`` (a native model built with the defaults on the
wiki sample).  The script

1. saves the vectors in word2vec binary format and loads them in gensim's
   ``KeyedVectors`` (checking identical vectors and order);
2. runs wordvec's evaluation (six similarity sets, Google analogies with 3CosAdd and
   3CosMul) and times it, model load included;
3. runs gensim's ``evaluate_word_pairs`` and ``evaluate_word_analogies`` (3CosAdd) on
   the same vectors, timed, and 3CosMul with gensim's ``most_similar_cosmul`` using the
   same rules as its ``evaluate_word_analogies`` (ok_vocab, upper-casing, top-5 pass
   over question words) on a seeded sample of covered questions (``--cosmul-sample 0``:
   all; gensim needs about 10 ms per question), compared with wordvec on that sample;
4. measures query latency: one ``most_similar`` (median of 30) and per query in a
   batch of 1,000 words (wordvec batched engine vs a gensim loop).

Timings are side by side in one process; the machine may be shared, so compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

import wordvec  # noqa: E402
from wordvec.evaluate import evaluate_analogies, evaluate_similarity, read_analogies  # noqa: E402

SHARED = Path(os.environ.get("WORDVEC_SHARED", ROOT.parent / "shared"))
SIMILARITY = ["EN-WS-353-ALL", "EN-WS-353-SIM", "EN-WS-353-REL", "EN-RG-65", "EN-MC-30",
              "EN-MTurk-287"]
GOOGLE = SHARED / "eval" / "analogy" / "questions-words.txt"
RESTRICT = 300000


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def gensim_cosmul_accuracy(kv, questions, restrict_vocab: int) -> tuple[int, int]:
    """gensim's evaluate_word_analogies rules, answering with most_similar_cosmul."""
    ok_vocab = {k.upper(): kv.get_index(k) for k in reversed(kv.index_to_key[:restrict_vocab])}
    original = kv.key_to_index
    correct = 0
    try:
        kv.key_to_index = ok_vocab
        for a, b, c, expected in questions:
            sims = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)
            predicted = None
            for word, _ in sims:
                predicted = word.upper()
                if predicted in ok_vocab and predicted not in {a, b, c}:
                    break
            correct += predicted == expected
    finally:
        kv.key_to_index = original
    return correct, len(questions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default="/tmp/wiki.model")
    parser.add_argument("--cosmul-sample", type=int, default=2000)
    parser.add_argument("--json", help="write all figures as JSON")
    args = parser.parse_args()
    import logging

    import gensim
    from gensim.models import KeyedVectors
    logging.getLogger("gensim").setLevel(logging.ERROR)
    report: dict = {"model": args.model, "gensim": gensim.__version__,
                    "load_average_start": os.getloadavg()}
    sim_paths = [SHARED / "eval" / "similarity" / f"{name}.txt" for name in SIMILARITY]

    # -- 1. the same vectors in gensim --------------------------------------------------
    tmp = Path(tempfile.mkdtemp(prefix="wordvec-bench-query-"))
    w2v = tmp / "wiki.w2v.bin"
    started = time.perf_counter()
    wv = wordvec.load(args.model, mmap="r")
    report["native_mmap_load_s"] = time.perf_counter() - started
    started = time.perf_counter()
    wordvec.save_word2vec(wv, w2v, binary=True)
    report["save_word2vec_binary_s"] = time.perf_counter() - started
    started = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(str(w2v), binary=True)
    report["gensim_load_s"] = time.perf_counter() - started
    assert kv.index_to_key == wv.index_to_key and np.array_equal(kv.vectors, wv.vectors)
    print(f"{args.model}: {len(wv)} words x {wv.vector_size}; native mmap load "
          f"{report['native_mmap_load_s']:.3f} s; word2vec binary written and read by gensim "
          "with identical vectors and order")

    # -- 2. wordvec evaluation ------------------------------------------------------------
    started = time.perf_counter()
    fresh = wordvec.load(args.model, mmap="r")
    ours_sim = [evaluate_similarity(fresh, p, restrict_vocab=RESTRICT) for p in sim_paths]
    ours_ana = evaluate_analogies(fresh, GOOGLE, restrict_vocab=RESTRICT)
    ours_seconds = time.perf_counter() - started

    # -- 3. gensim evaluation -------------------------------------------------------------
    started = time.perf_counter()
    theirs_sim = [kv.evaluate_word_pairs(str(p), restrict_vocab=RESTRICT) for p in sim_paths]
    gensim_sim_seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs_add, theirs_sections = kv.evaluate_word_analogies(str(GOOGLE), restrict_vocab=RESTRICT)
    gensim_add_seconds = time.perf_counter() - started
    total = theirs_sections[-1]
    gensim_covered = len(total["correct"]) + len(total["incorrect"])

    sections = read_analogies(GOOGLE)
    vocab = {k.upper() for k in wv.index_to_key[:RESTRICT]}
    covered = [(name, tuple(w.upper() for w in q)) for name, qs in sections for q in qs
               if all(w.upper() in vocab for w in q)]
    rng = np.random.default_rng(0)
    if 0 < args.cosmul_sample < len(covered):
        pick = sorted(rng.choice(len(covered), args.cosmul_sample, replace=False))
        sample = [covered[i] for i in pick]
    else:
        sample = covered
    subset = tmp / "sample-questions.txt"
    with open(subset, "w", encoding="utf-8") as fh:
        last = None
        for name, q in sample:
            if name != last:
                fh.write(f": {name}\n")
                last = name
            fh.write(" ".join(q) + "\n")
    ours_sample = evaluate_analogies(wv, subset, restrict_vocab=RESTRICT)
    started = time.perf_counter()
    mul_right, mul_n = gensim_cosmul_accuracy(kv, [q for _, q in sample], RESTRICT)
    gensim_mul_seconds = time.perf_counter() - started

    rows = []
    print(f"\nEvaluation (restrict_vocab={RESTRICT}, case_insensitive=True, unknown pairs skipped)")
    print(f"{'benchmark':<34}{'wordvec':>10}{'gensim':>10}{'|diff|':>9}  n")
    for r, (pearson, spearman, oov) in zip(ours_sim, theirs_sim):
        for label, ours, theirs in (("spearman", r.spearman, spearman[0]),
                                    ("pearson", r.pearson, pearson[0])):
            rows.append((f"{r.name} {label}", ours, float(theirs)))
            print(f"{r.name + ' ' + label:<34}{ours:>10.4f}{theirs:>10.4f}"
                  f"{abs(ours - theirs):>9.1e}  {r.n_scored}/{r.n_pairs} scored")
    covered_line = f"{ours_ana.n_covered}/{ours_ana.n_total} (gensim {gensim_covered})"
    add_all_gensim = len(total["correct"]) / ours_ana.n_total
    for label, ours, theirs, n in (
            ("Google 3CosAdd, covered", ours_ana.accuracy["add"], theirs_add, covered_line),
            ("Google 3CosAdd, all", ours_ana.accuracy_all["add"], add_all_gensim, "unknown = wrong"),
            ("Google 3CosMul, covered", ours_ana.accuracy["mul"], None, covered_line),
            ("Google 3CosMul, all", ours_ana.accuracy_all["mul"], None, "unknown = wrong"),
            (f"3CosMul on {mul_n} sampled", ours_sample.accuracy["mul"], mul_right / mul_n,
             "seeded sample of covered questions")):
        rows.append((label, ours, theirs))
        gensim_txt = f"{theirs:>10.4f}{abs(ours - theirs):>9.1e}" if theirs is not None \
            else f"{'-':>10}{'':>9}"
        print(f"{label:<34}{ours:>10.4f}{gensim_txt}  {n}")
    print(f"\nwall time: wordvec evaluation (load + 6 similarity sets + Google add & mul) "
          f"{ours_seconds:.2f} s; gensim evaluate_word_pairs x6 {gensim_sim_seconds:.2f} s + "
          f"evaluate_word_analogies (add only) {gensim_add_seconds:.1f} s "
          f"= {(gensim_sim_seconds + gensim_add_seconds) / ours_seconds:.0f}x; gensim 3CosMul on "
          f"{mul_n} questions {gensim_mul_seconds:.1f} s "
          f"({1000 * gensim_mul_seconds / mul_n:.1f} ms/question)")

    # -- 4. latency ---------------------------------------------------------------------------
    wv.unit_vectors
    kv.fill_norms()
    ours_one = _median_time(lambda: wv.most_similar("king", topn=10), 30)
    theirs_one = _median_time(lambda: kv.most_similar("king", topn=10), 30)
    words = [wv.index_to_key[i] for i in rng.choice(min(len(wv), 50000), 1000, replace=False)]
    started = time.perf_counter()
    batch = wv.batch_most_similar(words, topn=10)
    ours_batch = (time.perf_counter() - started) / len(words)
    started = time.perf_counter()
    loop = [kv.most_similar(w, topn=10) for w in words]
    theirs_batch = (time.perf_counter() - started) / len(words)
    same = np.mean([[w for w, _ in a] == [w for w, _ in b] for a, b in zip(batch, loop)])
    print(f"\nQuery latency (topn=10, {len(wv)} words x {wv.vector_size})")
    print(f"{'':<36}{'wordvec':>12}{'gensim':>12}{'speed-up':>10}")
    print(f"{'one most_similar (median of 30)':<36}{1000 * ours_one:>10.2f}ms"
          f"{1000 * theirs_one:>10.2f}ms{theirs_one / ours_one:>9.1f}x")
    print(f"{'per query, batch of 1,000 words':<36}{1000 * ours_batch:>10.3f}ms"
          f"{1000 * theirs_batch:>10.3f}ms{theirs_batch / ours_batch:>9.1f}x")
    print(f"identical top-10 lists: {100 * same:.1f}% of the 1,000 queries")
    report.update({
        "rows": rows, "wordvec_eval_s": ours_seconds, "gensim_pairs_s": gensim_sim_seconds,
        "gensim_analogies_add_s": gensim_add_seconds, "gensim_cosmul_s": gensim_mul_seconds,
        "cosmul_sample": mul_n, "latency_one_s": {"wordvec": ours_one, "gensim": theirs_one},
        "latency_batch_per_query_s": {"wordvec": ours_batch, "gensim": theirs_batch},
        "identical_top10": float(same), "analogy": ours_ana.as_dict(),
        "similarity": [r.as_dict() for r in ours_sim], "load_average_end": os.getloadavg(),
    })
    print(f"load average (1, 5, 15 min) at start {report['load_average_start']}, "
          f"end {report['load_average_end']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    for path in tmp.iterdir():
        path.unlink()
    tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
