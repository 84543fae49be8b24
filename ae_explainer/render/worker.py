"""Render workers: Manim and the chapters imported once per worker, every job forked from it.

Starting a ``manim`` process costs about a second of importing (Manim, its
dependencies, the project) before the scene is built, and a chapter's runs
take time to load; a render of twelve chapters in pieces starts a dozen or
more jobs. A worker pays that once: ``python -m ae_explainer.render.worker
[CONFIG_JSON ...]`` imports Manim's command line and the chapters and loads
the cached runs of the configs given, then reads one job per line on its standard input (JSON:
the arguments of ``manim`` and a log file), forks, and the child runs
Manim's command line exactly as ``python -m manim`` would, with its output
in the log. The worker answers each job with one line, its exit status. A
forked child starts from the loaded state and ends with ``os._exit``, so
nothing one job changes (Manim's config, caches, fonts) reaches the next.

:class:`WorkerPool` starts the workers and hands a job to an idle one. A
worker told to stop (SIGTERM) stops its job's child first, then exits as a
process does, running its exit handlers. Workers and their
children stay in the render's process group, so whatever stops the render's
group (a terminal's Ctrl-C, a kill of the group) stops them too.

Why not :mod:`multiprocessing`'s ``forkserver`` with
:func:`~multiprocessing.set_forkserver_preload`: ``benchmarks/bench_startup.py``
runs the same jobs through both, the fork server preloaded like a worker
(Manim, the chapters, the runs, the frozen heap). Measured side by side in
one run (2 cores, load average 17): dispatching a job, servers warm, 104 ms
here against 122 ms (medians of 20; 1.17x); a server's cold start with its
first job 5.7 s against 5.9 s; a chapter's first animation 1.87 s against
1.81 s (medians of 8) and chapter 4 whole at low quality 23.9 s against
23.3 s: equal. So ours is faster only in dispatch, by about 15 ms a job. It
stays because a worker is started per render with that render's
environment and runs, while the fork server is one per process, started
with the environment and preloads of its first use and kept (a lecture
renders 4K stills after its clips; a test session renders many); Python
3.11's server also ignores the caller's ``sys.path`` and drops a preload
that fails to import without a word.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aecore.config import TrainConfig

__all__ = ["WorkerPool", "main"]

_READY = "ready"

_GC_THRESHOLDS = (100_000, 50, 100)
"""The collector's thresholds in a job (Python's default: 2,000, 10, 10)."""


class _Worker:
    def __init__(self, env: Mapping[str, str], log: Path, preload: Sequence[TrainConfig]) -> None:
        self.log = log
        with open(log, "wb") as err:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "ae_explainer.render.worker",
                    *(json.dumps(c.to_dict()) for c in preload),
                ],
                env=dict(env),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        self.ready = False

    def run(self, args: Sequence[str], log: Path) -> int:
        """Run ``manim ARGS`` in a child of this worker, its output in ``log``; its exit status."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            if not self.ready:
                line = self.proc.stdout.readline().strip()
                if line != _READY:
                    return self._dead(log)
                self.ready = True
            self.proc.stdin.write(json.dumps({"args": list(args), "log": str(log)}) + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
        except (OSError, ValueError):
            return self._dead(log)
        if not answer:
            return self._dead(log)
        return int(json.loads(answer)["code"])

    def _dead(self, log: Path) -> int:
        """The worker is gone (stopped, or it failed to start): its own output goes into ``log``."""
        with contextlib.suppress(OSError):
            text = self.log.read_text(encoding="utf-8", errors="replace")
            if text.strip():
                with open(log, "a", encoding="utf-8") as fh:
                    fh.write(text)
        return -1

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            self.proc.terminate()  # the worker stops its job's child, then itself

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.stop()
            self.proc.wait()


class WorkerPool:
    """``size`` render workers started with ``env``; :meth:`run` gives a job to an idle one.

    Parameters
    ----------
    size
        How many workers (jobs at once).
    env
        The environment of every worker, and so of every job.
    folder
        Where each worker keeps the output of its own start-up (copied into a
        job's log if the worker dies).
    preload
        Configs of cached runs every worker finds and loads once, before its
        first job (:func:`aecore.cache.keep_loaded`): no job reads them again.
    """

    def __init__(
        self, size: int, env: Mapping[str, str], folder: Path, preload: Sequence[TrainConfig] = ()
    ) -> None:
        self._env, self._folder = dict(env), folder
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._stopped = False
        for i in range(max(1, size)):
            worker = _Worker(self._env, folder / f"worker-{i + 1}.log", preload)
            self._all.append(worker)
            self._idle.put(worker)

    def run(self, args: Sequence[str], log: Path) -> int:
        """Run ``manim ARGS`` on an idle worker, output in ``log``; its exit status (-1: stopped)."""
        worker = self._idle.get()
        try:
            if self._stopped:
                return -1
            return worker.run(args, log)
        finally:
            self._idle.put(worker)

    def stop(self) -> None:
        """Stop every worker and the job it is running (after a failure or an interrupt)."""
        with self._lock:
            self._stopped = True
        for worker in self._all:
            worker.stop()

    def close(self) -> None:
        """Let every worker end (after its job), then reap it."""
        for worker in self._all:
            worker.close()


def _child(request: dict[str, Any], manim_main: Any) -> None:
    """In the forked child: Manim's command line with ``request["args"]``, output in the log; no return."""
    code = 1
    try:
        fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        sys.argv = ["manim", *request["args"]]
        try:
            manim_main.main(args=list(request["args"]), prog_name="manim", standalone_mode=True)
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if isinstance(e.code, str):  # a scene's one-line error, as a process exiting with it prints it
                print(e.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def main() -> int:
    """The worker's loop: import once, then one forked child per job read from standard input."""
    answers: IO[str] = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever start-up prints goes to the worker's log, not into its answers
    from manim.__main__ import main as manim_main

    from aecore.cache import keep_loaded
    from aecore.config import TrainConfig

    try:
        import scenes.chapters  # noqa: F401  (every chapter and what it imports, once)
    except Exception:  # a chapter that does not import fails in its own job, with its own error
        traceback.print_exc()
    keep_loaded([TrainConfig.from_dict(json.loads(arg)) for arg in sys.argv[1:]])
    # What is loaded now lives as long as the worker: out of the collector's sight (gc.freeze), and the
    # collector runs rarely. A chapter allocates millions of small objects (points, lists for Cairo);
    # Python's default full passes over the loaded heap took up to a third of a job.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)

    running: list[int] = []

    def stop(signum: int, frame: Any) -> None:
        for pid in running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        # An exit, not os._exit: the exit handlers remove what the worker made (the scratch folder of
        # its dry runs, scenes.patches.skipping), which a stopped render left behind in /tmp.
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    answers.write(_READY + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # no stop between fork and noting it
        pid = os.fork()
        if pid == 0:
            answers.close()
            _child(request, manim_main)
        running.append(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        _, status = os.waitpid(pid, 0)
        running.remove(pid)
        answers.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
