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


def class_medians(run: Run) -> np.ndarray:
    """``(10, 2)`` the median latent of each digit class (NaN for a class with no images)."""
    assert run.labels is not None
    z = np.asarray(run.final.latents, dtype=np.float64)
    return np.array(
        [
            np.median(z[run.labels == d], axis=0) if np.any(run.labels == d) else [np.nan] * 2
            for d in range(10)
        ]
    )


def walk_ends(run: Run) -> tuple[int, int]:
    """The two digit classes whose medians are reliable and whose straight path between them dips most.

    The dip is the smaller reliability at the two ends minus the least along
    the middle three fifths of the path.
    """
    med = class_medians(run)
    t = np.linspace(0.0, 1.0, 101)[:, None]
    best, ends = -np.inf, (0, 1)
    for a in range(10):
        for b in range(a + 1, 10):
            if np.isnan(med[a]).any() or np.isnan(med[b]).any():
                continue
            rel = reliability_at(run, med[a] + t * (med[b] - med[a]))
            dip = min(rel[0], rel[-1]) - rel[20:81].min()
            if dip > best:
                best, ends = dip, (a, b)
    return ends


def sample_indices(run: Run) -> list[int]:
    """One data image per digit 0-9: the first of each class."""
    assert run.labels is not None
    return [int(np.flatnonzero(run.labels == d)[0]) for d in range(10) if np.any(run.labels == d)]


def example_indices(run: Run, digits: tuple[int, ...] = (0, 3, 7)) -> list[int]:
    """For each of ``digits``, the image of that class with the median reconstruction error."""
    assert run.labels is not None
    err = np.linalg.norm(run.data - np.asarray(run.final.recon, dtype=np.float64), axis=1)
    out = []
    for d in digits:
        idx = np.flatnonzero(run.labels == d)
        out.append(int(idx[np.argsort(err[idx], kind="stable")[len(idx) // 2]]))
    return out
