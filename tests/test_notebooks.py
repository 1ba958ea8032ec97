"""The notebooks: stored with their outputs, and executed again from scratch here.

Each notebook runs in a fresh Jupyter kernel (nbclient) from the ``notebooks/`` folder;
a cell that raises fails the test.  The time each took is printed at the end of the
run (``tests/conftest.py``) so that CI's log shows it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import EVAL, NLTK_DATA, needs_shared

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

FOLDER = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))


def test_the_three_notebooks_are_there() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01-linear-algebra-of-word-vectors.ipynb",
        "02-recommendations-by-factorization.ipynb",
        "03-similar-words-and-sentiment.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_with_outputs(path: Path) -> None:
    """What a reader sees on the web: every code cell ran, in order, and the plots are
    there; no cell stored an error or a wordvec warning."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 1
    streams = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Warning" not in streams and "\r" not in streams  # no warnings, no text bars


@pytest.mark.slow
@pytest.mark.shared
@needs_shared(NLTK_DATA / "corpora" / "brown.zip")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executes_from_scratch(path: Path, monkeypatch: pytest.MonkeyPatch,
                               record_property: pytest.RecordProperty) -> None:
    monkeypatch.setenv("WORDVEC_EVAL", str(EVAL))  # the kernel inherits it
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(FOLDER)}}).execute()
    record_property("notebook_seconds", (path.name, time.perf_counter() - start))
    images = sum("image/png" in o.get("data", {})
                 for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert images >= 1
