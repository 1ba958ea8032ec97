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


def _cmd_similar(args: argparse.Namespace) -> int:
    from .vectors import WordVectors
    wv = WordVectors.load(args.model, mmap="r")
    for word in args.words:
        _print_neighbours(wv, word, args.topn)
    return 0


def _cmd_analogy(args: argparse.Namespace) -> int:
    from .vectors import WordVectors
    wv = WordVectors.load(args.model, mmap="r")
    for w, s in wv.analogy(args.a, args.b, args.c, topn=args.topn):
        print(f"{w}\t{s:.4f}")
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

    s = sub.add_parser("similar", help="nearest neighbours of words")
    s.add_argument("model")
    s.add_argument("words", nargs="+")
    s.add_argument("--topn", type=int, default=10)
    s.set_defaults(func=_cmd_similar)

    a = sub.add_parser("analogy", help="a is to b as c is to ?")
    a.add_argument("model")
    a.add_argument("a")
    a.add_argument("b")
    a.add_argument("c")
    a.add_argument("--topn", type=int, default=1)
    a.set_defaults(func=_cmd_analogy)
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
