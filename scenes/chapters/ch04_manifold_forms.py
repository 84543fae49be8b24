"""Chapter 4: M forms during training.

From the trained picture of chapter 3, training is rewound to the untrained
network; then the snapshots of the real run play in order: M starts as the
untrained decoder's image of the latent range and unfolds onto the data, the
latents z_j spread along the latent line and the loss falls.
"""

from __future__ import annotations

import numpy as np
from manim import Circle, Create, FadeIn, FadeOut

from aecore import TrainConfig
from scenes.animations.timeline import SnapshotTimeline
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.look.style import COLORS
from scenes.runs import main_config_2d, main_run_2d
from scenes.story import representation_start

__all__ = ["ManifoldForms"]


class ManifoldForms(ChapterScene):
    """M = g(latent range) unfolding onto the data over the training snapshots."""

    chapter = 4
    title = N_("M forms during training")
    fades_out = False  # the next chapter opens on this one's last frame
    seconds_per_snapshot = 0.25
    rewind_seconds = 2.0

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run."""
        return (main_config_2d(),)

    def construct(self) -> None:
        self.next_section(self.title)
        n = len(main_run_2d().snapshots)
        pic = representation_start()
        self.add(pic)
        self.wait(0.5)

        # Back to the untrained network.
        self.caption(_("Where do f and g come from? Rewind to the untrained network"))
        self.play(FadeIn(pic.loss_inset), run_time=0.6)
        pic.add(pic.loss_inset)
        self.play(SnapshotTimeline(pic, start=n - 1, end=0, run_time=self.rewind_seconds))
        self.wait(1.0)

        # M before training.
        self.caption(
            _("M = g(ℝ¹): everything the decoder can output"),
            spoken=_("M, the image of R one under g: everything the decoder can output"),
        )
        self.play(Create(pic.manifold), FadeIn(pic.m_label), run_time=1.5)
        pic.add(pic.manifold, pic.m_label)
        # Untrained, M is a short curve: a ring shows where it is.
        verts = pic.manifold.vertices
        ring = Circle(radius=max(0.35, 0.6 * float(np.ptp(verts, axis=0).max())), color=COLORS["manifold"])
        self.play(Create(ring.move_to(verts.mean(axis=0))), run_time=0.8)
        self.wait(1.5)
        self.caption(_("x̂ = g(f(x)) is one point of M"), spoken=_("x hat, g of f of x, is one point of M"))
        self.wait(2.0)

        # Training.
        self.play(FadeOut(ring), run_time=0.4)
        self.caption(_("Training: M unfolds onto the data, the latents z spread out"))
        self.play(SnapshotTimeline(pic, seconds_per_snapshot=self.seconds_per_snapshot))
        self.wait(0.5)
        self.caption(_("After training, M is a curve that follows the data"))
        self.wait(2.5)
        self.key_frame()
