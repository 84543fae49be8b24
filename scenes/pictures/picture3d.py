"""The representation picture for a k = 2 run in R^3: a 3-D data panel, the latent plane, the loss.

The data panel shows the x_j and the surface M = g(latent grid) under a slowly
orbiting camera, drawn by one :class:`~scenes.mobjects.surface_view.SurfaceView`
(numpy projection and depth sort, one pycairo pass) or by any subclass of it
given as ``view_class``. Every face of M takes an opacity between a uniform
one and the decoder's reliability at the face's centre, and fades smoothly
outside the box the view is fitted to.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, UR, Circle, VGroup, VMobject

from aecore import Run
from scenes.i18n import _
from scenes.look.layout import Rect
from scenes.look.projection import OrbitCamera, OrbitClock, orbit_angles
from scenes.look.style import COLORS, fit_lines, text, wrap_units
from scenes.look.theme import Theme, themed
from scenes.mesh_math import face_average, face_centers
from scenes.mobjects.heat_map import LatentHeatMap
from scenes.mobjects.latent_plane import LatentPlane
from scenes.mobjects.loss_inset import LossInset
from scenes.mobjects.panels import panel_frame
from scenes.mobjects.surface_view import SurfaceView
from scenes.pictures.layout3d import PanelRects, surface_layout
from scenes.pictures.shadow import shadow_run, space_label_lines
from scenes.pictures.state import PictureState

__all__ = ["Picture3D", "box_window", "fitted_scale", "highlight_subset", "view_box", "view_points"]


def view_points(run: Run, min_opacity: float = 0.15) -> np.ndarray:
    """The data, and the centre of every face of the trained M with reliability at least ``min_opacity``."""
    s = run.final
    rel = face_average(s.reliability)
    return np.vstack([run.data, face_centers(s.manifold)[rel >= min_opacity]])


def view_box(run: Run, min_opacity: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """Centre and half-sizes ``(3,)`` of the data-space box the 3-D panel is fitted to.

    The box holds :func:`view_points`; M is clipped (smoothly) a little outside it.
    """
    pts = view_points(run, min_opacity)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return (lo + hi) / 2, (hi - lo) / 2


def box_window(points: np.ndarray, center: np.ndarray, half: np.ndarray, margin: float) -> np.ndarray:
    """1 inside the box ``center ± half``, falling smoothly to 0 at ``margin`` outside it."""
    d = np.abs(np.asarray(points, dtype=np.float64) - center) - half
    out = np.linalg.norm(np.maximum(d, 0.0), axis=-1) / margin
    x = np.clip(1.0 - out, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def fitted_scale(
    cam: OrbitCamera, points: np.ndarray, rect: Rect, angles: Iterable[tuple[float, float]]
) -> float:
    """Scene units per data unit so that ``points``, seen by ``cam`` at each of ``angles``, fit ``rect``."""
    ext = np.zeros(2)
    for az, el in angles:
        xy, _ = cam.turned(az, el).project(points)
        ext = np.maximum(ext, np.abs(xy - cam.center).max(axis=0))
    return float(min(0.47 * rect.width / ext[0], 0.46 * rect.height / ext[1]))


def highlight_subset(run: Run, n: int = 18) -> np.ndarray:
    """Indices of ``n`` data points whose residuals are drawn thick: x visibly off M.

    Among the quarter of the data with the longest final residuals, ``n``
    spread over the data (farthest-point sampling, starting from the
    longest residual), so the highlighted residuals do not bunch up.
    """
    resid = np.linalg.norm(run.data - np.asarray(run.final.recon, dtype=np.float64), axis=1)
    pool = np.argsort(-resid, kind="stable")[: max(n, len(resid) // 4)]
    pts = run.data[pool]
    chosen = [0]
    dist = np.linalg.norm(pts - pts[0], axis=1)
    while len(chosen) < min(n, len(pool)):
        k = int(np.argmax(dist))
        chosen.append(k)
        dist = np.minimum(dist, np.linalg.norm(pts - pts[k], axis=1))
    return np.sort(pool[chosen])


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
        Panel placement (default: :func:`~scenes.pictures.layout3d.surface_layout` of the current frame).
    view_class
        What draws the data panel: :class:`~scenes.mobjects.surface_view.SurfaceView`
        or a subclass of it (a benchmark's baseline draws the same picture
        with Manim's own mobjects), built as ``view_class(camera, bounds,
        dot_radius=...)`` in the palette's colours.
    theme
        The theme of its colours, a :class:`~scenes.look.theme.Theme` or its name (default: the theme
        in force); every part, and :meth:`speck_ring`, takes this theme's colours.
    """

    uniform_opacity = 0.9
    """Opacity of every face before M fades to its reliability."""

    clip_margin = 0.35
    """M fades out over this fraction of the view box's size past the box."""

    orbit_start = np.radians(20.0)
    """The camera's azimuth when the orbit starts (radians)."""

    orbit_rate = 2.7
    """Degrees per second the camera turns: over a chapter of about 40 s it sweeps from 20° to
    about 130°, where a sheet bent along x shows its profile, and never looks along the bend."""

    theme: Theme
    """The theme the picture is built in (the ``theme`` argument, or the one in force then)."""

    @themed
    def __init__(
        self,
        run: Run,
        layout: PanelRects | None = None,
        view_class: type[SurfaceView] = SurfaceView,
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        self._build(run, layout, view_class)  # built in ``theme`` (@themed)

    def _build(self, run: Run, layout: PanelRects | None, view_class: type[SurfaceView]) -> None:
        run = shadow_run(run)  # vectors in R^D with k = 2: drawn through their projection P to R^3
        if run.data.shape[1] != 3 or run.final.latents.shape[1] != 2:
            raise ValueError("Picture3D shows runs with data in R^3 (or vectors through P) and k = 2")
        self.run = run
        self.layout = lay = layout or surface_layout()

        # The data panel's header: its title, M's label and the legend, above the plot, never on it.
        title, variance = space_label_lines(run)
        lines = [_("data space ℝ³")]
        if variance is not None:  # a vector run: what of R^D the picture shows, wrapped to the panel
            lines = fit_lines(*wrap_units(f"{title} {variance}"), "small", lay.data.width - 0.4)
        self.data_frame, first = panel_frame(lay.data, lines[0])
        self.data_title: VMobject = first
        if len(lines) > 1:
            more = VGroup(*(text(line, "small", color=COLORS["muted"]) for line in lines[1:]))
            more.arrange(DOWN, aligned_edge=LEFT, buff=0.08).next_to(
                first, DOWN, aligned_edge=LEFT, buff=0.08
            )
            self.data_title = VGroup(first, more)
        dot_r = 0.0065 * min(lay.data.width, lay.data.height)
        self.m_label = text("M = g(ℝ²)", "label", color=COLORS["manifold"])
        self.m_label.move_to(self.data_frame.get_corner(UR), aligned_edge=UR).shift(
            0.15 * (LEFT + np.array([0, -1, 0]))
        )
        narrow = self.m_label.get_left()[0] < self.data_title.get_right()[0] + 0.2
        if narrow:
            # The data panel is too narrow for both on one line: M's label goes under the title's line.
            self.m_label.shift((self.data_title.get_bottom()[1] - 0.08 - self.m_label.get_top()[1]) * UP)
        self.legend = self._legend(dot_r)
        self.legend.next_to(self.data_title, DOWN, buff=0.1, aligned_edge=LEFT)
        if self.legend.get_right()[0] > self.m_label.get_left()[0] - 0.2 and (
            self.legend.get_top()[1] > self.m_label.get_bottom()[1]
        ):
            self.legend.next_to(self.m_label, DOWN, buff=0.1).align_to(self.data_title, LEFT)
        header = min(self.legend.get_bottom()[1], self.m_label.get_bottom()[1]) - 0.08
        plot = Rect(lay.data.cx, (header + lay.data.bottom) / 2, lay.data.width, header - lay.data.bottom)
        self.plot_rect = plot

        # The camera, fitted to the plot under the header.
        self.box_center, self.box_half = view_box(run)
        self.box_margin = self.clip_margin * float(self.box_half.max())
        self.orbit_time = 0.0
        az, el = self._angles(0.0)
        screen_center = plot.center[:2]
        radius = float(np.linalg.norm(self.box_half)) + self.box_margin
        cam = OrbitCamera(az, el, self.box_center, 1.0, screen_center, distance=4.5 * radius)
        cam = OrbitCamera(az, el, self.box_center, self._fit_scale(cam), screen_center, distance=4.5 * radius)
        inset = 0.03 * min(lay.data.width, lay.data.height)
        bounds = (plot.left + inset, plot.bottom + inset, plot.right - inset, plot.top)
        self.view = view_class(cam, bounds, dot_radius=dot_r)

        # The latent panel.
        ext = np.array([[*s.latent_grid[0, 0], *s.latent_grid[-1, -1]] for s in run.snapshots])
        extent = (ext[:, 0].min(), ext[:, 2].max(), ext[:, 1].min(), ext[:, 3].max())
        self.latent_plane = LatentPlane(lay.latent, extent, _("latent space ℝ²"))
        self.heatmap = LatentHeatMap(
            self.latent_plane.to_scene, self.latent_plane.bounds, dot_radius=0.9 * dot_r
        )
        self.heatmap.density_alpha = 0.0
        self.loss_inset = LossInset(lay.loss, run.steps, run.losses)
        self.backdrop = VGroup(self.data_frame, self.data_title, self.latent_plane)

        self.state = PictureState.of(run.snapshots[0])
        self.recon_fraction = 0.0
        self.reliability_blend = 0.0
        self.add(self.view)
        self.set_state(self.state)

    def _fit_scale(self, cam: OrbitCamera) -> float:
        """Scene units per data unit so that the data and the reliable part of M fit the panel at every angle.

        Fitted to :func:`view_points` themselves, not to their box, whose
        corners lie far off a curved sheet; the fading rim may reach the
        panel's edge, where drawing is clipped.
        """
        angles = (self._angles(t) for t in np.linspace(0.0, 120.0, 121))
        return fitted_scale(cam, view_points(self.run), self.plot_rect, angles)

    def _legend(self, dot_r: float) -> VGroup:
        entries = VGroup()
        for color, label in ((COLORS["data"], _("data x")), (COLORS["recon"], "x̂ = g(f(x))")):
            dot = Circle(radius=1.4 * dot_r, color=color, fill_opacity=1.0, stroke_width=0)
            entries.add(VGroup(dot, text(label, "small", color=color).next_to(dot, RIGHT, buff=0.1)))
        return entries.arrange(RIGHT, buff=0.35)

    # The state.

    def window(self, points: np.ndarray) -> np.ndarray:
        """1 inside the view box, falling smoothly to 0 at ``box_margin`` outside it."""
        return box_window(points, self.box_center, self.box_half, self.box_margin)

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
        self.view.set_camera(self.view.camera3d.turned(*self._angles(self.orbit_time)))
        return self

    def _angles(self, t: float) -> tuple[float, float]:
        return orbit_angles(t, azimuth0=self.orbit_start, degrees_per_second=self.orbit_rate)

    def start_orbit(self) -> Picture3D:
        """Keep the camera orbiting while the picture is in a scene."""
        self.view.add_updater(OrbitClock(self))
        return self

    def speck_ring(self) -> Circle:
        """A ring that follows the untrained M (a tiny patch) while the camera turns."""
        centre = np.asarray(self.state.manifold, dtype=np.float64).reshape(-1, 3).mean(axis=0)
        ring = Circle(radius=0.3, color=self.theme["manifold"], stroke_width=3)
        ring.add_updater(lambda m: m.move_to(self.view.camera3d.scene_points(centre)))
        return ring.move_to(self.view.camera3d.scene_points(centre))
