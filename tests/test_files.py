"""What wordvec writes: modes from the umask, links written through, streams, sweeping."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import wordvec
from wordvec import WordVectors
from wordvec._util.files import atomic_write, check_writable, sweep_stale, temp_folder
from wordvec.cli import main


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        WordVectors(np.eye(2), ["a", "b"]).save(tmp_path / "m.model")
    finally:
        os.umask(old)
    assert (tmp_path / "m.model").stat().st_mode & 0o777 == mode


def test_resaving_keeps_the_files_mode(tmp_path):
    path = tmp_path / "m.model"
    path.write_bytes(b"x")
    path.chmod(0o640)
    WordVectors(np.eye(2), ["a", "b"]).save(path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_symlink_is_written_through(tmp_path):
    target = tmp_path / "real.model"
    link = tmp_path / "link.model"
    target.write_bytes(b"old")
    link.symlink_to(target)
    WordVectors(np.eye(2), ["a", "b"]).save(link)
    assert link.is_symlink() and WordVectors.load(target).index_to_key == ["a", "b"]


def test_a_fifo_is_streamed_to(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with atomic_write(fifo, "w", encoding="utf-8") as fh:
        fh.write("streamed")
    reader.join(10)
    assert got == [b"streamed"] and fifo.exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(path, "w") as fh:
            fh.write("new")
            raise RuntimeError
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["m.txt"]


def test_output_paths_are_checked_before_the_work(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="cannot write -o '/nonexistent/x.model': "
                                                "folder '/nonexistent' does not exist"):
        check_writable("/nonexistent/x.model", "-o")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        check_writable(tmp_path, "--json")
    # the CLI fails at once, before reading the corpus (a corpus that does not exist
    # would fail later with another message)
    assert main(["build", "no-such-corpus-xyz", "-o", "/nonexistent/x.model", "-q"]) == 2
    assert "folder '/nonexistent' does not exist" in capsys.readouterr().err


def test_stale_leftovers_of_a_dead_process_are_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale_dir = tmp_path / f"wordvec-counts-{dead}-abcd"
    stale_dir.mkdir()
    (stale_dir / "run00000").write_bytes(b"x" * 100)
    stale_file = tmp_path / f".m.model.wordvec{dead}.k2j3h4.tmp"
    stale_file.write_bytes(b"x")
    live_dir = tmp_path / f"wordvec-blocks-{os.getpid()}-efgh"
    live_dir.mkdir()
    other = tmp_path / f"my-notes-{dead}.tmp"
    other.write_text("mine")
    removed = sweep_stale(tmp_path)
    assert sorted(removed) == sorted([stale_dir.name, stale_file.name])
    assert live_dir.exists() and other.exists()
    with temp_folder("wordvec-ids-", tmp_path) as made:
        assert os.path.basename(made).startswith(f"wordvec-ids-{os.getpid()}-")


def test_interrupted_save_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    wv = wordvec.WordVectors(np.eye(3), ["a", "b", "c"])
    target = tmp_path / "model.wv"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("wordvec._util.files._sync", interrupted)  # dies after the bytes are written
    with pytest.raises(KeyboardInterrupt):
        wv.save(target)
    assert list(tmp_path.iterdir()) == []
