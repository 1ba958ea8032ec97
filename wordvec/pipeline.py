"""``build``: raw text to word vectors in one call.

Stages (one module each): :mod:`~wordvec.corpus` streams documents,
:mod:`~wordvec.tokenize` splits them, :mod:`~wordvec.vocab` counts and prunes,
:mod:`~wordvec.cooccur` counts windows, :mod:`~wordvec.weighting` computes PPMI and
:mod:`~wordvec.reduce` runs the truncated SVD.

The raw text is read and tokenized once.  That pass maps tokens to provisional ids
and stores the id stream (in memory, spilled to a temporary file past
``stream_memory`` bytes); the vocabulary is then chosen from exact counts and the
stored stream is re-read, remapped and counted in chunks with NumPy.
"""

from __future__ import annotations

import copy
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ._validation import check_choice, check_float, check_int
from .cooccur import HOLE, SEPARATOR, WINDOW_WEIGHTINGS, CooccurrenceCounter
from .corpus import Corpus
from .counts import Cooccurrences
from .errors import CorpusError
from .reduce import SVD_ALGORITHMS, embed, truncated_svd
from .tokenize import Tokenizer
from .vectors import WordVectors
from .vocab import Vocabulary, keep_probabilities
from .weighting import ppmi

__all__ = ["build", "build_from_counts", "DEFAULTS", "count", "COUNT_KEYS", "REDUCE_KEYS"]

#: Default build parameters (see README's parameter table).
DEFAULTS: dict[str, Any] = {
    "window": 5,
    "window_weighting": "dynamic",
    "min_count": 5,
    "max_vocab": None,
    "subsample": 1e-5,
    "subsample_mode": "dirty",
    "context_smoothing": 0.75,
    "shift": 1.0,
    "dim": 300,
    "eig": 0.5,
    "add_contexts": False,
    "svd_algorithm": "randomized",
    "n_iter": 3,
    "seed": 0,
}
SUBSAMPLE_MODES = ("dirty", "clean")
#: Parameters of counting (:func:`count`) and of weighting + reduction.
COUNT_KEYS = ("window", "window_weighting", "min_count", "max_vocab", "subsample",
              "subsample_mode", "seed")
REDUCE_KEYS = ("context_smoothing", "shift", "dim", "eig", "add_contexts", "svd_algorithm",
               "n_iter", "seed")

_CHUNK_TOKENS = 1 << 20  # tokens per counting chunk
_DROP = -3


class _IdStream:
    """Append-only store of int32 chunks, in memory up to a budget, then on disk."""

    def __init__(self, memory_budget: int) -> None:
        self.memory_budget = memory_budget
        self._chunks: list[np.ndarray] = []
        self._in_memory = 0
        self._file: Any = None
        self._file_sizes: list[int] = []

    def append(self, chunk: np.ndarray) -> None:
        if self._file is None and self._in_memory + chunk.nbytes > self.memory_budget:
            self._file = tempfile.TemporaryFile(prefix="wordvec-ids-")
            for c in self._chunks:
                self._write(c)
            self._chunks = []
            self._in_memory = 0
        if self._file is not None:
            self._write(chunk)
        else:
            self._chunks.append(chunk)
            self._in_memory += chunk.nbytes

    def _write(self, chunk: np.ndarray) -> None:
        self._file.write(np.ascontiguousarray(chunk, dtype="<i4").tobytes())
        self._file_sizes.append(chunk.size)

    def __len__(self) -> int:
        return len(self._file_sizes) if self._file is not None else len(self._chunks)

    def __iter__(self) -> Iterator[np.ndarray]:
        if self._file is None:
            yield from self._chunks
            return
        self._file.flush()
        self._file.seek(0)
        for size in self._file_sizes:
            yield np.frombuffer(self._file.read(size * 4), dtype="<i4")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _validate(params: dict[str, Any]) -> dict[str, Any]:
    unknown = set(params) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown parameter(s) {', '.join(sorted(unknown))}; "
                        f"allowed: {', '.join(DEFAULTS)}")
    p = {**DEFAULTS, **params}
    check_int("window", p["window"], low=1)
    check_choice("window_weighting", p["window_weighting"], WINDOW_WEIGHTINGS)
    check_int("min_count", p["min_count"], low=1)
    check_int("max_vocab", p["max_vocab"], low=2, allow_none=True)
    check_float("subsample", p["subsample"], low=0.0, high=1.0)
    check_choice("subsample_mode", p["subsample_mode"], SUBSAMPLE_MODES)
    check_float("context_smoothing", p["context_smoothing"], low=0.0, high=1.0, low_open=True)
    check_float("shift", p["shift"], low=1.0)
    check_int("dim", p["dim"], low=1)
    check_float("eig", p["eig"], low=0.0, high=1.0)
    if not isinstance(p["add_contexts"], bool):
        raise ValueError(f"add_contexts must be True or False; got {p['add_contexts']!r}")
    check_choice("svd_algorithm", p["svd_algorithm"], SVD_ALGORITHMS)
    check_int("n_iter", p["n_iter"], low=0)
    check_int("seed", p["seed"])
    return p


def _bar(progress: bool, **kw: Any) -> Any:
    from tqdm.auto import tqdm
    return tqdm(disable=not progress, **kw)


def count(corpus: Any, *, tokenizer: Callable[[str], list[str]] | None = None,
          window: int = DEFAULTS["window"], window_weighting: str = DEFAULTS["window_weighting"],
          min_count: int = DEFAULTS["min_count"], max_vocab: int | None = DEFAULTS["max_vocab"],
          subsample: float = DEFAULTS["subsample"],
          subsample_mode: str = DEFAULTS["subsample_mode"], seed: int = 0,
          glob: str = "*", progress: bool = True,
          stream_memory: int = 512 << 20) -> Cooccurrences:
    """Read, tokenize and count a corpus: vocabulary and co-occurrence matrix.

    Parameters are those of :func:`build`.  Out-of-vocabulary words are removed
    before windowing (as word2vec does); subsampled words are removed before
    windowing with ``subsample_mode="dirty"`` (word2vec) or leave a hole that keeps
    distances with ``"clean"``.
    """
    _validate({"window": window, "window_weighting": window_weighting, "min_count": min_count,
               "max_vocab": max_vocab, "subsample": subsample,
               "subsample_mode": subsample_mode, "seed": seed})
    if tokenizer is None:
        tokenizer = Tokenizer()
    elif not callable(tokenizer):
        raise ValueError(f"tokenizer must be a callable str -> list[str]; got {tokenizer!r}")
    source = corpus if isinstance(corpus, Corpus) else Corpus(corpus, glob=glob,
                                                                progress=progress)
    timings: dict[str, float] = {}

    # Pass 1: read + tokenize once, provisional ids, exact counts.
    t0 = time.perf_counter()
    index: dict[str, int] = {}
    setdefault = index.setdefault
    stream = _IdStream(stream_memory)
    counts = np.zeros(0, dtype=np.int64)
    buf: list[int] = []
    n_tokens = 0

    def flush() -> None:
        nonlocal counts, buf
        chunk = np.array(buf, dtype=np.int32)
        buf = []
        words = chunk[chunk >= 0]
        if len(index) > counts.size:
            counts = np.concatenate([counts, np.zeros(len(index) - counts.size, np.int64)])
        counts += np.bincount(words, minlength=counts.size)
        stream.append(chunk)

    with _bar(progress, desc="tokenizing", unit="doc") as bar:
        for doc in source:
            tokens = doc if isinstance(doc, list) else tokenizer(doc)
            if not tokens:
                continue
            n_tokens += len(tokens)
            buf.extend([setdefault(t, len(index)) for t in tokens])
            buf.append(SEPARATOR)
            if len(buf) >= _CHUNK_TOKENS:
                flush()
            bar.update()
    if buf:
        flush()
    timings["read_tokenize"] = time.perf_counter() - t0
    read_stats = source.stats.as_dict()
    if n_tokens == 0:
        stream.close()
        raise CorpusError(f"the corpus {', '.join(source.describe())} holds no tokens "
                          f"({read_stats['documents']} documents read)")

    # Vocabulary from exact counts.
    words = list(index)
    del index
    vocab, remap = Vocabulary.from_arrays(words, counts, min_count=min_count,
                                          max_vocab=max_vocab)
    del words
    lut = np.concatenate([np.where(remap >= 0, remap, _DROP).astype(np.int32),
                          np.array([SEPARATOR], dtype=np.int32)])  # lut[-1] = SEPARATOR
    keep_p = keep_probabilities(vocab.counts, subsample).astype(np.float32)
    rng = np.random.default_rng(seed)

    # Pass 2: remap, subsample, count windows.
    t0 = time.perf_counter()
    counter = CooccurrenceCounter(len(vocab), window=window, window_weighting=window_weighting)
    kept = 0
    with _bar(progress, total=len(stream), desc="counting", unit="chunk") as bar:
        for chunk in stream:
            ids = lut[chunk]
            ids = ids[ids != _DROP]
            if subsample > 0:
                is_word = ids >= 0
                drop = is_word & (rng.random(ids.size, dtype=np.float32)
                                  >= keep_p[np.where(is_word, ids, 0)])
                if subsample_mode == "dirty":
                    ids = ids[~drop]
                else:
                    ids = ids.copy()
                    ids[drop] = HOLE
            kept += int(np.count_nonzero(ids >= 0))
            counter.update(ids)
            bar.update()
    stream.close()
    matrix = counter.result()
    timings["count"] = time.perf_counter() - t0
    stats = {
        "corpus": source.describe(), "read": read_stats, "tokens": n_tokens,
        "types": int(counts.size), "vocab_size": len(vocab),
        "tokens_in_vocab": vocab.total, "tokens_after_subsampling": kept,
        "pairs": int(counter.pairs) * 2, "cooccurrence_nnz": int(matrix.nnz),
        "timings": timings,
    }
    params = {"window": window, "window_weighting": window_weighting, "min_count": min_count,
              "max_vocab": max_vocab, "subsample": subsample, "subsample_mode": subsample_mode,
              "seed": seed, "tokenizer": _tokenizer_params(tokenizer)}
    return Cooccurrences(vocab, matrix, params, stats)


def _tokenizer_params(tokenizer: Any) -> Any:
    return tokenizer.get_params() if isinstance(tokenizer, Tokenizer) else repr(tokenizer)


def build(corpus: Any, *, tokenizer: Callable[[str], list[str]] | None = None,
          glob: str = "*", progress: bool = True, **params: Any) -> WordVectors:
    """Build word vectors from a corpus: count, PPMI, truncated SVD.

    Parameters
    ----------
    corpus : str, os.PathLike, Corpus or iterable of documents
        A file, folder or corpus name (``"brown"``), a :class:`~wordvec.corpus.Corpus`,
        or an iterable of documents (``str`` text or ``list[str]`` tokens).
    tokenizer : callable, optional
        ``str -> list[str]``; default :class:`~wordvec.tokenize.Tokenizer` (lowercase
        Unicode words).  Token-list documents are used as they are.
    glob : str, default="*"
        Which files of a folder to read.
    progress : bool, default=True
        Show progress bars (on stderr).
    window : int, default=5
        Largest distance between a word and a context.
    window_weighting : {"dynamic", "harmonic", "uniform"}, default="dynamic"
        Weight of a context at distance d: (window-d+1)/window, 1/d, or 1.
    min_count : int, default=5
        Words seen fewer times are removed before windowing.
    max_vocab : int or None, default=None
        Keep at most this many of the most frequent words.
    subsample : float, default=1e-5
        word2vec's frequent-word subsampling threshold t (0 disables).
    subsample_mode : {"dirty", "clean"}, default="dirty"
        Remove subsampled words before windowing, or leave holes.
    context_smoothing : float, default=0.75
        Exponent of the context distribution in PMI (1 = none).
    shift : float, default=1.0
        Shifted PPMI: subtract log(shift) (k of SGNS).
    dim : int, default=300
        Number of dimensions.
    eig : float, default=0.5
        Eigenvalue weighting: vectors are U * S**eig.
    add_contexts : bool, default=False
        Return word + context vectors (w+c).
    svd_algorithm : {"randomized", "arpack"}, default="randomized"
    n_iter : int, default=3
        Power iterations of the randomized SVD.
    seed : int, default=0
        Seed of subsampling and of the SVD; a build is deterministic for a seed.

    Returns
    -------
    WordVectors
        With ``params`` (every parameter above) and ``stats`` (corpus statistics and
        stage timings).
    """
    p = _validate(params)
    t_start = time.perf_counter()
    counted = count(corpus, tokenizer=tokenizer, glob=glob, progress=progress,
                    **{k: p[k] for k in COUNT_KEYS})
    wv = build_from_counts(counted, progress=progress, **{k: p[k] for k in REDUCE_KEYS})
    wv.stats["timings"]["total"] = time.perf_counter() - t_start
    return wv


def build_from_counts(counts: Cooccurrences, *, progress: bool = True,
                      **params: Any) -> WordVectors:
    """Weight (PPMI) and reduce (SVD) counts made by :func:`count` into word vectors.

    ``params`` are the weighting and reduction parameters of :func:`build`
    (``context_smoothing``, ``shift``, ``dim``, ``eig``, ``add_contexts``,
    ``svd_algorithm``, ``n_iter``, ``seed``).  Counts can be reused for several
    settings, or merged with :meth:`Cooccurrences.merge` first.
    """
    bad = set(params) - set(REDUCE_KEYS)
    if bad:
        raise TypeError(f"build_from_counts got counting parameter(s) {', '.join(sorted(bad))}"
                        f"; allowed: {', '.join(REDUCE_KEYS)}")
    p = _validate(params)
    stats = _copy_stats(counts.stats)
    timings = stats.setdefault("timings", {})
    vocab = counts.vocab
    if p["dim"] >= len(vocab):
        raise ValueError(f"dim={p['dim']} must be smaller than the vocabulary size "
                         f"{len(vocab)}; lower dim, or lower min_count to keep more words")
    t0 = time.perf_counter()
    weighted = ppmi(counts.matrix, context_smoothing=p["context_smoothing"], shift=p["shift"])
    timings["weight"] = time.perf_counter() - t0
    stats["ppmi_nnz"] = int(weighted.nnz)
    if weighted.nnz == 0:
        raise CorpusError("no positive PMI left: the corpus is too small (or shift too "
                          "large) to build vectors; use more text or lower shift")
    t0 = time.perf_counter()
    u, s, vt = truncated_svd(weighted, p["dim"], algorithm=p["svd_algorithm"],
                             n_iter=p["n_iter"], seed=p["seed"], progress=progress)
    del weighted
    vectors = embed(u, s, vt, eig=p["eig"], add_contexts=p["add_contexts"])
    timings["svd"] = time.perf_counter() - t0
    stats["singular_values"] = [float(x) for x in s[:10]]
    params_out = {**counts.params, **{k: p[k] for k in REDUCE_KEYS}}
    return WordVectors(vectors, vocab.words, vocab.counts, params=params_out, stats=stats)


def _copy_stats(d: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a statistics dict (nested dicts and lists copied)."""
    return copy.deepcopy(d)



