"""Chapter 6: M is reliable only where the data taught g.

The density of the latents is drawn on the latent line; M's opacity follows
the reliability, the density of reconstructions per unit length of M, and
fades smoothly where they are few. Decoders trained from other seeds agree
where the data is and disagree past it. Then the same lesson on two clusters
with a gap: M bridges the gap, the bridge fades while the clusters stay
bright, and the other seeds' bridges fan out exactly there.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, DrawBorderThenFill, FadeIn, LaggedStart, Text, VGroup
from scipy.spatial import cKDTree

from aecore import Run, TrainConfig
from scenes.animations.fade import FadeToReliability
from scenes.animations.opacity import OpacityFade
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.look.layout import Layout
from scenes.look.style import COLORS, text
from scenes.mobjects.curve import FadingCurve
from scenes.pictures.picture2d import Picture2D, PictureState
from scenes.runs import GAP_2D, gap_run_2d, main_config_2d
from scenes.story import snapped_picture

__all__ = [
    "ReliableWhereDense",
    "bridge_index",
    "bridge_note",
    "density_label",
    "gap_picture",
    "other_seed_curves",
]


def other_seed_curves(pic: Picture2D) -> VGroup:
    """The trained M of every other-seed decoder of ``pic``'s run (its ensemble), in the data panel."""
    others = VGroup()
    ensemble = pic.run.ensemble
    for m in () if ensemble is None else ensemble.manifolds:
        pts = pic.data_panel.to_scene(m)
        curve = FadingCurve(pts, COLORS["seeds"], stroke_width=2.5)
        curve.set_vertex_opacity(0.7 * pic.data_panel.contains(pts))
        others.add(curve)
    return others


def density_label(pic: Picture2D) -> Text:
    """The label of the latent density profile: beside the latent panel's title, or under it if too wide.

    The density plot is kept (and redrawn) under the label.
    """
    label = text(_("density of z"), "small", color=COLORS["latent"])
    axis = pic.latent_axis
    label.next_to(axis.title, RIGHT, buff=0.3)
    if label.get_right()[0] > axis.frame.get_right()[0] - 0.12:
        label.next_to(axis.title, direction=DOWN, aligned_edge=LEFT, buff=0.12)
    axis.make_room(label)
    pic.density.set_density(pic.state.latent_grid, pic.state.density)
    return label


def bridge_index(pic: Picture2D) -> int:
    """The vertex of ``pic``'s M, between the latents' ends, that lies farthest from every x_j."""
    s = pic.run.final
    u, z = s.latent_grid[:, 0], s.latents[:, 0]
    dist = cKDTree(pic.run.data).query(s.manifold)[0]
    return int(np.argmax(np.where((u >= z.min()) & (u <= z.max()), dist, -np.inf)))


def bridge_note(pic: Picture2D) -> Text:
    """The note "no data here" above or below M's bridge (:func:`bridge_index`), clear of the data."""
    at = pic.manifold.vertices[bridge_index(pic)]
    frame = pic.data_panel.frame
    lo, hi = frame.get_corner(DOWN + LEFT), frame.get_corner(UP + RIGHT)
    best: Text | None = None
    clearance = -np.inf
    for side in (UP, DOWN):
        for buff in (0.2, 0.45, 0.7):
            note = text(_("no data here"), "small", color=COLORS["manifold"]).next_to(at, side, buff=buff)
            a, b = note.get_corner(DOWN + LEFT), note.get_corner(UP + RIGHT)
            if np.any(a[:2] < lo[:2]) or np.any(b[:2] > hi[:2]):
                continue
            nearest = np.clip(pic.data_points, a, b)
            gap = float(np.min(np.linalg.norm(pic.data_points[:, :2] - nearest[:, :2], axis=1)))
            if gap > clearance + 0.05:  # a farther spot only if it clears the data visibly better
                best, clearance = note, gap
    return (
        best
        if best is not None
        else text(_("no data here"), "small", color=COLORS["manifold"]).next_to(at, UP)
    )


def _gap_bounds(run: Run) -> tuple[float, float, float, float]:
    """The data's box widened by a quarter on every side: M is clipped where it runs off past the data."""
    lo, hi = run.data.min(axis=0), run.data.max(axis=0)
    pad = 0.25 * (hi - lo)
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def gap_picture(layout: Layout | None = None) -> Picture2D:
    """The trained picture of :data:`scenes.runs.GAP_2D`: data, latents with their density, M, no loss.

    ``layout`` places its panels (default: the current frame's layout).
    """
    run = gap_run_2d()
    pic = Picture2D(run, layout=layout, bounds=_gap_bounds(run))
    pic.set_state(PictureState.of(run.final))
    pic.remove(pic.loss_inset, pic.x_ring, pic.x_label, pic.z_ring, pic.z_label)
    pic.add(pic.density, density_label(pic), pic.m_label)
    return pic


class ReliableWhereDense(ChapterScene):
    """The density of reconstructions on M, M fading where it is low, and other seeds' decoders."""

    chapter = 6
    title = N_("Reliable only where the data taught g")
    fade_seconds = 3.0

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run and the two clusters with a gap (each with its other-seed decoders)."""
        return (main_config_2d(), GAP_2D)

    def construct(self) -> None:
        self.next_section(self.title)
        pic = snapped_picture()
        self.add(pic)
        self.wait(0.5)

        # The density of the latents.
        self.vanish(pic, pic.residuals, pic.recon_dots, run_time=0.8)
        self.caption(_("Where do the latents z fall? Their density on the latent line"))
        label = density_label(pic)
        self.play(DrawBorderThenFill(pic.density), FadeIn(label), run_time=2.0)
        self.adopt(pic, pic.density, label)
        self.wait(1.0)

        # M fades where few reconstructions lie on it.
        self.caption(_("M fades where few reconstructions lie per unit of its length"))
        self.play(FadeToReliability(pic, run_time=self.fade_seconds))
        self.wait(2.0)
        self.caption(_("That is the density of z divided by g's stretch: no edge, no threshold"))
        self.wait(2.5)

        # Other seeds: agreement on the data, disagreement past it.
        self.caption(_("Decoders from other seeds agree on the data and disagree past it"))
        self.draw_other_seeds(pic)
        self.wait(2.5)
        self.caption(_("Past the data, g is guessing"))
        self.wait(2.0)

        # Two clusters with a gap: M bridges it.
        gap = gap_picture()
        self.caption(_("Two clusters with a gap: one curve M must cross it"))
        self.clear_stage()
        self.play(OpacityFade(gap), run_time=1.2)
        note = bridge_note(gap)
        self.play(FadeIn(note), run_time=0.8)
        self.adopt(gap, note)
        self.wait(2.0)

        # The bridge fades; the clusters stay bright.
        self.caption(_("Few reconstructions per unit of M on the bridge: it fades, the arcs stay bright"))
        self.play(FadeToReliability(gap, run_time=self.fade_seconds))
        self.wait(2.0)

        # The other seeds' bridges fan out exactly there.
        self.caption(_("Other seeds' decoders agree on the arcs and fan out on the bridge"))
        self.draw_other_seeds(gap)
        self.wait(2.5)
        self.caption(_("Two independent signals, one answer: between the clusters g only guesses"))
        self.wait(3.0)
        self.key_frame()

    def draw_other_seeds(self, pic: Picture2D) -> None:
        """Draw the other seeds' manifolds of ``pic``'s run one after another, as parts of ``pic``."""
        others = other_seed_curves(pic)
        if len(others):
            self.play(LaggedStart(*(Create(c) for c in others), lag_ratio=0.4), run_time=3.0)
            self.adopt(pic, others)
