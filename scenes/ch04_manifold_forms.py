"""Chapter 4: M forms during training.

Snapshots of a real run play in order: M starts as the untrained decoder's
image of the latent range and unfolds onto the data, while the latents z_j
spread along the latent line and the loss falls.
"""

from __future__ import annotations

from manim import Create, FadeIn, LaggedStart

from scenes.animations.timeline import SnapshotTimeline
from scenes.base import ChapterScene
from scenes.picture2d import Picture2D
from scenes.runs import main_run_2d

__all__ = ["ManifoldForms"]


class ManifoldForms(ChapterScene):
    """M = g(latent range) unfolding onto the data over the training snapshots."""

    chapter = 4
    title = "M forms during training"
    seconds_per_snapshot = 0.3

    def construct(self) -> None:
        self.next_section(self.title)
        run = main_run_2d()
        pic = Picture2D(run)

        # The stage: panels, data, arrows.
        self.play(
            LaggedStart(
                FadeIn(pic.data_panel),
                FadeIn(pic.latent_axis),
                FadeIn(pic.data_dots),
                lag_ratio=0.3,
            ),
            run_time=1.5,
        )
        self.caption("Data x in ℝ², a latent line ℝ¹, and an untrained autoencoder")
        self.play(
            FadeIn(pic.f_arrow),
            FadeIn(pic.f_label),
            FadeIn(pic.g_arrow),
            FadeIn(pic.g_label),
            FadeIn(pic.latent_dots),
            FadeIn(pic.x_ring),
            FadeIn(pic.x_label),
            FadeIn(pic.z_ring),
            FadeIn(pic.z_label),
        )
        self.wait(1.5)

        # M before training.
        self.caption("M = g(ℝ¹): everything the decoder can output")
        pic.add(pic.m_label)
        self.play(Create(pic.manifold), FadeIn(pic.m_label), run_time=1.5)
        self.wait(1.5)

        # Training.
        self.caption("Training: M unfolds onto the data, the latents z spread out")
        self.play(FadeIn(pic.loss_inset), run_time=0.6)
        self.add(pic)
        self.play(SnapshotTimeline(pic, seconds_per_snapshot=self.seconds_per_snapshot))
        self.wait(0.5)
        self.caption("After training, M is a curve that follows the data")
        self.wait(2.5)
