"""Chapter 3: from implementation to representation.

A continuous morph, not a cut: the input layer becomes the point x in a data
panel (R^2), the bottleneck becomes z on a latent line (R^1), the output
becomes x̂, and f and g become arrows between the panels. Then every x_j and
z_j appears, and both take the colour of their latent on one ramp: points
that are neighbours along the data are neighbours on the line.
"""

from __future__ import annotations

import numpy as np
from manim import FadeIn, FadeOut, LaggedStart, ReplacementTransform

from aecore import TrainConfig
from scenes.animations.opacity import OpacityFade
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.look.style import COLORS, latent_ramp
from scenes.mobjects.cairo_drawn import color_rgb
from scenes.mobjects.palette_dots import PaletteDots
from scenes.pictures.implementation import ImplementationPicture
from scenes.pictures.picture2d import Picture2D
from scenes.pictures.roundtrip import RoundTrip
from scenes.pictures.shadow import is_vector_run, superscript
from scenes.runs import main_config_2d, main_run_2d
from scenes.story import representation_start

__all__ = ["MorphToRepresentation", "latent_coloured"]


def latent_coloured(pic: Picture2D) -> tuple[PaletteDots, PaletteDots]:
    """Copies of ``pic``'s data dots and latent dots, each coloured by its latent on one ramp."""
    z = np.asarray(pic.state.latents, dtype=np.float64)[:, 0]
    lo, hi = float(np.quantile(z, 0.02)), float(np.quantile(z, 0.98))  # a stray latent does not flatten it
    rgb = latent_ramp(z, lo, hi)
    outline = color_rgb(COLORS["background"])
    data = PaletteDots(pic.data_dots.centers, rgb, pic.data_dots.radius * 1.15, outline=outline)
    latents = PaletteDots(pic.latent_dots.centers, rgb, pic.latent_dots.radius * 1.6, opacity=0.8)
    return data, latents


class MorphToRepresentation(ChapterScene):
    """The loop of chapter 2 turns into the two panels of the representation picture."""

    chapter = 3
    title = N_("From implementation to representation")
    fades_out = False  # the next chapter opens on this one's last frame
    morph_seconds = 3.0

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run."""
        return (main_config_2d(),)

    def construct(self) -> None:
        self.next_section(self.title)
        run = main_run_2d()
        imp = ImplementationPicture(run)
        imp.network.set_activations(imp.values)
        loop = RoundTrip(imp, bent=True)
        self.add(loop)
        self.wait(0.5)

        # The panels appear around the loop.
        pic = representation_start()
        self.caption(_("Now picture what f and g do to the data itself"))
        self.play(FadeOut(loop.approx), run_time=0.6)

        # Layers become points, and f, g become maps between the spaces.
        if is_vector_run(run):  # ℝ^D, drawn through the run's projection P
            d = run.data.shape[1]
            self.caption(
                _(
                    "The input becomes a point x in ℝ{dim}, the bottleneck a point z on a line",
                    dim=superscript(d),
                ),
                spoken=_("The input becomes a point x in R {d}, the bottleneck a point z on a line", d=d),
            )
        else:
            self.caption(
                _("The input becomes a point x in ℝ², the bottleneck a point z on a line"),
                spoken=_("The input becomes a point x in R two, the bottleneck a point z on a line"),
            )
        self.play(
            FadeIn(pic.data_panel),
            FadeIn(pic.latent_axis),
            ReplacementTransform(loop.x_node, pic.x_ring),
            ReplacementTransform(loop.z_node, pic.z_ring),
            ReplacementTransform(loop.xhat_node, pic.xhat_dot),
            ReplacementTransform(loop.f_arrow, pic.f_arrow),
            ReplacementTransform(loop.g_arrow, pic.g_arrow),
            ReplacementTransform(loop.f_label, pic.f_label),
            ReplacementTransform(loop.g_label, pic.g_label),
            ReplacementTransform(loop.x_label, pic.x_label),
            ReplacementTransform(loop.z_label, pic.z_label),
            ReplacementTransform(loop.xhat_label, pic.xhat_label),
            run_time=self.morph_seconds,
        )
        self.remove(loop)
        self.wait(1.0)
        if is_vector_run(run):
            d = run.data.shape[1]
            self.caption(
                _("f sends x to z = f(x); g sends z to x̂ = g(z), back in ℝ{dim}", dim=superscript(d)),
                spoken=_("f sends x to z, f of x; g sends z to x hat, g of z, back in R {d}", d=d),
            )
        else:
            self.caption(
                _("f sends x to z = f(x); g sends z to x̂ = g(z), back in ℝ²"),
                spoken=_("f sends x to z, f of x; g sends z to x hat, g of z, back in R two"),
            )
        self.wait(3.0)

        # Every data point and its latent.
        self.caption(
            _("Every data point x has its own latent z = f(x)"),
            spoken=_("Every data point x has its own latent z, f of x"),
        )
        self.play(LaggedStart(FadeIn(pic.data_dots), FadeIn(pic.latent_dots), lag_ratio=0.5), run_time=2.0)
        self.add(pic)
        self.wait(2.0)

        # Coloured by z: f keeps neighbours together.
        self.caption(_("Colour each x by its z: neighbours along the data stay neighbours on the line"))
        data, latents = latent_coloured(pic)
        self.play(OpacityFade(data), OpacityFade(latents), run_time=1.5)
        self.wait(3.0)
        self.key_frame()
        self.play(OpacityFade(data, fade_in=False), OpacityFade(latents, fade_in=False), run_time=1.0)
        self.wait(0.5)
