"""The density of the latents, drawn as a filled profile above the latent line."""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import VMobject

from scenes.look.style import COLORS
from scenes.look.theme import Theme, themed
from scenes.mobjects.panels import LatentAxis

__all__ = ["DensityProfile"]


class DensityProfile(VMobject):
    """A filled profile of ``density`` over ``grid`` on a :class:`LatentAxis`.

    The profile is scaled so its peak fills the space above the line: it shows
    where latents are dense relative to elsewhere, at every training step.

    Parameters
    ----------
    axis
        The latent line the profile stands on.
    grid, density
        Latent grid ``(G,)`` and the density there ``(G,)``.
    color
        Stroke and fill colour (default: the latents' colour of the current theme).
    fill_opacity, stroke_width, **kwargs
        As for :class:`~manim.VMobject`.
    """

    @themed
    def __init__(
        self,
        axis: LatentAxis,
        grid: np.ndarray,
        density: np.ndarray,
        color: str | None = None,
        fill_opacity: float = 0.3,
        stroke_width: float = 2.5,
        theme: Theme | str | None = None,
        **kwargs: Any,
    ) -> None:
        color = color or COLORS["latent"]
        super().__init__(
            stroke_color=color,
            stroke_width=stroke_width,
            fill_color=color,
            fill_opacity=fill_opacity,
            **kwargs,
        )
        self.axis = axis
        self.set_density(grid, density)

    def profile_points(self, grid: np.ndarray, density: np.ndarray) -> np.ndarray:
        """Scene points ``(G, 3)`` of the profile's upper edge."""
        base = self.axis.to_scene(grid)
        d = np.asarray(density, dtype=np.float64)
        base[:, 1] += self.axis.plot_height * d / max(float(d.max()), 1e-12)
        return base

    def set_density(self, grid: np.ndarray, density: np.ndarray) -> DensityProfile:
        """Redraw the profile in place for a new grid and density."""
        top = self.profile_points(grid, density)
        base = self.axis.to_scene(grid)
        self.set_points_as_corners(np.vstack([base[:1], top, base[-1:], base[:1]]))
        return self
