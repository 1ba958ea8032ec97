"""wordvec's default build against gensim Word2Vec (CBOW and skip-gram), side by side.

One command, one run, the same token stream for everybody::

    python benchmarks/bench_build.py                      # wordvec, CBOW, skip-gram
    python benchmarks/bench_build.py --skip-skipgram      # quick: wordvec and CBOW
    python benchmarks/bench_build.py --repeat 3           # median of 3 runs each

What is timed (each system in its own process, one after the other, never two at once):

* **wordvec**: ``wordvec.build(<raw corpus folder>)`` with the package ``DEFAULTS``
  and ``WordVectors.save`` -- raw WikiExtractor files to a saved model, everything
  included (reading, tokenizing, counting, PPMI, SVD, writing).
* **gensim**: ``Word2Vec(sentences, vector_size=300, window=5, min_count=5, epochs=5,
  workers=2, sg=0|1)`` then ``save_word2vec_format(binary=True)``.  Its sentences are
  the documents tokenized by wordvec's own :class:`~wordvec.text.tokenize.Tokenizer`, cut in
  pieces of at most 10,000 tokens (gensim truncates longer ones), prepared once before
  the timed runs in a token file (one sentence per line) that gensim streams each
  epoch.  Reading and tokenizing the raw text is therefore *not* in gensim's time but
  is in wordvec's: the ratio is conservative.

Peak RSS is each process's own ``ru_maxrss`` at the end of its build + save.
Evaluation (WS353-ALL Spearman, Google analogies 3CosAdd/3CosMul on covered
questions, whole vocabulary) runs afterwards in separate processes on the saved
files, with ``wordvec.evaluate`` (or a local fallback with the same definitions).
The table is printed as Markdown; ``--json`` writes every measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WORDVEC_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpora" / "enwiki-2015-sample"
WS353 = SHARED / "eval" / "similarity" / "EN-WS-353-ALL.txt"
ANALOGY = SHARED / "eval" / "analogy" / "questions-words.txt"
MAX_SENTENCE = 10_000
GENSIM = {"vector_size": 300, "window": 5, "min_count": 5, "epochs": 5, "workers": 2}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --------------------------------------------------------------------------- workers

def work_tokens(corpus: str, out: str) -> dict[str, Any]:
    """Write the wordvec token stream as sentences of <= MAX_SENTENCE tokens per line."""
    from wordvec.text.corpus import Corpus
    from wordvec.text.tokenize import Tokenizer
    tok = Tokenizer()
    t0 = time.perf_counter()
    n_tokens = n_sentences = 0
    with open(out, "w", encoding="utf-8") as fh:
        for doc in Corpus(corpus):
            tokens = tok(doc) if isinstance(doc, str) else doc
            for i in range(0, len(tokens), MAX_SENTENCE):
                piece = tokens[i:i + MAX_SENTENCE]
                fh.write(" ".join(piece))
                fh.write("\n")
                n_sentences += 1
            n_tokens += len(tokens)
    return {"seconds": time.perf_counter() - t0, "tokens": n_tokens,
            "sentences": n_sentences, "peak_rss_mb": _peak_rss_mb()}


def work_wordvec(corpus: str, out: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    import wordvec
    wv = wordvec.build(corpus, progress=False)
    wv.save(out)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "words": len(wv),
            "stages": {k: round(v, 2) for k, v in wv.stats.get("timings", {}).items()},
            "params": {k: wv.params[k] for k in sorted(wordvec.DEFAULTS)}}


class _TokenFile:
    """Re-iterable sentences of a token file (what gensim's LineSentence does)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __iter__(self):  # type: ignore[no-untyped-def]
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                yield line.split()


def work_gensim(tokens: str, out: str, sg: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    from gensim.models import Word2Vec
    model = Word2Vec(sentences=_TokenFile(tokens), sg=sg, seed=0, **GENSIM)
    model.wv.save_word2vec_format(out, binary=True)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "words": len(model.wv),
            "train_seconds": float(model.total_train_time)}


def work_evaluate(model: str, fmt: str) -> dict[str, Any]:
    import numpy as np

    from wordvec.vectors.vectors import WordVectors
    if fmt == "native":
        wv = WordVectors.load(model)
    else:
        from gensim.models import KeyedVectors
        kv = KeyedVectors.load_word2vec_format(model, binary=True)
        wv = WordVectors(np.asarray(kv.vectors, dtype=np.float32), list(kv.index_to_key))
    return evaluate(wv)


def evaluate(wv: Any) -> dict[str, Any]:
    """WS353-ALL Spearman and Google analogy accuracy (covered questions, all words)."""
    try:
        from wordvec import evaluate as ev  # type: ignore[attr-defined]
    except ImportError:
        ev = None
    if ev is not None:
        sim = ev.evaluate_similarity(wv, WS353)
        an = ev.evaluate_analogies(wv, ANALOGY, restrict_vocab=300000)
        return {"ws353": float(sim.spearman), "analogy_add": float(an.accuracy["add"]),
                "analogy_mul": float(an.accuracy["mul"]), "analogy_n": int(an.n_covered),
                "evaluator": "wordvec.evaluate"}
    return _evaluate_local(wv)


def _evaluate_local(wv: Any) -> dict[str, Any]:
    import numpy as np
    from scipy.stats import spearmanr
    words = wv.index_to_key
    unit = np.asarray(wv.unit_vectors, dtype=np.float32)
    index = {w: i for i, w in enumerate(words)}
    gold, pred = [], []
    for line in WS353.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) == 3 and parts[0].lower() in index and parts[1].lower() in index:
            gold.append(float(parts[2]))
            pred.append(float(unit[index[parts[0].lower()]] @ unit[index[parts[1].lower()]]))
    qs = [line.lower().split() for line in ANALOGY.read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith(":")]
    q = np.array([[index[w] for w in x] for x in qs if all(w in index for w in x)])
    ok_add = ok_mul = 0
    for s in range(0, len(q), 256):
        b = q[s:s + 256]
        sa, sb, sc = (unit[b[:, j]] @ unit.T for j in range(3))
        r = np.arange(len(b))[:, None]
        add = sb - sa + sc
        add[r, b[:, :3]] = -np.inf
        ok_add += int((add.argmax(1) == b[:, 3]).sum())
        mul = ((sb + 1) / 2) * ((sc + 1) / 2) / ((sa + 1) / 2 + 1e-6)
        mul[r, b[:, :3]] = -np.inf
        ok_mul += int((mul.argmax(1) == b[:, 3]).sum())
    return {"ws353": float(spearmanr(gold, pred)[0]), "analogy_add": ok_add / len(q),
            "analogy_mul": ok_mul / len(q), "analogy_n": int(len(q)), "evaluator": "local"}


def _worker_main(args: argparse.Namespace) -> None:
    kind = args.worker
    if kind == "tokens":
        result = work_tokens(args.corpus, args.out)
    elif kind == "wordvec":
        result = work_wordvec(args.corpus, args.out)
    elif kind in ("cbow", "skipgram"):
        result = work_gensim(args.tokens, args.out, sg=int(kind == "skipgram"))
    elif kind == "evaluate":
        result = work_evaluate(args.out, args.format)
    else:
        raise SystemExit(f"unknown worker {kind!r}")
    print("RESULT " + json.dumps(result))


# --------------------------------------------------------------------------- driver

def _run(worker: str, **kw: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker]
    for k, v in kw.items():
        cmd += [f"--{k}", str(v)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"worker {worker} failed with exit code {proc.returncode}")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line[len("RESULT "):])
    result["process_wall"] = wall
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--repeat", type=int, default=1, help="runs per system (median)")
    parser.add_argument("--skip-skipgram", action="store_true",
                        help="leave out gensim skip-gram (the slowest system)")
    parser.add_argument("--skip-gensim", action="store_true", help="wordvec only")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the models here (wordvec.model, gensim_cbow.bin, "
                             "gensim_sg.bin) instead of a temporary folder")
    parser.add_argument("--json", metavar="FILE", help="write every measurement here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker_main(args)
        return

    systems = ["wordvec"]
    if not args.skip_gensim:
        systems.append("cbow")
        if not args.skip_skipgram:
            systems.append("skipgram")
    files = {"wordvec": "wordvec.model", "cbow": "gensim_cbow.bin", "skipgram": "gensim_sg.bin"}
    with tempfile.TemporaryDirectory(prefix="wordvec-bench-") as tmp:
        outdir = Path(args.keep) if args.keep else Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        prep: dict[str, Any] = {}
        tokens = Path(tmp) / "tokens.txt"
        if len(systems) > 1:
            print(f"preparing the gensim token stream from {args.corpus} ...", file=sys.stderr)
            prep = _run("tokens", corpus=args.corpus, out=str(tokens))
        runs: dict[str, list[dict[str, Any]]] = {s: [] for s in systems}
        for rep in range(args.repeat):
            for system in systems:
                print(f"run {rep + 1}/{args.repeat}: {system} ...", file=sys.stderr)
                out = outdir / files[system]
                if system == "wordvec":
                    r = _run("wordvec", corpus=args.corpus, out=str(out))
                else:
                    r = _run(system, tokens=str(tokens), out=str(out))
                print(f"  {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB",
                      file=sys.stderr)
                runs[system].append(r)
        scores = {}
        for system in systems:
            print(f"evaluating {system} ...", file=sys.stderr)
            scores[system] = _run("evaluate", out=str(outdir / files[system]),
                                  format="native" if system == "wordvec" else "w2v")

    report = {"command": " ".join(["python", "benchmarks/bench_build.py", *sys.argv[1:]]),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "prep": prep, "runs": runs, "scores": scores}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    runs, scores = report["runs"], report["scores"]
    med = {s: statistics.median(r["seconds"] for r in rs) for s, rs in runs.items()}
    rss = {s: max(r["peak_rss_mb"] for r in rs) for s, rs in runs.items()}
    names = {"wordvec": "wordvec (PPMI+SVD, defaults)", "cbow": "gensim Word2Vec CBOW",
             "skipgram": "gensim Word2Vec skip-gram"}
    n = len(next(iter(runs.values())))
    lines = [f"Command: `{report['command']}`", "",
             f"| system | wall time (s, median of {n}) | peak RSS (MB) | words | WS353-ALL "
             "| analogy 3CosAdd | analogy 3CosMul | wordvec / system time |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in runs:
        sc = scores[s]
        ratio = med["wordvec"] / med[s]
        lines.append(f"| {names[s]} | {med[s]:.1f} | {rss[s]:.0f} | "
                     f"{runs[s][0]['words']:,} | {sc['ws353']:.3f} | {sc['analogy_add']:.3f} "
                     f"| {sc['analogy_mul']:.3f} | {ratio:.3f} |")
    lines.append("")
    an = {sc["analogy_n"] for sc in scores.values()}
    lines.append(f"Analogy questions covered: {', '.join(str(x) for x in sorted(an))} "
                 f"(evaluator: {next(iter(scores.values()))['evaluator']}).")
    if report.get("prep"):
        p = report["prep"]
        lines.append(f"gensim's token stream ({p['tokens']:,} tokens, {p['sentences']:,} "
                     f"sentences) was prepared once in {p['seconds']:.1f} s, outside its time.")
    stages = runs["wordvec"][0].get("stages", {})
    if stages:
        lines.append("wordvec stages (first run, s): " + ", ".join(
            f"{k} {v:.1f}" for k, v in stages.items()))
    if "cbow" in runs:
        lines.append(f"gensim CBOW training alone (model.total_train_time): "
                     f"{statistics.median(r['train_seconds'] for r in runs['cbow']):.1f} s")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
