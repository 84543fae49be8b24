"""Chapter 10: both pictures side by side, the closing frame.

Left, the implementation: how x̂ is computed from x. Right, the
representation: what the trained autoencoder has learned, M = g(R^k),
trustworthy only where the latents are dense.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, FadeIn, Line, VGroup, config

from scenes.animations.opacity import OpacityFade
from scenes.base import ChapterScene
from scenes.implementation import ImplementationPicture
from scenes.layout import Rect
from scenes.picture2d import Picture2D, PictureState
from scenes.runs import main_run_2d
from scenes.style import COLORS, text

__all__ = ["BothPictures", "closing_frame"]


def closing_frame() -> tuple[VGroup, VGroup, VGroup]:
    """The two pictures, each in one half of the frame, with their headings.

    Returns ``(implementation, representation, headings)``. The representation
    is the trained picture with M faded by reliability and the latent density.
    """
    w, h = config.frame_width, config.frame_height
    run = main_run_2d()
    imp = ImplementationPicture(run, rect=Rect(-0.3 * w, 0.0, 0.3 * w, 0.4 * h), label_kind="small")
    imp.network.set_activations(imp.values)
    implementation = VGroup(
        imp.network, imp.x_label, imp.xhat_label, imp.f_brace, imp.f_text, imp.g_brace, imp.g_text
    )
    pic = Picture2D(run)
    pic.set_state(PictureState.of(run.final))
    pic.remove(pic.loss_inset, pic.x_ring, pic.x_label, pic.z_ring, pic.z_label)
    pic.add(pic.density, pic.m_label)
    pic.set_manifold_opacity(pic.state.reliability)
    representation = VGroup(pic)
    representation.scale_to_fit_width(0.56 * w).move_to(np.array([0.21 * w, 0.0, 0.0]))
    left = VGroup(
        text("Implementation", "label", color=COLORS["text"]),
        text("how x̂ is computed from x", "small", color=COLORS["muted"]),
    ).arrange(DOWN, buff=0.12)
    right = VGroup(
        text("Representation", "label", color=COLORS["text"]),
        text("what the autoencoder has learned", "small", color=COLORS["muted"]),
    ).arrange(DOWN, buff=0.12)
    left.move_to(np.array([-0.3 * w, 0.39 * h, 0.0]))
    right.move_to(np.array([0.21 * w, 0.39 * h, 0.0]))
    divider = Line(0.36 * h * UP, 0.36 * h * DOWN, color=COLORS["panel"], stroke_width=2).shift(
        0.09 * w * LEFT
    )
    return implementation, representation, VGroup(left, right, divider)


class BothPictures(ChapterScene):
    """The network diagram and the representation picture, side by side."""

    chapter = 10
    title = "Both pictures"

    def construct(self) -> None:
        self.next_section(self.title)
        implementation, representation, headings = closing_frame()

        # Side by side.
        self.caption("Two pictures of one autoencoder")
        self.play(OpacityFade(representation), OpacityFade(implementation), run_time=1.5)
        self.play(FadeIn(headings))
        self.wait(2.0)
        self.caption("The network says how to compute x̂; M = g(ℝᵏ) shows what was learned")
        self.wait(3.5)
        self.caption("Trust M where the latents are dense; past the data, g is guessing")
        self.wait(4.0)
        self.key_frame()
