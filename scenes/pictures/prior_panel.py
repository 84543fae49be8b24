"""One run's data and trained M in R^3 under an orbiting camera, and the verdict under it.

A :class:`PriorPanel` shows M as a curve for k = 1 and as a surface for
k = 2, whatever the data; :func:`prior_rects` places two of them (side by side,
or stacked in a portrait frame) with room under each for its verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, Circle, Mobject, VGroup

from aecore import Run
from scenes.i18n import N_, _
from scenes.look.layout import Rect, content_area
from scenes.look.projection import OrbitCamera, OrbitClock, orbit_angles
from scenes.look.style import COLORS, fit_lines, text
from scenes.look.theme import Theme, in_own_theme, themed
from scenes.mesh_math import face_average, face_centers
from scenes.mobjects.curve3d import CurveView
from scenes.mobjects.panels import panel_frame
from scenes.mobjects.surface_view import SurfaceView
from scenes.pictures.columns import line_block, two_cells

__all__ = [
    "HELIX_VERDICT",
    "SHEET_VERDICT",
    "VERDICT_BUFF",
    "VERDICT_MIN_SCALE",
    "PriorPanel",
    "box_window",
    "prior_rects",
    "verdict_block",
]


SHEET_VERDICT = ("k = 1  →  M = g(ℝ¹)", N_("is a curve"))
"""The line under the sheet's panel, in parts that may go on lines of their own."""

HELIX_VERDICT = ("k = 2  →  M = g(ℝ²)", N_("is a surface"))
"""The line under the helix's panel, in parts that may go on lines of their own."""

VERDICT_BUFF = 0.14
"""Gap between a panel and its verdict (scene units)."""

VERDICT_MIN_SCALE = 0.85
"""A verdict scaled below this to fit on one line goes on two instead."""


def verdict_block(parts: Sequence[str], width: float) -> VGroup:
    """A verdict in M's colour under a panel ``width`` wide.

    ``parts`` go on one line, scaled down a little if need be; if the line
    would lose more than :data:`VERDICT_MIN_SCALE` of its size, they go on
    lines of their own.
    """
    parts = [_(p) for p in parts]  # the words in the language in force; the formula as it is
    line = " ".join(parts)
    typeset = text(line, "label")
    fits = 0.96 * width >= VERDICT_MIN_SCALE * typeset.width
    lines = [line] if fits else fit_lines(parts, " ", "label", 0.96 * width, typeset=typeset)
    return line_block(lines, "label", 0.96 * width, color=COLORS["manifold"])


def prior_rects(verdicts: Sequence[Sequence[str]] = (SHEET_VERDICT, HELIX_VERDICT)) -> tuple[Rect, Rect]:
    """The two panels: side by side in a landscape or square frame, stacked in a portrait one.

    The panels keep to :func:`~scenes.look.layout.content_area` and leave room
    under each for its verdict (``verdicts``, first panel's first).
    """
    cells = two_cells(content_area(caption_gap=0.35), gap=0.3)
    rects = []
    for cell, parts in zip(cells, verdicts, strict=True):
        bottom = cell.bottom + verdict_block(parts, cell.width).height + VERDICT_BUFF
        rects.append(Rect(cell.cx, (cell.top + bottom) / 2, cell.width, cell.top - bottom))
    return rects[0], rects[1]


def box_window(points: np.ndarray, center: np.ndarray, half: np.ndarray, margin: float) -> np.ndarray:
    """1 inside the box ``center ± half``, falling smoothly to 0 at ``margin`` outside it."""
    d = np.abs(np.asarray(points, dtype=np.float64) - center) - half
    out = np.linalg.norm(np.maximum(d, 0.0), axis=-1) / margin
    x = np.clip(1.0 - out, 0.0, 1.0)
    return np.asarray(x * x * (3.0 - 2.0 * x))


class PriorPanel(VGroup):
    """One run's data and trained M in R^3, seen by a slowly orbiting camera.

    M is a :class:`CurveView` polyline for k = 1 and a :class:`SurfaceView`
    mesh for k = 2, whatever the data. ``backdrop`` (frame and title) never
    changes: add it to the scene before the panel, so that Manim keeps it in
    its static background while the view is redrawn every frame.

    Parameters
    ----------
    run
        A run with data in R^3 and k = 1 or 2; its last snapshot is shown.
    rect
        Where the panel sits.
    title
        Small label in the top-left corner; given as parts, they go on lines
        of their own if the panel is too narrow for one line.
    azimuth0, elevation0
        Azimuth and mean elevation (radians) of the camera when the orbit starts.
    orbit_speed
        Degrees per second the camera turns.
    """

    curve_opacity = 1.0
    """Opacity of a curve M inside the data's box."""

    surface_opacity = (0.12, 0.78)
    """Opacity of a surface M inside the data's box where the decoder's reliability is 0 and 1.

    Translucent, so that the points behind it show through; brighter where the
    latents are dense, so the part of M the data pins down stands out.
    """

    surface_reach = (0.14, 0.22)
    """A surface M fades out between these latent distances from the nearest z_j.

    As fractions of the largest such distance in the data's box: M stays
    where it holds the data, and does not fill the panel with folds the
    decoder only guesses.
    """

    surface_depth_cue = 0.7
    """How much fainter the back of a surface M is than its front (see :class:`SurfaceView`)."""

    surface_line_opacity = (0.35, 1.0)
    """Opacity of a surface M's grid lines and outline where the decoder's reliability is 0 and 1.

    The grid lines are lines of constant z_1 or z_2 mapped by g. Every face
    draws them, and apart from the faint fill: where g stretches a small
    patch of latents over a wide fold, they spread apart, so the fold reads
    as a stretched net and not as a haze.
    """

    surface_line_tint = (0.35, 0.6)
    """How far a surface M's grid and outline are mixed towards the text colour (see :class:`SurfaceView`):
    lines lighter than M on a dark background read as a surface's shape, not as shadows in a haze."""

    clip_margin = 0.35
    """M fades out over this fraction of the data box's largest half-size past the box."""

    orbit_seconds = 25.0
    """The camera is fitted to every angle of the orbit's first ``orbit_seconds``."""

    @themed
    def __init__(
        self,
        run: Run,
        rect: Rect,
        title: str | Sequence[str],
        azimuth0: float = np.radians(-60.0),
        elevation0: float = np.radians(24.0),
        orbit_speed: float = 5.0,
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        s = run.final
        if run.data.shape[1] != 3 or s.latents.shape[1] not in (1, 2):
            raise ValueError("PriorPanel shows runs with data in R^3 and k = 1 or 2")
        self.run = run
        self.k = int(s.latents.shape[1])
        self.rect = rect
        parts = [title] if isinstance(title, str) else list(title)
        self.frame, self.title = panel_frame(
            rect, "\n".join(fit_lines(parts, " ", "small", rect.width - 0.3))
        )
        self.backdrop = VGroup(self.frame, self.title)
        lo, hi = run.data.min(axis=0), run.data.max(axis=0)
        self.box_center, self.box_half = (lo + hi) / 2, (hi - lo) / 2
        self.box_margin = self.clip_margin * float(self.box_half.max())
        self.azimuth0, self.elevation0, self.orbit_speed = (
            float(azimuth0),
            float(elevation0),
            float(orbit_speed),
        )
        self.orbit_time = 0.0

        top = self.title.get_bottom()[1] - 0.05
        screen_center = np.array([rect.cx, 0.5 * (top + rect.bottom)])
        radius = float(np.linalg.norm(self.box_half)) + self.box_margin
        az, el = self.angles(0.0)
        cam = OrbitCamera(az, el, self.box_center, 1.0, screen_center, distance=4.5 * radius)
        cam = OrbitCamera(az, el, self.box_center, self._fit_scale(cam, top), screen_center, cam.distance)
        inset = 0.03 * min(rect.width, rect.height)
        bounds = (rect.left + inset, rect.bottom + inset, rect.right - inset, top)  # under the title
        self.dot_radius = 0.0075 * min(rect.width, rect.height)

        self.view: CurveView | SurfaceView
        if self.k == 1:
            curve = CurveView(cam, bounds, dot_radius=self.dot_radius)
            curve.set_curve(s.manifold, self.curve_opacity * self.window(s.manifold), s.latent_grid)
            self.view = curve
        else:
            surface = SurfaceView(cam, bounds, dot_radius=self.dot_radius)
            surface.depth_cue, surface.line_tint = self.surface_depth_cue, self.surface_line_tint
            surface.grid_line_width = 0.25 * self.dot_radius  # the grid reads at a panel's scale
            # Faces grow out of the latents: each face's latent distance to the nearest z_j, in [0, 1].
            centres = face_average(s.latent_grid)
            d = np.linalg.norm(centres[..., None, :] - s.latents[None, None, :, :], axis=-1).min(axis=-1)
            o0, o1 = self.surface_opacity
            rel = np.clip(face_average(s.reliability), 0.0, 1.0)
            window = self.window(face_centers(s.manifold))
            base = (o0 + (o1 - o0) * rel) * window
            reach = d / max(float(d[base > 0.01].max(initial=0.0)), 1e-12)
            r0, r1 = self.surface_reach
            x = np.clip((r1 - reach) / (r1 - r0), 0.0, 1.0)
            fade = x * x * (3.0 - 2.0 * x)
            l0, l1 = self.surface_line_opacity
            self._face_base = base * fade
            self._line_base = (l0 + (l1 - l0) * rel) * window * fade
            self._face_reach = reach
            surface.set_surface(s.manifold, self._face_base, s.latent_grid)
            surface.line_opacity = self._line_base
            self.view = surface
        self.view.set_data_points(run.data, s.latents, s.recon, 0.0)
        self._growth = 1.0
        self.add(self.view)

    # Camera.

    def angles(self, t: float) -> tuple[float, float]:
        """Azimuth and elevation of the camera ``t`` seconds into the orbit."""
        return orbit_angles(
            t, azimuth0=self.azimuth0, degrees_per_second=self.orbit_speed, elevation0=self.elevation0
        )

    def _fit_scale(self, cam: OrbitCamera, top: float) -> float:
        """Scene units per data unit so that the data fill the panel at every angle of the orbit.

        Fitted to the data points themselves, not their box, whose corners
        lie far outside a curved sheet or a helix; M is clipped to the panel.
        """
        ext = np.zeros(2)
        for t in np.linspace(0.0, self.orbit_seconds, 51):
            xy, _ = cam.turned(*self.angles(float(t))).project(self.run.data)
            ext = np.maximum(ext, np.abs(xy - cam.center).max(axis=0))
        return float(min(0.47 * self.rect.width / ext[0], 0.47 * (top - self.rect.bottom) / ext[1]))

    def set_orbit_time(self, t: float) -> PriorPanel:
        """Turn the camera to where the orbit is ``t`` seconds after it started."""
        self.orbit_time = float(t)
        self.view.set_camera(self.view.camera3d.turned(*self.angles(self.orbit_time)))
        return self

    def start_orbit(self) -> PriorPanel:
        """Keep the camera orbiting while the panel is in a scene."""
        self.view.add_updater(OrbitClock(self))
        return self

    # M.

    def window(self, points: np.ndarray) -> np.ndarray:
        """1 inside the data's box, falling smoothly to 0 at ``box_margin`` outside it."""
        return box_window(points, self.box_center, self.box_half, self.box_margin)

    @property
    def growth(self) -> float:
        """How much of M is shown (0 to 1): a curve drawn on from one end, a surface grown out of the data."""
        return self._growth

    @growth.setter
    def growth(self, g: float) -> None:
        self._growth = float(np.clip(g, 0.0, 1.0))
        if isinstance(self.view, CurveView):
            self.view.drawn_fraction = self._growth
            return
        w = 0.25
        x = np.clip((self._growth * (1.0 + w) - self._face_reach) / w, 0.0, 1.0)
        shown = x * x * (3.0 - 2.0 * x)
        self.view.face_opacity = self._face_base * shown
        self.view.line_opacity = self._line_base * shown

    @property
    def m_vertices(self) -> np.ndarray:
        """The vertices of M as drawn: ``(G, 3)`` for a curve, ``(G, G, 3)`` for a surface."""
        return np.asarray(self.view.vertices)

    # Labels.

    @in_own_theme
    def verdict(self, parts: Sequence[str]) -> Mobject:
        """A line under the panel in M's colour; its ``parts`` go on lines of their own if it is too wide."""
        return verdict_block(parts, self.rect.width).next_to(self.frame, DOWN, buff=VERDICT_BUFF)

    @in_own_theme
    def legend(self) -> VGroup:
        """Data and reconstruction dots, named, under the panel's title."""
        entries = VGroup()
        for color, label in ((COLORS["data"], "x"), (COLORS["recon"], "x̂ = g(f(x))")):
            dot = Circle(radius=1.6 * self.dot_radius, color=color, fill_opacity=1.0, stroke_width=0)
            entries.add(VGroup(dot, text(label, "small", color=color).next_to(dot, RIGHT, buff=0.08)))
        entries.arrange(RIGHT, buff=0.3)
        entries.next_to(self.title, DOWN, buff=0.12, aligned_edge=LEFT)
        left, bottom, right, _ = self.view.clip_bounds
        self.view.clip_bounds = (left, bottom, right, entries.get_bottom()[1] - 0.05)  # M keeps off it
        return entries
