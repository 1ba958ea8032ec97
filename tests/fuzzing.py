"""A bounded fuzz harness for the loaders: mutated files loaded in a child process.

Each case is the bytes of a file.  A child Python process writes each case to a file
and calls the loader on it; the outcome of every case is one of

* ``"ok"``: the loader returned;
* ``"error"``: it raised one of wordvec's documented errors (:class:`WordvecError`);
* ``"other"``: anything else (another exception, recorded with its message).

A crash of the child (a segfault, an abort) or a hang past the time limit fails the
test that asked, naming the case, instead of taking the test run down with it.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_CHILD = textwrap.dedent("""
    import functools, importlib, json, sys, traceback
    import numpy as np
    spec = json.loads(sys.argv[1])
    # the repository last: tests.* checks are importable, and the installed wordvec (with
    # its compiled modules) is not shadowed by the source folder (see ../conftest.py)
    sys.path[:] = [p for p in sys.path if p not in ("", spec["root"])] + [spec["root"]]
    from wordvec.errors import WordvecError

    def resolve(text):
        module, _, name = text.partition(":")
        return functools.reduce(getattr, name.split("."), importlib.import_module(module))

    loader = resolve(spec["loader"])
    folder = spec["folder"]
    progress = open(spec["progress"], "a")
    out = []
    for i in range(spec["n"]):
        progress.write(f"{i}\\n"); progress.flush()
        path = f"{folder}/case{i}{spec['suffix']}"
        try:
            result = loader(path, **spec["kwargs"])
            if spec.get("check"):
                resolve(spec["check"])(result)
            out.append(["ok", ""])
        except WordvecError as exc:
            out.append(["error", str(exc)[:300]])
        except BaseException as exc:
            out.append(["other", f"{type(exc).__name__}: {str(exc)[:300]} "
                                  + traceback.format_exc()[-600:]])
    print(json.dumps(out))
""")


@dataclass
class Tally:
    """Outcomes of one fuzz run: counts per kind, and the cases that were neither."""

    counts: Counter[str] = field(default_factory=Counter)
    others: list[tuple[int, str]] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        return (f"{self.cases} cases: {self.counts['ok']} clean loads, {self.counts['error']} "
                f"project errors, {self.counts['other']} other")


def run_cases(loader: str, cases: list[bytes], *, suffix: str = ".txt",
              kwargs: dict | None = None, check: str | None = None,
              timeout: float = 120.0) -> Tally:
    """Load every case with ``loader`` (``"module:function"``, the name may be dotted,
    e.g. ``"wordvec.vectors.vectors:WordVectors.load"``) in one child process.

    ``check`` (``"module:function"``) is called on each successful result in the child
    and may raise to mark a load as wrong (e.g. a NaN that got through).
    """
    with tempfile.TemporaryDirectory(prefix="wordvec-fuzz-") as folder:
        for i, data in enumerate(cases):
            Path(folder, f"case{i}{suffix}").write_bytes(data)
        progress = os.path.join(folder, "progress")
        spec = {"loader": loader, "folder": folder, "suffix": suffix, "n": len(cases),
                "kwargs": kwargs or {}, "progress": progress, "check": check,
                "root": str(Path(__file__).resolve().parents[1])}
        env = dict(os.environ, PYTHONFAULTHANDLER="1")
        try:
            done = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(spec)],
                                  capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{loader}: hung on case {_last(progress)} "
                                 f"(more than {timeout} s for {len(cases)} cases)") from None
        if done.returncode != 0:
            case = _last(progress)
            raise AssertionError(f"{loader}: the child process died (exit {done.returncode}) "
                                 f"on case {case}: {cases[case][:200]!r}\n{done.stderr[-2000:]}")
    tally = Tally()
    for i, (kind, message) in enumerate(json.loads(done.stdout.splitlines()[-1])):
        tally.counts[kind] += 1
        if kind == "other":
            tally.others.append((i, message))
    return tally


def _last(progress: str) -> int:
    try:
        return int(Path(progress).read_text().split()[-1])
    except (OSError, IndexError, ValueError):
        return 0


def truncations(data: bytes, step: int = 1) -> list[bytes]:
    """``data`` cut at every ``step``-th offset (the empty file included)."""
    return [data[:i] for i in range(0, len(data), step)]


_TOKENS = [b"nan", b"inf", b"-inf", b"NaN", b"1e999", b"-0", b"0x10", b"1_0", b" ", b"\t",
           b"\n", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b"9" * 30, b"-1", b"{", b"}",
           b"[", b"]", b'"', b",", b"\\", b"1e-45", b"\xc3", b"e", b"."]


def mutations(data: bytes, n: int, seed: int = 0) -> list[bytes]:
    """``n`` random mutations of ``data``: bytes flipped, inserted, deleted, duplicated,
    and tokens that loaders must handle (``nan``, huge numbers, BOMs, NUL, bad UTF-8)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            if not b:
                b += rng.choice(_TOKENS)
                continue
            i = rng.randrange(len(b))
            kind = rng.randrange(6)
            if kind == 0:
                b[i] = rng.randrange(256)
            elif kind == 1:
                b[i:i] = rng.choice(_TOKENS)
            elif kind == 2:
                del b[i:i + rng.randint(1, 16)]
            elif kind == 3:
                j = rng.randrange(len(b))
                b[i:i] = b[j:j + rng.randint(1, 64)]
            elif kind == 4:  # replace a whitespace-separated field with a token
                j = i
                while j < len(b) and b[j:j + 1] not in (b" ", b"\n", b"\t"):
                    j += 1
                b[i:j] = rng.choice(_TOKENS)
            else:
                b[i] ^= 1 << rng.randrange(8)
        out.append(bytes(b))
    return out
