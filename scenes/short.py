"""The short: one idea in under a minute, for a vertical feed.

Not a cut of the lecture: its own storyboard, built from the same pictures
and the same real runs. At the default pace it lasts about 49 s with the
narration voice (about 46 s silent, where the captions' reading time sets the
pace); ``tests/test_short.py`` holds it to 45-60 s with the real voice.

======  =========  ============================================================
beat    about      what is on screen (the caption makes the point in words)
======  =========  ============================================================
hook    0-4 s      Frame 0 already shows the finished picture: the data, M
                   bright along the data and fading away from it, the
                   latents with their density. The first words make the
                   claim: past its data, an autoencoder is guessing.
network 4-8 s      The picture gives way to the usual diagram: the trained
                   network, drawn from its real weights.
trip    8-13 s     The network collapses into x -> z -> x̂ (f and g become
                   two arrows).
panels  13-18 s    The three nodes become points: x in the data plane, z on
                   the latent line, x̂ back in the plane; every x_j and z_j
                   appears.
m       18-22 s    M = g(R^1) is drawn as the untrained decoder's image, a
                   short curve that a ring points out.
forms   22-30 s    The training snapshots play and M unfolds onto the data.
snap    30-33 s    Every x̂ leaves its x and lands on M; x stays off M.
thin    33-40 s    The latents' density rises on the latent line; M fades
                   where it is low, past the sparse end of the data.
bridge  40-47 s    Two clusters with a gap (the run chapter 6 shows): M has
                   to cross the gap, and the bridge fades.
close   47-52 s    Back on the first frame's picture: trust M only where
                   your data is. The last frame is the first one without its
                   caption, so the loop starts again without a cut.
======  =========  ============================================================

The bridge needs two clusters: the main run (an arc, dense at one end and
thin at the other) shows M fading where the data thins, but it has no gap,
so the bridge beat shows :data:`scenes.runs.GAP_2D`, the same clusters as
chapter 6, in the same panels. Everything else is the main run
(:func:`scenes.runs.main_run_2d`): the one ``--config`` and ``--run-file``
replace, so a viewer's own run of points in R^2, or of vectors in R^D drawn
through its projection (:func:`~scenes.pictures.shadow.vector_captions`), with k = 1 plays here too.

Layout: the pictures and the burned-in captions (two lines at most, at the
caption size, "Tg" about 53 px high at 1080 px) stay inside
:func:`scenes.look.safe_areas.safe_rect` of the frame: in 9:16 the middle band left
free by every vertical feed's buttons and captions, in 1:1 inside X's and
LinkedIn's margins, in 16:9 inside the title-safe margins. Tall and square
areas stack the latent line above the data panel; wide ones put them side by
side.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import (
    DL,
    DOWN,
    DR,
    UL,
    UR,
    BackgroundRectangle,
    Circle,
    Create,
    DrawBorderThenFill,
    FadeIn,
    LaggedStart,
    Mobject,
    ReplacementTransform,
    VGroup,
)

from aecore import AecoreError, Run, TrainConfig, load_run
from scenes.animations.fade import FadeToReliability
from scenes.animations.opacity import OpacityFade
from scenes.animations.snap import SnapToManifold
from scenes.animations.timeline import SnapshotTimeline
from scenes.base import ChapterScene
from scenes.chapters.ch06_reliability import bridge_note, density_label, gap_picture
from scenes.i18n import N_, _
from scenes.look.layout import Layout, Rect
from scenes.look.safe_areas import safe_rect
from scenes.look.style import COLORS, fit_lines, text, wrap_units
from scenes.pictures.implementation import ImplementationPicture
from scenes.pictures.picture2d import Picture2D, PictureState
from scenes.pictures.roundtrip import RoundTrip
from scenes.pictures.shadow import is_vector_run, shadow_run, vector_captions
from scenes.runs import GAP_2D, main_config_2d, main_run_2d, run_file_kind, user_run_file

__all__ = [
    "CAPTIONS",
    "CAPTION_GAP",
    "MAX_CAPTION_LINES",
    "SocialShort",
    "clear_of_ticks",
    "data_bounds",
    "feed_caption",
    "finished_picture",
    "picture_area",
    "short_layout",
    "short_run",
    "untrained_ring",
]

CAPTIONS: dict[str, tuple[str, str | None]] = {
    "hook": (N_("Past its data, an autoencoder is only guessing"), None),
    "network": (N_("The usual picture: a network that squeezes x and rebuilds it"), None),
    "trip": (
        N_("Strip it down: x goes to z, then back out as x̂"),
        N_("Strip it down: x goes to z, then back out as x hat"),
    ),
    "panels": (N_("Now draw the spaces: x lives in the plane, z on a line"), None),
    "m": (N_("g turns the whole line into a curve: M = g(ℝ¹)"), N_("g turns the whole line into a curve, M")),
    "forms": (N_("Training bends M onto the data"), None),
    "snap": (
        N_("Every x̂ lands on M; the data x stays off it"),
        N_("Every x hat lands on M; the data x stays off it"),
    ),
    "thin": (N_("Where few points land on M, it fades: g is guessing there"), None),
    "gap": (N_("Two clusters with a gap: M must bridge it"), None),
    "bridge": (N_("No data on the bridge, so it fades"), None),
    "close": (N_("Trust M only where your data is"), None),
}
"""Every caption of the short by beat: its text and, where its symbols read badly, how it is spoken."""

MAX_CAPTION_LINES = 2
"""Most lines a caption of the short takes."""

_SHOWS = "points in R^2 or vectors in R^D (through their projection) with k = 1"  # for refusals

CAPTION_GAP = 0.12
"""Scene units between a caption and the edge of the safe area below it, and the pictures above it."""

_LINE_GAP = 0.12


def feed_caption(s: str, safe: Rect) -> Mobject:
    """The caption ``s`` in at most :data:`MAX_CAPTION_LINES` centred lines, at the bottom of ``safe``.

    The lines share the words out evenly (no lone last word) within the safe
    width; a caption too long for two lines is narrowed to fit, which the
    tests forbid for the short's own captions (their text would shrink).
    """
    width = safe.width - 0.1
    lines = fit_lines(*wrap_units(s), "caption", width, balance=True)
    stretch = 1.0
    while len(lines) > MAX_CAPTION_LINES:
        stretch += 0.1
        lines = fit_lines(*wrap_units(s), "caption", stretch * width, balance=True)
    cap = VGroup(*(text(line, "caption") for line in lines)).arrange(DOWN, buff=_LINE_GAP)
    if cap.width > width:
        cap.scale_to_fit_width(width)
    return cap.move_to(np.array([safe.cx, safe.bottom + CAPTION_GAP + cap.height / 2, 0.0]))


def caption_band_height() -> float:
    """The height of a caption of :data:`MAX_CAPTION_LINES` lines."""
    line = text("Tg", "caption").height
    return MAX_CAPTION_LINES * line + (MAX_CAPTION_LINES - 1) * _LINE_GAP


def picture_area(safe: Rect | None = None) -> Rect:
    """The part of the safe area above the caption band: where the short's pictures go."""
    safe = safe or safe_rect()
    bottom = safe.bottom + 2 * CAPTION_GAP + caption_band_height() + 0.1
    top = safe.top - 0.08
    left, right = safe.left + 0.05, safe.right - 0.05
    return Rect((left + right) / 2, (top + bottom) / 2, right - left, top - bottom)


def _span(left: float, right: float, top: float, bottom: float) -> Rect:
    return Rect((left + right) / 2, (top + bottom) / 2, right - left, top - bottom)


def short_layout(area: Rect) -> Layout:
    """The panels of the representation picture in ``area`` (no loss inset).

    Wide areas (16:9) put the data panel left and the latent line right; tall and
    square ones stack the latent line on top of the data panel, with the
    arrows f and g between them.
    """
    if area.width >= 1.5 * area.height:
        split = area.left + 0.62 * area.width
        data = _span(area.left, split, area.top, area.bottom)
        lh = min(2.6, area.height)
        latent = _span(split + 0.11 * area.width, area.right, area.cy + lh / 2, area.cy - lh / 2)
        return Layout(data, latent, latent, caption_y=area.bottom, portrait=False)
    row = min(0.245 * area.height, 1.9)
    latent = _span(area.left, area.right, area.top, area.top - row)
    data = _span(area.left, area.right, latent.bottom - min(0.11 * area.height, 0.8), area.bottom)
    return Layout(data, latent, latent, caption_y=area.bottom, portrait=True, stacked=True)


def short_run() -> Run:
    """The main 2-D run (:func:`scenes.runs.main_run_2d`), checked to be one the short can show.

    Raises
    ------
    AecoreError
        One line: the viewer's run file holds images, or the main run is not
        :data:`_SHOWS`, or it has no MLP weights for the network.
    """
    path = user_run_file()
    if path is not None:
        own = load_run(path)
        if own.image_shape is not None or run_file_kind(path) != "2d":  # images, or k = 2 vectors
            what = "images" if own.image_shape is not None else f"vectors in R^{own.data.shape[1]} with k = 2"
            raise AecoreError(f"{path}: holds {what}; the short shows {_SHOWS}")
    run = main_run_2d()
    n, k = run.data.shape[1], run.final.latents.shape[1]
    if k != 1 or (n != 2 and not is_vector_run(run)):
        what = "vectors" if is_vector_run(run) else "points"
        raise AecoreError(f"{run.source}: holds {what} in R^{n} with k = {k}; the short shows {_SHOWS}")
    run.require_weights("the short's network diagram")
    return run


def data_bounds(run: Run) -> tuple[float, float, float, float]:
    """The data's box widened by a quarter on every side: the part of data space the short shows.

    M past that is clipped: it has faded long before (a phone's small
    panel spends its pixels on the data, not on M's far ends). A vector
    run's box is that of its shadow (:func:`scenes.pictures.shadow.shadow_run`).
    """
    data = shadow_run(run).data
    lo, hi = data.min(axis=0), data.max(axis=0)
    pad = 0.25 * (hi - lo)
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def clear_of_ticks(pic: Picture2D) -> None:
    """Shrink the ring around z, if need be, to keep it between the latent line and its tick labels."""
    axis = pic.latent_axis
    labels = [m for m in axis.ticks if m.height > 0 and m.get_top()[1] < axis.y - 0.05]
    if not labels:
        return
    room = axis.y - max(float(m.get_top()[1]) for m in labels) - 0.02
    if pic.z_ring.height / 2 > room > 0:
        pic.z_ring.scale(room / (pic.z_ring.height / 2))


def untrained_ring(pic: Picture2D) -> Circle:
    """A ring around ``pic``'s M as it is now (untrained, a short curve), kept inside the data panel.

    The ring also encloses x̂'s label (x̂ lies on M, so its label is near),
    rather than running through it.
    """
    verts = pic.manifold.vertices
    panel = pic.data_panel.rect
    centre = verts.mean(axis=0)
    label = pic.xhat_label
    corners = np.array([label.get_corner(c) for c in (UL, UR, DL, DR)])
    reach = float(np.linalg.norm(corners[:, :2] - centre[:2], axis=1).max()) + 0.08
    most = 0.45 * min(panel.width, panel.height)
    radius = min(max(0.3, 0.6 * float(np.ptp(verts[:, :2], axis=0).max()), reach), most)
    centre[0] = np.clip(centre[0], panel.left + radius + 0.05, panel.right - radius - 0.05)
    centre[1] = np.clip(centre[1], panel.bottom + radius + 0.05, panel.top - radius - 0.05)
    return Circle(radius=radius, color=COLORS["manifold"]).move_to(centre)


def finished_picture(run: Run, layout: Layout) -> Picture2D:
    """The trained picture: the data, M faded by its reliability, the latents and their density.

    The short's first and last frame: it opens on it and comes back to it.
    """
    pic = Picture2D(run, layout=layout, bounds=data_bounds(run))
    pic.set_state(PictureState.of(pic.run.final))
    pic.remove(pic.loss_inset, pic.x_ring, pic.x_label, pic.z_ring, pic.z_label)
    pic.add(pic.density, density_label(pic), pic.m_label)
    pic.set_manifold_opacity(pic.state.reliability)
    return pic


class SocialShort(ChapterScene):
    """The short for the feed: the two pictures of an autoencoder, and where to trust M.

    Not one of the explainer's chapters (:data:`scenes.chapters.SCENES_IN_ORDER`);
    it reads the same settings (theme, captions, pace, run, narration) and is
    rendered with ``manim`` like them, in any aspect (9:16 first).

    ``beat_probe``, when set, is called at every beat's key frame with the
    scene and the beat's name (the tests audit the frame there).
    """

    chapter = 0
    title = N_("The short")
    draws_network = True
    fades_out = False  # feeds loop: the last frame leads back into the first
    seconds_per_snapshot = 0.22
    beat_probe: Callable[[SocialShort, str], None] | None = None

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run and the two clusters with a gap."""
        return (main_config_2d(), GAP_2D)

    def setup(self) -> None:
        super().setup()
        self.safe = safe_rect()
        self.beats: list[tuple[str, float]] = []

    def make_caption(self, s: str) -> Mobject:
        """The caption at the bottom of the safe area, in one or two lines."""
        return feed_caption(s, self.safe)

    def say_beat(self, beat: str, fade_in: bool = True) -> None:
        """Show the caption of ``beat`` (:data:`CAPTIONS`; a vector run's own, :func:`vector_captions`)."""
        text, spoken = CAPTIONS[beat]
        own: dict[str, tuple[str, str | None]] = {**vector_captions(main_run_2d())}
        self.caption(*own.get(beat, (_(text), _(spoken) if spoken else None)), fade_in=fade_in)

    def beat(self, name: str) -> None:
        """Mark beat ``name``'s key frame: its fullest moment."""
        self.beats.append((name, self.now))
        probe = type(self).beat_probe
        if probe is not None:
            probe(self, name)

    def construct(self) -> None:
        self.next_section(self.title)
        run = short_run()
        area = picture_area(self.safe)
        layout = short_layout(area)

        # Hook: the finished picture is on screen at frame 0, and the first words make the claim.
        hook = finished_picture(run, layout)
        self.add(hook)
        self.say_beat("hook", fade_in=False)
        self.beat("hook")
        self.wait(3.0)

        # The usual picture: the network, from its real weights.
        net_rect = Rect(area.cx, area.cy, area.width - 1.6, min(area.height - 1.4, 0.7 * (area.width - 1.6)))
        imp = ImplementationPicture(run, rect=net_rect, label_kind="small", vertical=False)
        net = imp.network
        net.set_activations(imp.values)
        self.say_beat("network")
        self.play(OpacityFade(hook, fade_in=False), OpacityFade(net), run_time=1.2)
        self.beat("network")
        self.wait(1.0)

        # It collapses into x -> z -> x̂.
        line = RoundTrip(imp, bent=False)
        self.say_beat("trip")
        collapse, halves = line.collapse(imp)
        self.play(*collapse, run_time=1.6)
        labels = (line.f_label, line.g_label, line.x_label, line.z_label, line.xhat_label)
        self.play(*(FadeIn(m) for m in labels), run_time=0.6)
        self.remove(*halves)
        self.add(line)
        self.beat("trip")
        self.wait(0.5)

        # The nodes become points in the two spaces; every x_j and z_j appears.
        pic = Picture2D(run, layout=layout, bounds=data_bounds(run))
        clear_of_ticks(pic)
        for label in (pic.x_label, pic.xhat_label):  # the dots are packed close in a phone's panel
            if not any(isinstance(m, BackgroundRectangle) for m in label.get_family()):
                label.add_background_rectangle(color=COLORS["background"], opacity=0.85, buff=0.04)
        pic.set_state(PictureState.of(pic.run.snapshots[0]), recon_fraction=0.0)
        pic.remove(pic.loss_inset, pic.manifold)
        pic.add(pic.xhat_dot, pic.xhat_label)
        self.say_beat("panels")
        pairs = (
            (line.x_node, pic.x_ring),
            (line.z_node, pic.z_ring),
            (line.xhat_node, pic.xhat_dot),
            (line.f_arrow, pic.f_arrow),
            (line.g_arrow, pic.g_arrow),
            (line.f_label, pic.f_label),
            (line.g_label, pic.g_label),
            (line.x_label, pic.x_label),
            (line.z_label, pic.z_label),
            (line.xhat_label, pic.xhat_label),
        )
        self.play(
            FadeIn(pic.data_panel),
            FadeIn(pic.latent_axis),
            *(ReplacementTransform(a, b) for a, b in pairs),
            run_time=2.0,
        )
        self.remove(line)
        self.play(LaggedStart(FadeIn(pic.data_dots), FadeIn(pic.latent_dots), lag_ratio=0.5), run_time=1.2)
        self.remove(*(b for _, b in pairs))
        self.add(pic)
        self.beat("panels")

        # M = g(R^1), untrained; then training bends it onto the data.
        self.say_beat("m")
        self.play(Create(pic.manifold), FadeIn(pic.m_label), run_time=1.2)
        self.adopt(pic, pic.manifold, pic.m_label)
        self.bring_to_front(pic.x_ring, pic.x_label, pic.xhat_dot, pic.xhat_label)
        ring = untrained_ring(pic)  # untrained, M is a short curve: a ring shows where it is
        self.play(Create(ring), run_time=0.6)
        self.beat("m")
        self.wait(0.5)
        self.say_beat("forms")
        self.play(OpacityFade(ring, fade_in=False), run_time=0.3)
        self.play(SnapshotTimeline(pic, seconds_per_snapshot=self.seconds_per_snapshot))
        self.beat("forms")

        # x̂ lands on M; x does not.
        self.say_beat("snap")
        pic.show_reconstructions()
        self.play(SnapToManifold(pic, run_time=2.0))
        self.beat("snap")
        self.wait(0.6)

        # M fades where the latents are thin.
        self.say_beat("thin")
        self.vanish(
            pic,
            pic.residuals,
            pic.recon_dots,
            pic.x_ring,
            pic.x_label,
            pic.xhat_dot,
            pic.xhat_label,
            pic.z_ring,
            pic.z_label,
        )
        label = density_label(pic)
        self.play(DrawBorderThenFill(pic.density), FadeIn(label), run_time=1.2)
        self.adopt(pic, pic.density, label)
        self.play(FadeToReliability(pic, run_time=2.0))
        self.beat("thin")
        self.key_frame()

        # Two clusters with a gap: M bridges it, and the bridge fades.
        gap = gap_picture(layout)
        self.say_beat("gap")
        self.play(LaggedStart(OpacityFade(pic, fade_in=False), OpacityFade(gap), lag_ratio=0.6), run_time=1.4)
        note = bridge_note(gap)
        self.play(FadeIn(note), run_time=0.6)
        self.adopt(gap, note)
        self.beat("gap")
        self.say_beat("bridge")
        self.play(FadeToReliability(gap, run_time=3.0))
        self.beat("bridge")
        self.wait(1.0)

        # Back on the first frame's picture: the loop closes.
        close = finished_picture(run, layout)
        self.say_beat("close")
        self.play(
            LaggedStart(OpacityFade(gap, fade_in=False), OpacityFade(close), lag_ratio=0.6), run_time=1.4
        )
        self.beat("close")
        self.wait(2.0)
