"""Caches filled in forks: every item once, by two processes at once, quietly, errors left to the caller."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ae_explainer.render.forked import fill_in_forks


def _fill_into(folder: Path, wait_for: int = 1):
    def fill(item: int) -> None:
        print(f"fill {item}")  # a fork prints nothing where the caller prints
        (folder / f"{item}-{os.getpid()}").write_text("")
        # The first items wait until `wait_for` processes have each taken one: done one at a time,
        # they would wait out the deadline (a hang guard) and say so, and the assertions below fail.
        deadline = time.monotonic() + 600
        while item < wait_for:
            if len({p.name.split("-")[1] for p in folder.iterdir() if "-" in p.name}) >= wait_for:
                break
            if time.monotonic() > deadline:
                (folder / f"waited-out-{item}").write_text("")
                break
            time.sleep(0.01)

    return fill


def test_every_item_is_filled_once_by_two_processes_at_once(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fill_in_forks(_fill_into(tmp_path, wait_for=2), list(range(9)), jobs=2)
    assert not list(tmp_path.glob("waited-out-*"))  # two processes took items at once
    done = [p.name.split("-") for p in tmp_path.iterdir()]
    assert sorted(int(item) for item, _ in done) == list(range(9))  # each item once
    pids = {pid for _, pid in done}
    assert len(pids) == 2 and str(os.getpid()) in pids  # this process and one fork
    out = capfd.readouterr().out
    assert out.count("fill ") == sum(pid == str(os.getpid()) for _, pid in done)  # the fork's lines are gone
    (fork,) = pids - {str(os.getpid())}
    with pytest.raises(ChildProcessError):
        os.waitpid(int(fork), os.WNOHANG)  # the fork was reaped


def test_one_job_or_one_item_leaves_the_work_to_the_caller(tmp_path: Path) -> None:
    fill_in_forks(_fill_into(tmp_path), list(range(3)), jobs=1)
    fill_in_forks(_fill_into(tmp_path), [0], jobs=2)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_item_does_not_stop_the_others_and_is_not_raised(tmp_path: Path) -> None:
    def fill(item: int) -> None:
        if item % 2:
            raise ValueError(f"item {item} is bad")
        (tmp_path / str(item)).write_text("")

    fill_in_forks(fill, list(range(6)), jobs=2)
    assert sorted(int(p.name) for p in tmp_path.iterdir()) == [0, 2, 4]


def test_dry_runs_in_forks_leave_no_scratch_folder_behind(tmp_path: Path) -> None:
    """A fork ends with ``os._exit`` (no exit handler): it must typeset into its parent's folder."""
    script = textwrap.dedent(
        """
        import os, sys
        from scenes.patches.skipping import scratch_media_dir

        pid = os.fork()
        if pid == 0:  # a fork that dry-runs before its parent did, as fill_in_forks' may
            with open(sys.argv[1], "w") as f:
                f.write(scratch_media_dir() if os.path.isdir(scratch_media_dir()) else "")
            os._exit(0)
        os.waitpid(pid, 0)
        print(scratch_media_dir())
        """
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    p = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "child.txt")],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert p.returncode == 0, p.stderr
    child = (tmp_path / "child.txt").read_text()
    assert child == p.stdout.strip() and Path(child).parent == scratch  # the parent's folder, shared
    assert list(scratch.iterdir()) == []  # removed by the parent when it exited
