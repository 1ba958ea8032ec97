"""wordvec: word vectors from raw text with linear algebra (PPMI + truncated SVD).

>>> import wordvec
>>> wv = wordvec.build("brown")                       # doctest: +SKIP
>>> wv.most_similar("money", topn=3)                  # doctest: +SKIP
"""

__version__ = "0.1.0"

# Names are imported on first use (PEP 562): ``import wordvec`` is quick, and worker
# processes that import one module (wordvec.text._workers) do not import SciPy with it.
_LAZY = {
    "Corpus": "text.corpus", "CorpusError": "errors", "CorpusNotFoundError": "errors",
    "FormatError": "errors", "SmallCorpusWarning": "errors", "HardWrappedWarning": "errors", "PrunedCountsWarning": "errors", "WordvecError": "errors", "Cooccurrences": "counting.cooccurrences",
    "load_glove": "vectors.formats", "load_vectors": "vectors.formats", "load_word2vec": "vectors.formats",
    "save_glove": "vectors.formats", "save_word2vec": "vectors.formats", "LabelledTexts": "text.labelled",
    "load_labelled": "text.labelled", "DEFAULTS": "params", "PRESETS": "params", "build": "pipeline",
    "build_from_counts": "pipeline", "count": "pipeline", "Tokenizer": "text.tokenize",
    "WordVectors": "vectors.vectors", "Vocabulary": "counting.vocab",
    # scikit-learn is imported only when the sentiment features are first used
    "EmbeddingVectorizer": "features", "EmptyDocumentWarning": "features",
    "LogCountRatio": "logcountratio", "adapt": "adaptation", "CombinedClassifier": "classifier",
    # which implementation runs the kernels (compiled or NumPy/SciPy), and what is in use
    "set_backend": "backend", "use_backend": "backend", "show_config": "backend",
    # the reduction stage on any matrix, and pictures (matplotlib, the plot extra)
    "factorize": "linalg.factors", "Factorization": "linalg.factors", "plot_words": "plot",
    "plot_spectrum": "plot", "project": "plot",
}


def __getattr__(name: str) -> object:
    import importlib

    if name == "load":
        return importlib.import_module(".vectors.vectors", __name__).WordVectors.load
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # found directly next time
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Cooccurrences", "Corpus", "CorpusError", "CorpusNotFoundError", "DEFAULTS", "FormatError", "SmallCorpusWarning", "HardWrappedWarning", "PrunedCountsWarning", "Tokenizer",
    "Vocabulary", "WordVectors", "WordvecError", "build", "build_from_counts", "count", "load", "__version__",
    "load_glove", "load_vectors", "load_word2vec", "save_glove", "save_word2vec",
    "EmbeddingVectorizer", "EmptyDocumentWarning", "LabelledTexts", "LogCountRatio", "adapt", "load_labelled",
    "CombinedClassifier",
    "set_backend", "use_backend", "show_config", "factorize", "Factorization",
    "plot_words", "plot_spectrum", "project",
]
