"""Chapter 12: both pictures side by side, the closing frame.

Left, the implementation: how x̂ is computed from x. Right, the
representation: what the trained autoencoder has learned, M = g(R^k),
trustworthy only where the latents are dense.

A portrait frame stacks the two pictures (implementation on top) and puts the
representation's panels side by side; a square one keeps them side by side
and stacks the representation's panels (latent above data). Either way every
text keeps its size: the pictures are laid out for the frame, not shrunk.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Line, VGroup, config

from aecore import TrainConfig
from scenes.animations.opacity import OpacityFade
from scenes.base import ChapterScene, caption_mobject
from scenes.i18n import N_, _
from scenes.look.frame import platform_margins
from scenes.look.layout import Layout, Rect, is_landscape, is_portrait
from scenes.look.style import COLORS, fit_lines, text, wrap_units
from scenes.pictures.implementation import ImplementationPicture
from scenes.pictures.picture2d import Picture2D, PictureState
from scenes.pictures.shadow import shadow_run
from scenes.runs import main_config_2d, main_run_2d

__all__ = ["CAPTIONS", "BothPictures", "closing_frame"]

CAPTIONS = (
    N_("Two pictures of one autoencoder"),
    N_("The network says how to compute x̂; M = g(ℝᵏ) shows what was learned"),
    N_("Trust M where many reconstructions lie on it; past the data, g is guessing"),
)
"""The chapter's captions, in order."""

SPOKEN = {
    CAPTIONS[1]: N_(
        "The network says how to compute x hat; M, the image of R k under g, shows what was learned"
    )
}
"""How the captions whose symbols read badly are spoken."""

_HEADINGS = (
    (N_("Implementation"), N_("how x̂ is computed from x")),
    (N_("Representation"), N_("what the autoencoder has learned")),
)


def _captioned(i: int) -> tuple[str, str | None]:
    """Caption ``i`` and how it is spoken, in the language in force."""
    spoken = SPOKEN.get(CAPTIONS[i])
    return _(CAPTIONS[i]), _(spoken) if spoken else None


def _heading(title: str, subtitle: str, width: float) -> VGroup:
    """A picture's title over its subtitle, the subtitle wrapped (and the title shrunk) to ``width``.

    The subtitle takes as few lines as fit, with the words shared out as evenly as possible.
    """
    head = text(title, "label", color=COLORS["text"])
    if head.width > width:
        head.scale_to_fit_width(width)
    lines = fit_lines(*wrap_units(subtitle), "small", width, balance=True)
    sub = VGroup(*(text(line, "small", color=COLORS["muted"]) for line in lines)).arrange(DOWN, buff=0.06)
    return VGroup(head, sub).arrange(DOWN, buff=0.12)


def _free_area(gap: float = 0.12) -> Rect:
    """The frame inside the platform margins and above every caption of the chapter."""
    w, h = config.frame_width, config.frame_height
    mx, my = platform_margins()
    top = h / 2 - my * h - gap
    bottom = max(caption_mobject(_(c)).get_top()[1] for c in CAPTIONS) + gap
    half = w / 2 - mx * w - gap
    return Rect(0.0, (top + bottom) / 2, 2 * half, top - bottom)


def _span(left: float, right: float, top: float, bottom: float) -> Rect:
    return Rect((left + right) / 2, (top + bottom) / 2, right - left, top - bottom)


def _implementation(rect: Rect) -> VGroup:
    """The network in ``rect`` with its labels and braces (small text)."""
    imp = ImplementationPicture(main_run_2d(), rect=rect, label_kind="small")
    imp.network.set_activations(imp.values)
    return VGroup(imp.network, imp.x_label, imp.xhat_label, imp.f_brace, imp.f_text, imp.g_brace, imp.g_text)


def _implementation_in(box: Rect) -> VGroup:
    """The implementation picture, as large as fits ``box``, centred in it.

    The network is built for the box's shape (flowing left to right, so
    never taller than wide); the brace labels move apart if
    they run into each other, and the whole is scaled down only if it still
    sticks out of the box.
    """
    net_w = box.width - 0.4
    net_h = min(max(box.height - 1.1, 0.5 * box.height), 0.9 * net_w)
    group = _implementation(Rect(box.cx, box.cy, min(net_w, 2.6 * net_h), net_h))
    f_text, g_text = group[4], group[6]
    overlap = f_text.get_right()[0] + 0.2 - g_text.get_left()[0]
    if overlap > 0:
        f_text.shift(overlap / 2 * LEFT)
        g_text.shift(overlap / 2 * RIGHT)
    group.scale(min(box.width / group.width, box.height / group.height, 1.0))
    return group.move_to(box.center)


def _representation(layout: Layout | None = None, tight: bool = False) -> Picture2D:
    """The trained picture with M faded by reliability and the latent density, no loss inset.

    ``tight`` frames the data panel on the data (M is faded past it anyway)
    rather than on the data and the whole trained M.
    """
    run = shadow_run(main_run_2d())  # a vector run through its projection P
    bounds = None
    if tight:
        lo, hi = run.data.min(axis=0), run.data.max(axis=0)
        pad = 0.12 * float(np.max(hi - lo))
        bounds = (float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad))
    pic = Picture2D(run, layout=layout, bounds=bounds, m_label_kind="small" if tight else "label")
    pic.set_state(PictureState.of(run.final))
    pic.remove(pic.loss_inset, pic.x_ring, pic.x_label, pic.z_ring, pic.z_label)
    pic.add(pic.density, pic.m_label)
    pic.set_manifold_opacity(pic.state.reliability)
    return pic


def _side_by_side(area: Rect, split: float, gap: float, right: float) -> tuple[VGroup, VGroup, float]:
    """Headings over two columns split at ``split``, the implementation in the left one, a divider.

    The right column starts at ``right``. Returns ``(implementation,
    headings with the divider, the top of the space under the headings)``.
    """
    left_head = _heading(_(_HEADINGS[0][0]), _(_HEADINGS[0][1]), split - gap - area.left)
    right_head = _heading(_(_HEADINGS[1][0]), _(_HEADINGS[1][1]), area.right - right)
    left_head.move_to(np.array([(area.left + split - gap) / 2, area.top, 0.0]), aligned_edge=UP)
    right_head.move_to(np.array([(right + area.right) / 2, area.top, 0.0]), aligned_edge=UP)
    below = min(left_head.get_bottom()[1], right_head.get_bottom()[1]) - 0.2
    implementation = _implementation_in(_span(area.left, split - gap, below, area.bottom))
    divider = Line(
        np.array([split, area.top - 0.1, 0.0]),
        np.array([split, area.bottom + 0.1, 0.0]),
        color=COLORS["panel"],
        stroke_width=2,
    )
    return implementation, VGroup(left_head, right_head, divider), below


def _landscape_frame(area: Rect) -> tuple[VGroup, VGroup, VGroup]:
    """Implementation left, representation right (its data panel, then its latent panel), a divider between.

    Both are laid out at their full text sizes in their own part of
    ``area``, not shrunk as a whole.
    """
    gap = 0.3
    split = area.left + 0.4 * area.width
    implementation, headings, below = _side_by_side(area, split, gap, split + gap)
    below -= 0.05
    latent_w, arrows = 0.37 * (area.right - split - gap), 0.9
    data = _span(split + gap, area.right - latent_w - arrows, below, area.bottom)
    cy, lh = data.cy, min(2.6, data.height)
    latent = _span(area.right - latent_w, area.right, cy + lh / 2, cy - lh / 2)
    layout = Layout(data, latent, latent, caption_y=0.0, portrait=False)
    representation = VGroup(_representation(layout, tight=True))
    return implementation, representation, headings


def _portrait_frame(area: Rect) -> tuple[VGroup, VGroup, VGroup]:
    """Implementation on top, representation below (data panel left, latent panel right)."""
    top_head, bottom_head = (_heading(_(t), _(s), area.width) for t, s in _HEADINGS)
    top_head.move_to(np.array([0.0, area.top, 0.0]), aligned_edge=UP)
    room = top_head.get_bottom()[1] - area.bottom - bottom_head.height - 0.9
    imp_box = _span(
        area.left, area.right, top_head.get_bottom()[1] - 0.15, top_head.get_bottom()[1] - 0.15 - 0.42 * room
    )
    implementation = _implementation_in(imp_box)
    divider_y = imp_box.bottom - 0.2
    divider = Line(
        np.array([area.left + 0.4, divider_y, 0.0]),
        np.array([area.right - 0.4, divider_y, 0.0]),
        color=COLORS["panel"],
        stroke_width=2,
    )
    bottom_head.move_to(np.array([0.0, divider_y - 0.2, 0.0]), aligned_edge=UP)
    rep_top, rep_bottom = bottom_head.get_bottom()[1] - 0.2, area.bottom
    latent_w, gap = 2.9, 0.95
    data = _span(area.left, area.right - latent_w - gap, rep_top, rep_bottom)
    cy, lh = (rep_top + rep_bottom) / 2, min(2.4, rep_top - rep_bottom)
    latent = _span(area.right - latent_w, area.right, cy + lh / 2, cy - lh / 2)
    layout = Layout(data, latent, latent, caption_y=0.0, portrait=True)
    representation = VGroup(_representation(layout, tight=True))
    return implementation, representation, VGroup(top_head, bottom_head, divider)


def _square_frame(area: Rect) -> tuple[VGroup, VGroup, VGroup]:
    """Implementation left, representation right with its latent panel above its data panel.

    The representation's column is the wider one: its data panel needs room
    for its title and M's label side by side.
    """
    gap = 0.15
    rep_w = 0.64 * (area.width - 2 * gap)
    split = area.right - rep_w - gap
    r0, r1 = area.right - rep_w, area.right
    implementation, headings, below = _side_by_side(area, split, gap, r0)
    latent = _span(r0, r1, below, below - 1.2)
    data = _span(r0, r1, latent.bottom - 0.6, area.bottom)
    layout = Layout(data, latent, latent, caption_y=0.0, portrait=True, stacked=True)
    representation = VGroup(_representation(layout, tight=True))
    return implementation, representation, headings


def closing_frame() -> tuple[VGroup, VGroup, VGroup]:
    """The two pictures, each in its part of the frame, with their headings.

    Returns ``(implementation, representation, headings)``. The representation
    is the trained picture with M faded by reliability and the latent density.
    """
    area = _free_area()
    if is_landscape():
        return _landscape_frame(area)
    return _portrait_frame(area) if is_portrait() else _square_frame(area)


class BothPictures(ChapterScene):
    """The network diagram and the representation picture, side by side."""

    chapter = 12
    title = N_("Both pictures")
    draws_network = True
    fades_out = False  # the last chapter: its closing frame ends the video

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run."""
        return (main_config_2d(),)

    def construct(self) -> None:
        self.next_section(self.title)
        implementation, representation, headings = closing_frame()

        # Side by side.
        self.caption(*_captioned(0))
        self.play(OpacityFade(representation), OpacityFade(implementation), run_time=1.5)
        self.play(FadeIn(headings))
        self.wait(2.0)
        self.caption(*_captioned(1))
        self.wait(3.5)
        self.caption(*_captioned(2))
        self.wait(4.0)
        self.key_frame()
