"""Camera math for 3-D pictures drawn in a fixed 2-D Manim frame.

The 3-D chapter does not use :class:`~manim.ThreeDScene`: an
:class:`OrbitCamera` projects data-space points (z up) to scene points of a
2-D frame with numpy, and reports each point's depth, so that one mobject can
sort and draw everything itself (see :mod:`scenes.mobjects.surface_view`).

Conventions: ``azimuth`` turns the camera about the data's z axis,
``elevation`` lifts it above the x-y plane. ``depth`` grows away from the
camera (a larger depth is further back), so drawing in order of decreasing
depth is the painter's algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
from manim import Mobject

__all__ = ["OrbitCamera", "OrbitClock", "Orbiting", "orbit_angles"]


@dataclass(frozen=True)
class OrbitCamera:
    """A perspective camera looking at ``target`` from a point on a sphere around it.

    Attributes
    ----------
    azimuth, elevation
        Direction from the target to the camera, in radians.
    target
        ``(3,)`` data-space point that appears at ``center`` on screen.
    scale
        Scene units per data unit at the target's depth.
    center
        ``(2,)`` scene coordinates of the target.
    distance
        Distance from the target to the camera in data units; ``inf`` gives an
        orthographic view.
    """

    azimuth: float
    elevation: float
    target: np.ndarray
    scale: float
    center: np.ndarray
    distance: float = np.inf

    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit vectors ``(right, up, toward)``: screen right, screen up, target -> camera."""
        ca, sa = np.cos(self.azimuth), np.sin(self.azimuth)
        ce, se = np.cos(self.elevation), np.sin(self.elevation)
        toward = np.array([ce * ca, ce * sa, se])
        right = np.array([-sa, ca, 0.0])
        up = np.array([-se * ca, -se * sa, ce])
        return right, up, toward

    @property
    def position(self) -> np.ndarray:
        """The camera's position in data space (far away for an orthographic view)."""
        d = self.distance if np.isfinite(self.distance) else 1e9
        return np.asarray(self.target, dtype=np.float64) + d * self.basis()[2]

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Project data points ``(..., 3)`` to scene points ``(..., 2)`` and depths ``(...)``.

        The depth of a point is its distance behind the plane through the
        target facing the camera (negative in front of it).
        """
        p = np.asarray(points, dtype=np.float64) - np.asarray(self.target, dtype=np.float64)
        right, up, toward = self.basis()
        x, y, depth = p @ right, p @ up, -(p @ toward)
        if np.isfinite(self.distance):
            f = self.distance / np.maximum(self.distance + depth, 1e-6 * self.distance)
            x, y = x * f, y * f
        xy = np.stack([x, y], axis=-1) * self.scale + np.asarray(self.center, dtype=np.float64)[:2]
        return xy, depth

    def scene_points(self, points: np.ndarray) -> np.ndarray:
        """Scene points ``(..., 3)`` (z = 0) of data points ``(..., 3)``."""
        xy, _ = self.project(points)
        return np.concatenate([xy, np.zeros((*xy.shape[:-1], 1))], axis=-1)

    def turned(self, azimuth: float, elevation: float | None = None) -> OrbitCamera:
        """The same camera at another azimuth (and elevation)."""
        return replace(self, azimuth=azimuth, elevation=self.elevation if elevation is None else elevation)


def orbit_angles(
    t: float,
    azimuth0: float = np.radians(-60.0),
    degrees_per_second: float = 6.0,
    elevation0: float = np.radians(36.0),
    elevation_swing: float = np.radians(6.0),
    swing_period: float = 24.0,
) -> tuple[float, float]:
    """Azimuth and elevation (radians) of a slow orbit ``t`` seconds after it starts.

    The azimuth turns at a constant rate; the elevation swings gently about
    ``elevation0`` so that the surface is seen from above at varying angles.
    """
    az = azimuth0 + np.radians(degrees_per_second) * t
    el = elevation0 + elevation_swing * np.sin(2.0 * np.pi * t / swing_period)
    return float(az), float(el)


class Orbiting(Protocol):
    """Anything with an orbit time that can be set (e.g. the 3-D picture)."""

    orbit_time: float

    def set_orbit_time(self, t: float) -> Any: ...


class OrbitClock:
    """An updater that advances ``target``'s orbit time by each frame's ``dt``.

    Attach it to a mobject that is drawn every frame (the 3-D view); Manim
    then renders every frame of a ``wait`` too, so the camera never stops.
    Time-based, so the orbit speed does not depend on the frame rate.
    """

    def __init__(self, target: Orbiting) -> None:
        self.target = target

    def __call__(self, mobject: Mobject, dt: float) -> None:
        self.target.set_orbit_time(self.target.orbit_time + dt)
