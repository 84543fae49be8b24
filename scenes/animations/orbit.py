"""A clock that keeps a 3-D picture's camera orbiting, frame by frame."""

from __future__ import annotations

from typing import Any, Protocol

from manim import Mobject

__all__ = ["OrbitClock", "Orbiting"]


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
