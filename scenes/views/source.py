"""What every view's ``from_run`` does first: load the run, pick the snapshot, name a bad argument."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from aecore import AecoreError, Run, Snapshot, load_run

__all__ = ["RunSource", "ViewKind", "resolve_run", "snapshot_index", "view_kind"]

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
