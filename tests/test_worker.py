"""Render workers: a job renders as ``python -m manim`` does, fails in its log, stops, leaks no state."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from ae_explainer.progress import LogProgress
from ae_explainer.render.jobs import Job, run_jobs
from ae_explainer.render.worker import WorkerPool

pytestmark = pytest.mark.slow  # every job starts Manim in a worker and renders a clip

_SCENES = """
import builtins
from manim import *

class Dots(Scene):
    def construct(self):
        self.add(Dot(LEFT, color=RED))
        self.play(FadeIn(Dot(RIGHT, color=BLUE)), run_time=0.5)

class Leaks(Scene):
    def construct(self):
        builtins.AE_LEAK = True  # what one job changes in the process
        self.wait(0.2)

class Clean(Scene):
    def construct(self):
        if hasattr(builtins, "AE_LEAK"):
            raise RuntimeError("state leaked from an earlier job")
        self.wait(0.2)

class GcState(Scene):
    def construct(self):
        import gc
        print("gc", gc.get_threshold(), gc.get_freeze_count() > 10_000)
        self.wait(0.1)

class Broken(Scene):
    def construct(self):
        import os, pathlib, time
        started = pathlib.Path(os.environ.get("LONG_PID", "/nonexistent"))
        for _ in range(6000):  # when Long runs beside it, fail only once Long is running
            if not os.environ.get("LONG_PID") or started.is_file():
                break
            time.sleep(0.1)
        raise ValueError("the scene broke")

class Long(Scene):
    def construct(self):
        import os, pathlib, time
        pathlib.Path(os.environ["LONG_PID"]).write_text(str(os.getpid()))
        time.sleep(3600)  # ends only if it is not stopped
"""


def _args(scenes: Path, media: Path, scene: str) -> list[str]:
    return ["render", "-ql", "--disable_caching", "--progress_bar", "none", "--media_dir", str(media),
            str(scenes), scene]  # fmt: skip


def _frames(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_a_forked_job_renders_the_frames_of_a_manim_process(tmp_path: Path) -> None:
    scenes = tmp_path / "scenes.py"
    scenes.write_text(_SCENES)
    temp = tmp_path / "temp"  # the worker's temporary folder
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    p = subprocess.run([sys.executable, "-m", "manim", *_args(scenes, tmp_path / "proc", "Dots")],
                       capture_output=True, text=True, env=env)  # fmt: skip
    assert p.returncode == 0, p.stderr
    pool = WorkerPool(1, env, tmp_path)
    try:
        code = pool.run(_args(scenes, tmp_path / "fork", "Dots"), tmp_path / "fork.log")
    finally:
        pool.close()
    assert list(temp.iterdir()) == []  # the worker ended, removing its scratch folder
    assert code == 0, (tmp_path / "fork.log").read_text()
    (a,) = (tmp_path / "proc").rglob("Dots.mp4")
    (b,) = (tmp_path / "fork").rglob("Dots.mp4")
    fa, fb = _frames(a), _frames(b)
    assert len(fa) == len(fb) > 1
    assert all(np.array_equal(x, y) for x, y in zip(fa, fb, strict=True))
    assert "File ready at" in (tmp_path / "fork.log").read_text()  # Manim's output went to the job's log


def test_each_job_starts_from_the_workers_state_not_the_last_jobs(tmp_path: Path) -> None:
    scenes = tmp_path / "scenes.py"
    scenes.write_text(_SCENES)
    pool = WorkerPool(1, dict(os.environ), tmp_path)
    try:
        codes = [pool.run(_args(scenes, tmp_path / s, s), tmp_path / f"{s}.log") for s in ("Leaks", "Clean")]
        broken = pool.run(_args(scenes, tmp_path / "b", "Broken"), tmp_path / "Broken.log")
        after = pool.run(_args(scenes, tmp_path / "c", "Clean"), tmp_path / "Clean2.log")
        gc_state = pool.run(_args(scenes, tmp_path / "g", "GcState"), tmp_path / "GcState.log")
    finally:
        pool.close()
    assert codes == [0, 0], (tmp_path / "Clean.log").read_text()
    assert broken != 0 and "ValueError: the scene broke" in (tmp_path / "Broken.log").read_text()
    assert after == 0  # a failed job leaves the worker able to run the next
    # A job runs with the loaded heap frozen out of the collector's passes, which come rarely.
    assert gc_state == 0 and "gc (100000, 50, 100) True" in (tmp_path / "GcState.log").read_text()


def test_a_chapter_that_does_not_import_fails_in_its_own_job_only(tmp_path: Path) -> None:
    scenes = tmp_path / "scenes.py"
    scenes.write_text(_SCENES)
    broken = tmp_path / "broken_chapter.py"
    broken.write_text("from manim import *\nraise ImportError('chapter 99 is broken')\n")
    pool = WorkerPool(1, dict(os.environ), tmp_path)
    try:
        bad = pool.run(_args(broken, tmp_path / "x", "Nothing"), tmp_path / "bad.log")
        good = pool.run(_args(scenes, tmp_path / "d", "Dots"), tmp_path / "good.log")
    finally:
        pool.close()
    assert bad != 0 and "chapter 99 is broken" in (tmp_path / "bad.log").read_text()
    assert good == 0


def test_a_failed_job_stops_the_worker_running_another_and_its_child(tmp_path: Path) -> None:
    scenes = tmp_path / "scenes.py"
    scenes.write_text(_SCENES)
    temp = tmp_path / "temp"  # the workers' temporary folder
    temp.mkdir()
    env = {**os.environ, "LONG_PID": str(tmp_path / "long.pid"), "TMPDIR": str(temp)}

    def job(scene: str) -> Job:
        media = tmp_path / scene
        media.mkdir()
        args = _args(scenes, media, scene)
        return Job(scene, [sys.executable, "-m", "manim", *args], env, media, lambda m: None, manim_args=args)

    jobs = [job("Long"), job("Broken")]
    done = threading.Event()
    errors: list[str] = []

    def run() -> None:
        try:
            run_jobs(jobs, 2, tmp_path / "logs", LogProgress(), workers=tmp_path)
        except Exception as e:  # the failure of Broken, one line
            errors.append(str(e))
        done.set()

    t0 = time.monotonic()
    threading.Thread(target=run, daemon=True).start()
    # Hang guards, not speed checks: Long sleeps an hour, so an end at all means it was stopped.
    assert done.wait(1200), "the long job was waited for, not stopped"
    assert time.monotonic() - t0 < 1200
    assert errors and errors[0].startswith("Broken: manim failed") and "the scene broke" in errors[0]
    assert (tmp_path / "logs" / "Broken.log").is_file()
    long_pid = int((tmp_path / "long.pid").read_text())
    for _ in range(50):  # the stopped child is gone (or a zombie awaiting its reaper)
        if not _alive(long_pid):
            break
        time.sleep(0.1)
    assert not _alive(long_pid)
    ps = subprocess.run(["ps", "-o", "args", "--ppid", str(os.getpid())], capture_output=True, text=True)
    assert "ae_explainer.render.worker" not in ps.stdout  # the workers were reaped
    # ... after removing what they made: the stopped workers' scratch folders (each forked a job) are gone
    assert list(temp.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
