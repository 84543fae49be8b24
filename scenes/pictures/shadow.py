"""A run of vectors in R^D seen through its stored projection P: the shadow the 2-D picture draws.

A vector run (:mod:`aecore.vectors`, k = 1) stores P: R^D -> R^2, fitted on
the data. :func:`shadow_run` maps *every* data-space array through that one
P: the data x_j, the true reconstructions x̂_j (projected, never snapped onto
the drawn M), each snapshot's M and the ensemble's manifolds. The latents,
the density, the stretch and the reliability stay as computed in R^D, so M's
opacity is the reliability of M itself, not of its shadow.

Where the shadow of M crosses itself the two branches are far apart in R^D;
:func:`crossing_dim` dims the branch farther from the picture's plane near
each crossing, so the crossing does not read as a junction. Each shadow
snapshot carries that distance (:class:`ShadowSnapshot`'s ``depth``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from aecore import Run, Snapshot
from aecore.vectors import Projection
from scenes.i18n import _

__all__ = [
    "ShadowSnapshot",
    "crossing_dim",
    "is_vector_run",
    "plane_depth",
    "shadow_note",
    "shadow_run",
    "space_label",
    "space_label_lines",
    "superscript",
    "vector_captions",
]

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(n: int) -> str:
    """``n`` in superscript digits (``20`` -> ``²⁰``), for ℝ^n."""
    return str(n).translate(_SUPERSCRIPT)


def is_vector_run(run: Run) -> bool:
    """Whether ``run`` holds vectors in R^D shown through its projection P."""
    return run.projection is not None


@dataclasses.dataclass(frozen=True)
class ShadowSnapshot(Snapshot):
    """A snapshot whose data-space arrays are shadows; ``depth`` ``(G,)``: each M vertex's distance from
    the picture's plane in R^D (standardised units)."""

    depth: np.ndarray | None = None


def plane_depth(p: Projection, x: np.ndarray) -> np.ndarray:
    """Distance of points ``(..., D)`` from the plane the picture shows, in standardised units."""
    u = (np.asarray(x, dtype=np.float64) - p.mean) / p.scale
    inplane = (u @ p.components.T) @ p.components
    return np.asarray(np.linalg.norm(u - inplane, axis=-1))


_SHADOWS: dict[int, tuple[Run, Run]] = {}
"""Each run's shadow, by the run's id (the run is kept, so its id is never reused)."""


def shadow_run(run: Run) -> Run:
    """``run`` with its data-space arrays projected through P (``run`` itself when it has no P, or is one)."""
    if run.projection is None or isinstance(run.snapshots[0], ShadowSnapshot):
        return run
    if id(run) not in _SHADOWS:
        _SHADOWS[id(run)] = (run, _shadow(run))
    return _SHADOWS[id(run)][1]


def _shadow(run: Run) -> Run:
    p = run.projection
    assert p is not None
    snaps = [
        ShadowSnapshot(
            **{
                **{f.name: getattr(s, f.name) for f in dataclasses.fields(Snapshot)},
                "recon": p.apply(s.recon),
                "manifold": p.apply(s.manifold),
            },
            depth=plane_depth(p, s.manifold),
        )
        for s in run.snapshots
    ]
    ensemble = run.ensemble
    if ensemble is not None:
        ensemble = dataclasses.replace(ensemble, manifolds=p.apply(ensemble.manifolds))
    return dataclasses.replace(run, data=p.apply(run.data), snapshots=snaps, ensemble=ensemble)  # type: ignore[arg-type]


def space_label_lines(run: Run) -> tuple[str, str | None]:
    """The data panel's title, and for a vector run a second line: how much of R^D the picture shows."""
    p = run.projection
    if p is None:
        return _("data space ℝ²"), None
    first = _(
        "ℝ{dim} seen along its top {m} principal directions", dim=superscript(p.components.shape[1]), m=p.dim
    )
    return first, _("({percent}% of the variance)", percent=round(100 * p.explained))


def space_label(run: Run) -> str:
    """The data panel's title on one line: ``data space ℝ²``, or how a vector run's R^D is seen."""
    first, second = space_label_lines(run)
    return first if second is None else f"{first} {second}"


def shadow_note(run: Run) -> str:
    """The one line that says the picture's distances are shadows (vector runs only)."""
    assert run.projection is not None
    return _(
        "Distances here are shadows of distances in ℝ{dim}: x̂ lies on M there",
        dim=superscript(run.projection.components.shape[1]),
    )


def crossing_dim(
    shadow: np.ndarray, depth: np.ndarray | None, window: int = 6, dim: float = 0.3
) -> np.ndarray:
    """Per-vertex opacity factors ``(G,)``: the far branch dimmed where the polyline crosses itself.

    At each crossing of two non-adjacent segments, the vertices within ``window`` of the segment whose
    ``depth`` (distance from the picture's plane in R^D) is larger get the factor ``dim``, fading back to 1.
    """
    pts = np.asarray(shadow, dtype=np.float64)[:, :2]
    out = np.ones(len(pts))
    if depth is None or len(pts) < 4:
        return out
    a, b = pts[:-1], pts[1:]
    d = b - a
    # Segments i, j intersect where a_i + s d_i = a_j + t d_j with s, t in [0, 1].
    cross = d[:, None, 0] * d[None, :, 1] - d[:, None, 1] * d[None, :, 0]
    diff = a[None, :, :] - a[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (diff[..., 0] * d[None, :, 1] - diff[..., 1] * d[None, :, 0]) / cross
        t = (diff[..., 0] * d[:, None, 1] - diff[..., 1] * d[:, None, 0]) / cross
    hit = (s >= 0) & (s <= 1) & (t >= 0) & (t <= 1) & (np.abs(cross) > 1e-15)
    idx = np.arange(len(d))
    hit &= idx[None, :] > idx[:, None] + 1  # each pair once, neighbours never
    seg_depth = 0.5 * (depth[:-1] + depth[1:])
    ramp = np.minimum(1.0, np.abs(np.arange(-window, window + 1)) / window)
    for i, j in zip(*np.nonzero(hit), strict=True):
        far = i if seg_depth[i] > seg_depth[j] else j
        lo = max(0, far - window)
        for k in range(lo, min(len(out), far + window + 1)):
            out[k] = min(out[k], dim + (1 - dim) * ramp[k - far + window])
    return out


def vector_captions(run: Run) -> dict[str, tuple[str, str]]:
    """The captions (shown, spoken) of a vector run that replace the short's beats ``panels`` and ``snap``.

    x lives in R^D, not in the plane; and, once on screen, the picture's
    distances are shadows of distances in R^D (x̂ may look off M in the
    shadow). Empty for any other run.
    """
    if run.projection is None:
        return {}
    d = run.projection.components.shape[1]
    return {
        "panels": (
            _("Now draw the spaces: x lives in ℝ{dim}, z on a line", dim=superscript(d)),
            _("Now draw the spaces: x lives in R {d}, z on a line", d=d),
        ),
        "snap": (
            shadow_note(run),
            _("Distances here are shadows of distances in R {d}: x hat lies on M there", d=d),
        ),
    }
