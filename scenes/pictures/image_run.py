"""What the images picture picks from an image run: the window of tiles, the walk's ends, examples.

Plain functions of a :class:`~aecore.Run` whose points are images with
labels (k = 2), read with numpy (and scipy's grid interpolation) only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from aecore import Run

__all__ = [
    "MAX_WALK_CLASSES",
    "class_labels",
    "class_medians",
    "example_indices",
    "mosaic_extent",
    "reliability_at",
    "reliability_interpolator",
    "sample_indices",
    "tile_window",
    "walk_ends",
]


def mosaic_extent(grid: np.ndarray) -> tuple[float, float, float, float]:
    """``(u0, u1, v0, v1)``: the latent grid ``(Gi, Gj, 2)`` padded by half a cell on every side."""
    gi, gj = grid.shape[:2]
    u0, u1 = float(grid[0, 0, 0]), float(grid[-1, 0, 0])
    v0, v1 = float(grid[0, 0, 1]), float(grid[0, -1, 1])
    du, dv = (u1 - u0) / max(gi - 1, 1) / 2, (v1 - v0) / max(gj - 1, 1) / 2
    return u0 - du, u1 + du, v0 - dv, v1 + dv


def tile_window(run: Run, rim: int = 1, min_reliability: float = 0.05) -> tuple[slice, slice]:
    """The tiles of the trained grid the picture shows: index ranges along u1 and along u2.

    Every tile holding a latent z_j, and every tile at least
    ``min_reliability`` reliable, with ``rim`` more tiles around them (the
    stored grid reaches farther past the latents, where every tile is faded out).
    """
    s = run.final
    g = np.asarray(s.latent_grid, dtype=np.float64)
    u, v = g[:, 0, 0], g[0, :, 1]
    z = np.asarray(s.latents, dtype=np.float64)
    near_u = np.abs(z[:, :1] - u[None]).argmin(axis=1)
    near_v = np.abs(z[:, 1:] - v[None]).argmin(axis=1)
    ri, rj = np.nonzero(np.asarray(s.reliability) >= min_reliability)
    i = np.concatenate([near_u, ri])
    j = np.concatenate([near_v, rj])
    i0, i1 = max(int(i.min()) - rim, 0), min(int(i.max()) + rim + 1, len(u))
    j0, j1 = max(int(j.min()) - rim, 0), min(int(j.max()) + rim + 1, len(v))
    return slice(i0, i1), slice(j0, j1)


def reliability_interpolator(run: Run) -> Callable[[np.ndarray], np.ndarray]:
    """The trained decoder's reliability as a function of latents ``(..., 2)``, bilinear between grid points.

    0 outside the grid. Build it once and call it per frame.
    """
    s = run.final
    g = np.asarray(s.latent_grid, dtype=np.float64)
    f = RegularGridInterpolator(
        (g[:, 0, 0], g[0, :, 1]),
        np.asarray(s.reliability, dtype=np.float64),
        bounds_error=False,
        fill_value=0.0,
    )
    return lambda z: np.asarray(f(np.asarray(z, dtype=np.float64)))


def reliability_at(run: Run, z: np.ndarray) -> np.ndarray:
    """The trained decoder's reliability at latents ``z`` ``(..., 2)`` (:func:`reliability_interpolator`)."""
    return reliability_interpolator(run)(z)


MAX_WALK_CLASSES = 20
"""The walk between classes considers at most this many classes (the largest), so pairs stay few."""


def class_labels(run: Run) -> np.ndarray:
    """The run's classes: its distinct labels, in order (the digits 0-9, or whatever the run holds)."""
    assert run.labels is not None
    return np.unique(run.labels)


def class_medians(run: Run) -> dict[int, np.ndarray]:
    """The median latent ``(2,)`` of each class of the run, by label."""
    assert run.labels is not None
    z = np.asarray(run.final.latents, dtype=np.float64)
    return {int(c): np.median(z[run.labels == c], axis=0) for c in class_labels(run)}


def walk_ends(run: Run) -> tuple[int, int]:
    """The two classes (labels) whose medians are reliable and whose straight path between them dips most.

    The dip is the smaller reliability at the two ends minus the least along
    the middle three fifths of the path. Among the run's
    :data:`MAX_WALK_CLASSES` largest classes; a run needs two classes.
    """
    assert run.labels is not None
    labels, counts = np.unique(run.labels, return_counts=True)
    if len(labels) < 2:
        raise ValueError("the walk between classes needs images of at least two labels")
    keep = np.sort(labels[np.argsort(-counts, kind="stable")[:MAX_WALK_CLASSES]])
    med = class_medians(run)
    t = np.linspace(0.0, 1.0, 101)[:, None]
    best, ends = -np.inf, (int(keep[0]), int(keep[1]))
    for i, a in enumerate(keep):
        for b in keep[i + 1 :]:
            rel = reliability_at(run, med[int(a)] + t * (med[int(b)] - med[int(a)]))
            dip = min(rel[0], rel[-1]) - rel[20:81].min()
            if dip > best:
                best, ends = dip, (int(a), int(b))
    return ends


def sample_indices(run: Run, count: int = 10) -> list[int]:
    """One data image per class for the first ``count`` classes: the first of each."""
    assert run.labels is not None
    return [int(np.flatnonzero(run.labels == c)[0]) for c in class_labels(run)[:count]]


def example_indices(run: Run, preferred: tuple[int, ...] = (0, 3, 7)) -> list[int]:
    """Three images to show next to their reconstructions: one per class, with the median error.

    The classes are ``preferred`` if the run has all of them (three digits
    that look unalike), else three spread across the run's own classes; a
    run with fewer classes shows more than one image of a class (at the
    first and last third of its errors instead of the median).
    """
    assert run.labels is not None
    err = np.linalg.norm(run.data - np.asarray(run.final.recon, dtype=np.float64), axis=1)
    present = class_labels(run)
    if set(preferred) <= set(present.tolist()):
        chosen = list(preferred)
    else:
        spots = np.linspace(0, len(present) - 1, len(preferred)).round().astype(int)
        chosen = [int(present[i]) for i in spots]
    out: list[int] = []
    for c in dict.fromkeys(chosen):
        idx = np.flatnonzero(run.labels == c)
        order = idx[np.argsort(err[idx], kind="stable")]
        times = chosen.count(c)
        for j in range(times):
            pick = int(order[min(len(order) - 1, (j + 1) * len(order) // (times + 1))])
            if pick not in out:
                out.append(pick)
    return out
