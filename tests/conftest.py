"""Shared test setup: where ``../shared`` is, and NLTK pointed at it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from wordvec.text.labelled import LabelledTexts

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WORDVEC_SHARED", REPO.parent / "shared"))
NLTK_DATA = SHARED / "nltk_data"
WIKI = SHARED / "corpora" / "enwiki-2015-sample"
EVAL = SHARED / "eval"

# The suite never downloads: a missing NLTK corpus is the offline error here (the download
# path is tested with NLTK's downloader replaced, tests/test_corpus.py).
os.environ.setdefault("WORDVEC_NLTK_DOWNLOAD", "0")
if "NLTK_DATA" not in os.environ and NLTK_DATA.is_dir():
    os.environ["NLTK_DATA"] = str(NLTK_DATA)


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """Skip (with the reason) where a file of ``../shared`` is absent; CI has it."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is absent")



def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """CI's log shows how long each notebook took (test_notebooks.py records it)."""
    times = [value for report in terminalreporter.stats.get("passed", [])
             for key, value in report.user_properties if key == "notebook_seconds"]
    for name, seconds in times:
        terminalreporter.write_line(f"notebook {name} executed in {seconds:.1f} s")
    if times:
        terminalreporter.write_line(f"notebooks: {len(times)} executed in "
                                    f"{sum(s for _, s in times):.1f} s")


# A small general corpus and labelled reviews: the adaptation and sentiment tests' data.
GENERAL = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog ran",
           "the mat and the log were red", "a red cat sat", "the dog ran on the mat"] * 4
POS = ["a great film with a great cast", "great acting and a fine plot", "a fine great film",
       "the cast was fine and great", "great great fun", "a fun fine film"]
NEG = ["a dull film with a dull cast", "awful acting and a poor plot", "a poor dull film",
       "the cast was poor and awful", "dull awful mess", "a poor awful film"]


@pytest.fixture(scope="module")
def general_counts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import wordvec

    path = tmp_path_factory.mktemp("counts") / "general.npz"
    wordvec.count(GENERAL, min_count=2, subsample=0, progress=False).save(path)
    return path


@pytest.fixture(scope="module")
def data() -> LabelledTexts:
    from wordvec.text.labelled import LabelledTexts

    return LabelledTexts(POS + NEG, ["pos"] * len(POS) + ["neg"] * len(NEG))
