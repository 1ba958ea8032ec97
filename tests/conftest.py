"""Shared test setup: where ``../shared`` is, and NLTK pointed at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WORDVEC_SHARED", REPO.parent / "shared"))
NLTK_DATA = SHARED / "nltk_data"
WIKI = SHARED / "corpora" / "enwiki-2015-sample"
EVAL = SHARED / "eval"

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
