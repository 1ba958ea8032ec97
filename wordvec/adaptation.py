"""Domain adaptation: vectors from a general corpus's saved counts plus a task's text.

Counts are additive (:meth:`~wordvec.counting.cooccurrences.Cooccurrences.merge`), so a large
general corpus is counted once and saved, and each task only counts its own text with
the same window settings and tokenizer before the merged counts are weighted and
reduced.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from ._util.validation import check_float, check_int
from .counting.cooccurrences import Cooccurrences
from .counting.vocab import Vocabulary
from .errors import PrunedCountsWarning
from .params import COUNT_KEYS, DEFAULTS
from .pipeline import build_from_counts, count
from .text.tokenize import Tokenizer
from .vectors.vectors import WordVectors

__all__ = ["adapt"]

# counting parameters the task text is counted with (the general counts' own); the
# vocabulary ones (min_count, max_vocab) apply to the merged counts instead
_SHARED_COUNT_KEYS = tuple(k for k in COUNT_KEYS if k not in ("min_count", "max_vocab"))


def adapt(general: Cooccurrences | str | os.PathLike[str], task_text: Any, *,
          task_weight: float = 1.0, min_count: int | None = None,
          progress: bool = False, **reduce_params: Any) -> WordVectors:
    """Vectors from a general corpus's saved counts plus a task's own unlabelled text.

    The task text is counted with the general counts' window settings and tokenizer,
    the two count sets are merged (:meth:`Cooccurrences.merge`), words seen fewer than
    ``min_count`` times in both together are pruned, and PPMI + SVD run on the result.

    Parameters
    ----------
    general : Cooccurrences or str or os.PathLike
        Counts from :func:`wordvec.count` on the general corpus, or their ``.npz`` file
        (:meth:`Cooccurrences.save`).
    task_text : corpus
        Anything :func:`wordvec.count` reads: a corpus name, path, or iterable of
        documents.  Using the texts of a labelled data set here (without the labels)
        is transductive: say so when reporting results.
    task_weight : float, default=1.0
        Multiply the task's word and pair counts by this before merging, so a small
        in-domain text weighs more against a large general corpus (10 makes 1.6M
        review tokens weigh about as much as the 16.7M-token wiki sample).
    min_count : int, optional
        Pruning threshold on the merged counts, applied to the words' raw counts (a word
        seen once in the task text stays out at any ``task_weight``); default the build
        default (5), or the general counts' own ``min_count`` if they were pruned harder.
    progress : bool, default=False
        Progress bars on stderr.
    **reduce_params
        Weighting and reduction parameters of :func:`wordvec.build_from_counts`
        (``dim``, ``eig``, ``shift``, ...).

    Examples
    --------
    The recipe it runs (count the general corpus once, keep the counts)::

        wordvec.count("brown").save("brown.counts.npz")          # once
        reviews = wordvec.load_labelled("movie_reviews")
        wv = adapt("brown.counts.npz", reviews.texts, task_weight=10)
    """
    if not isinstance(general, Cooccurrences):
        general = Cooccurrences.load(general)
    params = general.params
    if min_count is None:  # counts from wordvec.count keep every word (min_count=1)
        min_count = max(int(params.get("min_count") or 1), DEFAULTS["min_count"])
    check_int("min_count", min_count, low=1)
    check_float("task_weight", task_weight, low=0, low_open=True)
    tok = params.get("tokenizer")
    if tok is not None and not isinstance(tok, dict):
        raise ValueError(f"the general counts were made with a custom tokenizer ({tok!r}); "
                         f"count the task text with it and merge by hand")
    tokenizer = Tokenizer(**(tok or {}))
    shared = {k: params[k] for k in _SHARED_COUNT_KEYS if k in params}
    task = count(task_text, tokenizer=tokenizer, min_count=1, progress=progress, **shared)
    seen = task
    if task_weight != 1.0:
        task = Cooccurrences(Vocabulary(task.vocab.words,
                                        np.rint(task.vocab.counts * task_weight).astype(np.int64)),
                             task.matrix * np.float32(task_weight), task.params, task.stats)
    with warnings.catch_warnings():  # general counts pruned before (a saved file) are
        warnings.simplefilter("ignore", PrunedCountsWarning)  # expected: see min_count
        merged = general.merge(task)
    # A weight says how much the task's contexts count, not how often a word was seen: the
    # thresholds apply to the raw counts, so a word seen once stays out at any weight.
    raw = np.zeros(len(merged.vocab), dtype=np.int64)
    for part in (general, seen):
        raw[[merged.vocab.index[w] for w in part.vocab.words]] += part.vocab.counts
    merged = merged.prune(min_count=min_count, max_vocab=params.get("max_vocab"), by=raw)
    wv = build_from_counts(merged, min_count=1, max_vocab=None,  # pruned above, on raw counts
                           progress=progress, **reduce_params)
    wv.stats["adapted"] = {"task_tokens": task.stats.get("tokens"),
                           "task_vocab": len(task.vocab),
                           "task_weight": task_weight,
                           "general_vocab": len(general.vocab), "vocab": len(wv)}
    return wv
