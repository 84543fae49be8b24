"""Chapter 9: the latent dimension is a prior.

Two 3-D panels side by side (stacked in portrait frames), each under its own
slowly orbiting camera: a sheet of data (a 2-D cloud) trained with k = 1, and
a helix of data (a 1-D cloud) trained with k = 2. M = g(latent range) is a
curve on the left and a surface on the right: its dimension is k's, not the
data's. On the left each x̂ lands on the curve along its residual, and most
residuals are long, because one curve cannot cover a sheet.

Each panel is a :class:`~scenes.pictures.prior_panel.PriorPanel`: the curve is
drawn by :class:`~scenes.mobjects.curve3d.CurveView`, the surface by
:class:`~scenes.mobjects.surface_view.SurfaceView`; both sort M and the points
by depth and draw them in one pycairo pass. M fades smoothly outside the
data's box (the decoder's guesses far from the data would otherwise fill the
panel); the translucent surface is brighter where the decoder is reliable
(where the latents are dense), and faint elsewhere.
"""

from __future__ import annotations

import numpy as np
from manim import FadeIn, Mobject

from aecore import TrainConfig
from scenes.animations.timeline3d import FadeDrawn
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.pictures.prior_panel import HELIX_VERDICT, SHEET_VERDICT, PriorPanel, prior_rects
from scenes.runs import HELIX_K2, SHEET_K1, helix_k2_run, sheet_k1_run

__all__ = ["LatentDimensionIsAPrior"]


class LatentDimensionIsAPrior(ChapterScene):
    """A sheet given k = 1 and a helix given k = 2: M takes k's dimension, not the data's."""

    chapter = 9
    title = N_("The latent dimension is a prior")

    def setup(self) -> None:
        super().setup()
        self.panels: tuple[PriorPanel, ...] = ()

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The sheet with k = 1 and the helix with k = 2."""
        return (SHEET_K1, HELIX_K2)

    def construct(self) -> None:
        self.next_section(self.title)
        left_rect, right_rect = prior_rects()
        sheet = PriorPanel(
            sheet_k1_run(),
            left_rect,
            (_("a sheet of data"), _("(2-D) in ℝ³")),
            np.radians(-60.0),
            np.radians(50.0),
        )
        helix = PriorPanel(
            helix_k2_run(),
            right_rect,
            (_("a helix of data"), _("(1-D) in ℝ³")),
            np.radians(-35.0),
            np.radians(50.0),  # from above, the helix's turns and the ramp of M between them separate
        )
        self.panels = (sheet, helix)
        sheet.growth, helix.growth = 0.0, 0.0
        for p in self.panels:
            p.view.alpha = 0.0
            p.start_orbit()
        self.add(sheet.backdrop, helix.backdrop, sheet, helix)

        self.say(
            _("Two data sets in ℝ³: a sheet and a helix"),
            spoken=_("Two data sets in R three: a sheet and a helix"),
        )
        self.play(*(FadeDrawn(p.view, "alpha", 1.0) for p in self.panels), run_time=1.0)
        self.wait(0.5)

        self.say(
            _("Sheet with k = 1: M is a curve snaking through it"),
            spoken=_("Sheet with k equal to one: M is a curve snaking through it"),
        )
        v1 = sheet.verdict(SHEET_VERDICT)
        self.play(FadeDrawn(sheet, "growth", 1.0), FadeIn(v1), run_time=2.0)
        self.keep(v1)
        self.wait(0.6)

        self.say(
            _("Helix with k = 2: M is a surface the helix lies on"),
            spoken=_("Helix with k equal to two: M is a surface the helix lies on"),
        )
        v2 = helix.verdict(HELIX_VERDICT)
        self.play(FadeDrawn(helix, "growth", 1.0), FadeIn(v2), run_time=2.0)
        self.keep(v2)
        self.wait(0.6)

        self.say(
            _("x̂ lands on the curve, far from most of the sheet"),
            spoken=_("x hat lands on the curve, far from most of the sheet"),
        )
        legend = sheet.legend()
        sheet.view.show_recon = True
        self.play(FadeDrawn(sheet.view, "recon_fraction", 1.0), FadeIn(legend), run_time=2.0)
        self.keep(legend)
        self.wait(0.5)

        self.say(_("k, fixed before training, sets M's dimension, not the data"))
        self.wait(4.7)
        self.key_frame()

    def keep(self, *labels: Mobject) -> None:
        """Move ``labels`` to the back of the scene, into Manim's static background."""
        self.bring_to_back(*labels)
