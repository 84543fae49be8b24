"""Chapter 3: from implementation to representation.

A continuous morph, not a cut: the input layer becomes the point x in a data
panel (R^2), the bottleneck becomes z on a latent line (R^1), the output
becomes x̂, and f and g become arrows between the panels. Then every x_j and
z_j appears.
"""

from __future__ import annotations

from manim import FadeIn, FadeOut, LaggedStart, ReplacementTransform

from aecore import TrainConfig
from scenes.base import ChapterScene
from scenes.pictures.implementation import ImplementationPicture
from scenes.pictures.roundtrip import RoundTrip
from scenes.runs import main_config_2d, main_run_2d
from scenes.story import representation_start

__all__ = ["MorphToRepresentation"]


class MorphToRepresentation(ChapterScene):
    """The loop of chapter 2 turns into the two panels of the representation picture."""

    chapter = 3
    title = "From implementation to representation"
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
        self.caption("Now picture what f and g do to the data itself")
        self.play(FadeOut(loop.approx), run_time=0.6)

        # Layers become points, and f, g become maps between the spaces.
        self.caption("The input becomes a point x in ℝ², the bottleneck a point z on a line")
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
        self.caption("f sends x to z = f(x); g sends z to x̂ = g(z), back in ℝ²")
        self.wait(3.0)

        # Every data point and its latent.
        self.caption("Every data point x has its own latent z = f(x)")
        self.play(LaggedStart(FadeIn(pic.data_dots), FadeIn(pic.latent_dots), lag_ratio=0.5), run_time=2.0)
        self.add(pic)
        self.wait(2.5)
        self.key_frame()
