"""Reconstructions leave their data points and land on M."""

from __future__ import annotations

from typing import Any

from manim import Animation, smooth

from scenes.pictures.picture2d import Picture2D

__all__ = ["SnapToManifold"]


class SnapToManifold(Animation):
    """Each x̂_j travels from x_j to g(f(x_j)) on M, drawing its residual segment.

    At ``alpha = 0`` every x̂ dot sits on its x_j; at ``alpha = 1`` it sits
    exactly at the reconstruction of the picture's current state.
    """

    def __init__(self, picture: Picture2D, **kwargs: Any) -> None:
        self.picture = picture
        kwargs.setdefault("rate_func", smooth)
        kwargs.setdefault("run_time", 2.5)
        super().__init__(picture.recon_dots, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.picture.set_state(self.picture.state, recon_fraction=self.rate_func(alpha))
