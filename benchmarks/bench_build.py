"""wordvec's default build against gensim Word2Vec and fastText (CBOW and skip-gram each).

One command, one run, the same token stream for everybody::

    python benchmarks/bench_build.py                      # all six systems (about 50 min)
    python benchmarks/bench_build.py --systems wordvec cbow   # quick
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
* **wordvec + subwords**: the same build with ``subwords=True`` (the n-gram table kept
  in the model: vectors for unseen words).
* **fastText**: ``fasttext.train_unsupervised(<token file>, model="skipgram"|"cbow",
  dim=300, ws=5, minCount=5, epoch=5, thread=2, minn=3, maxn=6)`` (its default
  subwords) then ``save_model`` (the ``.bin``, n-gram buckets included), on the same
  token file as gensim.

Peak RSS is each process's own ``ru_maxrss`` at the end of its build + save.
Evaluation runs afterwards in separate processes on the saved files, with
``wordvec.evaluate`` on each system's vocabulary (fastText's words with its
``get_word_vector``): Spearman on WS353 ALL/SIM/REL, RG-65, MC-30, MTurk-287; Google
analogies 3CosAdd/3CosMul on covered questions and on all (unknown = wrong), and the
semantic and syntactic (``gram*``) sections apart (covered questions), whole
vocabulary.  An old wordvec without ``wordvec.evaluate`` falls back to a local
WS353 + analogies evaluation with the same definitions.
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
SIMS = ("EN-WS-353-ALL", "EN-WS-353-SIM", "EN-WS-353-REL", "EN-RG-65", "EN-MC-30",
        "EN-MTurk-287")
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


def work_wordvec(corpus: str, out: str, subwords: bool = False) -> dict[str, Any]:
    t0 = time.perf_counter()
    import wordvec
    wv = wordvec.build(corpus, progress=False, **({"subwords": True} if subwords else {}))
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


FASTTEXT = {"dim": 300, "ws": 5, "minCount": 5, "epoch": 5, "thread": 2, "minn": 3, "maxn": 6}


def work_fasttext(tokens: str, out: str, model: str) -> dict[str, Any]:
    """fastText ``train_unsupervised`` on the token file (its own reader splits lines on
    whitespace, as gensim's sentences), then ``save_model`` (the ``.bin`` with the
    n-gram buckets: what gives vectors to unseen words)."""
    t0 = time.perf_counter()
    import fasttext
    ft = fasttext.train_unsupervised(tokens, model=model, verbose=0, **FASTTEXT)
    ft.save_model(out)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "words": len(ft.words)}


def work_evaluate(model: str, fmt: str) -> dict[str, Any]:
    import numpy as np

    from wordvec.vectors.vectors import WordVectors
    if fmt == "native":
        wv = WordVectors.load(model)
    elif fmt == "fasttext":
        import fasttext
        ft = fasttext.load_model(model)
        words = list(ft.words)
        wv = WordVectors(np.stack([ft.get_word_vector(w) for w in words]), words)
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
        out: dict[str, Any] = {"evaluator": "wordvec.evaluate"}
        out["subword_pairs"] = 0
        for name in SIMS:
            r = ev.evaluate_similarity(wv, SHARED / "eval" / "similarity" / f"{name}.txt")
            out[name] = float(r.spearman)
            out["subword_pairs"] += int(getattr(r, "n_subwords", 0))
        out["ws353"] = out["EN-WS-353-ALL"]
        an = ev.evaluate_analogies(wv, ANALOGY, restrict_vocab=300000)
        out.update({"analogy_add": float(an.accuracy["add"]),
                    "analogy_mul": float(an.accuracy["mul"]),
                    "analogy_all_add": float(an.accuracy_all["add"]),
                    "analogy_all_mul": float(an.accuracy_all["mul"]),
                    "analogy_n": int(an.n_covered), "analogy_total": int(an.n_total),
                    "analogy_subwords": int(getattr(an, "n_subwords", 0))})
        for part, syntactic in (("sem", False), ("syn", True)):
            secs = [x for x in an.sections if x["section"].startswith("gram") == syntactic]
            n = sum(x["n_covered"] for x in secs)
            for m in ("add", "mul"):
                out[f"{part}_{m}"] = sum(x["correct"][m] for x in secs) / max(n, 1)
        return out
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
    elif kind in ("wordvec", "wordvec_subwords"):
        result = work_wordvec(args.corpus, args.out, subwords=kind == "wordvec_subwords")
    elif kind in ("cbow", "skipgram"):
        result = work_gensim(args.tokens, args.out, sg=int(kind == "skipgram"))
    elif kind in ("ft_cbow", "ft_skipgram"):
        result = work_fasttext(args.tokens, args.out, kind[3:])
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
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS),
                        help="which systems to run (default: all, in this order)")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the models here (" + ", ".join(FILES.values())
                             + ") instead of a temporary folder")
    parser.add_argument("--json", metavar="FILE", help="write every measurement here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker_main(args)
        return

    systems = [s for s in SYSTEMS if s in args.systems]
    files = FILES
    with tempfile.TemporaryDirectory(prefix="wordvec-bench-") as tmp:
        outdir = Path(args.keep) if args.keep else Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        prep: dict[str, Any] = {}
        tokens = Path(tmp) / "tokens.txt"
        if any(not s.startswith("wordvec") for s in systems):
            print(f"preparing the token stream from {args.corpus} ...", file=sys.stderr)
            prep = _run("tokens", corpus=args.corpus, out=str(tokens))
        runs: dict[str, list[dict[str, Any]]] = {s: [] for s in systems}
        for rep in range(args.repeat):
            for system in systems:
                print(f"run {rep + 1}/{args.repeat}: {system} ...", file=sys.stderr)
                out = outdir / files[system]
                if system.startswith("wordvec"):
                    r = _run(system, corpus=args.corpus, out=str(out))
                else:
                    r = _run(system, tokens=str(tokens), out=str(out))
                print(f"  {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB",
                      file=sys.stderr)
                runs[system].append(r)
        scores = {}
        for system in systems:
            print(f"evaluating {system} ...", file=sys.stderr)
            fmt = "native" if system.startswith("wordvec") else \
                "fasttext" if system.startswith("ft_") else "w2v"
            scores[system] = _run("evaluate", out=str(outdir / files[system]), format=fmt)

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
    n = len(next(iter(runs.values())))
    base = "wordvec" if "wordvec" in runs else next(iter(runs))

    def f(sc: dict[str, Any], key: str) -> str:
        return f"{sc[key]:.3f}" if key in sc else "–"

    lines = [f"Command: `{report['command']}`", "",
             f"| system | wall (s, median of {n}) | peak RSS (MB) | words | "
             "{base} / system time |".replace("{base}", base),
             "|---|---:|---:|---:|---:|"]
    for s in runs:
        lines.append(f"| {NAMES[s]} | {med[s]:.1f} | {rss[s]:.0f} | {runs[s][0]['words']:,} | "
                     f"{med[base] / med[s]:.3f} |")
    sims = [k for k in SIMS if all(k in scores[s] for s in runs)] or ["ws353"]
    cols = sims + ["analogy_add", "analogy_mul", "analogy_all_add", "analogy_all_mul",
                   "sem_add", "sem_mul", "syn_add", "syn_mul"]
    heads = [k.replace("EN-", "") for k in sims] + [
        "3CosAdd covered", "3CosMul covered", "3CosAdd all", "3CosMul all",
        "sem 3CosAdd", "sem 3CosMul", "syn 3CosAdd", "syn 3CosMul"]
    lines += ["", "| system | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for s in runs:
        lines.append(f"| {NAMES[s]} | " + " | ".join(f(scores[s], k) for k in cols) + " |")
    lines.append("")
    an = {sc["analogy_n"] for sc in scores.values()}
    total = {sc.get("analogy_total") for sc in scores.values()} - {None}
    lines.append(f"Analogy questions covered: {', '.join(str(x) for x in sorted(an))} of "
                 f"{', '.join(str(x) for x in sorted(total)) or '?'} "
                 f"(evaluator: {next(iter(scores.values()))['evaluator']}); semantic and "
                 "syntactic sections on covered questions.")
    for s in runs:
        if scores[s].get("subword_pairs") or scores[s].get("analogy_subwords"):
            lines.append(f"{NAMES[s]}: {scores[s]['subword_pairs']} similarity pairs and "
                         f"{scores[s]['analogy_subwords']} analogy questions scored with "
                         "words from n-grams (outside the vocabulary).")
    if report.get("prep"):
        p = report["prep"]
        lines.append(f"The token stream for gensim and fastText ({p['tokens']:,} tokens, "
                     f"{p['sentences']:,} lines) was prepared once in {p['seconds']:.1f} s, "
                     "outside their time.")
    for s in ("wordvec", "wordvec_subwords"):
        stages = runs.get(s, [{}])[0].get("stages", {})
        if stages:
            lines.append(f"{NAMES[s]} stages (first run, s): " + ", ".join(
                f"{k} {v:.1f}" for k, v in stages.items()))
    if "cbow" in runs:
        lines.append(f"gensim CBOW training alone (model.total_train_time): "
                     f"{statistics.median(r['train_seconds'] for r in runs['cbow']):.1f} s")
    return "\n".join(lines)


SYSTEMS = ("wordvec", "wordvec_subwords", "cbow", "skipgram", "ft_cbow", "ft_skipgram")
FILES = {"wordvec": "wordvec.model", "wordvec_subwords": "wordvec_subwords.model",
         "cbow": "gensim_cbow.bin", "skipgram": "gensim_sg.bin",
         "ft_cbow": "fasttext_cbow.bin", "ft_skipgram": "fasttext_sg.bin"}
NAMES = {"wordvec": "wordvec (PPMI+SVD, defaults)",
         "wordvec_subwords": "wordvec, subwords=True",
         "cbow": "gensim Word2Vec CBOW", "skipgram": "gensim Word2Vec skip-gram",
         "ft_cbow": "fastText CBOW", "ft_skipgram": "fastText skip-gram"}


if __name__ == "__main__":
    main()
