"""Reproducible hyperparameter study of the PPMI-SVD pipeline (issue 6).

Design: one factor (or two) at a time around a good base, never the full grid.

* A *counting* configuration (window, window weighting, subsampling and its mode,
  min_count) needs a recount: :func:`wordvec.count` is run once per configuration
  and the counts are cached as ``.npz`` under ``--cache``.
* A *weighting* configuration (context_smoothing, shift, value transform) needs a
  new SVD; one SVD at the largest dimension asked serves every ``eig``, ``w+c`` and
  post-processing variant of it.
* Every evaluated variant is one JSON line in ``--log``; a rerun skips the
  variants already logged, so an interrupted sweep resumes where it stopped.

Scores: Spearman rho on WS353 (ALL/SIM/REL), RG-65, MC-30, MTurk-287 (pairs with an
unknown word skipped) and Google analogy accuracy on covered questions with 3CosAdd
and 3CosMul, restricted to the 300k (``an300k``, i.e. the whole vocabulary here) and
30k (``an30k``) most frequent words.

Usage (from the repository root, ``../shared`` beside it)::

    python benchmarks/study_hyperparams.py --corpus wiki --log /tmp/study/wiki.jsonl
    python benchmarks/study_hyperparams.py --corpus nltk --log /tmp/study/nltk.jsonl
    python benchmarks/study_hyperparams.py --table /tmp/study/wiki.jsonl  # Markdown
    python benchmarks/study_hyperparams.py --eval-w2v /work/notes/gensim_sg.bin

Everything is seeded (``seed=0``): a rerun gives the same numbers up to the
floating-point non-determinism of threaded BLAS.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.stats import spearmanr

REPO = Path(__file__).resolve().parents[1]

import wordvec  # noqa: E402
from wordvec.linalg.reduce import truncated_svd  # noqa: E402
from wordvec.linalg.weighting import ppmi  # noqa: E402

SHARED = Path(os.environ.get("WORDVEC_SHARED", REPO.parent / "shared"))
SIM_SETS = ["WS-353-ALL", "WS-353-SIM", "WS-353-REL", "RG-65", "MC-30", "MTurk-287"]
SIM_DIR = SHARED / "eval" / "similarity"
ANALOGY = SHARED / "eval" / "analogy" / "questions-words.txt"
CORPORA = {
    "wiki": [str(SHARED / "corpora" / "enwiki-2015-sample")],
    "nltk": ["brown", "movie_reviews", "abc"],
}

# --------------------------------------------------------------------------- evaluation

try:  # the project's evaluation module, once it exists
    from wordvec import evaluate as _evaluate  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the checkout
    _evaluate = None


def _similarity_local(words: list[str], unit: np.ndarray, path: Path) -> float:
    index = {w: i for i, w in enumerate(words)}
    gold, pred = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) != 3:
            continue
        a, b = parts[0].lower(), parts[1].lower()
        if a in index and b in index:
            gold.append(float(parts[2]))
            pred.append(float(unit[index[a]] @ unit[index[b]]))
    return float(spearmanr(gold, pred)[0])


def _load_questions() -> list[list[str]]:
    out = []
    for line in ANALOGY.read_text(encoding="utf-8").splitlines():
        if line.startswith(":") or not line.strip():
            continue
        out.append(line.lower().split())
    return out


_QUESTIONS: list[list[str]] | None = None


def _analogy_local(words: list[str], unit: np.ndarray, restrict: int,
                   batch: int = 128) -> dict[str, float]:
    """3CosAdd / 3CosMul accuracy on covered questions, as gensim computes them."""
    global _QUESTIONS
    if _QUESTIONS is None:
        _QUESTIONS = _load_questions()
    n = min(restrict, len(words))
    index = {w: i for i, w in enumerate(words[:n])}
    qs = np.array([[index[w] for w in q] for q in _QUESTIONS
                   if all(w in index for w in q)], dtype=np.int64)
    if qs.size == 0:
        return {"add": float("nan"), "mul": float("nan"), "n": 0}
    u = np.ascontiguousarray(unit[:n], dtype=np.float32)
    uniq, inv = np.unique(qs[:, :3], return_inverse=True)
    inv = inv.reshape(-1, 3)
    sims = u[uniq] @ u.T  # (n_unique, n)
    sims01 = (sims + np.float32(1.0)) * np.float32(0.5)
    ok_add = ok_mul = 0
    rows = np.arange(batch)
    for s in range(0, len(qs), batch):
        q, iv = qs[s:s + batch], inv[s:s + batch]
        r = rows[: len(q), None]
        add = sims[iv[:, 1]]
        add -= sims[iv[:, 0]]
        add += sims[iv[:, 2]]
        add[r, q[:, :3]] = -np.inf
        ok_add += int(np.count_nonzero(add.argmax(1) == q[:, 3]))
        mul = sims01[iv[:, 1]]
        mul *= sims01[iv[:, 2]]
        mul /= sims01[iv[:, 0]] + np.float32(1e-6)
        mul[r, q[:, :3]] = -np.inf
        ok_mul += int(np.count_nonzero(mul.argmax(1) == q[:, 3]))
    return {"add": ok_add / len(qs), "mul": ok_mul / len(qs), "n": int(len(qs))}


def score(words: list[str], vectors: np.ndarray) -> dict[str, Any]:
    """Every benchmark on one embedding (rows in frequency order)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    out: dict[str, Any] = {}
    if _evaluate is not None:
        wv = wordvec.WordVectors(unit, words)
        for name in SIM_SETS:
            out[name] = round(float(_evaluate.evaluate_similarity(
                wv, SIM_DIR / f"EN-{name}.txt").spearman), 4)
        for restrict, tag in ((300000, "an300k"), (30000, "an30k")):
            r = _evaluate.evaluate_analogies(wv, ANALOGY, restrict_vocab=restrict)
            out[f"{tag}_add"] = round(float(r.accuracy["add"]), 4)
            out[f"{tag}_mul"] = round(float(r.accuracy["mul"]), 4)
            out[f"{tag}_n"] = int(r.n_covered)
        out["evaluator"] = "wordvec.evaluate"
        return out
    for name in SIM_SETS:
        out[name] = round(_similarity_local(words, unit, SIM_DIR / f"EN-{name}.txt"), 4)
    for restrict, tag in ((300000, "an300k"), (30000, "an30k")):
        r = _analogy_local(words, unit, restrict)
        out[f"{tag}_add"] = round(r["add"], 4)
        out[f"{tag}_mul"] = round(r["mul"], 4)
        out[f"{tag}_n"] = r["n"]
    out["evaluator"] = "local"
    return out


# --------------------------------------------------------------------------- variants

def _unit_rows(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(n > 0, n, 1.0)


def all_but_the_top(x: np.ndarray, n_remove: int) -> np.ndarray:
    """Mu & Viswanath (2018): remove the mean and the top principal directions."""
    x = x - x.mean(axis=0)
    if n_remove:
        _, _, vt = np.linalg.svd(x[:20000] if len(x) > 20000 else x, full_matrices=False)
        top = vt[:n_remove]
        x = x - (x @ top.T) @ top
    return x


def make_variant(u: np.ndarray, s: np.ndarray, vt: np.ndarray, spec: dict[str, Any]
                 ) -> np.ndarray:
    """Embedding from one SVD: dim, eig, w+c (raw or normalized), drop, post-processing."""
    dim = spec.get("dim", len(s))
    drop = spec.get("drop", 0)
    uu, ss, vv = u[:, drop:dim], s[drop:dim], vt[drop:dim]
    w = spec.get("eig", 0.5)
    weights = (ss.astype(np.float64) ** w).astype(np.float32)
    x = uu * weights
    wc = spec.get("wc")
    if wc == "raw":
        x = x + vv.T * weights
    elif wc == "norm":
        x = _unit_rows(x) + _unit_rows(vv.T * weights)
    if spec.get("abtt") is not None:
        x = all_but_the_top(_unit_rows(x), spec["abtt"])
    return np.ascontiguousarray(x, dtype=np.float32)


# --------------------------------------------------------------------------- weighting

def weight(matrix: sp.csr_matrix, spec: dict[str, Any]) -> sp.csr_matrix:
    """PPMI (cds, shift) then an optional transform of the positive values."""
    m = ppmi(matrix, context_smoothing=spec.get("cds", 0.75), shift=spec.get("shift", 1.0))
    transform = spec.get("transform")
    if transform == "sqrt":
        m.data = np.sqrt(m.data)
    elif transform == "log1p":
        m.data = np.log1p(m.data)
    elif transform is not None:
        raise ValueError(f"transform must be None, 'sqrt' or 'log1p'; got {transform!r}")
    return m


# --------------------------------------------------------------------------- the plan

BASE_COUNT = {"window": 5, "window_weighting": "dynamic", "min_count": 5,
              "subsample": 1e-5, "subsample_mode": "dirty"}
BASE_WEIGHT = {"cds": 0.75, "shift": 1.0}
# Cheap variants evaluated on every SVD (no new SVD needed).
STD_VARIANTS = [{"eig": 0.0}, {"eig": 0.5}, {"eig": 0.5, "wc": "norm"}]


def _c(**kw: Any) -> dict[str, Any]:
    return {**BASE_COUNT, **kw}


def _w(**kw: Any) -> dict[str, Any]:
    return {**BASE_WEIGHT, **kw}


def plan(corpus: str) -> list[dict[str, Any]]:
    """Experiments: (factor, counting, weighting, svd, variants)."""
    std = STD_VARIANTS
    if corpus == "nltk":  # confirmation on a second corpus: the finalists of the wiki study
        b2 = _c(subsample=1e-4)
        wide = std + [{"eig": 0.5, "wc": "raw"}]
        return [
            {"factor": "subsample", "count": _c(subsample=3e-5), "weight": _w(),
             "svd": {"dim": 300, "n_iter": 6}, "variants": wide},
            {"factor": "base", "count": _c(), "weight": _w(), "svd": {"dim": 300},
             "variants": wide},
            {"factor": "subsample", "count": b2, "weight": _w(), "svd": {"dim": 300},
             "variants": wide},
            {"factor": "svd_accuracy", "count": b2, "weight": _w(),
             "svd": {"dim": 300, "n_iter": 6}, "variants": wide},
            {"factor": "svd_accuracy", "count": _c(), "weight": _w(),
             "svd": {"dim": 300, "n_iter": 6}, "variants": wide},
            {"factor": "subsample", "count": _c(subsample=0.0), "weight": _w(),
             "svd": {"dim": 300}, "variants": wide},
            {"factor": "window", "count": {**b2, "window": 10}, "weight": _w(),
             "svd": {"dim": 300}, "variants": wide},
            {"factor": "window", "count": {**b2, "window": 2}, "weight": _w(),
             "svd": {"dim": 300}, "variants": wide},
            {"factor": "cds", "count": b2, "weight": _w(cds=1.0), "svd": {"dim": 300},
             "variants": wide},
        ]
    exps = [
        # 1. the base, and each cheap variant of it.
        {"factor": "base", "count": _c(), "weight": _w(), "svd": {"dim": 300},
         "variants": std + [{"eig": 1.0}, {"eig": 0.0, "wc": "norm"},
                            {"eig": 0.5, "wc": "raw"}, {"eig": 0.5, "drop": 1},
                            {"eig": 0.5, "abtt": 0}, {"eig": 0.5, "abtt": 3},
                            {"eig": 0.5, "wc": "norm", "abtt": 3}, {"eig": 0.75}]},
        # 2. dimension (one SVD at 500, truncated).
        {"factor": "dim", "count": _c(), "weight": _w(), "svd": {"dim": 500},
         "variants": [{"eig": 0.5, "wc": wc, "dim": d} for d in (100, 200, 300, 400, 500)
                      for wc in (None, "norm")]
         + [{"eig": 0.75, "dim": 300}, {"eig": 0.75, "dim": 500}]
         + [{"eig": 0.5, "dim": d, "drop": k} for d in (300, 500) for k in (1, 2)]
         + [{"eig": 0.6, "dim": 500}, {"eig": 0.6, "dim": 500, "drop": 1},
            {"eig": 0.6, "dim": 500, "wc": "norm"}]},
        # 3. weighting of the same counts.
        {"factor": "cds", "count": _c(), "weight": _w(cds=1.0), "svd": {"dim": 300},
         "variants": std},
        {"factor": "shift", "count": _c(), "weight": _w(shift=5.0), "svd": {"dim": 300},
         "variants": std},
        {"factor": "transform", "count": _c(), "weight": _w(transform="sqrt"),
         "svd": {"dim": 300}, "variants": std},
        # 4. counting.
        {"factor": "window", "count": _c(window=2), "weight": _w(), "svd": {"dim": 300},
         "variants": std},
        {"factor": "window", "count": _c(window=10), "weight": _w(), "svd": {"dim": 300},
         "variants": std},
        {"factor": "window_weighting", "count": _c(window_weighting="harmonic"),
         "weight": _w(), "svd": {"dim": 300}, "variants": std},
        {"factor": "subsample", "count": _c(subsample=0.0), "weight": _w(),
         "svd": {"dim": 300}, "variants": std},
        {"factor": "subsample", "count": _c(subsample=1e-4), "weight": _w(),
         "svd": {"dim": 300}, "variants": std},
        {"factor": "subsample_mode", "count": _c(subsample_mode="clean"), "weight": _w(),
         "svd": {"dim": 300}, "variants": std},
        {"factor": "min_count", "count": _c(min_count=20), "weight": _w(),
         "svd": {"dim": 300}, "variants": std},
        {"factor": "svd_accuracy", "count": _c(), "weight": _w(),
         "svd": {"dim": 300, "n_iter": 3, "n_oversamples": 100},
         "variants": std + [{"eig": 0.75}]},
    ]
    # Run order: the factors most likely to move the defaults first.
    # Stage 1 (run first, in this order): the base and the factors most likely to
    # move it.  Stage 2 moves the base to subsample=1e-4, the clear winner of stage 1,
    # and varies the other factors around it.
    order = [("base", None), ("dim", None), ("window", 10), ("subsample", 1e-4)]

    def rank(e: dict[str, Any]) -> int:
        value = e["count"].get(e["factor"]) if e["factor"] in ("window", "subsample") else None
        return order.index((e["factor"], value)) if (e["factor"], value) in order else 99
    stage1 = sorted([e for e in exps if rank(e) < 99], key=rank)
    b2 = _c(subsample=1e-4)
    wide = std + [{"eig": 0.5, "wc": "raw"}]
    stage1[-1]["variants"] = wide + [{"eig": 0.5, "drop": 1}, {"eig": 0.6, "wc": "raw"},
                                     {"eig": 0.5, "wc": "raw", "drop": 1},
                                     {"eig": 0.5, "wc": "raw", "abtt": 3}, {"eig": 1.0}]
    stage2 = [
        {"factor": "subsample", "count": _c(subsample=0.0), "weight": _w(),
         "svd": {"dim": 300}, "variants": wide},
        {"factor": "svd_accuracy", "count": b2, "weight": _w(),
         "svd": {"dim": 300, "n_iter": 6}, "variants": wide},
        {"factor": "subsample_mode", "count": {**b2, "subsample_mode": "clean"},
         "weight": _w(), "svd": {"dim": 300}, "variants": wide},
        {"factor": "cds", "count": b2, "weight": _w(cds=1.0), "svd": {"dim": 300},
         "variants": wide},
        {"factor": "window", "count": {**b2, "window": 10}, "weight": _w(),
         "svd": {"dim": 300}, "variants": wide},
        {"factor": "window", "count": {**b2, "window": 2}, "weight": _w(),
         "svd": {"dim": 300}, "variants": wide},
        {"factor": "dim", "count": b2, "weight": _w(), "svd": {"dim": 500},
         "variants": [{"eig": 0.5, "wc": wc, "dim": d} for d in (300, 400, 500)
                      for wc in (None, "raw")]},
        {"factor": "window_weighting", "count": {**b2, "window_weighting": "harmonic"},
         "weight": _w(), "svd": {"dim": 300}, "variants": wide},
        {"factor": "shift", "count": b2, "weight": _w(shift=5.0), "svd": {"dim": 300},
         "variants": wide},
        {"factor": "min_count", "count": {**b2, "min_count": 20}, "weight": _w(),
         "svd": {"dim": 300}, "variants": wide},
        {"factor": "transform", "count": b2, "weight": _w(transform="sqrt"),
         "svd": {"dim": 300}, "variants": wide},
        # Stage 3: the SVD accuracy finding (n_iter=6) around the candidates.
        {"factor": "subsample", "count": _c(subsample=3e-5), "weight": _w(),
         "svd": {"dim": 300, "n_iter": 6}, "variants": wide},
        {"factor": "svd_accuracy", "count": _c(), "weight": _w(),
         "svd": {"dim": 300, "n_iter": 6}, "variants": wide},
        {"factor": "cds", "count": b2, "weight": _w(cds=1.0),
         "svd": {"dim": 300, "n_iter": 6}, "variants": wide},
    ]
    return stage1 + stage2


# --------------------------------------------------------------------------- running

def _key(*parts: Any) -> str:
    return json.dumps(parts, sort_keys=True)


def _cache_name(corpus: str, count_params: dict[str, Any]) -> str:
    items = "_".join(f"{k}={count_params[k]}" for k in sorted(count_params))
    return f"{corpus}_{items}.npz".replace("/", "")


def get_counts(corpus: str, count_params: dict[str, Any], cache: Path
               ) -> tuple[wordvec.Cooccurrences, float]:
    path = cache / _cache_name(corpus, count_params)
    if path.exists():
        c = wordvec.Cooccurrences.load(path)
        return c, float(c.stats.get("timings", {}).get("total_count", float("nan")))
    t0 = time.perf_counter()
    source = wordvec.Corpus(*CORPORA[corpus], progress=False)
    c = wordvec.count(source, progress=False, **count_params)
    elapsed = time.perf_counter() - t0
    c.stats.setdefault("timings", {})["total_count"] = elapsed
    path.parent.mkdir(parents=True, exist_ok=True)  # callers need not make the cache
    c.save(path)
    return c, elapsed


def run(corpus: str, log: Path, cache: Path, only: str | None = None) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if log.exists():
        for line in log.read_text().splitlines():
            if line.strip():
                done.add(json.loads(line)["key"])
    for exp in plan(corpus):
        if only and exp["factor"] != only:
            continue
        keys = [_key(corpus, exp["count"], exp["weight"], exp["svd"], v)
                for v in exp["variants"]]
        if all(k in done for k in keys):
            continue
        counts, t_count = get_counts(corpus, exp["count"], cache)
        words = list(counts.vocab.words)
        svd = exp["svd"]
        svd_path = cache / ("svd_" + _cache_name(corpus, {**exp["count"], **exp["weight"],
                                                          **svd}))
        if svd_path.exists():  # an interrupted run's SVD (kept in /tmp only)
            with np.load(svd_path) as z:
                u, s, vt = z["u"], z["s"], z["vt"]
                t_weight, t_svd = float(z["t_weight"]), float(z["t_svd"])
        else:
            t0 = time.perf_counter()
            m = weight(counts.matrix, exp["weight"])
            t_weight = time.perf_counter() - t0
            t0 = time.perf_counter()
            u, s, vt = truncated_svd(m, svd["dim"], n_iter=svd.get("n_iter", 3),
                                     n_oversamples=svd.get("n_oversamples", 20), seed=0)
            t_svd = time.perf_counter() - t0
            del m
            np.savez(svd_path, u=u, s=s, vt=vt, t_weight=t_weight, t_svd=t_svd)
        for variant, key in zip(exp["variants"], keys):
            if key in done:
                continue
            x = make_variant(u, s, vt, variant)
            t0 = time.perf_counter()
            scores = score(words, x)
            rec = {"key": key, "corpus": corpus, "factor": exp["factor"],
                   "count": exp["count"], "weight": exp["weight"], "svd": svd,
                   "variant": variant, "vocab": len(words), "scores": scores,
                   "time": {"count": round(t_count, 1), "weight": round(t_weight, 1),
                            "svd": round(t_svd, 1),
                            "eval": round(time.perf_counter() - t0, 1)}}
            with open(log, "a") as fh:
                fh.write(json.dumps(rec) + "\n")
            done.add(key)
            print(f"{exp['factor']:>16} {_describe(rec)}  WS {scores['WS-353-ALL']:.3f} "
                  f"mul300k {scores['an300k_mul']:.3f} mul30k {scores['an30k_mul']:.3f}",
                  flush=True)


# --------------------------------------------------------------------------- reporting

def _describe(rec: dict[str, Any]) -> str:
    c, w, v, s = rec["count"], rec["weight"], rec["variant"], rec["svd"]
    parts = [f"win={c['window']}{c['window_weighting'][0]}",
             f"ss={c['subsample']:g}{'' if c['subsample_mode'] == 'dirty' else 'c'}",
             f"mc={c['min_count']}", f"cds={w['cds']}", f"k={w['shift']:g}"]
    if w.get("transform"):
        parts.append(w["transform"])
    parts.append(f"d={v.get('dim', s['dim'])}" + ("" if v.get("dim", s["dim"]) == s["dim"]
                                                   else f"/{s['dim']}"))
    if s.get("n_oversamples", 20) != 20 or s.get("n_iter", 3) != 3:
        parts.append(f"it={s.get('n_iter', 3)},os={s.get('n_oversamples', 20)}")
    parts.append(f"eig={v.get('eig', 0.5)}")
    if v.get("wc"):
        parts.append(f"w+c({v['wc']})")
    if v.get("drop"):
        parts.append(f"drop{v['drop']}")
    if v.get("abtt") is not None:
        parts.append(f"abtt{v['abtt']}")
    return " ".join(parts)


COLUMNS = ["WS-353-ALL", "WS-353-SIM", "WS-353-REL", "RG-65", "MC-30", "MTurk-287",
           "an300k_add", "an300k_mul", "an30k_add", "an30k_mul"]
HEAD = ["WS-ALL", "WS-SIM", "WS-REL", "RG", "MC", "MTurk", "add", "mul", "add30k", "mul30k"]


def table(paths: list[Path]) -> str:
    lines = ["| factor | setting | " + " | ".join(HEAD) + " | mean-sim | SVD s |",
             "|---|---|" + "---|" * (len(HEAD) + 2)]
    for path in paths:
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            sc = rec["scores"]
            mean_sim = np.mean([sc[k] for k in SIM_SETS if k != "MC-30"])
            lines.append(f"| {rec['factor']} | {_describe(rec)} | "
                         + " | ".join(f"{sc[k]:.3f}" for k in COLUMNS)
                         + f" | {mean_sim:.3f} | {rec['time']['svd']:.0f} |")
    return "\n".join(lines)


def eval_w2v(path: str) -> dict[str, Any]:
    """Score a word2vec-format file (e.g. gensim's) with the same code."""
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(path, binary=path.endswith(".bin"))
    return score(list(kv.index_to_key), kv.vectors)


def eval_model(path: str) -> dict[str, Any]:
    """Score a native wordvec model with the same code."""
    wv = wordvec.load(path)
    return score(list(wv.index_to_key), np.asarray(wv.vectors))


#: The defaults before this study (commit 9cd1097), for the side-by-side check.
PREVIOUS_DEFAULTS = {"subsample": 1e-5, "add_contexts": False, "n_iter": 3}


def verify(corpus: str, out: Path) -> None:
    """Full ``wordvec.build`` runs, one after the other in this process: the previous
    defaults, the new defaults, then each preset (from the new defaults' counts when
    the preset changes weighting/reduction only), each scored like the sweep."""
    from wordvec.params import COUNT_KEYS, DEFAULTS, PRESETS, REDUCE_KEYS
    rows = []
    new_counts = None
    for name, params in [("previous defaults", PREVIOUS_DEFAULTS), ("new defaults", {})]:
        source = wordvec.Corpus(*CORPORA[corpus], progress=False)
        t0 = time.perf_counter()
        wv = wordvec.build(source, progress=False, **params)
        wall = time.perf_counter() - t0
        rows.append({"name": name, "params": params, "wall": round(wall, 1),
                     "timings": {k: round(v, 1) for k, v in wv.stats["timings"].items()},
                     "vocab": len(wv), "scores": score(list(wv.index_to_key),
                                                       np.asarray(wv.vectors))})
        print(json.dumps(rows[-1]), flush=True)
        del wv
    for name, preset in PRESETS.items():
        if set(preset) & set(COUNT_KEYS) - {"seed"}:
            wv = wordvec.build(wordvec.Corpus(*CORPORA[corpus], progress=False),
                               progress=False, preset=name)
        else:
            if new_counts is None:
                new_counts = wordvec.count(wordvec.Corpus(*CORPORA[corpus], progress=False),
                                           progress=False,
                                           **{k: DEFAULTS[k] for k in COUNT_KEYS})
            wv = wordvec.build_from_counts(new_counts, progress=False,
                                           **{k: {**DEFAULTS, **preset}[k]
                                              for k in REDUCE_KEYS})
        rows.append({"name": f"preset {name}", "params": preset, "vocab": len(wv),
                     "scores": score(list(wv.index_to_key), np.asarray(wv.vectors))})
        print(json.dumps(rows[-1]), flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="wiki")
    ap.add_argument("--log", type=Path, default=Path("/tmp/wordvec-study/study.jsonl"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/wordvec-study/counts"))
    ap.add_argument("--only", help="run only the experiments of this factor")
    ap.add_argument("--table", type=Path, nargs="+", help="print a Markdown table of logs")
    ap.add_argument("--eval-w2v", nargs="+", help="score word2vec-format files")
    ap.add_argument("--eval-model", nargs="+", help="score native wordvec models")
    ap.add_argument("--verify", type=Path, metavar="OUT",
                    help="full builds with the previous and new defaults and the presets")
    args = ap.parse_args(argv)
    if args.verify:
        verify(args.corpus, args.verify)
        return 0
    if args.table:
        print(table(args.table))
        return 0
    if args.eval_w2v or args.eval_model:
        for p in args.eval_w2v or []:
            print(p, json.dumps(eval_w2v(p)))
        for p in args.eval_model or []:
            print(p, json.dumps(eval_model(p)))
        return 0
    run(args.corpus, args.log, args.cache, args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
