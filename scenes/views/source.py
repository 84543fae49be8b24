"""What every view's ``from_run`` does first: load the run, pick the snapshot, name a bad argument."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
from manim import VGroup

from aecore import AecoreError, Run, Snapshot, load_run
from scenes.look.theme import Theme
from scenes.pictures.state import PictureState, state_at
from scenes.views.animations import Train

__all__ = [
    "Opened",
    "RunSource",
    "TimedView",
    "ViewKind",
    "open_run",
    "resolve_run",
    "snapshot_index",
    "snapshot_of",
    "view_kind",
]

RunSource = Run | str | os.PathLike[str]
"""A loaded :class:`aecore.Run`, or the path of a run file (``.npz``)."""

ViewKind = Literal["curve", "surface", "mosaic"]
"""How M of a run is drawn: a curve (k = 1 in R^2), a surface (k = 2 in R^3), a mosaic (images, k = 2)."""


def resolve_run(run_or_path: RunSource) -> Run:
    """``run_or_path`` as a loaded run.

    Raises
    ------
    AecoreError
        One line naming ``run_or_path``: not a run file, or not a run at all.
    """
    if isinstance(run_or_path, Run):
        return run_or_path
    if not isinstance(run_or_path, str | os.PathLike):
        raise AecoreError(
            f"run_or_path: expected an aecore.Run or a run file's path, got {type(run_or_path).__name__}"
        )
    try:
        return load_run(Path(run_or_path))
    except AecoreError as err:
        raise AecoreError(f"run_or_path: {err}") from None


def snapshot_index(run: Run, snapshot: int) -> int:
    """``snapshot`` as an index into ``run.snapshots`` (negative counts from the end, as in Python).

    Raises
    ------
    ValueError
        One line naming ``snapshot`` and the valid range.
    """
    n = len(run.snapshots)
    if isinstance(snapshot, bool) or not isinstance(snapshot, int):
        raise ValueError(f"snapshot: {snapshot!r} is not a whole number; give an index from {-n} to {n - 1}")
    if not -n <= snapshot < n:
        raise ValueError(
            f"snapshot: {snapshot} is out of range; this run has {n} snapshots ({-n} to {n - 1})"
        )
    return snapshot % n


def view_kind(run: Run) -> ViewKind:
    """What M of ``run`` is drawn as.

    Raises
    ------
    ValueError
        One line naming ``run_or_path`` when no view can show the run (k = 3, data in R^4 with k = 1, ...).
    """
    n, k = run.data.shape[1], run.config.latent_dim
    if run.image_shape is not None and k == 2:
        return "mosaic"
    if n == 2 and k == 1:
        return "curve"
    if n == 3 and k == 2:
        return "surface"
    raise ValueError(
        f"run_or_path: a run with data in R^{n} and k = {k} has no view; ManifoldView shows k = 1 in R^2,"
        " k = 2 in R^3, or images with k = 2"
    )


def snapshot_of(run: Run, snapshot: int) -> Snapshot:
    """The snapshot at ``snapshot`` (see :func:`snapshot_index`)."""
    return run.snapshots[snapshot_index(run, snapshot)]


@dataclass(frozen=True)
class Opened:
    """What ``from_run`` starts from: the run, the snapshot's index in it and the theme to build in.

    Build one with :func:`open_run`; build the view's parts inside :meth:`building`.
    """

    run: Run
    snapshot: int
    """An index into ``run.snapshots`` (0 to S - 1)."""
    theme: Theme

    @contextmanager
    def building(self) -> Iterator[Theme]:
        """Make :attr:`theme` the theme in force while the view's parts are built (their colours)."""
        with self.theme.in_force() as theme:
            yield theme


def open_run(run_or_path: RunSource, snapshot: int = -1, theme: Theme | str | None = None) -> Opened:
    """Every view's ``from_run`` preamble: load the run, check the snapshot, resolve the theme.

    Raises
    ------
    AecoreError
        ``run_or_path`` is not a run (one line naming it).
    ValueError
        ``snapshot`` out of range, an unknown ``theme`` (one line naming it).
    """
    run = resolve_run(run_or_path)
    return Opened(run, snapshot_index(run, snapshot), Theme.of(theme))


class TimedView(VGroup):
    """A view that shows a run at one moment of training: :attr:`time`, :attr:`state`, :meth:`set_time`.

    Attributes
    ----------
    run, theme
        The run shown and the theme its colours came from.
    time
        The snapshot shown: an index into ``run.snapshots``, fractional between two.
    """

    def __init__(self, run: Run, snapshot: int, theme: Theme) -> None:
        super().__init__()
        self.run, self.theme = run, theme
        self.time = float(snapshot_index(run, snapshot))
        self._given: PictureState | None = None

    @property
    def state(self) -> PictureState:
        """The arrays shown now: those given to :meth:`set_state`, else the snapshot at :attr:`time`
        (interpolated between snapshots at a fractional time)."""
        return self._given if self._given is not None else state_at(self.run, self.time)

    def set_time(self, time: float) -> Self:
        """Show the snapshot at ``time`` (an index, fractional between snapshots, clipped to the run)."""
        self.time = float(np.clip(time, 0.0, len(self.run.snapshots) - 1))
        self._given = None
        self._show()
        return self

    def set_state(self, state: PictureState) -> Self:
        """Show ``state``: arrays of this run that no snapshot holds as such (a chapter's own mix)."""
        self._given = state
        self._show()
        return self

    def train(self, start: float = 0.0, end: float | None = None, **kwargs: Any) -> Train:
        """The snapshots in order, from ``start`` to ``end`` (default: the last)."""
        return Train(self, start, end, **kwargs)

    def _show(self) -> None:
        raise NotImplementedError
