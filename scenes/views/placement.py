"""Where data space goes on screen: equal scale on both axes, fitted into a rectangle."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aecore import Run
from scenes.look.layout import Rect

__all__ = ["DEFAULT_RECT", "Placement"]

DEFAULT_RECT = Rect(0.0, 0.0, 7.0, 7.0)
"""Where a view goes unless told: a square of 7 scene units in the middle of the frame."""


@dataclass(frozen=True)
class Placement:
    """Data points in R^2 to scene points: ``(p - data_center) * scale + screen_center``.

    Attributes
    ----------
    data_center
        ``(2,)`` data point at the middle of the rectangle.
    scale
        Scene units per data unit (the same on both axes).
    screen_center
        ``(2,)`` scene point of ``data_center``.
    """

    data_center: np.ndarray
    scale: float
    screen_center: np.ndarray

    @classmethod
    def fit(cls, run: Run, rect: Rect, margin: float = 0.05, min_reliability: float = 0.15) -> Placement:
        """Fit the data and the trained M where it is at least ``min_reliability`` reliable into ``rect``.

        Past that, M runs on where g is guessing; it is faded there, and may leave the rectangle.
        """
        m = np.asarray(run.final.manifold, dtype=np.float64).reshape(-1, 2)
        reliable = np.asarray(run.final.reliability, dtype=np.float64).reshape(-1) >= min_reliability
        pts = np.vstack([run.data, m[reliable]])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        scale = (1.0 - 2 * margin) * min(rect.width / span[0], rect.height / span[1])
        return cls((lo + hi) / 2, float(scale), rect.center[:2].copy())

    def to_scene(self, p: np.ndarray) -> np.ndarray:
        """Data points ``(..., 2)`` -> scene points ``(..., 3)``."""
        p = np.asarray(p, dtype=np.float64)
        out = np.zeros((*p.shape[:-1], 3))
        out[..., :2] = (p - self.data_center) * self.scale + self.screen_center
        return out

    def to_data(self, q: np.ndarray) -> np.ndarray:
        """Scene points ``(..., 3)`` -> data points ``(..., 2)``."""
        q = np.asarray(q, dtype=np.float64)
        return (q[..., :2] - self.screen_center) / self.scale + self.data_center
