"""Manim scenes of the explainer, and its pictures as a public API for scenes of your own.

The chapters are in :mod:`scenes.chapters`. The names below are the API: views
of a run built with ``from_run(run_or_path, snapshot=-1, *, theme=...)``, their
animations, and the theme they take their colours from. They load on first use,
so ``import scenes`` stays light (Manim is imported when a view is first named).

>>> from scenes import ManifoldView, DataView            # doctest: +SKIP
>>> m = ManifoldView.from_run("my_run.npz", theme="light")   # doctest: +SKIP
>>> x = DataView.from_run("my_run.npz", like=m, landed=False)   # doctest: +SKIP
>>> self.play(m.train(), x.train()); self.play(x.land()); self.play(m.fade_to_reliability())  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scenes.look.layout import Rect
    from scenes.look.theme import Theme
    from scenes.views.animations import FadeToReliability, LandReconstructions, Orbit, Train
    from scenes.views.latent import LatentView
    from scenes.views.manifold import CurveView, ManifoldView, MosaicView, SurfaceManifoldView
    from scenes.views.network import NetworkView
    from scenes.views.points import DataView

__all__ = [
    "CurveView",
    "DataView",
    "FadeToReliability",
    "LandReconstructions",
    "LatentView",
    "ManifoldView",
    "MosaicView",
    "NetworkView",
    "Orbit",
    "Rect",
    "SurfaceManifoldView",
    "Theme",
    "Train",
]

_HOMES = {
    "CurveView": "scenes.views.manifold",
    "DataView": "scenes.views.points",
    "FadeToReliability": "scenes.views.animations",
    "LandReconstructions": "scenes.views.animations",
    "LatentView": "scenes.views.latent",
    "ManifoldView": "scenes.views.manifold",
    "MosaicView": "scenes.views.manifold",
    "NetworkView": "scenes.views.network",
    "Orbit": "scenes.views.animations",
    "Rect": "scenes.look.layout",
    "SurfaceManifoldView": "scenes.views.manifold",
    "Theme": "scenes.look.theme",
    "Train": "scenes.views.animations",
}
"""The module each public name is defined in."""


def __getattr__(name: str) -> Any:
    """Load a public name on first use (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module 'scenes' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
