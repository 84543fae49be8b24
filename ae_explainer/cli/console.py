"""What the command line shows while it works: progress bars, status lines, log records.

:class:`ConsoleProgress` is the :class:`~ae_explainer.progress.RenderProgress`
of the CLI. On a terminal it draws live :mod:`rich.progress` bars (one per
training run and per render job, with the animations each job has written,
and one across the jobs) that vanish when the work is done, leaving plain
lines. Anywhere else (a pipe, a CI log) it writes a few plain lines instead:
each task's start and end, and in between a line at every quarter (every
30 s when the total is not known), but never two lines of one task within
10 s, so short tasks print only their start and end. Status lines
(``rendering ...``, ``reusing ...``, ``... done``) are plain text in both
cases.

:func:`logging_to_stderr` sends the library's log records to stderr, one
line each, above the bars on a terminal.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["ConsoleProgress", "logging_to_stderr"]

_PLAIN_MIN_GAP = 10.0
"""In plain mode, the fewest seconds between two lines of one task."""

_PLAIN_EVERY_SECONDS = 30.0
"""In plain mode, a task whose total is not known reports at most this often."""


@dataclass
class _Plain:
    """What plain mode last printed of one task."""

    started: float
    last_line: float
    quarter: int = 0
    total: int | None = None
    unit: str = "animations"

    def due(self, done: int) -> bool:
        """Whether the task, at ``done``, deserves a line now (and note that it got one)."""
        now = time.monotonic()
        if now - self.last_line < _PLAIN_MIN_GAP:
            return False
        if self.total:
            quarter = min(4 * done // self.total, 3)
            if quarter <= self.quarter:
                return False
            self.quarter = quarter
        elif now - self.last_line < _PLAIN_EVERY_SECONDS:
            return False
        self.last_line = now
        return True


_LOGGERS = ("ae_explainer", "aecore", "scenes")


class _LineHandler(logging.Handler):
    """One ``ae-explainer: ...`` line per record on the current ``sys.stderr``."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = "" if record.levelno < logging.WARNING else f"{record.levelname.lower()}: "
            sys.stderr.write(f"ae-explainer: {level}{record.getMessage()}\n")
            sys.stderr.flush()
        except Exception:  # a log line must never end the program
            self.handleError(record)


@contextlib.contextmanager
def logging_to_stderr(level: int = logging.INFO) -> Iterator[None]:
    """Within the block, the records of ``ae_explainer``, ``aecore`` and ``scenes`` go to stderr.

    One line each, at ``level`` and above; the loggers are as they were after the block.
    """
    handler = _LineHandler(level)
    saved = []
    for name in _LOGGERS:
        log = logging.getLogger(name)
        saved.append((log, log.handlers[:], log.level, log.propagate))
        log.handlers[:] = [handler]
        log.setLevel(level)
        log.propagate = False
    try:
        yield
    finally:
        for log, handlers, lvl, propagate in saved:
            log.handlers[:] = handlers
            log.setLevel(lvl)
            log.propagate = propagate


class ConsoleProgress:
    """A :class:`~ae_explainer.progress.RenderProgress` for a person (or a log) watching.

    Use as a context manager around the work. ``stream`` is where progress
    and status lines go (default: stdout).
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        console = Console(file=self._stream, highlight=False, soft_wrap=True)
        self.live = console.is_terminal and not console.is_dumb_terminal
        self._bars = Progress(
            TextColumn("  {task.description}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}"),
            console=console,
            transient=True,
            refresh_per_second=4,
            redirect_stdout=sys.stdout.isatty(),
            redirect_stderr=sys.stderr.isatty(),
        )
        self._tasks: dict[str, TaskID] = {}
        self._overall: TaskID | None = None
        self._lock = threading.Lock()
        self._t0 = time.monotonic()
        self._plain: dict[str, _Plain] = {}  # by task: what plain mode printed of it (bars: when it began)

    def __enter__(self) -> ConsoleProgress:
        if self.live:
            self._bars.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.live:
            self._bars.stop()

    def line(self, text: str) -> None:
        """Print ``text`` as it is: above the bars on a terminal, else as one line."""
        with self._lock:
            if self.live:
                self._bars.console.print(text, markup=False, highlight=False, emoji=False)
            else:
                self._stream.write(text + "\n")
                self._stream.flush()

    def _stamp(self) -> str:
        return f"[{time.monotonic() - self._t0:5.0f} s]"

    # Training ------------------------------------------------------------------------------------

    def training(self, run: str, step: int, total: int, loss: float) -> None:
        """A bar per run on a terminal; elsewhere its start, a line per quarter and its end."""
        name = f"training {run}"
        note = "" if step == 0 else f"loss {loss:.5f}"
        task = self._plain.get(name)
        if task is None:  # a run starts (at step 0 from the run cache, at step 1 from the trainer)
            task = self._plain[name] = _Plain(time.monotonic(), time.monotonic(), total=total)
            if self.live:
                self._tasks[name] = self._bars.add_task(name, total=total, unit="steps", note=note)
            else:
                self.line(f"  training {run}: {total} steps")
        if self.live:
            self._bars.update(self._tasks[name], completed=step, note=note)
        if step >= total:
            del self._plain[name]
            if self.live:
                self._bars.remove_task(self._tasks.pop(name))
            self.line(f"  trained {run}: {total} steps, {note}, {time.monotonic() - task.started:.1f} s")
        elif not self.live and task.due(step):
            self.line(f"  training {run}: step {step}/{total} ({100 * step // max(total, 1)}%, {note})")

    # Rendering -----------------------------------------------------------------------------------

    def stage(self, text: str) -> None:
        """Print ``text``."""
        self.line(text)

    def planned(self, kind: str, todo: int, total: int, jobs: int, out: Path) -> None:
        """Print what will be rendered; on a terminal, a bar across the jobs."""
        self._t0 = time.monotonic()
        self.line(f"rendering {todo} of {total} {kind}(s) with {jobs} job(s) -> {out}/")
        if self.live and todo:
            if self._overall is not None:
                self._bars.remove_task(self._overall)
            self._overall = self._bars.add_task(f"{kind}s", total=todo, unit="done", note="")

    def reused(self, target: Path) -> None:
        """Print that ``target`` is kept."""
        self.line(f"  reusing {target} (already rendered)")

    def job_started(self, label: str, total: int | None, unit: str = "animations") -> None:
        """A bar for the job (a pulse when its number of ``unit`` is not known)."""
        self._plain[label] = _Plain(time.monotonic(), time.monotonic(), total=total, unit=unit)
        if self.live:
            self._tasks[label] = self._bars.add_task(label, total=total, unit=unit, note="")
        else:
            expect = f" ({total} {unit})" if total else ""
            self.line(f"  {self._stamp()} {label} started{expect}")

    def job_advanced(self, label: str, done: int) -> None:
        """Move the job's bar; in plain mode, a line per quarter (or per 30 s), 10 s apart at least."""
        if self.live:
            if label in self._tasks:
                self._bars.update(self._tasks[label], completed=done)
            return
        task = self._plain.get(label)
        if task is not None and task.due(done):
            total = task.total
            share = f"/{total} {task.unit} ({100 * done // total}%)" if total else f" {task.unit}"
            self.line(f"  {self._stamp()} {label}: {done}{share}")

    def job_finished(self, label: str, seconds: float) -> None:
        """Print that the job is done and its files are in place."""
        if self.live:
            if label in self._tasks:
                self._bars.remove_task(self._tasks.pop(label))
            if self._overall is not None:
                self._bars.advance(self._overall)
        self.line(f"  [{seconds:5.0f} s] {label} done")
