"""One run's picture in a column, for chapters that compare two runs side by side."""

from __future__ import annotations

import numpy as np
from manim import DOWN, VGroup, config

from aecore import Run
from scenes.layout import Rect
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.mobjects.curve import FadingCurve
from scenes.mobjects.density import DensityProfile
from scenes.mobjects.panels import DataPanel, LatentAxis
from scenes.style import COLORS, text

__all__ = ["RunColumn", "column_rects"]


def column_rects(with_latent: bool) -> list[tuple[Rect, Rect | None]]:
    """Data (and latent) panel rectangles of the left and right columns of the frame."""
    w, h = config.frame_width, config.frame_height
    out: list[tuple[Rect, Rect | None]] = []
    for cx in (-0.25 * w, 0.25 * w):
        if with_latent:
            out.append((Rect(cx, -0.08 * h, 0.46 * w, 0.44 * h), Rect(cx, 0.27 * h, 0.46 * w, 0.2 * h)))
        else:
            out.append((Rect(cx, 0.03 * h, 0.46 * w, 0.62 * h), None))
    return out


class RunColumn(VGroup):
    """A run's data, M and residuals in a data panel, and optionally its latent line.

    Parameters
    ----------
    run
        The run (data in R^2, k = 1); its last snapshot is shown.
    data_rect, latent_rect
        Where the panels go (no latent panel when ``latent_rect`` is None).
    title
        The data panel's title.
    margin
        The data panel shows the data's box widened by this fraction on each
        side; M is clipped to the panel.
    """

    def __init__(
        self, run: Run, data_rect: Rect, latent_rect: Rect | None, title: str, margin: float = 0.25
    ) -> None:
        super().__init__()
        self.run = run
        s = run.final
        lo, hi = run.data.min(axis=0), run.data.max(axis=0)
        pad = margin * (hi - lo).max()
        bounds = (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)
        self.panel = DataPanel(data_rect, bounds, title)
        dp = self.panel
        # Few points get bigger dots, so that a curve through them does not hide them.
        r = (
            0.011
            * min(data_rect.width, data_rect.height)
            * float(np.clip(np.sqrt(100 / len(run.data)), 1, 2))
        )
        self.dot_radius = r
        m = dp.to_scene(s.manifold)
        self.manifold = FadingCurve(m, COLORS["manifold"], stroke_width=5, opacity=dp.contains(m))
        self.data_dots = DotCloud(dp.to_scene(run.data), r, COLORS["data"])
        self.residuals = SegmentBundle(dp.to_scene(run.data), dp.to_scene(s.recon), COLORS["residual"], 1.5)
        self.add(self.panel, self.manifold, self.data_dots)
        self.latent_axis: LatentAxis | None = None
        if latent_rect is not None:
            grid = s.latent_grid[:, 0]
            self.latent_axis = LatentAxis(
                latent_rect, (float(grid.min()), float(grid.max())), "latent space ℝ¹"
            )
            self.latent_dots = DotCloud(self.latent_axis.to_scene(s.latents), r, COLORS["latent"], 0.6)
            self.density = DensityProfile(self.latent_axis, s.latent_grid, s.density)
            self.add(self.latent_axis, self.density, self.latent_dots)

    def fade_by_reliability(self) -> RunColumn:
        """Give M the run's reliability as per-vertex opacity (clipped to the panel)."""
        self.manifold.set_vertex_opacity(
            self.run.final.reliability * self.panel.contains(self.manifold.vertices)
        )
        return self

    def dots_at(self, x: np.ndarray, color: str, hollow: bool = False) -> DotCloud:
        """Dots at data points ``x`` ``(M, 2)`` in this column's panel."""
        scale = 1.5 if hollow else 1.0
        return DotCloud(self.panel.to_scene(x), self.dot_radius * scale, color, hollow=hollow)

    def note(self, s: str) -> VGroup:
        """A line of small text under the data panel."""
        label = text(s, "small", color=COLORS["text"], mono=True)
        return VGroup(label).next_to(self.panel.frame, DOWN, buff=0.15)
