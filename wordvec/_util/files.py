"""Files wordvec writes: atomic writes, output checks, and the temporary folders of builds.

One job: nothing a user asked for is lost, left half-written or left behind.

* :func:`atomic_write` writes a temporary file beside the target and renames it into
  place only on success, with the mode a plain ``open`` would give (``0o666`` less the
  umask; an existing file keeps its mode).  A symbolic link is written through (its
  target is replaced, the link stays), and a path that is not a regular file
  (``/dev/stdout``, a FIFO) is written to directly, as a stream.
* :func:`check_writable` checks an output path before any work, so a typo in ``-o``
  fails at once instead of after the build.
* :func:`temp_folder` makes the spill folders of long builds with the owner's process id
  in their name (``wordvec-counts-<pid>-…``), and :func:`sweep_stale` removes those (and
  the hidden ``.NAME.wordvec<pid>.….tmp`` files of :func:`atomic_write`) whose process is gone,
  e.g. after ``kill -9``.  Builds sweep their temporary folder when they start.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write", "check_writable", "temp_folder", "sweep_stale"]

_umask_lock = threading.Lock()
_STALE = re.compile(r"^(?:wordvec-[a-z]+-(\d+)-.+|\..+\.wordvec(\d+)\.[^.]+\.tmp)$")


def _umask() -> int:
    """The process umask (read by setting and restoring it, under a lock)."""
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def check_writable(path: str | os.PathLike[str], name: str = "output") -> Path:
    """Fail now, with one clear error naming ``name``, if ``path`` cannot be written."""
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(f"{name} {str(p)!r} is a folder; give a file name")
    folder = p.resolve().parent if p.is_symlink() else (p.parent if str(p.parent) else Path("."))
    if p.exists() and not p.is_file():
        return p  # a device or FIFO: streamed to
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {name} {str(p)!r}: folder {str(folder)!r} "
                                "does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write {name} {str(p)!r}: folder {str(folder)!r} is "
                              "not writable")
    return p


def _sync(fd: int) -> None:
    """The bytes on disk before the rename (a crash then leaves the old file or the new)."""
    os.fsync(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb",
                 encoding: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it into place only on success.

    An exception (or Ctrl-C) removes the temporary file and leaves any existing
    ``path`` untouched.  See the module notes for modes, links and streams.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()  # write through the link: the link itself stays
    if path.exists() and not path.is_file() and not path.is_dir():
        with open(path, mode, encoding=encoding) as stream:  # /dev/stdout, a FIFO
            yield stream
        return
    check_writable(path, "file")
    directory = path.parent if str(path.parent) else Path(".")
    sweep_stale(directory, files_only=True)
    old = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.wordvec{os.getpid()}.", suffix=".tmp",
                               dir=directory)
    try:
        os.chmod(tmp, old if old is not None else 0o666 & ~_umask())
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
            fh.flush()
            _sync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def temp_folder(prefix: str, dir: str | os.PathLike[str] | None = None
                ) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder ``<prefix><pid>-XXXX`` (e.g. ``wordvec-counts-``), removed when
    closed; after a crash :func:`sweep_stale` finds it by the dead process id."""
    sweep_stale(dir if dir is not None else tempfile.gettempdir())
    return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-", dir=dir)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or no way to tell: leave it
    return True


def sweep_stale(folder: str | os.PathLike[str], files_only: bool = False) -> list[str]:
    """Remove wordvec's leftovers in ``folder`` whose owning process is dead: spill
    folders ``wordvec-<stage>-<pid>-*`` and hidden ``.NAME.wordvec<pid>.*.tmp`` files of an
    interrupted save.  Only this user's entries, never through a link.  Returns the
    names removed."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        match = _STALE.match(entry.name)
        if not match:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        is_dir = stat.S_ISDIR(info.st_mode)
        if (files_only and is_dir) or stat.S_ISLNK(info.st_mode) or (
                uid is not None and info.st_uid != uid):
            continue
        pid = int(match.group(1) or match.group(2))
        if pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            if is_dir:
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
    return removed
