"""The data x, the reconstructions x̂ and their residuals x - x̂ of a run in R^2, as one view."""

from __future__ import annotations

from typing import Any

import numpy as np

from aecore import Run
from scenes.look.layout import Rect
from scenes.look.theme import Theme
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.views.animations import LandReconstructions
from scenes.views.manifold import CurveView, ManifoldView
from scenes.views.placement import DEFAULT_RECT, Placement
from scenes.views.source import RunSource, TimedView, open_run

__all__ = ["DataView"]


class DataView(TimedView):
    """The data x_j (dots), the reconstructions x̂_j (outlined dots) and the residual segments between.

    The x̂ dots sit :attr:`recon_fraction` of the way from x_j to x̂_j: 0 on the data (and hidden,
    so as not to cover x), 1 on M; they appear in the first fifth of the way.

    Attributes
    ----------
    data_dots, recon_dots, residuals
        The three parts (:class:`~scenes.mobjects.clouds.DotCloud`, ``SegmentBundle``).
    placement
        Where data space lies on screen.
    """

    def __init__(
        self, run: Run, snapshot: int, theme: Theme, placement: Placement, dot_radius: float, landed: bool
    ) -> None:
        super().__init__(run, snapshot, theme)
        self.placement = placement
        self.recon_fraction = 1.0 if landed else 0.0
        x = placement.to_scene(run.data)
        self.data_dots = DotCloud(x, dot_radius, theme["data"], opacity=0.85)
        self.residuals = SegmentBundle(x, x, theme["residual"], 1.5)
        self.recon_dots = DotCloud(x, 0.9 * dot_radius, theme["recon"], outline=theme["background"])
        self.add(self.data_dots, self.residuals, self.recon_dots)
        self._show()

    @classmethod
    def from_run(
        cls,
        run_or_path: RunSource,
        snapshot: int = -1,
        *,
        theme: Theme | str | None = None,
        rect: Rect | None = None,
        like: ManifoldView | None = None,
        landed: bool = True,
    ) -> DataView:
        """The points of a run with data in R^2.

        Parameters
        ----------
        run_or_path, snapshot, theme, rect
            As for :meth:`~scenes.views.manifold.ManifoldView.from_run`.
        like
            A :class:`~scenes.views.manifold.CurveView` whose placement to share (so x̂ lands on its M).
        landed
            Whether x̂ starts on M (True) or on x, ready for :meth:`land`.

        Raises
        ------
        AecoreError, ValueError
            As :meth:`~scenes.views.manifold.ManifoldView.from_run`; ``run_or_path`` for data not in R^2.
        """
        src = open_run(run_or_path, snapshot, theme)
        run = src.run
        if run.data.shape[1] != 2:
            raise ValueError(
                f"run_or_path: DataView draws points in R^2, this run's are in R^{run.data.shape[1]};"
                " a surface view draws its own (SurfaceManifoldView.show_points)"
            )
        if like is not None and not isinstance(like, CurveView):
            raise ValueError(f"like: a {type(like).__name__} has no 2-D placement to share; give a CurveView")
        placement = like.placement if like is not None else Placement.fit(run, rect or DEFAULT_RECT)
        r = rect or (like.rect if like is not None else DEFAULT_RECT)
        with src.building():
            return cls(run, src.snapshot, src.theme, placement, 0.0095 * min(r.width, r.height), landed)

    def recon_points(self) -> np.ndarray:
        """Where the x̂ dots are now, in data space ``(N, 2)``."""
        return self.placement.to_data(self.recon_dots.centers)

    def set_recon_fraction(self, fraction: float) -> DataView:
        """Put each x̂ dot ``fraction`` of the way from x_j (0) to x̂_j (1)."""
        self.recon_fraction = float(np.clip(fraction, 0.0, 1.0))
        self._show()
        return self

    def _show(self) -> None:
        x = self.placement.to_scene(self.run.data)
        xh = self.placement.to_scene(np.asarray(self.state.recon, dtype=np.float64))
        cur = x + self.recon_fraction * (xh - x)
        self.recon_dots.set_centers(cur)
        self.residuals.set_segments(x, cur)
        shown = min(1.0, 5.0 * self.recon_fraction)  # x̂ appears as it leaves x (on x, it would hide x)
        self.recon_dots.set_opacity(shown)
        self.residuals.set_stroke(opacity=shown)

    def land(self, **kwargs: Any) -> LandReconstructions:
        """Each x̂ leaves its x and lands on M along its residual."""
        return LandReconstructions(self, **kwargs)
