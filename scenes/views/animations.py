"""The views' animations: each changes one view in place (nothing is copied or crossfaded).

Every animation here is a Manim :class:`~manim.Animation` whose
``interpolate_mobject(alpha)`` sets the view's state for ``alpha`` in [0, 1],
so it can be checked without rendering (``anim.begin(); anim.interpolate(0.5)``).
"""

from __future__ import annotations

from typing import Any, Protocol

from manim import Animation, Mobject, linear

__all__ = ["FadeToReliability", "LandReconstructions", "Orbit", "Train"]


class _Timed(Protocol):
    time: float

    def set_time(self, time: float) -> Any: ...


class _Landing(Protocol):
    recon_fraction: float

    def set_recon_fraction(self, fraction: float) -> Any: ...


class _Fading(Protocol):
    reliability_blend: float

    def set_reliability_blend(self, blend: float) -> Any: ...


class _Orbiting(Protocol):
    orbit_degrees: float

    def set_orbit(self, degrees: float) -> Any: ...


class _InPlace(Animation):
    """An animation that sets its view's state: it needs no copy of the view to start from."""

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # type: ignore[return-value]  # a Cairo scene's mobject, not OpenGL's


class Train(_InPlace):
    """The training: a view steps through the run's snapshots in order, from ``start`` to ``end``.

    Parameters
    ----------
    view
        Any view with ``set_time`` (:class:`~scenes.views.manifold.ManifoldView`,
        :class:`~scenes.views.points.DataView`, :class:`~scenes.views.latent.LatentView`).
    start, end
        Snapshot indices (fractional between snapshots); ``end`` defaults to the last snapshot.
    **kwargs
        Passed to :class:`~manim.Animation` (``run_time``, ``rate_func``: linear by default).
    """

    def __init__(self, view: Mobject, start: float = 0.0, end: float | None = None, **kwargs: Any) -> None:
        self.view: _Timed = view  # type: ignore[assignment]
        self.start = float(start)
        self.end = float(len(view.run.snapshots) - 1 if end is None else end)  # type: ignore[attr-defined]
        kwargs.setdefault("rate_func", linear)
        kwargs.setdefault("run_time", 4.0)
        super().__init__(view, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.view.set_time(self.start + (self.end - self.start) * self.rate_func(alpha))


class LandReconstructions(_InPlace):
    """Each x̂ leaves its x and lands on M, along its residual segment."""

    def __init__(self, view: Mobject, **kwargs: Any) -> None:
        self.view: _Landing = view  # type: ignore[assignment]
        kwargs.setdefault("run_time", 2.0)
        super().__init__(view, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.view.set_recon_fraction(self.rate_func(alpha))


class FadeToReliability(_InPlace):
    """M's opacity goes from what it is at the start to the decoder's reliability (blend 1)."""

    def __init__(self, view: Mobject, **kwargs: Any) -> None:
        self.view: _Fading = view  # type: ignore[assignment]
        self.from_blend = float(self.view.reliability_blend)
        kwargs.setdefault("run_time", 2.0)
        super().__init__(view, **kwargs)

    def begin(self) -> None:
        self.from_blend = float(self.view.reliability_blend)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        b = self.rate_func(alpha)
        self.view.set_reliability_blend(self.from_blend + (1.0 - self.from_blend) * b)


class Orbit(_InPlace):
    """The camera of a 3-D view turns ``degrees`` round M (at a steady rate by default)."""

    def __init__(self, view: Mobject, degrees: float = 60.0, **kwargs: Any) -> None:
        self.view: _Orbiting = view  # type: ignore[assignment]
        self.degrees = float(degrees)
        self.from_degrees = float(self.view.orbit_degrees)
        kwargs.setdefault("rate_func", linear)
        kwargs.setdefault("run_time", 6.0)
        super().__init__(view, **kwargs)

    def begin(self) -> None:
        self.from_degrees = float(self.view.orbit_degrees)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        self.view.set_orbit(self.from_degrees + self.degrees * self.rate_func(alpha))
