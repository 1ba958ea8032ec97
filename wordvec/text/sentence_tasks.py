"""Sentence-level sentiment tasks from NLTK corpora whose labels are not per file.

* ``pros_cons`` (Ganapathibhotla & Liu, 2008): the sentences from the pros and cons
  fields of product reviews (empty ones left out); label ``Pros`` or ``Cons`` (two files, one per label, so
  :func:`~wordvec.text.labelled.load_nltk` would see two documents).
* ``product_reviews_1`` / ``product_reviews_2`` (Hu & Liu, 2004; Ding, Liu & Yu, 2008),
  and ``product_reviews`` (both): review sentences annotated with opinions on product
  features, ``[+2]``, ``[-1]``...; a sentence is ``pos`` if its opinion strengths sum
  above 0, ``neg`` below 0, and left out if it has none or they cancel (3,630 sentences
  for both sets).

Each sentence is one document, its tokens (as the corpus gives them) joined by spaces;
the source is ``file:index``.  :func:`~wordvec.text.labelled.load_labelled` sends these
names here.
"""

from __future__ import annotations

from .labelled import LabelledTexts

__all__ = ["SENTENCE_TASKS", "load_sentence_task"]

#: The names :func:`load_sentence_task` knows, and the NLTK corpora each reads.
SENTENCE_TASKS: dict[str, tuple[str, ...]] = {
    "pros_cons": ("pros_cons",),
    "product_reviews_1": ("product_reviews_1",),
    "product_reviews_2": ("product_reviews_2",),
    "product_reviews": ("product_reviews_1", "product_reviews_2"),
}


def load_sentence_task(name: str) -> LabelledTexts:
    """The sentences of one of :data:`SENTENCE_TASKS`, with their labels."""
    from .corpus import _NltkSource

    if name not in SENTENCE_TASKS:
        raise ValueError(f"name must be one of {', '.join(map(repr, SENTENCE_TASKS))}; "
                         f"got {name!r}")
    texts: list[str] = []
    labels: list[str] = []
    sources: list[str] = []
    for corpus in SENTENCE_TASKS[name]:
        reader = _NltkSource(corpus)._reader()  # a clear error if the corpus is missing
        if corpus == "pros_cons":
            for label in reader.categories():
                for fileid in reader.fileids(label):
                    for i, sent in enumerate(reader.sents(fileid)):
                        if not sent:  # an empty field: no document
                            continue
                        texts.append(" ".join(sent))
                        labels.append(label)
                        sources.append(f"{corpus}/{fileid}:{i}")
            continue
        for fileid in reader.fileids():
            if fileid == "README.txt":
                continue
            i = 0
            for review in reader.reviews(fileid):
                for line in review.review_lines:
                    strength = sum(_strength(v) for _, v in line.features)
                    i += 1
                    if strength and line.sent:
                        texts.append(" ".join(line.sent))
                        labels.append("pos" if strength > 0 else "neg")
                        sources.append(f"{corpus}/{fileid}:{i}")
    return LabelledTexts(texts, labels, sources)


def _strength(value: str) -> int:
    """``"+2"`` -> 2, ``"-1"`` -> -1; anything else (a malformed tag) -> 0."""
    try:
        return int(value.replace("+", ""))
    except ValueError:
        return 0
