"""Chapter 7: the same story for surfaces (n = 3, k = 2).

A latent panel (the plane R^2, fixed in the frame) shows the z_j, the latent
grid and, later, the density of the z_j as a heat map; a 3-D data panel shows
the x_j and the surface M = g(latent grid) under a slowly orbiting camera.
M unfolds over the training snapshots, each x̂_j lands on M along its
residual, and every face of M takes the opacity of the decoder's reliability
at the face's centre, so M fades where the latents are sparse.

The 3-D panel is drawn by one :class:`~scenes.mobjects.mesh.SurfaceView`
(numpy projection and depth sort, one pycairo pass). Setting the environment
variable ``AE_SURFACE_BACKEND=manim`` builds the same chapter with Manim's own
:class:`~manim.Surface`, its faces moved in place every frame: the baseline
of ``benchmarks/bench_surface.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from manim import (
    DL,
    LEFT,
    RIGHT,
    UL,
    UP,
    UR,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    Line,
    RoundedRectangle,
    Surface,
    VGroup,
)

from aecore import Run, TrainConfig
from scenes.animations.orbit import OrbitClock
from scenes.animations.timeline import SnapshotTimeline
from scenes.animations.timeline3d import (
    FadeDrawn,
    FadeSurfaceToReliability,
    Redraw,
    SnapOntoSurface,
)
from scenes.base import ChapterScene
from scenes.layout import Rect, content_area, current_layout, is_landscape, is_portrait
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.mobjects.loss_inset import LossInset
from scenes.mobjects.mesh import (
    FrameGeometry,
    LatentHeatMap,
    SurfaceView,
    face_average,
    face_centers,
    install_cairo_drawing,
)
from scenes.picture2d import PictureState
from scenes.projection import OrbitCamera, orbit_angles
from scenes.runs3d import MAIN_3D, main_run_3d
from scenes.style import COLORS, text

__all__ = [
    "BACKEND_ENV",
    "LatentPlane",
    "ManimSurfaceView",
    "PanelRects",
    "Picture3D",
    "SurfaceForms",
    "SurfaceLayout",
    "surface_layout",
    "view_box",
]

BACKEND_ENV = "AE_SURFACE_BACKEND"
"""Environment variable choosing the surface renderer: ``mesh`` (default) or ``manim``."""


class PanelRects(Protocol):
    """Where the 3-D picture's panels go: a :class:`SurfaceLayout` or a :class:`~scenes.layout.Layout`."""

    @property
    def data(self) -> Rect: ...

    @property
    def latent(self) -> Rect: ...

    @property
    def loss(self) -> Rect: ...


@dataclass(frozen=True)
class SurfaceLayout:
    """Where the 3-D picture's panels go: the data panel, the latent plane and the loss inset."""

    data: Rect
    latent: Rect
    loss: Rect


def surface_layout() -> SurfaceLayout:
    """The panels of the 3-D picture in the current frame.

    Landscape: the frame's layout (:func:`scenes.layout.current_layout`),
    the data panel left, the loss inset and the latent plane right. Portrait
    and square: the loss inset is a strip along the top (as wide as the
    frame, so its readouts stay clear of the curve); under it a portrait
    frame stacks the latent plane above the data panel, a square one puts
    the data panel left of the latent plane. Outside a landscape frame the
    panels keep to :func:`~scenes.columns.content_area`.
    """
    if is_landscape():
        lay = current_layout()
        return SurfaceLayout(lay.data, lay.latent, lay.loss)
    a, gap, strip = content_area(caption_gap=0.35), 0.2, 1.6
    loss = Rect(a.cx, a.top - strip / 2, a.width, strip)
    top = loss.bottom - gap
    if is_portrait():
        latent_h = 0.37 * (top - a.bottom - gap)
        latent = Rect(a.cx, top - latent_h / 2, a.width, latent_h)
        data_h = top - a.bottom - gap - latent_h
        return SurfaceLayout(Rect(a.cx, a.bottom + data_h / 2, a.width, data_h), latent, loss)
    h = top - a.bottom
    # The data panel is as tall as the square allows; wider would not make M any larger.
    data_w = 0.53 * (a.width - gap)
    latent_w = a.width - gap - data_w
    data = Rect(a.left + data_w / 2, a.bottom + h / 2, data_w, h)
    latent = Rect(a.right - latent_w / 2, a.bottom + h / 2, latent_w, h)
    return SurfaceLayout(data, latent, loss)


def _frame(rect: Rect) -> RoundedRectangle:
    return RoundedRectangle(
        corner_radius=0.15, width=rect.width, height=rect.height, stroke_color=COLORS["panel"], stroke_width=2
    ).move_to(rect.center)


def _corner_title(frame: RoundedRectangle, s: str) -> Any:
    t = text(s, "small", color=COLORS["muted"]).move_to(frame.get_corner(UL), aligned_edge=UL)
    return t.shift(0.12 * np.array([1.0, -1.0, 0.0]))


class LatentPlane(VGroup):
    """A framed latent plane R^2 with equal scale on both axes and axes through 0.

    Parameters
    ----------
    rect
        Where the panel sits.
    extent
        ``(u0, u1, v0, v1)``: the latent region that must be visible.
    title
        Small label in the top-left corner.
    """

    def __init__(self, rect: Rect, extent: tuple[float, float, float, float], title: str) -> None:
        super().__init__()
        self.rect = rect
        u0, u1, v0, v1 = extent
        self.frame = _frame(rect)
        self.title = _corner_title(self.frame, title)
        top = self.title.get_bottom()[1] - 0.08
        bottom = rect.bottom + 0.12
        self.plot_center = np.array([rect.cx, 0.5 * (top + bottom)])
        self.latent_center = np.array([(u0 + u1) / 2, (v0 + v1) / 2])
        self.scale_factor = min(0.9 * rect.width / (u1 - u0), (top - bottom) / (v1 - v0))
        self.bounds = (rect.left, rect.bottom, rect.right, rect.top)
        axes = VGroup()
        o = self.to_scene(np.zeros(2))
        a, b = self.to_scene(np.array([[u0, 0.0], [u1, 0.0]]))
        c, d = self.to_scene(np.array([[0.0, v0], [0.0, v1]]))
        axes.add(
            Line(a, b, color=COLORS["panel"], stroke_width=2),
            Line(c, d, color=COLORS["panel"], stroke_width=2),
        )
        axes.add(text("z₁", "small", color=COLORS["muted"]).next_to(b, UR, buff=0.02).shift(0.25 * LEFT))
        axes.add(
            text("z₂", "small", color=COLORS["muted"])
            .next_to(d, RIGHT, buff=0.06)
            .shift(0.1 * np.array([0, -1, 0]))
        )
        self.axes = axes
        self.origin = o
        self.add(self.frame, self.title, axes)

    def to_scene(self, z: np.ndarray) -> np.ndarray:
        """Latents ``(..., 2)`` -> scene points ``(..., 3)``."""
        z = np.asarray(z, dtype=np.float64)
        xy = (z - self.latent_center) * self.scale_factor + self.plot_center
        return np.concatenate([xy, np.zeros((*xy.shape[:-1], 1))], axis=-1)

    def to_latent(self, q: np.ndarray) -> np.ndarray:
        """Scene points ``(..., 3)`` -> latents ``(..., 2)``."""
        q = np.asarray(q, dtype=np.float64)
        return (q[..., :2] - self.plot_center) / self.scale_factor + self.latent_center


def view_box(run: Run, min_opacity: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """Centre and half-sizes ``(3,)`` of the data-space box the 3-D panel is fitted to.

    The box holds the data and every face of the trained M whose reliability
    is at least ``min_opacity``; M is clipped (smoothly) a little outside it.
    """
    s = run.final
    rel = face_average(s.reliability)
    centres = face_centers(s.manifold)[rel >= min_opacity]
    pts = np.vstack([run.data, centres])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return (lo + hi) / 2, (hi - lo) / 2


class ManimSurfaceView(VGroup):
    """The benchmark's baseline: the same picture drawn by Manim's :class:`~manim.Surface`.

    The surface has the same faces as :class:`SurfaceView`; every frame, each
    face's corners, colour and opacity are set in place from the same
    projection, shading and depth sort, and the faces are reordered back to
    front. The dots and residuals are drawn on top of the surface (Manim
    cannot interleave them with the faces of one group).
    """

    def __init__(self, camera: OrbitCamera, bounds: tuple[float, float, float, float], **kwargs: Any) -> None:
        super().__init__()
        self.core = SurfaceView(camera, bounds, **kwargs)
        g = 32
        self.surface = Surface(
            lambda u, v: np.array([u, v, 0.0]),
            u_range=(0, 1),
            v_range=(0, 1),
            resolution=(g, g),
            checkerboard_colors=False,
            fill_color=COLORS["manifold"],
            stroke_width=0.5,
            stroke_color=COLORS["manifold"],
        )
        self.faces = list(self.surface.submobjects)
        r = kwargs.get("dot_radius", 0.04)
        self.data_dots = DotCloud(np.zeros((1, 3)), r, COLORS["data"], 0.95)
        self.recon_dots = DotCloud(np.zeros((1, 3)), 0.9 * r, COLORS["recon"])
        self.residuals = SegmentBundle(np.zeros((1, 3)), np.zeros((1, 3)), COLORS["residual"], 1.5)
        self.add(self.surface, self.residuals, self.data_dots, self.recon_dots)
        self.alpha = 1.0

    def __getattr__(self, name: str) -> Any:
        if name in ("camera3d", "show_data", "show_recon", "vertices", "face_opacity", "recon_positions"):
            core = self.__dict__.get("core")
            if core is not None:
                return getattr(core, name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("show_data", "show_recon"):
            setattr(self.core, name, value)
        else:
            super().__setattr__(name, value)

    def set_camera(self, camera: OrbitCamera) -> ManimSurfaceView:
        self.core.set_camera(camera)
        self.refresh()
        return self

    def set_surface(
        self, vertices: np.ndarray, face_opacity: np.ndarray, grid: np.ndarray
    ) -> ManimSurfaceView:
        self.core.set_surface(vertices, face_opacity, grid)
        return self

    def set_data_points(
        self, data: np.ndarray, latents: np.ndarray, recon: np.ndarray, recon_fraction: float
    ) -> ManimSurfaceView:
        self.core.set_data_points(data, latents, recon, recon_fraction)
        return self

    def geometry(self) -> FrameGeometry:
        return self.core.geometry()

    def refresh(self) -> None:
        """Move every face, dot and segment to the current projection."""
        geo = self.core.geometry()
        z = np.zeros((4, 1))
        for k, face in enumerate(self.faces):
            corners = np.hstack([geo.face_xy[k], z])
            face.set_points_as_corners(np.vstack([corners, corners[:1]]))
            o = float(geo.face_opacity[k]) * self.alpha
            rgb = geo.face_rgb[k]
            face.set_fill(color="#{:02x}{:02x}{:02x}".format(*(int(255 * c) for c in rgb)), opacity=o)
            face.set_stroke(opacity=o)
        self.surface.submobjects = [self.faces[k] for k in geo.face_order]
        pad = np.zeros((len(geo.data_xy), 1))
        d3, r3 = np.hstack([geo.data_xy, pad]), np.hstack([geo.recon_xy, pad])
        if len(d3):
            self.data_dots.set_centers(d3)
            self.recon_dots.set_centers(r3)
            self.residuals.set_segments(d3, r3)
        self.data_dots.set_fill(opacity=0.95 * self.alpha * self.core.show_data)
        self.recon_dots.set_fill(opacity=self.alpha * self.core.show_recon)
        self.residuals.set_stroke(opacity=0.7 * self.alpha * self.core.show_recon)


class Picture3D(VGroup):
    """The representation picture for a k = 2 run in R^3.

    ``backdrop`` holds what never changes (panel frames, titles); add it,
    ``heatmap`` (the latents and their density) and ``loss_inset`` to the
    scene before the picture, so Manim keeps them in its static background
    while the picture (the 3-D view, whose camera orbits) is redrawn every
    frame; animations that change them list them with
    :class:`~scenes.animations.timeline3d.Redraw`.

    Parameters
    ----------
    run
        A run with data in R^3 and a 2-D latent space.
    layout
        Panel placement (default: :func:`surface_layout` of the current frame).
    backend
        ``"mesh"`` (:class:`SurfaceView`) or ``"manim"`` (:class:`ManimSurfaceView`).
    """

    uniform_opacity = 0.9
    """Opacity of every face before M fades to its reliability."""

    clip_margin = 0.35
    """M fades out over this fraction of the view box's size past the box."""

    def __init__(self, run: Run, layout: PanelRects | None = None, backend: str = "mesh") -> None:
        super().__init__()
        if run.data.shape[1] != 3 or run.final.latents.shape[1] != 2:
            raise ValueError("Picture3D shows runs with data in R^3 and a 2-D latent space")
        self.run = run
        self.layout = lay = layout or surface_layout()

        # The data panel and its camera.
        self.data_frame = _frame(lay.data)
        self.data_title = _corner_title(self.data_frame, "data space ℝ³")
        self.box_center, self.box_half = view_box(run)
        self.box_margin = self.clip_margin * float(self.box_half.max())
        self.orbit_time = 0.0
        az, el = orbit_angles(0.0)
        screen_center = lay.data.center[:2] + np.array([0.0, -0.03 * lay.data.height])
        radius = float(np.linalg.norm(self.box_half)) + self.box_margin
        cam = OrbitCamera(az, el, self.box_center, 1.0, screen_center, distance=4.5 * radius)
        cam = OrbitCamera(az, el, self.box_center, self._fit_scale(cam), screen_center, distance=4.5 * radius)
        inset = 0.03 * min(lay.data.width, lay.data.height)
        bounds = (
            lay.data.left + inset,
            lay.data.bottom + inset,
            lay.data.right - inset,
            lay.data.top - inset,
        )
        dot_r = 0.0065 * min(lay.data.width, lay.data.height)
        view_colors = {k: COLORS[k] for k in ("manifold", "data", "recon", "residual")}
        self.backend = backend
        self.view: SurfaceView | ManimSurfaceView
        if backend == "manim":
            self.view = ManimSurfaceView(cam, bounds, colors=view_colors, dot_radius=dot_r)
        else:
            self.view = SurfaceView(cam, bounds, view_colors, dot_radius=dot_r)

        # The latent panel.
        ext = np.array([[*s.latent_grid[0, 0], *s.latent_grid[-1, -1]] for s in run.snapshots])
        extent = (ext[:, 0].min(), ext[:, 2].max(), ext[:, 1].min(), ext[:, 3].max())
        self.latent_plane = LatentPlane(lay.latent, extent, "latent space ℝ²")
        self.heatmap = LatentHeatMap(
            self.latent_plane.to_scene,
            self.latent_plane.bounds,
            COLORS["latent"],
            COLORS["manifold"],
            dot_radius=0.9 * dot_r,
        )
        self.heatmap.density_alpha = 0.0
        self.loss_inset = LossInset(lay.loss, run.steps, run.losses)

        # Labels.
        self.m_label = text("M = g(ℝ²)", "label", color=COLORS["manifold"])
        self.m_label.move_to(self.data_frame.get_corner(UR), aligned_edge=UR).shift(
            0.15 * (LEFT + np.array([0, -1, 0]))
        )
        if self.m_label.get_left()[0] < self.data_title.get_right()[0] + 0.2:
            # The data panel is too narrow for both on one line: M's label goes under the title's line.
            self.m_label.shift((self.data_title.get_bottom()[1] - 0.08 - self.m_label.get_top()[1]) * UP)
        self.legend = self._legend(dot_r)
        self.backdrop = VGroup(self.data_frame, self.data_title, self.latent_plane)

        self.state = PictureState.of(run.snapshots[0])
        self.recon_fraction = 0.0
        self.reliability_blend = 0.0
        self.add(self.view)
        self.set_state(self.state)

    def _fit_scale(self, cam: OrbitCamera) -> float:
        """Scene units per data unit so that the view box fits the data panel at every orbit angle.

        The box is widened by a third of the clip margin; the rest of the
        fading rim may reach the panel's edge, where drawing is clipped.
        """
        h, m = self.box_half, self.box_margin / 3.0
        corners = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]) * (h + m)
        corners = corners + self.box_center
        ext = np.zeros(2)
        for t in np.linspace(0.0, 120.0, 121):
            xy, _ = cam.turned(*orbit_angles(t)).project(corners)
            ext = np.maximum(ext, np.abs(xy - cam.center).max(axis=0))
        r = self.layout.data
        return float(min(0.47 * r.width / ext[0], 0.44 * r.height / ext[1]))

    def _legend(self, dot_r: float) -> VGroup:
        entries = VGroup()
        for color, label in ((COLORS["data"], "data x"), (COLORS["recon"], "x̂ = g(f(x))")):
            dot = Circle(radius=1.4 * dot_r, color=color, fill_opacity=1.0, stroke_width=0)
            entries.add(VGroup(dot, text(label, "small", color=color).next_to(dot, RIGHT, buff=0.1)))
        entries.arrange(RIGHT, buff=0.35)
        corner = self.data_frame.get_corner(DL)
        return entries.move_to(corner, aligned_edge=DL).shift(0.18 * np.array([1.0, 1.0, 0.0]))

    # The state.

    def window(self, points: np.ndarray) -> np.ndarray:
        """1 inside the view box, falling smoothly to 0 at ``box_margin`` outside it."""
        d = np.abs(np.asarray(points, dtype=np.float64) - self.box_center) - self.box_half
        out = np.linalg.norm(np.maximum(d, 0.0), axis=-1) / self.box_margin
        x = np.clip(1.0 - out, 0.0, 1.0)
        return x * x * (3.0 - 2.0 * x)

    def face_opacity(self, state: PictureState | None = None, blend: float | None = None) -> np.ndarray:
        """Opacity of each face ``(G-1, G-1)``.

        ``(1 - blend) * uniform_opacity + blend * r``, where ``r`` is the
        reliability at the face's centre (the mean of its four vertices'),
        times :meth:`window` at the face's centre (1 inside the view box).
        """
        s = state or self.state
        b = self.reliability_blend if blend is None else blend
        rel = np.clip(face_average(s.reliability), 0.0, 1.0)
        return ((1.0 - b) * self.uniform_opacity + b * rel) * self.window(face_centers(s.manifold))

    def set_state(self, state: PictureState, recon_fraction: float | None = None) -> Picture3D:
        """Show ``state``: move M, the points, the latents and the density in place."""
        self.state = state
        if recon_fraction is not None:
            self.recon_fraction = recon_fraction
        self.view.set_surface(state.manifold, self.face_opacity(state), state.latent_grid)
        self.view.set_data_points(self.run.data, state.latents, state.recon, self.recon_fraction)
        if isinstance(self.view, ManimSurfaceView):
            self.view.refresh()
        self.heatmap.set_latents(state.latents)
        self.heatmap.set_density(state.latent_grid, state.density)
        return self

    def set_reliability_blend(self, blend: float) -> Picture3D:
        """Blend M's opacity between uniform (0) and the reliability (1)."""
        self.reliability_blend = float(blend)
        return self.set_state(self.state)

    def set_orbit_time(self, t: float) -> Picture3D:
        """Turn the camera to where the orbit is ``t`` seconds after it started."""
        self.orbit_time = float(t)
        self.view.set_camera(self.view.camera3d.turned(*orbit_angles(self.orbit_time)))
        return self

    def start_orbit(self) -> Picture3D:
        """Keep the camera orbiting while the picture is in a scene."""
        self.view.add_updater(OrbitClock(self))
        return self


def surface_backend() -> str:
    """The surface renderer chosen by :data:`BACKEND_ENV` (``mesh`` unless set to ``manim``)."""
    return "manim" if os.environ.get(BACKEND_ENV, "mesh").strip().lower() == "manim" else "mesh"


class SurfaceForms(ChapterScene):
    """The decoder's surface forming over a sheet of data, with x̂ snapping and M fading.

    Only the picture (the 3-D view, whose camera orbits) is redrawn every
    frame; panels, labels, captions and the loss inset are kept before it in
    the scene's list, so Manim draws them once into its static background
    (the loss inset and the latent heat map move only while training plays).
    """

    chapter = 7
    title = "The same story for surfaces"
    seconds_per_snapshot = 0.2
    snap_seconds = 3.0
    fade_seconds = 3.0

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 3-D run."""
        return (MAIN_3D,)

    def construct(self) -> None:
        self.next_section(self.title)
        install_cairo_drawing(self.camera)
        pic = Picture3D(main_run_3d(), backend=surface_backend())
        pic.start_orbit()
        pic.view.alpha = 0.0
        pic.view.show_recon = False
        self.add(pic.backdrop, pic.heatmap, pic)
        self.play(FadeDrawn(pic.view, target=1.0), FadeIn(pic.legend[0]), run_time=1.0)
        self.bring_to_back(pic.legend[0])

        self.say("One dimension up: data on a curved sheet in ℝ³, seen from a slowly turning camera")
        self.wait(1.0)

        # M before training, then training.
        self.say("With two latent dimensions, M = g(ℝ²) is a surface; untrained, g squeezes it into a speck")
        ring = self.speck_ring(pic)
        self.play(FadeIn(pic.m_label), FadeIn(pic.loss_inset), Create(ring), run_time=0.8)
        self.bring_to_back(pic.m_label, pic.loss_inset)
        self.wait(1.5)
        self.play(FadeOut(ring), run_time=0.4)
        self.say("Training: M unfolds over the sheet as the z spread over the plane")
        self.play(
            SnapshotTimeline(pic, seconds_per_snapshot=self.seconds_per_snapshot),
            Redraw(pic.loss_inset),
            Redraw(pic.heatmap),
        )
        self.wait(1.0)

        # The snap.
        self.say("Each x̂ = g(f(x)) lands on the surface; x stays just off it")
        pic.view.show_recon = True
        self.play(FadeIn(pic.legend[1]), run_time=0.5)
        self.bring_to_back(pic.legend[1])
        self.play(SnapOntoSurface(pic, run_time=self.snap_seconds))
        self.wait(1.5)

        # Density and reliability.
        self.say("The heat map shows where the latents z are dense")
        self.play(FadeDrawn(pic.heatmap, "density_alpha", 1.0, run_time=1.5))
        self.wait(1.0)
        self.say("Each face of M takes the reliability at its centre: M fades where z are sparse")
        self.play(FadeSurfaceToReliability(pic, run_time=self.fade_seconds))
        self.wait(1.5)
        self.say("The latent grid reaches past the data; out there g only guesses")
        self.wait(2.5)
        self.say("From every side: trust M only over the data")
        self.wait(3.5)
        self.key_frame()

    @staticmethod
    def speck_ring(pic: Picture3D) -> Circle:
        """A ring that follows the untrained M (a tiny patch) while the camera turns."""
        centre = np.asarray(pic.state.manifold, dtype=np.float64).reshape(-1, 3).mean(axis=0)
        ring = Circle(radius=0.3, color=COLORS["manifold"], stroke_width=3)
        ring.add_updater(lambda m: m.move_to(pic.view.camera3d.scene_points(centre)))
        return ring.move_to(pic.view.camera3d.scene_points(centre))

    def say(self, s: str | None) -> None:
        """:meth:`caption`, then move the caption to the back of the scene (into the static background)."""
        self.caption(s)
        if self._caption is not None:
            self.bring_to_back(self._caption)
