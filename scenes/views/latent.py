"""The latents z_j = f(x_j) and their density: on a number line (k = 1) or a plane (k = 2)."""

from __future__ import annotations

import numpy as np

from aecore import Run
from scenes.i18n import _
from scenes.look.layout import Rect
from scenes.look.theme import Theme
from scenes.mobjects.clouds import DotCloud
from scenes.mobjects.density import DensityProfile
from scenes.mobjects.heat_map import LatentHeatMap
from scenes.mobjects.latent_plane import LatentPlane
from scenes.mobjects.panels import LatentAxis
from scenes.views.placement import DEFAULT_RECT
from scenes.views.source import RunSource, TimedView, open_run

__all__ = ["LatentView"]


class LatentView(TimedView):
    """The latent space of a run in a framed panel: the z_j and the density of the latents.

    k = 1: a number line, the z_j as a rug of dots and the density as a filled profile above it.
    k = 2: a plane, the z_j as dots over the density drawn as a heat map.

    Attributes
    ----------
    panel
        The :class:`~scenes.mobjects.panels.LatentAxis` or :class:`~scenes.mobjects.latent_plane.LatentPlane`.
    """

    def __init__(
        self, run: Run, snapshot: int, theme: Theme, rect: Rect, dot_radius: float | None = None
    ) -> None:
        super().__init__(run, snapshot, theme)
        self.rect = rect
        self.k = run.config.latent_dim
        s = self.state
        dot_r = 0.0095 * min(rect.width, rect.height) if dot_radius is None else dot_radius
        grids = np.concatenate(
            [np.asarray(p.latent_grid, dtype=np.float64).reshape(-1, self.k) for p in run.snapshots]
        )
        lo, hi = grids.min(axis=0), grids.max(axis=0)
        self.dots: DotCloud | None = None
        self.density: DensityProfile | None = None
        self.heat_map: LatentHeatMap | None = None
        if self.k == 1:
            self.panel: LatentAxis | LatentPlane = LatentAxis(
                rect, (float(lo[0]), float(hi[0])), _("latent space ℝ¹")
            )
            self.density = DensityProfile(self.panel, s.latent_grid, s.density)
            self.dots = DotCloud(self.panel.to_scene(s.latents), 0.6 * dot_r, theme["latent"], 0.5)
            self.add(self.panel, self.density, self.dots)
        else:
            self.panel = LatentPlane(
                rect, (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])), _("latent space ℝ²")
            )
            self.heat_map = LatentHeatMap(self.panel.to_scene, self.panel.bounds, dot_radius=0.9 * dot_r)
            self.add(self.panel, self.heat_map)
        self._show()

    @classmethod
    def from_run(
        cls,
        run_or_path: RunSource,
        snapshot: int = -1,
        *,
        theme: Theme | str | None = None,
        rect: Rect | None = None,
    ) -> LatentView:
        """The latent panel of a run (k = 1 or 2).

        Parameters
        ----------
        run_or_path, snapshot, theme, rect
            As for :meth:`~scenes.views.manifold.ManifoldView.from_run`.

        Raises
        ------
        AecoreError, ValueError
            As :meth:`~scenes.views.manifold.ManifoldView.from_run`.
        """
        src = open_run(run_or_path, snapshot, theme)
        if src.run.config.latent_dim not in (1, 2):
            raise ValueError(f"run_or_path: k = {src.run.config.latent_dim}; LatentView shows k = 1 or 2")
        with src.building():
            return cls(src.run, src.snapshot, src.theme, rect or DEFAULT_RECT)

    def latent_points(self) -> np.ndarray:
        """The z_j on screen now ``(N, 3)``."""
        return np.asarray(self.panel.to_scene(np.asarray(self.state.latents, dtype=np.float64)))

    def _show(self) -> None:
        s = self.state
        if self.dots is not None and self.density is not None:
            self.dots.set_centers(self.latent_points())
            self.density.set_density(s.latent_grid, s.density)
        if self.heat_map is not None:
            self.heat_map.set_latents(s.latents)
            self.heat_map.set_density(s.latent_grid, s.density)
