"""What each ``wordvec`` subcommand does: read its arguments, call the Python API, print.

:mod:`wordvec.cli` parses the command line and hands the namespace to one of these.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._util.files import check_writable
from .params import PARAMS


def _corpus_and_options(args: argparse.Namespace, names: Any) -> tuple[Any, dict[str, Any]]:
    """``build``'s and ``count``'s shared part: the output checked before the work, the
    corpus, and the keyword arguments (the flags of ``names`` given, and the resources)."""
    from .text.corpus import Corpus
    check_writable(args.output, "--output")  # before the work, not after it
    corpus = Corpus(*args.corpus, glob=args.glob, document=args.document,
                    progress=not args.quiet)
    options = {k: getattr(args, k) for k in names if getattr(args, k) is not None}
    return corpus, {**options, "progress": not args.quiet, "n_jobs": args.n_jobs,
                    "max_memory": args.max_memory, "tmp_dir": args.tmp_dir}


def _cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import build
    corpus, options = _corpus_and_options(args, [p.name for p in PARAMS])
    wv = build(corpus, preset=args.preset, **options)
    wv.save(args.output)
    st = wv.stats
    print(f"{args.output}: {len(wv)} words x {wv.vector_size} dims from {st['tokens']:,} "
          f"tokens in {st['timings']['total']:.1f} s")
    for word in args.show or []:
        _print_neighbours(wv, word, 10)
    return 0


def _cmd_count(args: argparse.Namespace) -> int:
    from .params import COUNT_KEYS
    from .pipeline import count
    corpus, options = _corpus_and_options(args, COUNT_KEYS)
    counts = count(corpus, **options)
    counts.save(args.output)
    st = counts.stats
    print(f"{args.output}: {len(counts.vocab)} words, {counts.matrix.nnz:,} pairs of words "
          f"from {st['tokens']:,} tokens in {sum(st['timings'].values()):.1f} s")
    return 0


def _print_neighbours(wv: Any, word: str, topn: int) -> None:
    try:
        answer = wv.most_similar(word, topn=topn)
    except KeyError as exc:  # the message names close spellings
        print(f"{word}: ({exc.args[0]})")
        return
    pairs = ", ".join(f"{w} {s:.3f}" for w, s in answer)
    print(f"{word}: {pairs}")


def _load_model(path: str) -> Any:
    """Any format the README lists; only the native one is memory-mapped."""
    from .vectors.formats import detect_format, load_vectors
    return load_vectors(path, mmap="r" if detect_format(path) == "native" else None)


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


def _cmd_plot(args: argparse.Namespace) -> int:
    from .plot import FORMATS, plot_spectrum, plot_words

    out = args.output
    if not out.lower().endswith(tuple("." + f for f in FORMATS)):
        raise ValueError(f"-o {out!r}: the name must end in "
                         f"{', '.join('.' + f for f in FORMATS)}")
    check_writable(out, "-o")
    wv = _load_model(args.model)
    if args.spectrum:
        if args.words or args.group:
            raise ValueError("--spectrum draws the singular values: give no words with it")
        plot_spectrum(wv, out=out, title=args.title)
    else:
        groups = dict(args.group or [])
        if not args.words and not groups:
            raise ValueError("give WORD arguments, --group NAME:w1,w2 or --spectrum")
        plot_words(wv, args.words, groups=groups, neighbours=args.neighbours,
                   method=args.method, title=args.title, seed=args.seed, out=out)
    print(f"wrote {out}")
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
    if args.json:
        check_writable(args.json, "--json")
    started = time.perf_counter()
    wv = _load_model(args.model)
    restrict = args.restrict_vocab
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
        if wv.subwords is not None:
            print("(pairs scored with vectors from n-grams: "
                  + ", ".join(f"{r.name} {r.n_subwords}" for r in sims) + ")")
    for res in analogies:
        via = f", {res.n_subwords} with question words from n-grams" \
            if wv.subwords is not None else ""
        print(f"\n{res.name}: {res.n_covered} of {res.n_total} questions covered{via} "
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
        from .vectors.io import atomic_write
        report = {"model": args.model, "seconds": seconds,
                  "similarity": [r.as_dict() for r in sims],
                  "analogy": [r.as_dict() for r in analogies]}
        with atomic_write(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1)
    return 0


def _cmd_sentiment(args: argparse.Namespace) -> int:
    from .sentiment import format_report, run
    if args.json:
        check_writable(args.json, "--json")
    report = run(args.data, model=args.model, adapt_counts=args.adapt_counts,
                 task_weight=args.task_weight, dim=args.dim, save_model=args.save_model,
                 progress=not args.quiet, log=None if args.quiet else _log,
                 folds=args.folds, seed=args.seed, models=args.models, pooling=args.pooling,
                 C=args.C, embedding_C=args.embedding_C, nb_C=args.nb_C,
                 embedding_weight=args.embedding_weight, alpha=args.alpha,
                 inner_folds=args.inner_folds, n_jobs=args.n_jobs)
    print(format_report(report))
    if args.json:
        import dataclasses
        import json

        from .vectors.io import atomic_write
        with atomic_write(args.json, "w", encoding="utf-8") as fh:
            json.dump(dataclasses.asdict(report), fh, indent=1)
    return 0


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
