"""``build``: raw text to word vectors in one call.

Stages (one module each): :mod:`~wordvec.text.corpus` streams documents,
:mod:`~wordvec.text.tokenize` splits them, :mod:`~wordvec.counting.vocab` counts and prunes,
:mod:`~wordvec.counting.counter` counts windows, :mod:`~wordvec.linalg.weighting` computes PPMI and
:mod:`~wordvec.linalg.reduce` runs the truncated SVD.

The raw text is read and tokenized once (:mod:`wordvec.text._reading`: provisional ids and
exact counts; the id stream in memory, spilled to a temporary file past half of
``max_memory``, through ``n_jobs`` worker processes for files).  The vocabulary is
then chosen from the exact counts and the stored stream is re-read, remapped and
counted in chunks (partial counts spill to disk past the other half of
``max_memory``).  The parameters come from :mod:`wordvec.params`.  Counting uses ``n_jobs``
threads and exact sums, so it too is identical whatever ``n_jobs``.  With the
kernels, remapping, subsampling, counting, merging and symmetrizing run in C
(:mod:`wordvec.counting.counter`); without them NumPy and SciPy give the same ids and counts.
"""

from __future__ import annotations

import copy
import os
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import backend as _backend
from ._ext import _kernels
from ._util.caller import user_stacklevel
from ._util.progress import bar as progress_bar
from ._util.validation import check_choice, check_int, default_n_jobs
from .counting.cooccurrences import Cooccurrences
from .counting.counter import HOLE, SEPARATOR, CooccurrenceCounter
from .counting.vocab import Vocabulary, id_map, keep_probabilities, select_words
from .errors import CorpusError, SmallCorpusWarning
from .linalg.blocks import _TILE_WIDTH, BlockMatrix, TiledMatrix
from .linalg.reduce import truncated_svd
from .linalg.weighting import ppmi
from .params import COUNT_KEYS, DEFAULTS, PRESETS, REDUCE_KEYS, auto_dim, validate
from .text._reading import _DROP, _IdStream, _parallel_files, _Pass1, _read_parallel, _read_serial
from .text.corpus import Corpus
from .text.tokenize import Tokenizer
from .vectors.subwords import fit_and_blend
from .vectors.vectors import WordVectors, embed

__all__ = ["build", "build_from_counts", "DEFAULTS", "PRESETS", "count", "COUNT_KEYS",
           "REDUCE_KEYS"]

def count(corpus: Any, *, tokenizer: Callable[[str], list[str]] | None = None,
          window: int = DEFAULTS["window"], window_weighting: str = DEFAULTS["window_weighting"],
          min_count: int = 1, max_vocab: int | None = DEFAULTS["max_vocab"],
          subsample: float = DEFAULTS["subsample"],
          subsample_mode: str = DEFAULTS["subsample_mode"], seed: int = 0,
          glob: str = "*", document: str = "paragraph", progress: bool = True,
          n_jobs: int | None = None,
          max_memory: int | None = 1 << 30,
          tmp_dir: str | os.PathLike[str] | None = None) -> Cooccurrences:
    """Read, tokenize and count a corpus: vocabulary and co-occurrence matrix.

    Parameters are those of :func:`build`, but ``min_count`` defaults to 1: the counts
    keep every word, so that they stay additive.  (So ``build_from_counts(count(c))``
    is close to, not equal to, ``build(c)``: :func:`build` removes the rare words before
    windowing, as word2vec does, while here they hold their places in the windows until
    the merged counts are pruned; ``count(c, min_count=5)`` gives :func:`build`'s counts.)  Counts of two corpora merged
    (:meth:`Cooccurrences.merge`) are then the counts of both read together, and the
    vocabulary threshold is applied once, to the merged counts, by
    :func:`build_from_counts` (``min_count=5`` there) or :meth:`Cooccurrences.prune`: a
    word seen 3 times in each corpus is kept, as it would be if they were counted
    together.  Pruned per corpus (``min_count=5`` here) it would be lost from both.

    Out-of-vocabulary words (with ``min_count`` above 1) are removed before windowing
    (as word2vec does); subsampled words are removed before windowing with
    ``subsample_mode="dirty"`` (word2vec) or leave a hole that keeps distances with
    ``"clean"``.  Subsampling draws at random with each corpus's own word frequencies,
    so subsampled counts are additive in expectation, not exactly.  ``n_jobs``,
    ``max_memory`` and ``tmp_dir`` change speed and memory, never the result.
    """
    return Cooccurrences(*_count(
        corpus, tokenizer=tokenizer, window=window, window_weighting=window_weighting,
        min_count=min_count, max_vocab=max_vocab, subsample=subsample,
        subsample_mode=subsample_mode, seed=seed, glob=glob, document=document, progress=progress,
        n_jobs=n_jobs,
        max_memory=max_memory, tmp_dir=tmp_dir, on_disk=False))


def _count(corpus: Any, *, tokenizer: Callable[[str], list[str]] | None, window: int,
           window_weighting: str, min_count: int, max_vocab: int | None, subsample: float,
           subsample_mode: str, seed: int, glob: str, document: str, progress: bool,
           n_jobs: int | None,
           max_memory: int | None, tmp_dir: str | os.PathLike[str] | None, on_disk: bool
           ) -> tuple[Vocabulary, sp.csr_matrix | BlockMatrix, dict[str, Any], dict[str, Any]]:
    """:func:`count`'s work; with ``on_disk``, counts that spilled past ``max_memory``
    come back as a :class:`~wordvec.linalg.blocks.BlockMatrix` on disk instead of in memory."""
    validate({"window": window, "window_weighting": window_weighting, "min_count": min_count,
               "max_vocab": max_vocab, "subsample": subsample,
               "subsample_mode": subsample_mode, "seed": seed})
    n_jobs = default_n_jobs() if n_jobs is None else check_int("n_jobs", n_jobs, low=1)
    max_memory = check_int("max_memory", max_memory, low=1 << 10, allow_none=True)
    if tokenizer is None:
        tokenizer = Tokenizer()
    elif not callable(tokenizer):
        raise ValueError(f"tokenizer must be a callable str -> list[str]; got {tokenizer!r}")
    source = corpus if isinstance(corpus, Corpus) else Corpus(
        corpus, glob=glob, document=document, progress=progress)
    timings: dict[str, float] = {}
    share = None if max_memory is None else max(max_memory // 2, 1)  # ids and counts each

    # Pass 1: read + tokenize once, provisional ids, exact counts.
    t0 = time.perf_counter()
    stream = _IdStream(share if share is not None else 1 << 62, dir=tmp_dir)
    try:
        state = _Pass1(stream)
        files = _parallel_files(source, tokenizer, n_jobs)
        if files is not None:
            source.stats = _read_parallel(files, tokenizer, n_jobs, state,  # type: ignore[arg-type]
                                          progress, tmp_dir)
        else:
            _read_serial(source, tokenizer, state, progress)
        timings["read_tokenize"] = time.perf_counter() - t0
        read_stats = source.stats.as_dict()
        n_tokens, counts = state.n_tokens, state.counts
        if n_tokens == 0:
            raise CorpusError(f"the corpus {', '.join(source.describe())} holds no tokens "
                              f"({read_stats['documents']} documents read)")

        # Vocabulary from exact counts.
        order = select_words(counts, min_count=min_count, max_vocab=max_vocab)
        vocab = Vocabulary(state.index.words_at(order), counts[order])  # only these decoded
        remap = id_map(order, len(counts))
        del state, order
        lut = np.concatenate([np.where(remap >= 0, remap, _DROP).astype(np.int32),
                              np.array([SEPARATOR], dtype=np.int32)])  # lut[-1] = SEPARATOR
        applied = _subsampling_for(subsample, vocab.total)
        keep_p = keep_probabilities(vocab.counts, applied).astype(np.float32)
        rng = np.random.default_rng(seed)

        # Pass 2: remap, subsample, count windows.
        t0 = time.perf_counter()
        counter = CooccurrenceCounter(len(vocab), window=window,
                                      window_weighting=window_weighting, max_memory=share,
                                      n_jobs=n_jobs, tmp_dir=tmp_dir)
        try:
            kept = 0
            lib = _kernels.load()  # one pass in C for each step below, else NumPy's
            with progress_bar(progress, total=stream.size, desc="counting", unit="token",
                              unit_scale=True) as bar:
                for chunk in stream:
                    if lib is not None:
                        ids = _kernels.remap_ids(lib, chunk, lut, _DROP)
                    else:
                        ids = lut[chunk]
                        ids = ids[ids != _DROP]
                    if applied > 0:
                        rand = rng.random(ids.size, dtype=np.float32)
                        ids, n_kept = _subsample(lib, ids, rand, keep_p,
                                                 subsample_mode == "clean")
                    else:
                        n_kept = int(np.count_nonzero(ids >= 0))
                    kept += n_kept
                    counter.update(ids)
                    bar.update(chunk.size)
                stream.close()
                if on_disk and counter.spills and share is not None:  # inside the bar's time
                    matrix = counter.result_blocks(block_nnz=_block_nnz(share), dir=tmp_dir)
                else:
                    matrix = counter.result()
        finally:
            counter.close()
    finally:
        stream.close()
    timings["count"] = time.perf_counter() - t0
    stats = {
        "corpus": source.describe(), "read": read_stats, "tokens": n_tokens,
        "types": int(counts.size), "vocab_size": len(vocab),
        "tokens_in_vocab": vocab.total, "subsample_applied": applied,
        "tokens_after_subsampling": kept,
        "pairs": int(counter.pairs) * 2, "cooccurrence_nnz": int(matrix.nnz),
        "count_spills": int(counter.spills), "on_disk": isinstance(matrix, BlockMatrix),
        "timings": timings,
    }
    params = {"window": window, "window_weighting": window_weighting, "min_count": min_count,
              "max_vocab": max_vocab, "subsample": subsample, "subsample_mode": subsample_mode,
              "seed": seed, "tokenizer": _tokenizer_params(tokenizer)}
    return vocab, matrix, params, stats


def _subsampling_for(subsample: float, tokens_in_vocab: int) -> float:
    """The subsampling threshold a corpus of this size can use.

    word2vec's subsampling thins out words more frequent than ``t = subsample``.  In a
    corpus of fewer than ``1/t`` tokens even a word seen once is that frequent, so every
    word would be thinned (a 1,200-token corpus keeps about 1 % of "the" and 20 % of each
    word seen once) and no window would be left to count: subsampling is meaningless
    there, and is left out with a warning saying so.
    """
    if subsample > 0 and tokens_in_vocab * subsample < 1:
        warnings.warn(f"subsampling is off for this corpus: {tokens_in_vocab:,} tokens is "
                      f"fewer than 1/subsample = {1 / subsample:,.0f}, so it would thin out "
                      "even words seen once; pass subsample=0 to say so and silence this",
                      SmallCorpusWarning, stacklevel=user_stacklevel())
        return 0.0
    return subsample


def _subsample(lib: Any, ids: np.ndarray, rand: np.ndarray, keep_p: np.ndarray,
               clean: bool) -> tuple[np.ndarray, int]:
    """word2vec's subsampling of ``ids`` with the draws ``rand``: a word ``w`` goes where
    ``rand >= keep_p[w]`` (a :data:`HOLE` in its place if ``clean``); the ids and the
    words kept.  One C pass with the kernels, else NumPy's."""
    if lib is not None:
        return _kernels.subsample_ids(lib, ids, rand, keep_p, clean, HOLE)
    is_word = ids >= 0
    drop = is_word & (rand >= keep_p[np.where(is_word, ids, 0)])
    if clean:
        ids = ids.copy()
        ids[drop] = HOLE
    else:
        ids = ids[~drop]
    return ids, int(np.count_nonzero(ids >= 0))


def _block_nnz(budget: int) -> int:
    """Row-weight target of a block of counts merged on disk, for a budget in bytes.

    A heuristic, checked by ``benchmarks/bench_scale.py``: a block is merged from the
    runs' slices (float64 + int32, 12 bytes a non-zero, a pair counted once per run
    that holds it) into float32 one-way counts, their transpose and the transposed pieces, a few
    copies at once; 1/48 of the budget keeps the merge well under it (128 MiB: 2.8M).
    """
    return max(1 << 12, budget // 48)


def _tokenizer_params(tokenizer: Any) -> Any:
    return tokenizer.get_params() if isinstance(tokenizer, Tokenizer) else repr(tokenizer)


def build(corpus: Any, *, tokenizer: Callable[[str], list[str]] | None = None,
          glob: str = "*", document: str = "paragraph", progress: bool = True,
          n_jobs: int | None = None,
          max_memory: int | None = 1 << 30, tmp_dir: str | os.PathLike[str] | None = None,
          preset: str | None = None, **params: Any) -> WordVectors:
    """Build word vectors from a corpus: count, PPMI, truncated SVD.

    Parameters
    ----------
    corpus : str, os.PathLike, Corpus or iterable of documents
        A file, folder or corpus name (``"brown"``), a :class:`~wordvec.text.corpus.Corpus`,
        or an iterable of documents (``str`` text or ``list[str]`` tokens).
    tokenizer : callable, optional
        ``str -> list[str]``; default :class:`~wordvec.text.tokenize.Tokenizer` (lowercase
        Unicode words).  Token-list documents are used as they are.
    glob : str, default="*"
        Which files of a folder to read.
    document : {"paragraph", "line", "file"}, default="paragraph"
        What one document of a plain-text file is (windows never cross documents):
        blank-line separated paragraphs keep the context of hard-wrapped text, ``"line"``
        suits one sentence or paragraph per line, ``"file"`` one document per file.
        WikiExtractor files, NLTK corpora and iterables bring their own documents.
    progress : bool, default=True
        Show progress bars (on stderr).
    n_jobs : int, optional
        Worker processes that read and tokenize files (with the default tokenizer),
        and threads that count and multiply; default: all cores, at most 8.
    max_memory : int or None, default=2**30
        Bytes for the token-id stream and the partial counts; past it they spill to
        temporary files (None: never).  When the counts spilled, the count matrix,
        its PPMI and the SVD's products also stay on disk, block by block
        (:class:`~wordvec.linalg.blocks.BlockMatrix`; not with ARPACK), so memory no
        longer grows with the corpus.  Counts and PPMI are the same either way; the
        SVD's sums differ only in float32 rounding order.
    tmp_dir : str or os.PathLike, optional
        Folder of the spilled files (default: the system's temporary folder).
    preset : {"analogy"}, optional
        Start from the parameters of :data:`PRESETS` ``[preset]`` instead of
        :data:`DEFAULTS`; parameters given explicitly still win.
    window : int, default=5
        Largest distance between a word and a context.
    window_weighting : {"dynamic", "harmonic", "uniform"}, default="dynamic"
        Weight of a context at distance d: (window-d+1)/window, 1/d, or 1.
    min_count : int, default=5
        Words seen fewer times are removed before windowing.
    max_vocab : int or None, default=None
        Keep at most this many of the most frequent words.
    subsample : float, default=3e-5
        word2vec's frequent-word subsampling threshold t (0 disables).
    subsample_mode : {"dirty", "clean"}, default="dirty"
        Remove subsampled words before windowing, or leave holes.
    context_smoothing : float, default=0.75
        Exponent of the context distribution in PMI (1 = none).
    shift : float, default=1.0
        Shifted PPMI: subtract log(shift) (k of SGNS).
    dim : int or "auto", default="auto"
        Number of dimensions; ``"auto"`` grows with the corpus
        (:func:`wordvec.params.auto_dim`: 100 for Brown's 1M tokens, 500 from 16M).
    eig : float, default=0.5
        Eigenvalue weighting: vectors are U * S**eig.
    add_contexts : bool, default=True
        Return word + context vectors (w+c).
    context_weight : float, default=1.0
        Weight of the context vectors in w+c: ``w + context_weight * c`` (>= 0;
        ignored without ``add_contexts``).  1.0 since the n-gram blend: the blend more
        than pays for what the full context weight costs analogies, and WS353 is back
        above 0.70 on every seed (0.45 before; ``benchmarks/RESULTS.md``).
    normalize_parts : bool, default=True
        Scale each word's ``w`` and ``c`` to unit length before adding them (ignored
        without ``add_contexts``), so every word gets the same mix of its two parts
        (``benchmarks/HYPERPARAMS.md``).
    svd_algorithm : {"chebyshev", "randomized", "arpack"}, default="chebyshev"
        Subspace iteration from a random start with Chebyshev filters, or with power
        iterations (Halko et al. 2011), or ARPACK (see :func:`~wordvec.linalg.reduce.truncated_svd`).
    n_iter : int, default=4
        Steps of the subspace SVD (each one product with ``A.T`` and one with ``A``).
        4 Chebyshev steps are more accurate than the 6 power iterations of the
        previous default on every rank of the wiki sample's SVD (``benchmarks/DECISIONS.md``).
    svd_precision : {"half", "single"}, default="half"
        Precision of the dense operand in the steps of the subspace SVD: half precision
        halves the products' memory traffic (``benchmarks/DECISIONS.md``)
        with the same accuracy on every rank band and the same scores; the final
        product, from which the vectors come, is single precision either way (see
        :func:`~wordvec.linalg.reduce.truncated_svd`).
    subword_weight : float, default=0.2
        Morphology in every vector: n-gram vectors are fitted to the words' unit vectors
        by ridge least squares (:func:`~wordvec.vectors.subwords.fit_subwords`) and each
        word's vector becomes its unit vector plus this share of the direction of its
        n-grams' mean (:func:`~wordvec.vectors.subwords.blend`): ``walked`` leans
        towards ``walk``, as in fastText, where every vector is a sum of n-grams.
    subword_rare_weight : float, default=0.5
        The share grows for rare words by ``subword_rare_weight * 50 / (50 + count)``: a
        rare word's own vector is noisy, its n-grams are not.  Both weights 0: no n-gram
        step (unless ``subwords``), vectors exactly as the SVD gives them.
    subwords : bool, default=False
        Keep the n-gram vectors in the model (:attr:`WordVectors.subwords`, saved with
        it): words outside the vocabulary then get vectors from their n-grams, in
        ``wv[word]``, the queries, :class:`~wordvec.features.EmbeddingVectorizer` and
        the evaluation.  ``"word" in wv`` stays "in the vocabulary".
    seed : int, default=0
        Seed of subsampling and of the SVD; a build is deterministic for a seed.

    Returns
    -------
    WordVectors
        With ``params`` (every parameter above) and ``stats`` (corpus statistics and
        stage timings).
    """
    if preset is not None:
        check_choice("preset", preset, tuple(PRESETS))
        params = {**PRESETS[preset], **params}
    p = validate(params)
    t_start = time.perf_counter()
    max_memory = check_int("max_memory", max_memory, low=1 << 10, allow_none=True)
    vocab, matrix, count_params, count_stats = _count(
        corpus, tokenizer=tokenizer, glob=glob, document=document, progress=progress,
        n_jobs=n_jobs, max_memory=max_memory, tmp_dir=tmp_dir,
        on_disk=p["svd_algorithm"] != "arpack",  # ARPACK needs the matrix in memory
        **{k: p[k] for k in COUNT_KEYS})
    box = [matrix]  # _weight_and_reduce takes it out, to free it before the SVD
    del matrix
    try:
        wv = _weight_and_reduce(vocab, box, count_params, count_stats,
                                {k: p[k] for k in REDUCE_KEYS}, progress=progress,
                                n_jobs=n_jobs,
                                block_nnz=None if max_memory is None else max_memory // 32,
                                owned=True)
    finally:
        for m in box:
            if isinstance(m, BlockMatrix):
                m.close()
    wv.stats["timings"]["total"] = time.perf_counter() - t_start
    wv.params["preset"] = preset
    return wv


def build_from_counts(counts: Cooccurrences, *, min_count: int = DEFAULTS["min_count"],
                      max_vocab: int | None = DEFAULTS["max_vocab"], progress: bool = True,
                      **params: Any) -> WordVectors:
    """Weight (PPMI) and reduce (SVD) counts made by :func:`count` into word vectors.

    Words seen fewer than ``min_count`` times in ``counts`` (beyond the ``max_vocab``
    most frequent) are pruned first (:meth:`Cooccurrences.prune`): :func:`count` keeps
    every word so that merged counts are pruned once, on their sums.  ``params`` are the
    weighting and reduction parameters of :func:`build` (``context_smoothing``,
    ``shift``, ``dim``, ``eig``, ``add_contexts``, ``context_weight``,
    ``normalize_parts``, ``svd_algorithm``, ``n_iter``, ``svd_precision``, ``seed``).
    Counts can be reused for several settings, or merged with
    :meth:`Cooccurrences.merge` first.
    """
    if not isinstance(counts, Cooccurrences):
        raise ValueError(f"counts must be Cooccurrences (wordvec.count, Cooccurrences.load); "
                         f"got {type(counts).__name__}")
    bad = set(params) - set(REDUCE_KEYS)
    if bad:
        raise TypeError(f"build_from_counts got counting parameter(s) {', '.join(sorted(bad))}"
                        f"; allowed: min_count, max_vocab, {', '.join(REDUCE_KEYS)}")
    validate({"min_count": min_count, "max_vocab": max_vocab})
    counts = counts.prune(min_count=min_count, max_vocab=max_vocab)  # CorpusError if none left
    return _weight_and_reduce(counts.vocab, [counts.matrix], counts.params, counts.stats,
                              validate(params), progress=progress)


def _weight_and_reduce(vocab: Vocabulary, box: list[sp.csr_matrix | BlockMatrix],
                       count_params: dict[str, Any], count_stats: dict[str, Any],
                       p: dict[str, Any], *, progress: bool,
                       n_jobs: int | None = None, block_nnz: int | None = None,
                       owned: bool = False) -> WordVectors:
    """PPMI and SVD of the counts in ``box`` (in memory, or a BlockMatrix on disk).

    The counts are taken out of the one-element list ``box`` once weighted, so that
    a caller that handed over its last reference frees them before the SVD; a
    BlockMatrix of counts is closed (its files deleted) at that point; its PPMI is
    kept in blocks of at least ``block_nnz`` non-zeros.  ``owned`` counts (made by
    :func:`build` itself) are weighted in place instead of copied.
    """
    stats = _copy_stats(count_stats)
    timings = stats.setdefault("timings", {})
    if p["dim"] == "auto":
        tokens = int(stats.get("tokens") or vocab.total)
        p = {**p, "dim": auto_dim(tokens, len(vocab))}
        stats["dim_rule"] = f"auto: {p['dim']} for {tokens:,} tokens"
    if p["dim"] >= len(vocab):
        raise ValueError(f"dim={p['dim']} must be smaller than the vocabulary size "
                         f"{len(vocab)}; lower dim, or keep more words (lower min_count, raise max_vocab)")
    t0 = time.perf_counter()
    counts = box[0]
    weighted = ppmi(counts, context_smoothing=p["context_smoothing"], shift=p["shift"],
                    tile_width=_TILE_WIDTH, block_nnz=block_nnz, copy=not owned,
                    n_jobs=default_n_jobs() if n_jobs is None else n_jobs)
    box.clear()
    if isinstance(counts, BlockMatrix):
        counts.close()
    del counts
    if isinstance(weighted, sp.csr_matrix) and p["svd_algorithm"] != "arpack":
        weighted = TiledMatrix(weighted)  # cut for the products; the CSR copy is freed
    timings["weight"] = time.perf_counter() - t0
    stats["ppmi_nnz"] = int(weighted.nnz)
    if weighted.nnz == 0:
        if isinstance(weighted, BlockMatrix):
            weighted.close()
        raise CorpusError("no positive PMI left: the corpus is too small (or shift too "
                          "large) to build vectors; use more text or lower shift")
    t0 = time.perf_counter()
    u, s, vt = truncated_svd(weighted, p["dim"], algorithm=p["svd_algorithm"],
                             n_iter=p["n_iter"], seed=p["seed"], n_jobs=n_jobs,
                             precision=p["svd_precision"], progress=progress)
    if isinstance(weighted, BlockMatrix):
        weighted.close()
    del weighted
    vectors = embed(u, s, vt, eig=p["eig"], add_contexts=p["add_contexts"],
                    context_weight=p["context_weight"], normalize_parts=p["normalize_parts"])
    timings["svd"] = time.perf_counter() - t0
    subwords = None
    if p["subwords"] or p["subword_weight"] or p["subword_rare_weight"]:
        t0 = time.perf_counter()
        vectors, subwords, fit = fit_and_blend(
            vocab.words, vocab.counts, vectors, weight=p["subword_weight"],
            rare_weight=p["subword_rare_weight"], keep=p["subwords"], n_jobs=n_jobs,
            progress=progress)
        timings["subwords"] = time.perf_counter() - t0
        stats["subwords"] = fit
    stats["singular_values"] = [float(x) for x in s]  # all dim: the spectrum plot
    if p["svd_algorithm"] != "arpack":  # which sparse products the SVD used
        stats["svd_products"] = "compiled" if _kernels.load() is not None else "scipy"
    stats["backend"] = _backend.get_backend()
    params_out = {**count_params, **{k: p[k] for k in REDUCE_KEYS}}
    return WordVectors(vectors, vocab.words, vocab.counts, params=params_out, stats=stats,
                       subwords=subwords)


def _copy_stats(d: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a statistics dict (nested dicts and lists copied)."""
    return copy.deepcopy(d)



