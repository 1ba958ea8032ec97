"""The ``wordvec`` command: a thin layer over the Python API, with no logic of its own.

Errors a user can cause print one line (``wordvec: error: ...``) and exit with 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ._commands import (
    _cmd_analogy,
    _cmd_build,
    _cmd_count,
    _cmd_evaluate,
    _cmd_plot,
    _cmd_sentiment,
    _cmd_similar,
)
from .backend import BACKENDS, BackendUnavailableError, set_backend, show_config
from .backend import choice as backend_choice
from .errors import WordvecError
from .params import BY_NAME, COUNT_KEYS, DEFAULTS, PARAMS, PRESETS, Param
from .text.textfiles import DOCUMENT_UNITS

__all__ = ["main", "build_parser"]

_USER_ERRORS = (WordvecError, ValueError, KeyError, FileNotFoundError, PermissionError,
                IsADirectoryError, TypeError)


def _optional_int(text: str) -> int | None:
    return None if text.lower() == "none" else int(text)


def _restrict(text: str) -> int | None:
    """``--restrict-vocab``: a number of words >= 1, or ``all`` (None in Python)."""
    if text.strip().lower() in ("all", "none"):
        return None
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a number of words >= 1 or 'all'; got {text!r}")
    return value


def _memory(text: str) -> int | None:
    """``512M``, ``2G``, ``1000000`` or ``none``."""
    t = text.strip().lower()
    if t == "none":
        return None
    scale = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(t[-1:], 1)
    try:
        value = float(t[:-1] if scale > 1 else t)
        if not 0 < value * scale < 2 ** 62:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes such as 512M "
                                         f"or 2G, or none; got {text!r}") from None
    return int(value * scale)


def _bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false; got {text!r}")


def _build_type(param: Param) -> Callable[[str], Any]:
    """How a ``wordvec build`` flag's text becomes the parameter's value."""
    if param.type is bool:
        return _bool
    if isinstance(param.default, str) and param.type is not str:  # a number or its named default
        return lambda text: param.default if text == param.default else param.type(text)
    return _optional_int if param.default is None else param.type


def _group(text: str) -> tuple[str, list[str]]:
    """``--group NAME:w1,w2,...``."""
    name, sep, words = text.partition(":")
    members = [w for w in words.split(",") if w]
    if not sep or not name or not members:
        raise argparse.ArgumentTypeError(f"expected NAME:word,word,...; got {text!r}")
    return name, members


def _add_sentiment(sub: Any) -> None:
    from .features import POOLINGS
    from .sentiment import MODELS
    p = sub.add_parser("sentiment", help="cross-validate sentiment models with the vectors")
    p.add_argument("data", help="labelled data: NLTK categorized corpus (movie_reviews), a "
                                "sentence task (pros_cons, product_reviews), a "
                                "folder with one sub-folder per label, or a .csv/.tsv file "
                                "with text and label columns")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="saved vectors to use")
    src.add_argument("--adapt-counts", metavar="COUNTS",
                     help="general counts (.npz from wordvec.count(...).save) to merge with "
                          "the data's own text, unlabelled, before building vectors")
    p.add_argument("--task-weight", type=float, default=1.0,
                   help="weight of the data's own counts when adapting (default: 1)")
    p.add_argument("--dim", type=_build_type(BY_NAME["dim"]), default=DEFAULTS["dim"],
                   help=f"dimensions of the adapted vectors (default: {DEFAULTS['dim']})")
    p.add_argument("--save-model", help="save the adapted vectors here")
    p.add_argument("--folds", type=int, default=10, help="default: 10")
    p.add_argument("--seed", type=int, default=0, help="random_state of the folds (default: 0)")
    p.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    p.add_argument("--pooling", choices=POOLINGS, default="mean", help="default: mean")
    p.add_argument("--C", type=float, default=100.0,
                   help="C of the logistic regression on TF-IDF (default: 100)")
    p.add_argument("--embedding-C", type=float, default=0.01,
                   help="C of the logistic regression on embeddings alone (default: 0.01)")
    p.add_argument("--nb-C", dest="nb_C", type=float, default=10.0,
                   help="C of the logistic regression on NB n-grams (default: 10)")
    p.add_argument("--embedding-weight", type=float, default=None,
                   help="a fixed scale of the standardized embedding block in the combined "
                        "model (with C=--nb-C); default: the combined model chooses its "
                        "n-gram block, embedding weight and C by inner cross-validation "
                        "on each training part")
    p.add_argument("--alpha", type=float, default=1.0,
                   help="smoothing of the NB log-count ratios (default: 1)")
    p.add_argument("--inner-folds", type=int, default=None, metavar="K",
                   help="nested cross-validation: choose nb_C and embedding_weight by a "
                        "K-fold grid search inside each training part (about 10x slower)")
    p.add_argument("--n-jobs", type=int, default=-1, metavar="N",
                   help="folds in parallel; -1 all cores (default: -1)")
    p.add_argument("--json", metavar="FILE",
                   help="also write the report (accuracy of every fold) as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_cmd_sentiment)


def _corpus_options(p: argparse.ArgumentParser, output: str) -> None:
    """The corpus, output and reading options of ``build`` and ``count``."""
    p.add_argument("corpus", nargs="+",
                   help="files, folders or corpus names (brown, movie_reviews, "
                        "enwiki-2015-sample, nltk:NAME)")
    p.add_argument("-o", "--output", required=True, help=output)
    p.add_argument("--glob", default="*", help="files of a folder to read (default: *)")
    p.add_argument("--document", choices=DOCUMENT_UNITS, default="paragraph",
                   help="one document of a plain-text file: a blank-line separated "
                        "paragraph (keeps hard-wrapped text's context), a line, or the "
                        "whole file; windows never cross documents (default: paragraph)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")


def _param_flags(p: argparse.ArgumentParser, params: Sequence[Param],
                 defaults: dict[str, Any] | None = None) -> None:
    """A flag per parameter of the table, with its meaning, choices and default."""
    for param in params:
        default = (defaults or {}).get(param.name, param.default)
        flag = f"--{param.name.replace('_', '-')}"
        text = param.help.replace("%", "%%").replace("`", "")
        if param.type is bool:  # --add-contexts / --no-add-contexts
            p.add_argument(flag, dest=param.name, action=argparse.BooleanOptionalAction,
                           default=None, help=f"{text} (default: {'on' if default else 'off'})")
        elif param.choices:
            p.add_argument(flag, dest=param.name, choices=param.choices, default=None,
                           help=f"{text} (default: {default})")
        else:
            p.add_argument(flag, dest=param.name, type=_build_type(param), default=None,
                           metavar=param.type.__name__.upper() + (
                               f"|{param.default}" if isinstance(param.default, str) else ""),
                           help=f"{text} (default: {'none' if default is None else default})")


def _resource_options(p: argparse.ArgumentParser) -> None:
    """Options that change speed and memory, never the result."""
    p.add_argument("--n-jobs", type=int, default=None, metavar="N",
                   help="worker processes and threads (default: all cores)")
    p.add_argument("--max-memory", type=_memory, default=1 << 30, metavar="BYTES",
                   help="memory budget of counting before partial counts spill to disk; "
                        "accepts K/M/G suffixes, 'none' for no limit (default: 1G)")
    p.add_argument("--tmp-dir", default=None,
                   help="folder for spilled counts (default: the system's temporary folder)")


def build_parser() -> argparse.ArgumentParser:
    from .evaluate import UNKNOWN_SIMILARITY  # the choices live with the code that uses them
    from .plot import METHODS as PLOT_METHODS

    parser = argparse.ArgumentParser(
        prog="wordvec", description="Word vectors from raw text with PPMI and truncated SVD.")
    parser.add_argument("--version", action=_ShowVersion, nargs=0,
                        help="print the version, the backend in use (compiled kernels or "
                             "NumPy/SciPy) and the CPU features found, then exit")
    parser.add_argument("--backend", choices=BACKENDS, default=None, action=_SetBackend,
                        help="which implementation runs tokenizing, counting and the SVD's "
                             "products: the compiled kernels, NumPy/SciPy, or auto (the "
                             "kernels where built; default: $WORDVEC_BACKEND, else auto)")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build vectors from a corpus and save them")
    _corpus_options(b, "model file to write")
    b.add_argument("--show", nargs="*", metavar="WORD",
                   help="print the nearest neighbours of these words after building")
    b.add_argument("--preset", choices=sorted(PRESETS), default=None,
                   help="start from a named parameter set (explicit flags still win)")
    _param_flags(b, PARAMS)
    _resource_options(b)
    b.set_defaults(func=_cmd_build)

    c = sub.add_parser("count", help="count a corpus's co-occurrences and save them (.npz), "
                                     "to merge, adapt (sentiment --adapt-counts) or reuse")
    _corpus_options(c, "counts file to write (.npz)")
    _param_flags(c, [p for p in PARAMS if p.name in COUNT_KEYS],
                 defaults={"min_count": 1})  # counts keep every word: pruned after merging
    _resource_options(c)
    c.set_defaults(func=_cmd_count)

    def query_options(p: argparse.ArgumentParser, topn: int) -> None:
        p.add_argument("--topn", type=int, default=topn, help=f"answers per query (default: {topn})")
        p.add_argument("--method", choices=("add", "mul"), default="add",
                       help="3CosAdd or 3CosMul (Levy & Goldberg 2014) (default: add)")
        p.add_argument("--restrict-vocab", type=_restrict, default=None, metavar="N|all",
                       help="only the N most frequent words are answers (default: all)")
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

    pl = sub.add_parser("plot", help="a 2-D map of words, or the singular value spectrum "
                                     "(needs matplotlib: pip install 'wordvec[plot]')")
    pl.add_argument("model", help="model file (native, word2vec text/binary or GloVe)")
    pl.add_argument("words", nargs="*", help="words to place on the map")
    pl.add_argument("-o", "--output", required=True,
                    help="image file: .png, .svg or .pdf (by its suffix)")
    pl.add_argument("--group", action="append", type=_group, metavar="NAME:W1,W2,...",
                    help="words drawn in one colour with a legend entry (repeatable)")
    pl.add_argument("--neighbours", type=int, default=0, metavar="N",
                    help="also place each word's N nearest neighbours (default: 0)")
    pl.add_argument("--method", choices=PLOT_METHODS, default="pca",
                    help="projection to 2-D: PCA of the unit vectors (default), t-SNE, "
                         "or the first two coordinates as they are (raw)")
    pl.add_argument("--seed", type=int, default=0, help="t-SNE's seed (default: 0)")
    pl.add_argument("--spectrum", action="store_true",
                    help="draw the model's singular values instead of a map")
    pl.add_argument("--title", help="the figure's title")
    pl.set_defaults(func=_cmd_plot)

    e = sub.add_parser("evaluate", help="word similarity and analogy benchmarks")
    e.add_argument("model", help="model file (native, word2vec text/binary or GloVe)")
    e.add_argument("--similarity", nargs="+", metavar="FILE", help="w1 w2 score files")
    e.add_argument("--analogy", nargs="+", metavar="FILE",
                   help="questions-words.txt format or 4-column files")
    e.add_argument("--restrict-vocab", type=_restrict, default=300000, metavar="N|all",
                   help="only the N most frequent words are known (default: 300000, as "
                        "gensim; 'all' for every word)")
    e.add_argument("--case-sensitive", action="store_true",
                   help="compare words as they are (default: upper-cased, as gensim)")
    e.add_argument("--unknown", choices=UNKNOWN_SIMILARITY, default="skip",
                   help="similarity pairs with unknown words: skip, score 0, or stop with an "
                        "error (default: skip)")
    e.add_argument("--methods", nargs="+", choices=("add", "mul"), default=["add", "mul"],
                   help="analogy methods (default: add mul)")
    e.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    e.set_defaults(func=_cmd_evaluate)
    _add_sentiment(sub)
    return parser


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _terminate_like_interrupt() -> None:
    """Make ``kill`` (SIGTERM) unwind like Ctrl-C, so temporary files are removed."""
    import threading
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)


class _ShowVersion(argparse.Action):
    """``--version``: :func:`wordvec.show_config`, then exit (like argparse's own)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        try:
            show_config()
        except ValueError as exc:  # a bad $WORDVEC_BACKEND
            parser.error(str(exc))
        parser.exit()


class _SetBackend(argparse.Action):
    """``--backend NAME``: in force from here on (``--version`` after it reports it)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        try:
            set_backend(values)
        except BackendUnavailableError as exc:
            parser.error(str(exc))
        setattr(namespace, self.dest, values)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wordvec`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _terminate_like_interrupt()
    try:
        backend_choice()  # a bad $WORDVEC_BACKEND is refused before any work
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
