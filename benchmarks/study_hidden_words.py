"""Study: vectors for words a model never saw, ours (n-gram ridge fit) vs fastText's.

Without a rare-word benchmark, words are *hidden*: a set ``H`` of 500 words seen 5-50
times in the wiki sample (seed 0), plus every word of WS353, MTurk-287 and RG-65, is
removed from the token stream, and each system is trained on what is left (fastText:
its vectors of n-grams; wordvec: ``build(..., subwords=True)``).  Each then gives the
words of ``H`` vectors from their character n-grams only (fastText's
``get_word_vector`` of a word it never saw; ``wv[word]`` of ours), and they are judged

* against the word's *real* vector, from the same system trained on the whole stream
  (the hidden-words model's space is first rotated onto the full model's by orthogonal
  Procrustes on the words both know, so that the cosine means something), and
* on WS353 / MTurk-287 / RG-65, whose words are then all answered from subwords only.

Stages (each in its own process, never two timed jobs at once)::

    python benchmarks/study_hidden_words.py prepare DIR
    python benchmarks/study_hidden_words.py fasttext DIR [--model skipgram|cbow]
    python benchmarks/study_hidden_words.py wordvec DIR
    python benchmarks/study_hidden_words.py report DIR --full-wordvec M --full-fasttext B ...

``prepare`` writes ``DIR/tokens.txt`` (bench_build's stream), ``DIR/hidden.json`` and
``DIR/tokens_hidden.txt``; the full models come from
``bench_build.py --keep DIR`` (``wordvec_subwords.model``, ``fasttext_sg.bin``, ...).
fastText's settings are bench_build's (dim 300, ws 5, minCount 5, 5 epochs, 2 threads,
minn 3, maxn 6).  Figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_build  # noqa: E402

SIMS = ("EN-WS-353-ALL", "EN-MTurk-287", "EN-RG-65")
EVAL = bench_build.SHARED / "eval" / "similarity"


def _pairs(name: str) -> list[tuple[str, str, float]]:
    from wordvec.evaluate import read_similarity
    return [(a.lower(), b.lower(), s) for a, b, s in read_similarity(EVAL / f"{name}.txt")]


def prepare(out: Path, n_hidden: int, seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tokens = out / "tokens.txt"
    if not tokens.exists():
        print(bench_build.work_tokens(str(bench_build.CORPUS), str(tokens)), file=sys.stderr)
    counts: collections.Counter[str] = collections.Counter()
    with open(tokens, encoding="utf-8") as fh:
        for line in fh:
            counts.update(line.split())
    pool = sorted(w for w, c in counts.items() if 5 <= c <= 50 and w.isalpha())
    rng = np.random.default_rng(seed)
    sample = sorted(rng.choice(pool, n_hidden, replace=False).tolist())
    eval_words = sorted({w for name in SIMS for a, b, _ in _pairs(name) for w in (a, b)
                         if counts[w] >= 5})
    hidden = set(sample) | set(eval_words)
    removed = 0
    with open(tokens, encoding="utf-8") as src, \
            open(out / "tokens_hidden.txt", "w", encoding="utf-8") as dst:
        for line in src:
            words = line.split()
            kept = [w for w in words if w not in hidden]
            removed += len(words) - len(kept)
            dst.write(" ".join(kept) + "\n")
    (out / "hidden.json").write_text(json.dumps(
        {"sample": sample, "eval_words": eval_words, "seed": seed,
         "tokens_removed": removed, "tokens": sum(counts.values())}, indent=1))
    print(f"{len(sample)} sampled words (counts 5-50) + {len(eval_words)} words of "
          f"{', '.join(SIMS)}: {removed:,} of {sum(counts.values()):,} tokens removed",
          file=sys.stderr)


def train_fasttext(out: Path, model: str) -> None:
    t = time.perf_counter()
    name = {"skipgram": "sg", "cbow": "cbow"}[model]
    r = bench_build.work_fasttext(str(out / "tokens_hidden.txt"),
                                  str(out / f"hidden_fasttext_{name}.bin"), model)
    print(f"fastText {model} on the hidden-words stream: {time.perf_counter() - t:.0f} s, "
          f"{r}", file=sys.stderr)


def train_wordvec(out: Path) -> None:
    import wordvec
    t = time.perf_counter()
    wv = wordvec.build(str(out / "tokens_hidden.txt"), document="line", subwords=True,
                       progress=False)
    wv.save(out / "hidden_wordvec.model")
    print(f"wordvec on the hidden-words stream: {time.perf_counter() - t:.0f} s, {wv}",
          file=sys.stderr)


# --------------------------------------------------------------------------- report

def _unit(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(n > 0, n, 1)


def _procrustes(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The rotation (or, between two dimensions, the orthonormal map) R minimising
    ||src R - dst||: R = U V^T from the SVD of src^T dst."""
    u, _, vt = np.linalg.svd(src.T.astype(np.float64) @ dst.astype(np.float64),
                             full_matrices=False)
    return (u @ vt).astype(np.float32)


class _System:
    """Vectors of one system: in-vocabulary lookups and vectors of any word."""

    def __init__(self, kind: str, path: Path) -> None:
        self.kind = kind
        if kind == "wordvec":
            import wordvec
            self.wv = wordvec.load(path)
            self.words = self.wv.index_to_key
            self.matrix = np.asarray(self.wv.unit_vectors)
        else:
            import fasttext
            self.ft = fasttext.load_model(str(path))
            self.words = list(self.ft.words)
            self.matrix = _unit(np.stack([self.ft.get_word_vector(w) for w in self.words]))
        self.index = {w: i for i, w in enumerate(self.words)}

    def vector(self, word: str) -> np.ndarray | None:
        """The word's unit vector: in-vocabulary, or from its n-grams (None: none known)."""
        if self.kind == "wordvec":
            v = self.wv.get_vector(word) if self.wv.has_vector(word) else None
        else:
            v = self.ft.get_word_vector(word)
        if v is None or not np.any(v):
            return None
        return _unit(np.asarray(v, dtype=np.float32))


def report(out: Path, systems: list[tuple[str, str, Path, Path]]) -> str:
    from wordvec.evaluate import spearman
    info = json.loads((out / "hidden.json").read_text())
    sample = info["sample"]
    lines = [f"Hidden: {len(sample)} words seen 5-50 times (seed {info['seed']}) + "
             f"{len(info['eval_words'])} words of {', '.join(SIMS)}; "
             f"{info['tokens_removed']:,} of {info['tokens']:,} tokens removed.", "",
             "| system | hidden words with a vector | cosine to real vector (mean) | "
             "mean-vector baseline | " + " | ".join(f"{s[3:]} (subwords only)" for s in SIMS)
             + " | " + " | ".join(f"{s[3:]} (full model)" for s in SIMS) + " |",
             "|---|---:|---:|---:|" + "---:|" * (2 * len(SIMS))]
    for label, kind, full_path, hidden_path in systems:
        full, part = _System(kind, full_path), _System(kind, hidden_path)
        hidden = set(sample) | set(info["eval_words"])
        shared = [w for w in part.words if w in full.index and w not in hidden]
        rot = _procrustes(part.matrix[[part.index[w] for w in shared]],
                          full.matrix[[full.index[w] for w in shared]])
        real = [w for w in sample if w in full.index and w not in part.index]
        cos, got = [], 0
        for w in real:
            v = part.vector(w)
            if v is None:
                cos.append(0.0)
                continue
            got += 1
            cos.append(float(_unit(v @ rot) @ full.matrix[full.index[w]]))
        mean = _unit(part.matrix.mean(axis=0) @ rot)
        base = float(np.mean([mean @ full.matrix[full.index[w]] for w in real]))
        sims_part, sims_full = [], []
        for name in SIMS:
            for model, into in ((part, sims_part), (full, sims_full)):
                gold, pred = [], []
                for a, b, s in _pairs(name):
                    va, vb = model.vector(a), model.vector(b)
                    if va is not None and vb is not None:
                        gold.append(s)
                        pred.append(float(va @ vb))
                n_all = len(_pairs(name))
                into.append(f"{spearman(gold, pred):.3f} ({len(gold)}/{n_all})")
        lines.append(f"| {label} | {got}/{len(real)} | {np.mean(cos):.3f} | {base:.3f} | "
                     + " | ".join(sims_part) + " | " + " | ".join(sims_full) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stage", choices=("prepare", "fasttext", "wordvec", "report"))
    ap.add_argument("dir", type=Path)
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--model", default="skipgram", choices=("skipgram", "cbow"))
    ap.add_argument("--full-wordvec", type=Path)
    ap.add_argument("--full-fasttext", type=Path, nargs="*", default=[],
                    help="full fastText models: skip-gram first, then CBOW (optional)")
    args = ap.parse_args()
    if args.stage == "prepare":
        prepare(args.dir, args.hidden, args.seed)
    elif args.stage == "fasttext":
        train_fasttext(args.dir, args.model)
    elif args.stage == "wordvec":
        train_wordvec(args.dir)
    else:
        systems = []
        if args.full_wordvec:
            systems.append(("wordvec (subwords=True)", "wordvec", args.full_wordvec,
                            args.dir / "hidden_wordvec.model"))
        for path, name in zip(args.full_fasttext, ("sg", "cbow")):
            systems.append((f"fastText {'skip-gram' if name == 'sg' else 'CBOW'}", "fasttext",
                            path, args.dir / f"hidden_fasttext_{name}.bin"))
        print(report(args.dir, systems))


if __name__ == "__main__":
    main()
