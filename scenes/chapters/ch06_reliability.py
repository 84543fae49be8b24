"""Chapter 6: M is reliable only where latents are dense.

The density of the latents is drawn on the latent line; M's opacity follows
the reliability computed from it and fades smoothly where the latents are
sparse. Decoders trained from other seeds agree where the data is and
disagree past it, where g only guesses.
"""

from __future__ import annotations

from manim import DOWN, LEFT, Create, DrawBorderThenFill, FadeIn, LaggedStart, Text, VGroup

from aecore import TrainConfig
from scenes.animations.fade import FadeToReliability
from scenes.base import ChapterScene
from scenes.mobjects.curve import FadingCurve
from scenes.pictures.picture2d import Picture2D
from scenes.runs import main_config_2d, seed_configs_2d, seed_runs_2d
from scenes.story import snapped_picture
from scenes.style import COLORS, text

__all__ = ["ReliableWhereDense", "density_label", "other_seed_curves"]


def other_seed_curves(pic: Picture2D) -> VGroup:
    """The trained M of every other seed's run, drawn in ``pic``'s data panel."""
    others = VGroup()
    for r in seed_runs_2d():
        pts = pic.data_panel.to_scene(r.final.manifold)
        curve = FadingCurve(pts, COLORS["seeds"], stroke_width=3)
        curve.set_vertex_opacity(0.85 * pic.data_panel.contains(pts))
        others.add(curve)
    return others


def density_label(pic: Picture2D) -> Text:
    """The label of the latent density profile, under the latent panel's title."""
    label = text("density of z", "small", color=COLORS["latent"])
    return label.next_to(pic.latent_axis.title, direction=DOWN, aligned_edge=LEFT, buff=0.12)


class ReliableWhereDense(ChapterScene):
    """The latent density, M fading where it is low, and other seeds' decoders."""

    chapter = 6
    title = "Reliable only where latents are dense"
    fade_seconds = 3.0

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run and its twins from other seeds."""
        return (main_config_2d(), *seed_configs_2d())

    def construct(self) -> None:
        self.next_section(self.title)
        pic = snapped_picture()
        self.add(pic)
        self.wait(0.5)

        # The density of the latents.
        self.vanish(pic, pic.residuals, pic.recon_dots, run_time=0.8)
        self.caption("Where do the latents z fall? Their density on the latent line")
        label = density_label(pic)
        self.play(DrawBorderThenFill(pic.density), FadeIn(label), run_time=2.0)
        pic.add(pic.density, label)
        self.wait(1.0)

        # M fades where latents are sparse.
        self.caption("g was trained only where latents are dense: M fades where they are sparse")
        self.play(FadeToReliability(pic, run_time=self.fade_seconds))
        self.wait(2.0)
        self.caption("There is no edge: reliability falls off smoothly with the density")
        self.wait(2.5)

        # Other seeds: agreement on the data, disagreement past it.
        self.caption("Decoders from other seeds agree on the data and disagree past it")
        others = other_seed_curves(pic)
        self.play(LaggedStart(*(Create(c) for c in others), lag_ratio=0.4), run_time=3.0)
        pic.add(others)
        self.wait(2.5)
        self.caption("Past the data, g is guessing")
        self.wait(2.5)
        self.key_frame()
