"""wordvec: word vectors from raw text with linear algebra (PPMI + truncated SVD).

>>> import wordvec
>>> wv = wordvec.build("brown")                       # doctest: +SKIP
>>> wv.most_similar("money", topn=3)                  # doctest: +SKIP
"""

from .corpus import Corpus
from .errors import CorpusError, CorpusNotFoundError, FormatError, WordvecError
from .counts import Cooccurrences
from .formats import load_glove, load_vectors, load_word2vec, save_glove, save_word2vec
from .labelled import LabelledTexts, load_labelled
from .pipeline import DEFAULTS, build, build_from_counts, count
from .tokenize import Tokenizer
from .vectors import WordVectors
from .vocab import Vocabulary

__version__ = "0.1.0"

load = WordVectors.load

_LAZY = {"EmbeddingVectorizer": "features", "EmptyDocumentWarning": "features",
         "LogCountRatio": "features", "adapt": "sentiment"}


def __getattr__(name: str) -> object:
    """scikit-learn is imported only when the sentiment features are first used."""
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Cooccurrences", "Corpus", "CorpusError", "CorpusNotFoundError", "DEFAULTS", "FormatError", "Tokenizer",
    "Vocabulary", "WordVectors", "WordvecError", "build", "build_from_counts", "count", "load", "__version__",
    "load_glove", "load_vectors", "load_word2vec", "save_glove", "save_word2vec",
    "EmbeddingVectorizer", "EmptyDocumentWarning", "LabelledTexts", "LogCountRatio", "adapt", "load_labelled",
]
