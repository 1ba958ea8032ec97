"""The ``wordvec`` command: a thin layer over the Python API, with no logic of its own.

Errors a user can cause print one line (``wordvec: error: ...``) and exit with 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .errors import WordvecError
from .pipeline import DEFAULTS

__all__ = ["main", "build_parser"]

_USER_ERRORS = (WordvecError, ValueError, KeyError, FileNotFoundError, PermissionError,
                IsADirectoryError, TypeError)


def _optional_int(text: str) -> int | None:
    return None if text.lower() == "none" else int(text)


def _bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false; got {text!r}")


_BUILD_TYPES: dict[str, Callable[[str], Any]] = {
    "window": int, "window_weighting": str, "min_count": int, "max_vocab": _optional_int,
    "subsample": float, "subsample_mode": str, "context_smoothing": float, "shift": float,
    "dim": int, "eig": float, "add_contexts": _bool, "svd_algorithm": str, "n_iter": int,
    "seed": int,
}


def _cmd_build(args: argparse.Namespace) -> int:
    from .corpus import Corpus
    from .pipeline import build
    params = {k: getattr(args, k) for k in _BUILD_TYPES if getattr(args, k) is not None}
    corpus = Corpus(*args.corpus, glob=args.glob, progress=not args.quiet)
    wv = build(corpus, progress=not args.quiet, **params)
    wv.save(args.output)
    st = wv.stats
    print(f"{args.output}: {len(wv)} words x {wv.vector_size} dims from {st['tokens']:,} "
          f"tokens in {st['timings']['total']:.1f} s", file=sys.stderr)
    for word in args.show or []:
        _print_neighbours(wv, word, 10)
    return 0


def _print_neighbours(wv: Any, word: str, topn: int) -> None:
    if word not in wv:
        print(f"{word}: (not in vocabulary)")
        return
    pairs = ", ".join(f"{w} {s:.3f}" for w, s in wv.most_similar(word, topn=topn))
    print(f"{word}: {pairs}")


def _load_model(path: str) -> Any:
    from .formats import load_vectors
    return load_vectors(path, mmap="r")


def _read_queries(source: str, width: int | None) -> list[list[str]]:
    """Queries from a file or ``-`` (stdin): one per non-blank, non-``#`` line."""
    if source == "-":
        lines = sys.stdin.read().splitlines()
    else:
        with open(source, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    queries = []
    for line_no, line in enumerate(lines, start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if width is not None and len(words) != width:
            raise ValueError(f"{source}: line {line_no}: expected {width} words; got "
                             f"{len(words)} in {line.strip()!r}")
        queries.append(words)
    return queries


def _emit(queries: list[list[str]], answers: list[list[tuple[str, float]]],
          as_json: bool) -> None:
    import json
    out = sys.stdout
    for query, answer in zip(queries, answers):
        if as_json:
            out.write(json.dumps({"query": query, "known": bool(answer),
                                  "results": [[w, round(s, 6)] for w, s in answer]},
                                 ensure_ascii=False) + "\n")
        elif not answer:
            out.write(f"{' '.join(query)}\t(unknown word)\n")
        else:
            pairs = ", ".join(f"{w} {s:.4f}" for w, s in answer)
            out.write(f"{' '.join(query)}\t{pairs}\n")


def _cmd_similar(args: argparse.Namespace) -> int:
    if not args.words and not args.queries:
        raise ValueError("give WORD arguments or --queries FILE (or - for stdin)")
    queries = [[w] for w in args.words] + (_read_queries(args.queries, 1) if args.queries else [])
    wv = _load_model(args.model)
    answers = wv.batch_most_similar([q[0] for q in queries], topn=args.topn,
                                    method=args.method, restrict_vocab=args.restrict_vocab,
                                    unknown="skip" if args.skip_unknown else "raise")
    _emit(queries, answers, args.json)
    return 0


def _cmd_analogy(args: argparse.Namespace) -> int:
    if len(args.words) not in (0, 3) or (not args.words and not args.queries):
        raise ValueError(f"give three words A B C or --queries FILE (or - for stdin); "
                         f"got {len(args.words)} words")
    queries = ([list(args.words)] if args.words else []) + (
        _read_queries(args.queries, 3) if args.queries else [])
    wv = _load_model(args.model)
    answers = wv.batch_analogy([tuple(q) for q in queries], topn=args.topn,
                               method=args.method, restrict_vocab=args.restrict_vocab,
                               unknown="skip" if args.skip_unknown else "raise")
    _emit(queries, answers, args.json)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json
    import time

    from .evaluate import evaluate_analogies, evaluate_similarity
    if not args.similarity and not args.analogy:
        raise ValueError("give at least one --similarity FILE or --analogy FILE")
    started = time.perf_counter()
    wv = _load_model(args.model)
    restrict = None if args.restrict_vocab <= 0 else args.restrict_vocab
    sims = [evaluate_similarity(wv, path, unknown=args.unknown,
                                case_insensitive=not args.case_sensitive,
                                restrict_vocab=restrict) for path in args.similarity or []]
    analogies = [evaluate_analogies(wv, path, restrict_vocab=restrict,
                                    case_insensitive=not args.case_sensitive,
                                    methods=tuple(args.methods)) for path in args.analogy or []]
    seconds = time.perf_counter() - started
    print(f"{args.model}: {len(wv)} words x {wv.vector_size} dims; restrict_vocab="
          f"{restrict}, case_insensitive={not args.case_sensitive}")
    if sims:
        print(f"\n{'similarity':<22}{'spearman':>9}{'pearson':>9}{'scored':>8}{'unknown':>8}")
        for r in sims:
            print(f"{r.name:<22}{r.spearman:>9.4f}{r.pearson:>9.4f}{r.n_scored:>8}"
                  f"{r.n_unknown:>8}")
        print(f"(unknown pairs: {args.unknown})")
    for res in analogies:
        print(f"\n{res.name}: {res.n_covered} of {res.n_total} questions covered "
              f"({res.seconds:.2f} s)")
        print(f"{'section':<30}{'covered':>8}" + "".join(f"{m:>10}" for m in res.accuracy))
        for sec in res.sections:
            accs = "".join("{:>10}".format("-" if a is None else f"{a:.4f}")
                           for a in sec["accuracy"].values())
            print(f"{sec['section']:<30}{sec['n_covered']:>8}{accs}")
        print(f"{'covered':<30}{res.n_covered:>8}" + "".join(
            "{:>10}".format("-" if a is None else f"{a:.4f}") for a in res.accuracy.values()))
        print(f"{'all (unknown = wrong)':<30}{res.n_total:>8}" + "".join(
            f"{a:>10.4f}" for a in res.accuracy_all.values()))
    print(f"\nevaluation wall time: {seconds:.2f} s")
    if args.json:
        from .io import atomic_write
        report = {"model": args.model, "seconds": seconds,
                  "similarity": [r.as_dict() for r in sims],
                  "analogy": [r.as_dict() for r in analogies]}
        with atomic_write(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wordvec", description="Word vectors from raw text with PPMI and truncated SVD.")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build vectors from a corpus and save them")
    b.add_argument("corpus", nargs="+",
                   help="files, folders or corpus names (brown, movie_reviews, "
                        "enwiki-2015-sample, nltk:NAME)")
    b.add_argument("-o", "--output", required=True, help="model file to write")
    b.add_argument("--glob", default="*", help="files of a folder to read (default: *)")
    b.add_argument("--show", nargs="*", metavar="WORD",
                   help="print the nearest neighbours of these words after building")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    for name, typ in _BUILD_TYPES.items():
        b.add_argument(f"--{name.replace('_', '-')}", dest=name, type=typ, default=None,
                       help=f"default: {DEFAULTS[name]}")
    b.set_defaults(func=_cmd_build)

    def query_options(p: argparse.ArgumentParser, topn: int) -> None:
        p.add_argument("--topn", type=int, default=topn, help=f"answers per query (default: {topn})")
        p.add_argument("--method", choices=("add", "mul"), default="add",
                       help="3CosAdd or 3CosMul (Levy & Goldberg 2014) (default: add)")
        p.add_argument("--restrict-vocab", type=int, default=None,
                       help="only the N most frequent words are answers")
        p.add_argument("--queries", metavar="FILE",
                       help="read many queries from FILE (- for stdin), one per line")
        p.add_argument("--skip-unknown", action="store_true",
                       help="answer queries with unknown words with nothing instead of failing")
        p.add_argument("--json", action="store_true", help="write JSON lines")

    s = sub.add_parser("similar", help="nearest neighbours of words")
    s.add_argument("model", help="model file (native, word2vec text/binary or GloVe)")
    s.add_argument("words", nargs="*")
    query_options(s, 10)
    s.set_defaults(func=_cmd_similar)

    a = sub.add_parser("analogy", help="a is to b as c is to ?")
    a.add_argument("model", help="model file (native, word2vec text/binary or GloVe)")
    a.add_argument("words", nargs="*", metavar="A B C")
    query_options(a, 1)
    a.set_defaults(func=_cmd_analogy)

    e = sub.add_parser("evaluate", help="word similarity and analogy benchmarks")
    e.add_argument("model", help="model file (native, word2vec text/binary or GloVe)")
    e.add_argument("--similarity", nargs="+", metavar="FILE", help="w1 w2 score files")
    e.add_argument("--analogy", nargs="+", metavar="FILE",
                   help="questions-words.txt format or 4-column files")
    e.add_argument("--restrict-vocab", type=int, default=300000,
                   help="only the N most frequent words are known (default: 300000, as "
                        "gensim; 0 for all)")
    e.add_argument("--case-sensitive", action="store_true",
                   help="compare words as they are (default: upper-cased, as gensim)")
    e.add_argument("--unknown", choices=("skip", "zero"), default="skip",
                   help="similarity pairs with unknown words: skip or score 0 (default: skip)")
    e.add_argument("--methods", nargs="+", choices=("add", "mul"), default=["add", "mul"],
                   help="analogy methods (default: add mul)")
    e.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    e.set_defaults(func=_cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wordvec`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("wordvec: interrupted", file=sys.stderr)
        return 130
    except _USER_ERRORS as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"wordvec: error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
