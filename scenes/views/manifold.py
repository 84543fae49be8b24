"""M of a run as one mobject: a curve (k = 1 in R^2), a surface (k = 2 in R^3) or a mosaic (images).

:meth:`ManifoldView.from_run` picks the view the run needs. Each view shows
M at one moment of training (:meth:`ManifoldView.set_time`, a snapshot index,
fractional between snapshots), with its opacity following the decoder's
stored reliability (:meth:`ManifoldView.set_reliability_blend`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aecore import Run
from scenes.look.layout import Rect
from scenes.look.projection import OrbitCamera, orbit_angles
from scenes.look.theme import Theme
from scenes.mesh_math import face_average, face_centers
from scenes.mobjects.cairo_drawn import color_rgb
from scenes.mobjects.curve import FadingCurve
from scenes.mobjects.mosaic import ImageMosaic
from scenes.mobjects.surface_view import SurfaceView
from scenes.pictures.picture3d import box_window, fitted_scale, view_box, view_points
from scenes.views.animations import FadeToReliability, LandReconstructions, Orbit
from scenes.views.placement import DEFAULT_RECT, Placement
from scenes.views.source import RunSource, TimedView, ViewKind, open_run, view_kind

__all__ = ["CurveView", "ManifoldView", "MosaicView", "SurfaceManifoldView"]


class ManifoldView(TimedView):
    """M = g(latent grid) of a run, at one snapshot, as opaque as the decoder is reliable.

    Build one with :meth:`from_run`, which picks :class:`CurveView`,
    :class:`SurfaceManifoldView` or :class:`MosaicView` for the run.

    Attributes
    ----------
    run
        The run shown.
    theme
        The theme the view's colours came from.
    time
        The snapshot shown: an index into ``run.snapshots``, fractional between two.
    reliability_blend
        0: M uniformly opaque; 1: M's opacity is the stored reliability (the default).
    """

    kind: ViewKind

    def __init__(self, run: Run, snapshot: int, theme: Theme, rect: Rect, fade: float) -> None:
        super().__init__(run, snapshot, theme)
        self.rect = rect
        self.reliability_blend = _blend(fade)
        self.recon_fraction = 1.0

    @classmethod
    def from_run(
        cls,
        run_or_path: RunSource,
        snapshot: int = -1,
        *,
        theme: Theme | str | None = None,
        rect: Rect | None = None,
        fade: float = 1.0,
    ) -> ManifoldView:
        """The view of M the run needs.

        Parameters
        ----------
        run_or_path
            A loaded :class:`aecore.Run` or the path of a run file.
        snapshot
            Which snapshot to show (negative counts from the end; -1: the trained model).
        theme
            A :class:`~scenes.look.theme.Theme` or its name (default: the theme in force).
        rect
            Where the view goes on screen (default: a square of 7 units in the middle).
        fade
            How far M's opacity follows the reliability: 0 uniform, 1 (default) fully.

        Raises
        ------
        AecoreError
            ``run_or_path`` is not a run.
        ValueError
            ``snapshot`` out of range, a run no view shows (``run_or_path``), an unknown ``theme``.
        """
        src = open_run(run_or_path, snapshot, theme)
        kind = view_kind(src.run)
        view_class = _VIEWS[kind]
        if not issubclass(view_class, cls):
            raise ValueError(f"run_or_path: this run's M is a {kind}, not a {cls.__name__}; use ManifoldView")
        with src.building():
            return view_class(src.run, src.snapshot, src.theme, rect or DEFAULT_RECT, fade)

    # State.

    def geometry(self) -> np.ndarray:
        """M in data space now: ``(*G, n)`` points, g of the latent grid."""
        return np.asarray(self.state.manifold, dtype=np.float64)

    def vertex_opacity(self) -> np.ndarray:
        """Opacity at each grid point ``(*G,)``: ``1 - b + b * reliability``, b the reliability blend."""
        rel = np.clip(np.asarray(self.state.reliability, dtype=np.float64), 0.0, 1.0)
        return (1.0 - self.reliability_blend) + self.reliability_blend * rel

    def set_reliability_blend(self, blend: float) -> ManifoldView:
        """Let M's opacity follow the reliability that far (0: uniform, 1: fully)."""
        self.reliability_blend = _blend(blend)
        self._show()
        return self

    def set_recon_fraction(self, fraction: float) -> ManifoldView:
        """Views that draw x̂ themselves (the surface) put them ``fraction`` of the way from x to x̂."""
        self.recon_fraction = float(np.clip(fraction, 0.0, 1.0))
        self._show()
        return self

    # Animations.

    def fade_to_reliability(self, **kwargs: Any) -> FadeToReliability:
        """M's opacity goes from what it is now to the decoder's reliability."""
        return FadeToReliability(self, **kwargs)


def _blend(value: float) -> float:
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"fade: {value!r} must be a number from 0 to 1")
    return v


class CurveView(ManifoldView):
    """M of a k = 1 run in R^2: a polyline through g of the latent grid, each segment at its opacity.

    M is clipped to the view's rectangle: an untrained or far-reaching M does not run across the frame.

    Attributes
    ----------
    placement
        Where data space lies on screen (share it with :class:`~scenes.views.points.DataView`).
    curve
        The :class:`~scenes.mobjects.curve.FadingCurve` drawn.
    """

    kind: ViewKind = "curve"

    def __init__(self, run: Run, snapshot: int, theme: Theme, rect: Rect, fade: float) -> None:
        super().__init__(run, snapshot, theme, rect, fade)
        self.placement = Placement.fit(run, rect)
        self.curve = FadingCurve(self.scene_points(), theme["manifold"], stroke_width=6)
        self.add(self.curve)
        self._show()

    def scene_points(self) -> np.ndarray:
        """M's vertices on screen now ``(G, 3)``."""
        return self.placement.to_scene(self.geometry())

    def inside(self, points: np.ndarray) -> np.ndarray:
        """1.0 for scene points ``(G, 3)`` inside the view's rectangle, else 0.0 (M is clipped to it)."""
        r = self.rect
        x, y = points[:, 0], points[:, 1]
        return ((x > r.left) & (x < r.right) & (y > r.bottom) & (y < r.top)).astype(np.float64)

    def _show(self) -> None:
        pts = self.scene_points()
        self.curve.set_vertices(pts)
        self.curve.set_vertex_opacity(self.vertex_opacity() * self.inside(pts))  # clipped to the rect


class SurfaceManifoldView(ManifoldView):
    """M of a k = 2 run in R^3: a shaded surface under a camera that can orbit, x and x̂ in depth order.

    Drawn with pycairo and Skia by one mobject (:class:`~scenes.mobjects.surface_view.SurfaceView`),
    in any Cairo scene (``Scene`` or ``ThreeDScene``) with no set-up call.

    Attributes
    ----------
    surface
        The :class:`~scenes.mobjects.surface_view.SurfaceView` drawn; ``surface.camera3d`` projects.
    orbit_degrees
        How far the camera has turned from its start (degrees).
    """

    kind: ViewKind = "surface"
    azimuth0 = np.radians(20.0)
    """The camera's azimuth before any orbit (radians)."""
    clip_margin = 0.35
    """M fades out over this fraction of the box of the data and M's reliable part, past the box
    (as in the video's 3-D chapter): far from the data g runs off, and would leave the view."""

    def __init__(self, run: Run, snapshot: int, theme: Theme, rect: Rect, fade: float) -> None:
        super().__init__(run, snapshot, theme, rect, fade)
        self.box_center, self.box_half = view_box(run)
        self.box_margin = self.clip_margin * float(self.box_half.max())
        radius = float(np.linalg.norm(self.box_half)) + self.box_margin
        self.orbit_degrees = 0.0
        az, el = orbit_angles(0.0, azimuth0=self.azimuth0)
        center = rect.center[:2].copy()
        cam = OrbitCamera(az, el, self.box_center, 1.0, center, distance=4.5 * radius)
        turns = ((az + np.radians(d), el) for d in np.linspace(0.0, 360.0, 73))  # fits at every angle
        scale = fitted_scale(cam, view_points(run), rect, turns) / (1.0 + self.clip_margin)  # and M's rim
        cam = OrbitCamera(az, el, self.box_center, scale, center, distance=4.5 * radius)
        bounds = (rect.left, rect.bottom, rect.right, rect.top)
        self.surface = SurfaceView(cam, bounds, dot_radius=0.0065 * min(rect.width, rect.height))
        self.surface.show_recon = False
        self.add(self.surface)
        self._show()

    def show_points(self, data: bool = True, recon: bool = True) -> SurfaceManifoldView:
        """Draw the data x (and the reconstructions x̂ with their residuals) among M's faces."""
        self.surface.show_data, self.surface.show_recon = data, recon
        return self

    def face_opacity(self) -> np.ndarray:
        """Opacity of each face ``(G-1, G-1)``: :meth:`vertex_opacity` averaged over its corners.

        Times :func:`~scenes.pictures.picture3d.box_window`: 1 inside the box of the data and
        M's reliable part, fading to 0 past it.
        """
        window = box_window(
            face_centers(self.state.manifold), self.box_center, self.box_half, self.box_margin
        )
        return face_average(self.vertex_opacity()) * window

    def set_orbit(self, degrees: float) -> SurfaceManifoldView:
        """Turn the camera ``degrees`` round M from where it started."""
        self.orbit_degrees = float(degrees)
        az, el = orbit_angles(0.0, azimuth0=self.azimuth0)
        self.surface.set_camera(self.surface.camera3d.turned(az + np.radians(self.orbit_degrees), el))
        return self

    def scene_points(self) -> np.ndarray:
        """M's vertices on screen now ``(G, G, 3)`` (through the camera)."""
        return self.surface.camera3d.scene_points(self.geometry())

    def _show(self) -> None:
        s = self.state
        self.surface.set_surface(s.manifold, self.face_opacity(), s.latent_grid)
        self.surface.set_data_points(self.run.data, s.latents, s.recon, self.recon_fraction)

    def orbit(self, degrees: float = 60.0, **kwargs: Any) -> Orbit:
        """The camera turns ``degrees`` round M."""
        return Orbit(self, degrees, **kwargs)

    def land(self, **kwargs: Any) -> LandReconstructions:
        """Each x̂ leaves its x and lands on M (turn the points on with :meth:`show_points`)."""
        return LandReconstructions(self, **kwargs)


class MosaicView(ManifoldView):
    """M of an image run (k = 2): the image g(u) at every point u of the latent grid, as tiles.

    Each tile is as opaque as the decoder is reliable at its point; pixels go from the theme's
    background (the data's smallest value) to its text colour (the largest).

    Attributes
    ----------
    mosaic
        The :class:`~scenes.mobjects.mosaic.ImageMosaic` drawn.
    """

    kind: ViewKind = "mosaic"

    def __init__(self, run: Run, snapshot: int, theme: Theme, rect: Rect, fade: float) -> None:
        super().__init__(run, snapshot, theme, rect, fade)
        shape = run.image_shape
        assert shape is not None  # view_kind chose a mosaic for an image run
        lo, hi = float(run.data.min()), float(run.data.max())
        side = min(rect.width, rect.height)
        bounds = (rect.cx - side / 2, rect.cy - side / 2, rect.cx + side / 2, rect.cy + side / 2)
        self.mosaic = ImageMosaic(
            bounds,
            shape,
            color_rgb(theme["background"]),
            color_rgb(theme["text"]),
            (lo, hi if hi > lo else lo + 1),
        )
        self.add(self.mosaic)
        self._show()

    def _show(self) -> None:
        self.mosaic.set_tiles(self.geometry(), self.vertex_opacity())


_VIEWS: dict[ViewKind, type[ManifoldView]] = {
    "curve": CurveView,
    "surface": SurfaceManifoldView,
    "mosaic": MosaicView,
}
