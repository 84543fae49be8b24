"""What long work reports while it runs: training steps, render jobs, stages.

The library calls a :class:`RenderProgress`; it never prints. The command
line passes one that draws progress bars (:mod:`ae_explainer.cli.console`); the
default, :class:`LogProgress`, writes a few log records instead, for callers
that use the library from Python.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

__all__ = ["JobProgress", "LogProgress", "RenderProgress"]

_log = logging.getLogger(__name__)


class JobProgress(Protocol):
    """Progress of render jobs (:func:`ae_explainer.render.jobs.run_jobs`), called from worker threads."""

    def job_started(self, label: str, total: int | None, unit: str = "animations") -> None:
        """Job ``label`` started; it will make ``total`` of ``unit`` (``None``: not known)."""

    def job_advanced(self, label: str, done: int) -> None:
        """Job ``label`` has written ``done`` animations."""

    def job_finished(self, label: str, seconds: float) -> None:
        """Job ``label`` finished ``seconds`` after the first job started; its files are installed."""


class RenderProgress(JobProgress, Protocol):
    """Progress of a whole render: the runs it trains, what it reuses, its jobs and stages."""

    def training(self, run: str, step: int, total: int, loss: float) -> None:
        """Run ``run`` is at ``step`` of ``total`` (an :data:`aecore.cache.ProgressFn`)."""

    def stage(self, text: str) -> None:
        """A new stage of long work begins, e.g. ``"lecture: 4K stills of the key frames"``."""

    def planned(self, kind: str, todo: int, total: int, jobs: int, out: Path) -> None:
        """``todo`` of ``total`` outputs of ``kind`` (``clip``, ``still``) will be rendered into ``out``."""

    def reused(self, target: Path) -> None:
        """``target`` is already rendered from the same inputs, whole, and is kept."""


class LogProgress:
    """A :class:`RenderProgress` that logs stages, plans, reuses and finished jobs (not every step)."""

    def training(self, run: str, step: int, total: int, loss: float) -> None:
        """Log the start and the end of a training run."""
        if step == 0:
            _log.info("training %s (%d steps)", run, total)
        elif step == total:
            _log.info("trained %s (loss %.5f)", run, loss)

    def stage(self, text: str) -> None:
        """Log ``text``."""
        _log.info("%s", text)

    def planned(self, kind: str, todo: int, total: int, jobs: int, out: Path) -> None:
        """Log what will be rendered."""
        _log.info("rendering %d of %d %s(s) with %d job(s) -> %s/", todo, total, kind, jobs, out)

    def reused(self, target: Path) -> None:
        """Log a reused output."""
        _log.info("reusing %s (already rendered)", target)

    def job_started(self, label: str, total: int | None, unit: str = "animations") -> None:
        """Nothing: the finished job is logged."""

    def job_advanced(self, label: str, done: int) -> None:
        """Nothing: the finished job is logged."""

    def job_finished(self, label: str, seconds: float) -> None:
        """Log a finished job."""
        _log.info("%s done (%.0f s)", label, seconds)
