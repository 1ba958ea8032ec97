"""Every ```python and ```bash block of the README runs as written, in order, and the
values its comments show are what the code returns.

The blocks run one after another in one folder (``work/``, with ``../shared`` beside it as
the README assumes), Python blocks in one namespace, so that a later block uses what an
earlier one made (``brown.model``, ``wv``).  A block marked ``<!-- readme-test: ci -->``
is one of the two commands: ``.ci/run`` runs them (the first one's build is also run here,
after its install step, and its output compared with the README's); one marked
``<!-- readme-test: wiki -->`` needs the 16.7M-word wiki sample and runs where it is.
A comment after an expression that starts with a Python literal (``# [('her', 0.61)]``,
``# 0.368 on Brown``) is checked against the expression's value: words exactly, numbers
to the shown rounding (plus 0.006 for float32 rounding order).
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from .conftest import NLTK_DATA, REPO, SHARED, WIKI

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not NLTK_DATA.is_dir(),
                                                   reason=f"{NLTK_DATA} is absent")]

README = REPO / "README.md"
BLOCK = re.compile(r"(?:<!-- readme-test: (?P<mark>\w+) -->\n)?```(?P<lang>python|bash|text)\n"
                   r"(?P<code>.*?)^```", re.S | re.M)


def blocks() -> list[tuple[int, str, str, str]]:
    """(line, language, marker, code) of each fenced block, in order."""
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start("code")) + 1, m["lang"], m["mark"] or "", m["code"])
            for m in BLOCK.finditer(text)]


def test_the_readme_has_runnable_blocks() -> None:
    langs = [lang for _, lang, _, _ in blocks()]
    assert langs.count("python") >= 6 and langs.count("bash") >= 6
    marks = [mark for _, _, mark, _ in blocks() if mark]
    assert marks.count("ci") == 2 and set(marks) <= {"ci", "wiki"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    (root / "shared").symlink_to(SHARED)
    work = root / "work"
    (work / "notebooks" / "figures").mkdir(parents=True)  # where the README's figure goes
    return work


@pytest.fixture(scope="module")
def namespace() -> Iterator[dict[str, Any]]:
    """The blocks' globals; the backend a block chooses is put back afterwards."""
    from wordvec import backend

    chosen = backend.choice()
    yield {"__name__": "__readme__"}
    backend.set_backend(chosen)


def _env() -> dict[str, str]:
    env = dict(os.environ, NLTK_DATA=str(NLTK_DATA), MPLBACKEND="Agg")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _bash(code: str, cwd: Path, line: int) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (f"README.md line {line}: exit {done.returncode}\n"
                                  f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


# -- the values shown in comments --------------------------------------------------------
def _shown_value(comment: str) -> tuple[bool, Any]:
    """The literal a comment starts with (followed by nothing or a space), if any."""
    text = comment.lstrip("#").strip()
    for end in range(len(text), 0, -1):
        if end < len(text) and text[end] != " ":
            continue
        try:
            return True, ast.literal_eval(text[:end])
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return False, None


def _decimals(comment: str) -> int:
    match = re.search(r"\d\.(\d+)", comment)
    return len(match.group(1)) if match else 2


def _agrees(value: Any, shown: Any, tol: float) -> bool:
    if isinstance(shown, float) or (isinstance(shown, int) and isinstance(value, float)):
        return isinstance(value, (int, float, np.floating)) and abs(float(value) - shown) <= tol
    if isinstance(shown, (list, tuple)):
        value = list(value) if isinstance(value, (list, tuple)) else value
        return (isinstance(value, list) and len(value) == len(shown)
                and all(_agrees(v, s, tol) for v, s in zip(value, shown)))
    if isinstance(value, np.generic):
        value = value.item()
    return bool(value == shown)


def _comments(code: str) -> dict[int, str]:
    return {tok.start[0]: tok.string
            for tok in tokenize.generate_tokens(io.StringIO(code).readline)
            if tok.type == tokenize.COMMENT}


def _run_python(code: str, ns: dict[str, Any], cwd: Path, line: int) -> int:
    """Run the block statement by statement; check each expression's shown value.
    Returns how many values were checked."""
    comments, checked = _comments(code), 0
    old = Path.cwd()
    os.chdir(cwd)
    try:
        for stmt in ast.parse(code).body:
            where = f"README.md line {line + stmt.lineno - 1}"
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), where, "eval"), ns)  # noqa: S307
                comment = comments.get(stmt.end_lineno or stmt.lineno, "")
                found, shown = _shown_value(comment)
                if found:
                    tol = 0.5 * 10 ** -_decimals(comment) + 0.006
                    assert _agrees(value, shown, tol), f"{where}: {value!r} is not {comment}"
                    checked += 1
            else:
                exec(compile(ast.Module([stmt], []), where, "exec"), ns)  # noqa: S102
    finally:
        os.chdir(old)
    return checked


def test_shown_values_are_read_from_comments() -> None:
    assert _shown_value("# [('her', 0.61)]") == (True, [("her", 0.61)])
    assert _shown_value("# 0.368 on Brown") == (True, 0.368)
    assert _shown_value("# 3CosMul, eps 1e-6") == (False, None)
    assert _shown_value("# a path, folder or corpus name") == (False, None)
    assert _agrees([("her", 0.6149)], [("her", 0.61)], 0.011)
    assert not _agrees([("him", 0.61)], [("her", 0.61)], 0.011)
    assert not _agrees(0.70, 0.68, 0.011)


def _first_command_output(text_block: str, printed: str) -> None:
    """The README's shown output of the first command: the summary and each word's first
    three neighbours."""
    shown, got = text_block.strip().splitlines(), printed.strip().splitlines()
    assert len(got) == len(shown), printed
    assert got[0].split(" in ")[0] == shown[0].split(" in ")[0]  # words, dims, tokens
    for want, have in zip(shown[1:], got[1:]):
        word, _, rest = want.partition(": ")
        first = [w.split()[0] for w in rest.split(", ")[:3]]
        assert have.startswith(f"{word}: ")
        assert [w.split()[0] for w in have.partition(": ")[2].split(", ")[:3]] == first, have


@pytest.mark.parametrize("index", range(len(blocks())),
                         ids=[f"line{b[0]}-{b[1]}" for b in blocks()])
def test_readme_block_runs(index: int, workdir: Path, namespace: dict[str, Any]) -> None:
    line, lang, mark, code = blocks()[index]
    if lang == "text":
        pytest.skip("output or a synopsis, not code")
    if mark == "ci":
        if "wordvec build" not in code:
            pytest.skip("the test command: .ci/run runs it")
        command = code.strip().split(" && ", 1)[1]  # after its install step (done: we run)
        printed = _bash(command, workdir, line)
        _first_command_output(blocks()[index + 1][3], printed)
        return
    if mark == "wiki" and not WIKI.is_dir():
        pytest.skip(f"{WIKI} is absent")
    if lang == "bash":
        _bash(code, workdir, line)
    else:
        from wordvec import backend

        chosen = backend.choice()
        try:
            _run_python(code, namespace, workdir, line)
        finally:  # a block that sets the backend sets it for itself only
            backend.set_backend(chosen)
