"""``Cooccurrences``: a vocabulary with its co-occurrence matrix, saved and merged.

Counts are additive: the counts of two corpora, made with the same window settings and
every word kept (``min_count=1``, :func:`wordvec.count`'s default), merge into the counts
of both read together, and the vocabulary threshold is applied once to the sums
(:meth:`Cooccurrences.prune`, or :func:`wordvec.build_from_counts`).  So adding a task's
own text to a large general corpus does not need a second pass over the general one.
"""

from __future__ import annotations

import json
import lzma
import os
import stat
import zipfile
import warnings
import zlib
from collections.abc import Mapping
from typing import IO, Any

import numpy as np
import scipy.sparse as sp

from .._util.validation import check_int
from .._util.caller import user_stacklevel
from ..errors import FormatError, PrunedCountsWarning
from ..text.tokenize import Tokenizer
from ..vectors import io as _io
from .vocab import Vocabulary, check_counts, select_words

__all__ = ["Cooccurrences", "COUNT_PARAMS"]

#: Parameters that must agree for two count sets to be merged.
COUNT_PARAMS = ("window", "window_weighting", "subsample", "subsample_mode")


class Cooccurrences:
    """Word counts and the symmetric word x context count matrix of a corpus.

    Parameters
    ----------
    vocab : Vocabulary
        Words, most frequent first, with their corpus counts.
    matrix : scipy.sparse matrix (len(vocab), len(vocab))
        Weighted co-occurrence counts (rows words, columns contexts).
    params : dict
        The counting parameters (``window``, ``window_weighting``, ...).
    stats : dict
        Corpus statistics.
    """

    def __init__(self, vocab: Vocabulary, matrix: sp.spmatrix, params: dict[str, Any],
                 stats: dict[str, Any] | None = None) -> None:
        if not isinstance(vocab, Vocabulary):
            raise ValueError(f"vocab must be a Vocabulary; got {type(vocab).__name__}")
        if not (sp.issparse(matrix) or isinstance(matrix, np.ndarray)):
            raise ValueError(f"matrix must be a scipy.sparse matrix; got {type(matrix).__name__}")
        if matrix.shape != (len(vocab), len(vocab)):
            raise ValueError(f"matrix shape {matrix.shape} does not match a vocabulary of "
                             f"{len(vocab)} words")
        if not isinstance(params, Mapping):
            raise ValueError(f"params must be a dict; got {type(params).__name__}")
        if stats is not None and not isinstance(stats, Mapping):
            raise ValueError(f"stats must be a dict or None; got {type(stats).__name__}")
        self.vocab = vocab
        self.matrix = sp.csr_matrix(matrix, dtype=np.float32)
        problem = _bad_values(self.matrix.data)
        if problem:  # counts are finite and non-negative; NaN would surface as a LinAlgError
            raise ValueError(f"matrix must hold finite non-negative counts; it holds {problem}")
        self.params = dict(params)
        self.stats = dict(stats or {})

    def __repr__(self) -> str:
        return (f"Cooccurrences({len(self.vocab)} words, {self.matrix.nnz} non-zeros, "
                f"window={self.params.get('window')})")

    # -- combining -----------------------------------------------------------------
    def merge(self, other: Cooccurrences) -> Cooccurrences:
        """Counts of both corpora: union vocabulary, summed word and pair counts.

        With both made keeping every word (``min_count=1``) the sums are the counts of the
        two corpora read together; prune them afterwards (:meth:`prune`,
        :func:`wordvec.build_from_counts`).  If both were pruned already, a word rare in
        each but frequent in both is missing, and a :class:`PrunedCountsWarning` says so.
        """
        if not isinstance(other, Cooccurrences):
            raise ValueError(f"other must be Cooccurrences; got {type(other).__name__}")
        for key in COUNT_PARAMS:
            if self.params.get(key) != other.params.get(key):
                raise ValueError(f"cannot merge counts made with {key}="
                                 f"{self.params.get(key)!r} and {key}={other.params.get(key)!r}")
        pruned = [int(c.params.get("min_count") or 1) for c in (self, other)]
        capped = [c.params.get("max_vocab") for c in (self, other)]
        if max(pruned) > 1 or any(v is not None for v in capped):
            warnings.warn(f"merging counts that were pruned (min_count={pruned[0]} and "
                          f"{pruned[1]}, max_vocab={capped[0]} and {capped[1]}): words cut "
                          "from one part are missing from the sums; count with min_count=1 "
                          "(wordvec.count's default) and prune the merged counts",
                          PrunedCountsWarning, stacklevel=user_stacklevel())
        words = list(self.vocab.words)
        index = dict(self.vocab.index)
        for w in other.vocab.words:
            if w not in index:
                index[w] = len(words)
                words.append(w)
        n = len(words)
        counts = np.zeros(n, dtype=np.int64)
        counts[: len(self.vocab)] += self.vocab.counts
        other_ids = np.array([index[w] for w in other.vocab.words], dtype=np.int64)
        counts[other_ids] += other.vocab.counts
        a = _reindex(self.matrix, np.arange(len(self.vocab)), n)
        b = _reindex(other.matrix, other_ids, n)
        merged_vocab, remap = Vocabulary.from_arrays(words, counts)
        order = np.argsort(remap)  # new id -> old (union) id
        matrix = (a + b).tocsr()[order][:, order]
        stats = {"merged_from": [self.stats, other.stats],
                 "tokens": self.stats.get("tokens", 0) + other.stats.get("tokens", 0)}
        # the merged counts are complete for words seen max(pruned) times in each part
        caps = [v for v in capped if v is not None]
        return Cooccurrences(merged_vocab, matrix,
                             {**self.params, "min_count": max(pruned),
                              "max_vocab": None if not caps else max(caps)}, stats)

    def __add__(self, other: Cooccurrences) -> Cooccurrences:
        if not isinstance(other, Cooccurrences):
            return NotImplemented
        return self.merge(other)

    def prune(self, min_count: int = 1, max_vocab: int | None = None, *,
              by: np.ndarray | None = None) -> Cooccurrences:
        """Keep words seen ``min_count`` times or more, at most ``max_vocab`` of them.

        ``by`` are the counts that decide, one per word of ``self.vocab`` (default: its own
        counts): e.g. how often each word was seen when these counts were merged with a
        weight (:func:`wordvec.adapt`).  The words kept stay in order of their own counts.
        """
        check_int("min_count", min_count, low=1)
        own = self.vocab.counts
        if by is not None:
            by = check_counts("by", by)
            if len(by) != len(own):
                raise ValueError(f"by must hold one count per word ({len(own)}); got {len(by)}")
        chosen = select_words(own if by is None else by, min_count=min_count,
                              max_vocab=max_vocab)
        keep = chosen if by is None else chosen[np.argsort(-own[chosen], kind="stable")]
        vocab = Vocabulary([self.vocab.words[i] for i in keep], own[keep])
        matrix = self.matrix[keep][:, keep]
        # what is missing stays missing: record the stronger of the two thresholds
        before, cap = int(self.params.get("min_count") or 1), self.params.get("max_vocab")
        caps = [v for v in (cap, max_vocab) if v is not None]
        params = {**self.params, "min_count": max(before, min_count),
                  "max_vocab": min(caps) if caps else None}
        stats = {**self.stats, "vocab_size": len(vocab), "tokens_in_vocab": vocab.total}
        return Cooccurrences(vocab, matrix, params, stats)

    # -- persistence ---------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Save as an ``.npz`` archive (atomic write)."""
        m = self.matrix
        meta = json.dumps({"words": self.vocab.words, "params": self.params,
                           "stats": self.stats}, default=str)
        with _io.atomic_write(path) as fh:
            np.savez(fh, data=m.data, indices=m.indices, indptr=m.indptr,
                     counts=self.vocab.counts, meta=np.frombuffer(meta.encode("utf-8"),
                                                                 dtype=np.uint8))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cooccurrences:
        """Load counts saved by :meth:`save`.

        Every part of the file is checked before it is used (the archive, each array's
        type, length and values, the JSON metadata), so a damaged or foreign file raises
        one :class:`~wordvec.errors.FormatError` naming the file and the part at fault,
        not an error from deep inside NumPy or SciPy, nor counts that are silently wrong.
        """
        if not isinstance(path, (str, os.PathLike)):
            raise ValueError(f"path must be a str or os.PathLike; got {type(path).__name__}")
        name = os.fspath(path)
        if not os.path.exists(name):
            raise FileNotFoundError(f"counts file {str(name)!r} does not exist")
        vocab, matrix, meta = _read_counts(str(name))
        return cls(vocab, matrix, meta["params"], meta["stats"])


#: The arrays of a counts file, as :meth:`Cooccurrences.save` writes them.
_KEYS = ("data", "indices", "indptr", "counts", "meta")
#: Errors the zip and decompression modules raise on damaged members.
_MEMBER_ERRORS = (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error,
                  lzma.LZMAError, NotImplementedError, RuntimeError, OverflowError,
                  UnicodeDecodeError)  # bz2 members raise OSError or EOFError


def _read_counts(path: str) -> tuple[Vocabulary, sp.csr_matrix, dict[str, Any]]:
    """The checked vocabulary, matrix and metadata of a counts file at ``path``."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise FormatError(f"{path}: not a wordvec counts file (not a regular file)")
        with open(path, "rb") as fh:
            head = fh.read(6)
            if not head:
                raise FormatError(f"{path}: not a wordvec counts file (the file is empty)")
            if head == b"\x93NUMPY":
                raise FormatError(f"{path}: not a wordvec counts file (a single NumPy array, "
                                  ".npy; counts are an .npz archive made by "
                                  "Cooccurrences.save)")
            if not head.startswith(b"PK"):
                raise FormatError(f"{path}: not a wordvec counts file (not an .npz archive, "
                                  "which Cooccurrences.save writes)")
            fh.seek(0)
            try:
                archive = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise FormatError(f"{path}: not a wordvec counts file (damaged or truncated "
                                  f"archive: {exc})") from None
            size = os.fstat(fh.fileno()).st_size
            with archive:
                arrays = {key: _read_member(archive, key, path, size) for key in _KEYS}
    except OSError as exc:  # no permission, a loop of links, an I/O error
        raise FormatError(f"{path}: cannot read the counts file "
                          f"({exc.strerror or exc})") from None
    return _checked(arrays, path)


def _read_member(archive: zipfile.ZipFile, key: str, path: str, size: int) -> np.ndarray:
    """Array ``key`` of the archive (a file of ``size`` bytes), its header checked before
    any data is read: a damaged header cannot make NumPy allocate a huge array."""
    where = f"{path}: array {key!r}"
    try:
        info = archive.getinfo(f"{key}.npy")
    except KeyError:
        names = ", ".join(repr(n.removesuffix(".npy")) for n in archive.namelist()[:10])
        raise FormatError(f"{path}: not a wordvec counts file (no array {key!r}; it has "
                          f"{names or 'none'})") from None
    try:
        with archive.open(info) as fh:
            shape, dtype = _npy_header(fh)
        if len(shape) != 1:
            raise FormatError(f"{where}: expected a 1-D array; got shape {shape}")
        if dtype.hasobject or dtype.kind not in "biuf":
            raise FormatError(f"{where}: expected numbers; got dtype {dtype}")
        if shape[0] * dtype.itemsize > info.file_size:
            raise FormatError(f"{where}: truncated (its header promises {shape[0]} values, "
                              f"more than its {info.file_size} bytes hold)")
        if info.compress_size > size:
            raise FormatError(f"{where}: truncated (it claims {info.compress_size} bytes of "
                              f"a {size}-byte file)")
        if info.compress_type != zipfile.ZIP_STORED \
                and info.file_size > 1100 * info.compress_size + 1024:  # beyond deflate's ratio
            raise FormatError(f"{where}: damaged (it claims {info.file_size} bytes from "
                              f"{info.compress_size} compressed ones)")
        with archive.open(info) as fh:
            array: np.ndarray = np.lib.format.read_array(fh, allow_pickle=False)
    except FormatError:
        raise
    except MemoryError:
        raise FormatError(f"{where}: damaged (it claims more values than fit in memory)") from None
    except _MEMBER_ERRORS as exc:
        message = str(exc)
        if "pickle" in message:  # numpy's advice (allow_pickle=True) must never be followed
            message = "it holds Python objects, not numbers"
        raise FormatError(f"{where}: damaged or truncated ({message})") from None
    return array


def _npy_header(fh: IO[bytes]) -> tuple[tuple[int, ...], np.dtype[Any]]:
    """Shape and dtype from the header of an ``.npy`` stream."""
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    return tuple(int(s) for s in shape), np.dtype(dtype)


def _checked(arrays: dict[str, np.ndarray], path: str
             ) -> tuple[Vocabulary, sp.csr_matrix, dict[str, Any]]:
    """Vocabulary, matrix and metadata from the raw arrays, every invariant checked."""
    meta = _checked_meta(arrays["meta"], path)
    words = meta["words"]
    n = len(words)
    counts = arrays["counts"]
    try:
        counts = check_counts("counts", counts)
    except ValueError as exc:
        raise FormatError(f"{path}: array 'counts': {str(exc).removeprefix('counts ')}") from None
    if len(counts) != n:
        raise FormatError(f"{path}: array 'counts' has {len(counts)} values for "
                          f"{n} words in meta")
    indptr, indices, data = arrays["indptr"], arrays["indices"], arrays["data"]
    for key, values in (("indptr", indptr), ("indices", indices)):
        if values.dtype.kind not in "iu":
            raise FormatError(f"{path}: array {key!r}: expected integers; got dtype "
                              f"{values.dtype}")
    if len(indptr) != n + 1:
        raise FormatError(f"{path}: array 'indptr' has {len(indptr)} values; expected "
                          f"{n + 1} (one more than the {n} words)")
    if len(data) != len(indices):
        raise FormatError(f"{path}: arrays 'data' and 'indices' differ in length "
                          f"({len(data)} and {len(indices)})")
    # compared, not np.diff: a difference of unsigned integers wraps instead of going < 0
    if indptr[0] != 0 or indptr[-1] != len(indices) or (indptr[1:] < indptr[:-1]).any():
        raise FormatError(f"{path}: array 'indptr' is not a valid row index (it must start "
                          f"at 0, never decrease and end at {len(indices)}, the number of "
                          f"non-zeros)")
    if len(indices) and (indices.min() < 0 or indices.max() >= n):
        raise FormatError(f"{path}: array 'indices' holds a column outside [0, {n}) "
                          f"(values {int(indices.min())} to {int(indices.max())})")
    if data.dtype.kind not in "iuf":
        raise FormatError(f"{path}: array 'data': expected numbers; got dtype {data.dtype}")
    with np.errstate(over="ignore", invalid="ignore"):
        data32 = data.astype(np.float32)
    problem = _bad_values(data32)
    if problem:
        raise FormatError(f"{path}: array 'data' must hold finite non-negative counts; it "
                          f"holds {problem}")
    matrix = sp.csr_matrix((data32, indices.astype(np.int64 if n >= 2**31 else np.int32),
                            indptr.astype(np.int64 if len(indices) >= 2**31 else np.int32)),
                           shape=(n, n))
    if not matrix.has_canonical_format:  # duplicate or unsorted columns: sum and sort
        matrix.sum_duplicates()
    return Vocabulary(words, counts), matrix, meta


def _checked_meta(raw: np.ndarray, path: str) -> dict[str, Any]:
    """The JSON metadata: a dict with ``words`` (unique str), ``params`` and ``stats``."""
    if raw.dtype != np.uint8:
        raise FormatError(f"{path}: array 'meta': expected bytes (uint8); got dtype {raw.dtype}")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FormatError(f"{path}: array 'meta' is not JSON text ({exc})") from None
    if not isinstance(meta, dict):
        raise FormatError(f"{path}: array 'meta' must be a JSON object; got "
                          f"{type(meta).__name__}")
    words = meta.get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise FormatError(f"{path}: meta field 'words' must be a list of str")
    if len(set(words)) != len(words):
        raise FormatError(f"{path}: meta field 'words' holds a word twice")
    for key in ("params", "stats"):
        if not isinstance(meta.get(key, {}), dict):
            raise FormatError(f"{path}: meta field {key!r} must be a JSON object; got "
                              f"{type(meta[key]).__name__}")
    if "params" not in meta:
        raise FormatError(f"{path}: meta has no field 'params'")
    tokenizer = meta["params"].get("tokenizer")
    if isinstance(tokenizer, dict):  # rebuilt from here to count more text the same way
        try:
            Tokenizer(**tokenizer)
        except (TypeError, ValueError) as exc:
            raise FormatError(f"{path}: meta field 'params.tokenizer' is not a Tokenizer's "
                              f"parameters ({exc})") from None
    meta.setdefault("stats", {})
    return meta


_CHUNK = 1 << 22  # values checked at a time: bounded temporary memory


def _bad_values(data: np.ndarray) -> str:
    """What is wrong with co-occurrence values (``""``: all finite and non-negative)."""
    for lo in range(0, len(data), _CHUNK):
        part = data[lo:lo + _CHUNK]
        if not np.isfinite(part).all():
            return "NaN or infinite values (or values too large for float32)"
        if (part < 0).any():
            return f"negative values (the smallest is {float(part.min())})"
    return ""


def _reindex(m: sp.csr_matrix, ids: np.ndarray, n: int) -> sp.csr_matrix:
    coo = m.tocoo()
    return sp.csr_matrix((coo.data, (ids[coo.row], ids[coo.col])), shape=(n, n))

