"""M's opacity goes from uniform to the decoder's reliability."""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import Animation, smooth

from scenes.pictures.picture2d import Picture2D

__all__ = ["FadeToReliability"]


class FadeToReliability(Animation):
    """Blend M's per-vertex opacity from its current values to ``reliability``.

    Parameters
    ----------
    picture
        The picture whose M fades.
    reliability
        ``(G,)`` target per-vertex opacity in [0, 1] (default: the reliability
        of the picture's current state).
    """

    def __init__(self, picture: Picture2D, reliability: np.ndarray | None = None, **kwargs: Any) -> None:
        self.picture = picture
        target = picture.state.reliability if reliability is None else reliability
        self.target = np.asarray(target, dtype=np.float64)
        self.initial = np.broadcast_to(
            np.asarray(picture.m_opacity, dtype=np.float64), self.target.shape
        ).copy()
        kwargs.setdefault("rate_func", smooth)
        kwargs.setdefault("run_time", 3.0)
        super().__init__(picture.manifold, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        self.picture.set_manifold_opacity((1.0 - a) * self.initial + a * self.target)
