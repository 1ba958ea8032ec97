"""Benchmark evaluation: word similarity (Spearman, Pearson) and word analogies.

Both evaluations follow gensim's ``KeyedVectors.evaluate_word_pairs`` and
``evaluate_word_analogies`` so that numbers compare:

* the vocabulary is cut to the first ``restrict_vocab`` words (the most frequent);
* with ``case_insensitive=True`` words are compared upper-cased, and when several
  case variants of a word exist the first one (the most frequent) is used;
* an analogy is answered by the best word other than the three question words
  (3CosAdd as gensim's ``most_similar``; 3CosMul as its ``most_similar_cosmul``);
  as gensim, answers that are case variants of a question word are passed over
  among the top 5;
* questions with an unknown word are not covered: ``accuracy`` is over covered
  questions (gensim's number) and ``accuracy_all`` counts them as wrong.

File formats
------------
Similarity: one pair a line, ``w1 w2 score`` separated by tabs or spaces; ``#``
comments and blank lines are ignored, and a first line whose score is not a number
is a header.  Analogy: the Google ``questions-words.txt`` format (``: section``
lines, then ``a b c d``) or plain 4-column files (one section, named after the file).
Any other malformed line raises :class:`~wordvec.errors.FormatError` naming the
file and line.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._util.validation import check_bool, check_choice, check_int
from .errors import FormatError
from .vectors._lookup import normal_form
from .vectors._ranking import METHODS, _with_extra
from .vectors.analogies import analogy_indices

if TYPE_CHECKING:  # pragma: no cover
    from .vectors.vectors import WordVectors

__all__ = ["SimilarityResult", "AnalogyResult", "evaluate_similarity", "evaluate_analogies",
           "read_similarity", "read_analogies", "UNKNOWN_SIMILARITY"]

UNKNOWN_SIMILARITY = ("raise", "skip", "zero")
"""What to do with a pair whose word is unknown; the queries' ``unknown`` takes the
first two (:data:`wordvec.vectors.query.UNKNOWN_POLICIES`), with the same meaning."""
_GENSIM_TOPN = 5   # gensim looks this deep past case variants of the question words


def _dataset_name(path: str | os.PathLike[str]) -> str:
    name = Path(path).name
    for suffix in (".txt", ".tsv", ".csv"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _open_text(path: str | os.PathLike[str]) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"evaluation file {str(path)!r} does not exist")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FormatError(f"{path}: line {line}: not valid UTF-8 (byte offset {exc.start})"
                          ) from None
    return text.splitlines()


def _ok_vocab(wv: WordVectors, restrict_vocab: int | None,
              case_insensitive: bool) -> dict[str, int]:
    """gensim's ``ok_vocab``: key (upper-cased if asked) -> first row among the first N.

    Words whose vector is zero or not finite (:attr:`WordVectors.unusable_rows`) are left
    out, so that their pairs and questions count as unknown instead of scoring a
    meaningless cosine of 0."""
    keys = wv.index_to_key if restrict_vocab is None else wv.index_to_key[:restrict_vocab]
    unusable = set(wv.unusable_rows.tolist())
    vocab: dict[str, int] = {}
    for i, key in enumerate(keys):
        if i not in unusable:
            vocab.setdefault(key.upper() if case_insensitive else key, i)
    return vocab


# -- correlations (numpy only: importing scipy.stats costs a second) -------------------
def _ngram_unit(wv: WordVectors, word: str) -> np.ndarray | None:
    """The unit vector of ``word`` from the model's n-grams (of its normalized form), or
    None (no n-gram vectors, or none of its n-grams known)."""
    if wv.subwords is None:
        return None
    v = wv.subwords.vector(normal_form(wv, word))
    return None if v is None else (v / np.linalg.norm(v)).astype(np.float32)


def _rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties get their average rank (``scipy.stats.rankdata``'s default)."""
    order = np.argsort(values, kind="mergesort")
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.arange(len(values))
    ordered = values[order]
    new = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    dense = np.cumsum(new)[inverse]
    bounds = np.concatenate([np.flatnonzero(new), [len(values)]])
    return 0.5 * (bounds[dense] + bounds[dense - 1] + 1)


def pearson(x: Any, y: Any) -> float:
    """Pearson correlation coefficient (NaN if either side is constant)."""
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    y = np.asarray(y, dtype=np.float64) - np.mean(y)
    denom = float(np.sqrt((x @ x) * (y @ y)))
    return float(x @ y) / denom if denom else float("nan")


def spearman(x: Any, y: Any) -> float:
    """Spearman rank correlation: Pearson of the average ranks.

    >>> spearman([1, 2, 3, 4], [10, 20, 20, 40])
    0.9486832980505138
    """
    return pearson(_rankdata(np.asarray(x, dtype=np.float64)),
                   _rankdata(np.asarray(y, dtype=np.float64)))


# -- word similarity ------------------------------------------------------------------
@dataclasses.dataclass
class SimilarityResult:
    """Correlation of model cosines with human similarity judgements."""

    name: str
    spearman: float
    pearson: float
    n_pairs: int
    n_scored: int
    n_unknown: int
    unknown_policy: str
    path: str = ""
    n_subwords: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def read_similarity(path: str | os.PathLike[str]) -> list[tuple[str, str, float]]:
    """Read ``w1 w2 score`` lines (tab or space separated, optional header, ``#`` comments).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sim.txt"
    >>> _ = p.write_text("# a comment\\nword1\\tword2\\tscore\\ncat\\tdog\\t7.5\\n")
    >>> read_similarity(p)
    [('cat', 'dog', 7.5)]
    """
    pairs: list[tuple[str, str, float]] = []
    seen_data = False
    for line_no, line in enumerate(_open_text(path), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split("\t") if "\t" in stripped else stripped.split()
        fields = [f.strip() for f in fields]
        if len(fields) != 3:
            raise FormatError(f"{path}: line {line_no}: expected 3 fields 'word1 word2 score'; "
                              f"got {len(fields)} in {stripped!r}")
        try:
            score = float(fields[2])
        except ValueError:
            if not seen_data and not pairs:
                seen_data = True   # a header line
                continue
            raise FormatError(f"{path}: line {line_no}: score {fields[2]!r} is not a number"
                              ) from None
        if not np.isfinite(score):
            raise FormatError(f"{path}: line {line_no}: score {fields[2]!r} is not a finite "
                              "number")
        seen_data = True
        pairs.append((fields[0], fields[1], score))
    if not pairs:
        raise FormatError(f"{path}: no word pairs found")
    return pairs


def evaluate_similarity(wv: WordVectors, path: str | os.PathLike[str], *,
                        unknown: str = "skip", case_insensitive: bool = True,
                        restrict_vocab: int | None = 300000,
                        subwords: bool = True) -> SimilarityResult:
    """Spearman and Pearson correlation of cosines with a word-similarity data set.

    Parameters
    ----------
    wv : WordVectors
    path : path-like
        Similarity file (see the module notes for the format).
    unknown : {"skip", "zero", "raise"}
        Pairs with a word outside the (restricted) vocabulary are left out
        (``"skip"``, gensim's default), scored 0 (``"zero"``, gensim's
        ``dummy4unknown=True``; both counted in ``n_unknown``), or a ``KeyError``
        naming the first one (``"raise"``, as the queries' ``unknown="raise"``).
    case_insensitive : bool
        Compare words upper-cased (the most frequent case variant is used).
    restrict_vocab : int or None
        Only the first ``restrict_vocab`` words count as known (gensim: 300000).
    subwords : bool
        With a model that has n-gram vectors (:attr:`WordVectors.subwords`), a word
        outside the (restricted) vocabulary is scored with its vector from n-grams; the
        pairs that needed one are counted in ``n_subwords`` (and not in ``n_unknown``).

    Returns
    -------
    SimilarityResult

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from wordvec import WordVectors
    >>> wv = WordVectors(np.array([[1, 0], [1, 0.2], [0, 1], [0.5, 1]]), list("abcd"))
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sim.txt"
    >>> _ = p.write_text("a b 9\\nc d 7\\na c 1\\nb z 3\\n")
    >>> r = evaluate_similarity(wv, p)
    >>> round(r.spearman, 3), r.n_pairs, r.n_scored, r.n_unknown
    (1.0, 4, 3, 1)
    """
    check_choice("unknown", unknown, UNKNOWN_SIMILARITY)
    check_int("restrict_vocab", restrict_vocab, low=1, allow_none=True)
    pairs = read_similarity(path)
    check_bool("subwords", subwords)
    vocab = _ok_vocab(wv, restrict_vocab, case_insensitive)
    unit = wv.unit_vectors
    gold, model = [], []
    n_unknown = n_subwords = 0
    ngrams = wv.subwords if subwords else None
    for a, b, score in pairs:
        ka, kb = (a.upper(), b.upper()) if case_insensitive else (a, b)
        if ngrams is not None and (ka not in vocab or kb not in vocab):
            va = unit[vocab[ka]] if ka in vocab else _ngram_unit(wv, a)
            vb = unit[vocab[kb]] if kb in vocab else _ngram_unit(wv, b)
            if va is not None and vb is not None:
                gold.append(score)
                model.append(float(va @ vb))
                n_subwords += 1
                continue
        if ka not in vocab or kb not in vocab:
            n_unknown += 1
            if unknown == "raise":
                missing = a if ka not in vocab else b
                raise KeyError(f"{path}: pair {a!r} {b!r}: {missing!r} is not in the "
                               f"vocabulary (restrict_vocab={restrict_vocab})")
            if unknown == "zero":
                gold.append(score)
                model.append(0.0)
            continue
        gold.append(score)
        model.append(float(unit[vocab[ka]] @ unit[vocab[kb]]))
    if len(gold) < 2:
        raise ValueError(f"{path}: only {len(gold)} of {len(pairs)} pairs have both words in "
                         "the vocabulary; cannot compute a correlation")
    return SimilarityResult(
        name=_dataset_name(path), spearman=spearman(gold, model),
        pearson=pearson(gold, model), n_pairs=len(pairs),
        n_scored=len(gold), n_unknown=n_unknown, unknown_policy=unknown, path=str(path),
        n_subwords=n_subwords)


# -- analogies --------------------------------------------------------------------------
@dataclasses.dataclass
class AnalogyResult:
    """Analogy accuracy, overall and per section, for each method."""

    name: str
    n_total: int
    n_covered: int
    accuracy: dict[str, float | None]
    accuracy_all: dict[str, float]
    sections: list[dict[str, Any]]
    restrict_vocab: int | None = None
    case_insensitive: bool = True
    seconds: float = 0.0
    path: str = ""
    n_subwords: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def read_analogies(path: str | os.PathLike[str]) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Read analogy questions as ``[(section, [(a, b, c, d), ...]), ...]``.

    Google format (``: section`` lines) or plain 4-column files (one section named
    after the file).  Blank lines and ``#`` comments are ignored.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.txt"
    >>> _ = p.write_text(": capitals\\nAthens Greece Oslo Norway\\n")
    >>> read_analogies(p)
    [('capitals', [('Athens', 'Greece', 'Oslo', 'Norway')])]
    """
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    for line_no, line in enumerate(_open_text(path), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(":"):
            name = stripped[1:].strip()
            if not name:
                raise FormatError(f"{path}: line {line_no}: section line without a name")
            sections.append((name, []))
            continue
        words = stripped.split()
        if len(words) != 4:
            raise FormatError(f"{path}: line {line_no}: expected 4 words 'a b c d'; got "
                              f"{len(words)} in {stripped!r}")
        if not sections:
            sections.append((_dataset_name(path), []))
        sections[-1][1].append((words[0], words[1], words[2], words[3]))
    if not any(questions for _, questions in sections):
        raise FormatError(f"{path}: no analogy questions found")
    return sections


def evaluate_analogies(wv: WordVectors, path: str | os.PathLike[str], *,
                       restrict_vocab: int | None = 300000, case_insensitive: bool = True,
                       methods: tuple[str, ...] | list[str] = ("add", "mul"),
                       block_size: int | None = None, subwords: bool = True) -> AnalogyResult:
    """Accuracy on an analogy set, per section and overall, for 3CosAdd and/or 3CosMul.

    Parameters
    ----------
    wv : WordVectors
    path : path-like
        Google ``questions-words.txt`` format or a plain 4-column file.
    restrict_vocab : int or None
        Only the first ``restrict_vocab`` words are known and may be answers
        (gensim's default 300000).
    case_insensitive : bool
        Compare words upper-cased, as gensim.
    methods : tuple of {"add", "mul"}
    block_size : int, optional
        Distinct question words per matrix product (default: about 64 MiB).
    subwords : bool
        With a model that has n-gram vectors (:attr:`WordVectors.subwords`), a question
        whose answer is in the (restricted) vocabulary but one of whose three question
        words is not is asked with that word's vector from n-grams; those questions are
        covered and counted in ``n_subwords``.

    Returns
    -------
    AnalogyResult
        ``accuracy[m]`` is over covered questions (gensim's number, ``None`` if
        none is covered); ``accuracy_all[m]`` over all questions (unknown = wrong).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from wordvec import WordVectors
    >>> words = ["man", "woman", "king", "queen"]
    >>> wv = WordVectors(np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]]), words)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.txt"
    >>> _ = p.write_text(": royals\\nman woman king queen\\nman woman prince princess\\n")
    >>> r = evaluate_analogies(wv, p)
    >>> r.n_total, r.n_covered, r.accuracy["add"], r.accuracy_all["mul"]
    (2, 1, 1.0, 0.5)
    """
    started = time.perf_counter()
    check_int("restrict_vocab", restrict_vocab, low=1, allow_none=True)
    check_bool("subwords", subwords)
    methods = tuple(methods)
    if not methods:
        raise ValueError(f"methods must name at least one of {METHODS}; got ()")
    for method in methods:
        check_choice("methods", method, METHODS)
    sections = read_analogies(path)
    vocab = _ok_vocab(wv, restrict_vocab, case_insensitive)
    keys = wv.index_to_key
    rows = len(keys) if restrict_vocab is None else min(restrict_vocab, len(keys))

    def norm(word: str) -> str:
        return word.upper() if case_insensitive else word

    questions: list[tuple[str, str, str, str]] = []
    section_of: list[int] = []
    covered: list[int] = []
    ids: list[list[int]] = []
    extra: dict[str, int] = {}  # question words from n-grams -> their row after the words
    extra_rows: list[np.ndarray] = []
    ngrams = subwords and wv.subwords is not None

    def row_of(word: str, key: str) -> int | None:
        if key in vocab:
            return vocab[key]
        if key not in extra:
            v = _ngram_unit(wv, word)
            if v is None:
                return None
            extra[key] = len(keys) + len(extra_rows)
            extra_rows.append(v)
        return extra[key]

    n_subwords = 0
    for s, (_, items) in enumerate(sections):
        for question in items:
            q = tuple(norm(w) for w in question)
            if all(w in vocab for w in q):
                covered.append(len(questions))
                ids.append([vocab[w] for w in q])
            elif ngrams and q[3] in vocab:
                found = [row_of(w, k) for w, k in zip(question[:3], q[:3])]
                rows_q = [r for r in found if r is not None]
                if len(rows_q) == 3:
                    covered.append(len(questions))
                    ids.append(rows_q + [vocab[q[3]]])
                    n_subwords += 1
            questions.append(q)  # type: ignore[arg-type]
            section_of.append(s)
    id_array = np.array(ids, dtype=np.int64).reshape(-1, 4)
    correct: dict[str, np.ndarray] = {}
    unit = wv.unit_vectors
    unit = _with_extra(unit, extra_rows)
    answers = analogy_indices(unit, id_array[:, :3], methods=methods, topn=1,
                              restrict_vocab=rows, block_size=block_size,
                              never=wv.unusable_rows, candidates=len(keys))
    for method in methods:
        predicted = answers[method][0][:, 0]
        hit = predicted == id_array[:, 3]
        # gensim passes over answers that are case variants of a question word:
        # recheck those questions with its top-5 rule
        # (a predicted row is a variant of a question word when both map to one ok_vocab row)
        canonical = np.full(len(keys) + 1, -1, dtype=np.int64)
        for i in np.unique(predicted[predicted >= 0]).tolist():
            canonical[i] = vocab.get(norm(keys[i]), -1)
        variant = (canonical[predicted][:, None] == id_array[:, :3]).any(axis=1)
        recheck = np.flatnonzero(variant & (predicted >= 0)).tolist()
        if recheck:
            deep = analogy_indices(unit, id_array[recheck, :3], methods=(method,),
                                   topn=_GENSIM_TOPN, restrict_vocab=rows,
                                   block_size=block_size, never=wv.unusable_rows,
                                   candidates=len(keys))[method][0]
            for j, found in zip(recheck, deep):
                a, b, c, expected = questions[covered[j]]
                guess = None
                for i in found[found >= 0].tolist():
                    guess = norm(keys[i])
                    if guess not in (a, b, c):
                        break
                hit[j] = guess == expected
        correct[method] = hit

    n_sections = len(sections)
    sec_total = np.bincount(section_of, minlength=n_sections)
    covered_sections = np.array([section_of[i] for i in covered], dtype=np.int64)
    sec_covered = np.bincount(covered_sections, minlength=n_sections)
    section_rows = []
    for s, (name, _) in enumerate(sections):
        entry: dict[str, Any] = {"section": name, "n_total": int(sec_total[s]),
                                 "n_covered": int(sec_covered[s]), "correct": {},
                                 "accuracy": {}}
        for method in methods:
            n_right = int(np.count_nonzero(correct[method][covered_sections == s]))
            entry["correct"][method] = n_right
            entry["accuracy"][method] = n_right / int(sec_covered[s]) if sec_covered[s] else None
        section_rows.append(entry)
    n_total, n_covered = len(questions), len(covered)
    return AnalogyResult(
        name=_dataset_name(path), n_total=n_total, n_covered=n_covered,
        accuracy={m: (float(correct[m].mean()) if n_covered else None) for m in methods},
        accuracy_all={m: float(np.count_nonzero(correct[m])) / n_total for m in methods},
        sections=section_rows, restrict_vocab=restrict_vocab,
        case_insensitive=case_insensitive, seconds=time.perf_counter() - started,
        path=str(path), n_subwords=n_subwords)
