"""Running ``manim`` child processes in parallel, with progress read from the files they write.

Each :class:`Job` runs one command (a chapter rendered by the manim CLI) with
its own media folder; ``parallel`` of them run at once. A job given as
Manim's arguments (``manim_args``) runs in a render worker that imported
Manim once (:mod:`ae_explainer.render.worker`) instead of a new process. Manim writes one
partial movie file per animation into the job's media folder
(``videos/.../partial_movie_files/<Scene>/``), so counting those files is the
job's progress: nothing parses Manim's text output, which goes to a log file
in the media folder and is kept beside the outputs only when the job fails.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from ae_explainer.outputs import WORK_NAME
from ae_explainer.progress import JobProgress
from ae_explainer.render.worker import WorkerPool
from aecore.config import TrainConfig
from aecore.errors import AecoreError, shown_path

__all__ = ["DISK_FULL_BYTES", "Job", "disk_full", "partial_movies", "run_jobs"]

_POLL_SECONDS = 0.5


@dataclass
class Job:
    """One child process: ``cmd`` run with ``env``, writing into the folder ``media``.

    ``finish(media)`` is called once the command succeeded (it installs the
    job's outputs); ``total`` is the number of animations the job will
    write, when known (:func:`partial_movies` counts them as it goes).
    With ``manim_args`` (the arguments of ``manim``, all jobs sharing one
    ``env``), the job runs in a render worker and ``cmd`` is not used.
    """

    label: str
    cmd: list[str]
    env: Mapping[str, str]
    media: Path
    finish: Callable[[Path], None]
    total: int | None = None
    manim_args: list[str] | None = None
    done: int = field(default=0, init=False)
    """Animations written so far (the highest count seen)."""
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    running: bool = field(default=False, init=False)
    seconds: float = field(default=0.0, init=False)
    """How long the job's command ran (wall time), once it finished."""
    cancelled: bool = field(default=False, init=False)


def partial_movies(media: Path) -> int:
    """How many partial movie files (one per animation) Manim has started under ``media``."""
    return sum(1 for p in media.glob("videos/**/partial_movie_files/*/*") if p.suffix != ".txt")


DISK_FULL_BYTES = 4 * 2**20
"""A failed job whose disk has less free space than this failed because the disk is full."""


def disk_full(folder: Path, said: bool = False) -> str | None:
    """``"the disk is full ..."`` naming ``folder``, if its disk has (nearly) no space left; else ``None``.

    A render that fills the disk fails in a way its log cannot tell (the log
    is on that disk too: empty, or cut mid-line), or crashes outright in a
    library that does not check its writes; the free space can tell.
    """
    try:
        usage = shutil.disk_usage(folder)
    except OSError:
        return None
    if usage.free >= DISK_FULL_BYTES and not said:
        return None
    out = next((p.parent for p in (folder, *folder.parents) if p.name == WORK_NAME), folder)
    return (
        f"the disk is full: --out {shown_path(out)} has {_size(usage.free)} free of {_size(usage.total)};"
        " free some space, or give --out on another disk, and run again"
    )


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


def _failure_line(log: str) -> str:
    """The line of a manim log that says what went wrong (the last error line, else the last line)."""
    lines = [ln.strip(" │|") for ln in log.splitlines() if ln.strip(" │|\t")]
    for ln in reversed(lines):
        if re.search(r"(Error|Exception|error:)", ln):
            return ln.strip()
    return lines[-1].strip() if lines else "no output"


def _run_job(job: Job, logs: Path, progress: JobProgress, t0: float, pool: WorkerPool | None) -> None:
    log = job.media / "manim.log"
    if job.cancelled:
        return
    job.running = True
    started = time.monotonic()
    try:
        if pool is not None and job.manim_args is not None:
            progress.job_started(job.label, job.total)
            code = pool.run(job.manim_args, log)
        else:
            with open(log, "wb") as fh:
                job.proc = subprocess.Popen(job.cmd, env=dict(job.env), stdout=fh, stderr=subprocess.STDOUT)
                progress.job_started(job.label, job.total)
                code = job.proc.wait()
    finally:
        job.running = False
        job.seconds = time.monotonic() - started
    if code != 0:
        if job.cancelled:
            raise AecoreError(f"{job.label}: stopped")
        text = log.read_text(encoding="utf-8", errors="replace")
        full = disk_full(job.media, said="No space left on device" in text)
        if full is not None:  # the log, on the same disk, may be empty or cut: say what happened
            raise AecoreError(f"{job.label}: {full}")
        where = ""
        with contextlib.suppress(OSError):
            logs.mkdir(parents=True, exist_ok=True)
            kept = logs / f"{job.label.replace(' ', '-')}.log"
            shutil.copyfile(log, kept)
            where = f" (log: {kept})"
        raise AecoreError(f"{job.label}: manim failed (exit {code}): {_failure_line(text)}{where}")
    job.finish(job.media)
    progress.job_finished(job.label, time.monotonic() - t0)


def _watch(jobs: Sequence[Job], progress: JobProgress, stop: threading.Event) -> None:
    """Report each running job's animations as their partial movie files appear."""
    while not stop.wait(_POLL_SECONDS):
        for job in jobs:
            if not job.running:
                continue
            # The newest file is the animation being written: the ones before it are done.
            done = max(partial_movies(job.media) - 1, 0)
            if done > job.done:
                job.done = done
                progress.job_advanced(job.label, done)


def run_jobs(
    jobs: Sequence[Job],
    parallel: int,
    logs: Path,
    progress: JobProgress,
    workers: Path | None = None,
    preload: Sequence[TrainConfig] = (),
) -> None:
    """Run ``jobs``, ``parallel`` at a time, reporting to ``progress``.

    Jobs with ``manim_args`` run in ``min(parallel, len(jobs))`` render
    workers (:class:`ae_explainer.render.worker.WorkerPool`), which keep their
    start-up output in the folder ``workers`` (default: the first job's media
    folder's parent) and load the runs of ``preload`` once for all jobs.
    A job that fails (or an interrupt) stops the others; the first failure
    is raised as one :class:`AecoreError` line naming the job, with its
    Manim log copied into ``logs``.
    """
    if not jobs:
        return
    t0 = time.monotonic()
    forked = [j for j in jobs if j.manim_args is not None]
    workers_pool = None
    if forked:
        folder = workers or forked[0].media.parent
        workers_pool = WorkerPool(min(parallel, len(forked)), forked[0].env, folder, preload)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(jobs, progress, stop), daemon=True)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            futures = [pool.submit(_run_job, j, logs, progress, t0, workers_pool) for j in jobs]
            try:
                finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
                for f in futures:
                    if f in finished:
                        f.result()
            except BaseException:
                # One job failed or the user interrupted: stop the others rather than wait for them.
                for j in jobs:
                    j.cancelled = True
                    if j.proc is not None and j.proc.poll() is None:
                        j.proc.terminate()
                if workers_pool is not None:
                    workers_pool.stop()
                raise
    finally:
        if workers_pool is not None:
            workers_pool.close()
        stop.set()
        watcher.join()
