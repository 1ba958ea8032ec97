"""Exceptions raised by wordvec.

Every error a user can cause (bad parameter, missing file, empty corpus, malformed
vector file) derives from :class:`WordvecError` *and* from the built-in exception a
Python user would expect (``ValueError``, ``FileNotFoundError``, ``LookupError``), so
``except ValueError`` keeps working.  The command-line interface prints these as one
line, without a traceback.
"""

from __future__ import annotations


class WordvecError(Exception):
    """Base class of the errors wordvec raises on bad input."""


class CorpusError(WordvecError, ValueError):
    """A corpus could not be read, or held no usable text."""


class CorpusNotFoundError(WordvecError, FileNotFoundError):
    """A corpus named by path or by name does not exist here."""


class FormatError(WordvecError, ValueError):
    """A vector or data file is malformed; the message names the file and line or offset."""


class MissingDependencyError(WordvecError, ImportError):
    """An optional part is not installed (matplotlib for plots, the compiled kernels);
    the message says what to install."""


class SmallCorpusWarning(UserWarning):
    """A corpus too small for a default (e.g. subsampling), which was adapted to it."""


class HardWrappedWarning(UserWarning):
    """Plain text read one document per line looks hard-wrapped: context is lost."""


class PrunedCountsWarning(UserWarning):
    """Counts merged after each was pruned by ``min_count``: words rare in each part but
    frequent together are missing (count with ``min_count=1`` and prune the sum)."""
