"""The package's type hints are checked by mypy (``[tool.mypy]`` in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO

mypy = pytest.importorskip("mypy", reason="mypy is in the test extras")


def test_mypy_finds_no_issues() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "wordvec"], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
