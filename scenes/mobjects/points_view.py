"""What the 3-D views of M share: data dots, reconstruction dots and residuals, drawn with pycairo.

A :class:`PointsView` keeps the data x_j, their latents z_j and their
reconstructions x̂_j as numpy arrays; a subclass (a surface, a curve) sorts
its own primitives of M together with these points by depth and hands the
points, in that order, to a :class:`PointBatch`, which draws every run of one
kind of point as one path.
"""

from __future__ import annotations

from typing import Any, Self

import cairo
import numpy as np
from manim import ParsableManimColor

from scenes.look.projection import OrbitCamera
from scenes.look.style import COLORS
from scenes.mobjects.cairo_drawn import CairoDrawn, color_rgb, pixel_transform
from scenes.mobjects.skia_frame import SkiaFrame, argb_int, points

__all__ = ["KIND_DATA", "KIND_RECON", "KIND_RESIDUAL", "PointBatch", "PointsView", "SkiaPointBatch"]

KIND_RESIDUAL, KIND_DATA, KIND_RECON = 1, 2, 3
"""Kinds of point primitive in a view's draw order (kind 0 is M's own: a face, or a curve segment)."""

_HI_RESIDUAL, _HI_DATA = 11, 12
"""A :class:`PointBatch`'s own kinds for the highlighted residuals and data dots (never in a draw order)."""


class PointsView(CairoDrawn):
    """The data points, their reconstructions and residuals of a 3-D view of M.

    Subclasses draw M (a surface, a curve) and sort its primitives together
    with the points; :meth:`begin_drawing` and :class:`PointBatch` draw the
    points the same way in every view.

    Parameters
    ----------
    camera
        The projection (changed per frame with :meth:`set_camera`).
    bounds
        Scene rectangle ``(left, bottom, right, top)`` the view is clipped to.
    dot_radius
        Radius of the dots in scene units.
    color
        Colour of M (default: the palette's ``"manifold"``); subclasses draw M in it.
    data_color, recon_color, residual_color
        Colours of the data dots, the reconstruction dots and the residual
        segments (default: the palette's ``"data"``, ``"recon"`` and ``"residual"``).
    **kwargs
        Passed to :class:`~manim.VMobject`.

    Attributes
    ----------
    colors
        ``(3,)`` RGB of ``"manifold"``, ``"data"``, ``"recon"`` and ``"residual"``.
    recon_fraction
        Where the reconstruction dots are, from their data points (0) to
        their x̂ (1).
    show_data, show_recon
        Whether the data dots, and the reconstruction dots with their
        residuals, are drawn.
    highlight
        ``(N,)`` booleans: the data points whose residuals are drawn thick,
        with a halo of the background colour, and whose dots are larger (see
        :meth:`set_highlight`); none by default.
    """

    def __init__(
        self,
        camera: OrbitCamera,
        bounds: tuple[float, float, float, float],
        dot_radius: float = 0.04,
        *,
        color: ParsableManimColor | None = None,
        data_color: ParsableManimColor | None = None,
        recon_color: ParsableManimColor | None = None,
        residual_color: ParsableManimColor | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(bounds, **kwargs)
        self.clip_bounds = bounds
        self.camera3d = camera
        chosen = {"manifold": color, "data": data_color, "recon": recon_color, "residual": residual_color}
        self.colors = {k: color_rgb(COLORS[k] if c is None else c) for k, c in chosen.items()}
        self.dot_radius = dot_radius
        self.residual_width = 0.4 * dot_radius
        self.data_opacity = 0.95
        self.data = np.zeros((0, 3))
        self.latents = np.zeros((0, 1))
        self.recon = np.zeros((0, 3))
        self.recon_fraction = 0.0
        self.show_data = True
        self.show_recon = False
        self.highlight = np.zeros(0, dtype=bool)
        self.highlight_width = 0.5 * dot_radius
        self.halo_rgb = color_rgb(COLORS["background"])

    def set_camera(self, camera: OrbitCamera) -> Self:
        """Look through ``camera`` from now on."""
        self.camera3d = camera
        return self

    def set_data_points(
        self, data: np.ndarray, latents: np.ndarray, recon: np.ndarray, recon_fraction: float
    ) -> Self:
        """Data ``(N, 3)``, their latents ``(N, k)``, reconstructions ``(N, 3)`` on M.

        Each reconstruction dot is drawn ``recon_fraction`` of the way from
        its data point to its reconstruction, with its residual segment.
        """
        self.data = np.asarray(data, dtype=np.float64)
        self.latents = np.asarray(latents, dtype=np.float64)
        self.recon = np.asarray(recon, dtype=np.float64)
        self.recon_fraction = float(recon_fraction)
        return self

    def set_highlight(self, indices: np.ndarray) -> Self:
        """Highlight the data points ``indices``: thick residuals with a halo, larger dots."""
        mask = np.zeros(len(self.data), dtype=bool)
        mask[np.asarray(indices, dtype=np.int64)] = True
        self.highlight = mask
        return self

    @property
    def recon_positions(self) -> np.ndarray:
        """Where the reconstruction dots are now, in data space ``(N, 3)``."""
        return self.data + self.recon_fraction * (self.recon - self.data)

    def ink_points(self) -> np.ndarray:
        """The projected data dots and reconstruction dots that are shown, inside the bounds."""
        if self.alpha <= 0.05 or not len(self.data):
            return np.zeros((0, 2))
        shown = []
        if self.show_data:
            shown.append(self.camera3d.project(self.data)[0])
        if self.show_recon:
            shown.append(self.camera3d.project(self.recon_positions)[0])
        return self._clipped(np.vstack(shown)) if shown else np.zeros((0, 2))

    def begin_drawing(self, ctx: cairo.Context, camera: Any) -> tuple[float, np.ndarray, np.ndarray]:
        """Pixel coordinates in ``ctx``, clipped to the bounds; returns ``(sx, scale, offset)``.

        A scene point (x, y) is at pixel ``(x, y) * scale + offset``.
        """
        sx, sy, ox, oy = pixel_transform(camera)
        ctx.identity_matrix()
        left, bottom, right, top = self.clip_bounds
        ctx.rectangle(left * sx + ox, top * sy + oy, (right - left) * sx, (bottom - top) * sy)
        ctx.clip()
        return sx, np.array([sx, sy]), np.array([ox, oy])

    def pixel_clip(self, scale: np.ndarray, offset: np.ndarray) -> tuple[float, float, float, float]:
        """The bounds as a pixel rectangle ``(x0, y0, x1, y1)`` (what :meth:`begin_drawing` clips to)."""
        left, bottom, right, top = self.clip_bounds
        x0, y0 = left * scale[0] + offset[0], top * scale[1] + offset[1]
        x1, y1 = right * scale[0] + offset[0], bottom * scale[1] + offset[1]
        return float(min(x0, x1)), float(min(y0, y1)), float(max(x0, x1)), float(max(y0, y1))

    def point_batch(
        self,
        ctx: cairo.Context,
        data_xy: np.ndarray,
        recon_xy: np.ndarray,
        sx: float,
        scale: np.ndarray,
        offset: np.ndarray,
    ) -> PointBatch:
        """A :class:`PointBatch` for this frame's projected data and reconstruction dots."""
        data_px = (data_xy * scale + offset).reshape(-1).tolist()
        return PointBatch(self, ctx, data_px, (recon_xy * scale + offset).reshape(-1).tolist(), sx)


class PointBatch:
    """Draws dots and residuals in the given order, one path per run of one kind.

    Consecutive primitives of one kind (``KIND_DATA``, ``KIND_RECON``,
    ``KIND_RESIDUAL``) share one path and one fill or stroke. Call
    :meth:`flush` before drawing anything else into the context.

    Parameters
    ----------
    view
        The view whose dots these are (their radius, colours and alpha).
    ctx
        The Cairo context, in pixel coordinates.
    data_px, recon_px
        Pixel coordinates of the data dots and the reconstruction dots, flat:
        ``x, y`` of dot ``i`` at ``2 * i`` and ``2 * i + 1`` (one list, not one
        per dot, so that a frame makes no garbage for the collector to trace).
    sx
        Pixels per scene unit.
    """

    def __init__(
        self, view: PointsView, ctx: cairo.Context, data_px: list[float], recon_px: list[float], sx: float
    ) -> None:
        self.ctx, self.data_px, self.recon_px = ctx, data_px, recon_px
        a = view.alpha
        self.r = view.dot_radius * sx
        self.lw_res = max(view.residual_width * sx, 0.75)
        self.lw_hi = max(view.highlight_width * sx, 1.5)
        hi = view.highlight
        n = len(data_px) // 2
        self.hi = hi.tolist() if len(hi) == n else [False] * n
        # Manim reads Cairo's ARGB32 buffer as RGBA bytes, so every colour is given to Cairo as (b, g, r).
        dc, rc, sc = view.colors["data"], view.colors["recon"], view.colors["residual"]
        bg = view.halo_rgb
        self.rgba = {
            KIND_DATA: (dc[2], dc[1], dc[0], view.data_opacity * a),
            KIND_RECON: (rc[2], rc[1], rc[0], a),
            KIND_RESIDUAL: (sc[2], sc[1], sc[0], 0.7 * a),
            _HI_RESIDUAL: (sc[2], sc[1], sc[0], a),
            _HI_DATA: (dc[2], dc[1], dc[0], a),
        }
        self.halo = (bg[2], bg[1], bg[0], 0.8 * a)
        self.pending = -1  # kind of the batched path not yet filled or stroked

    def add(self, kind: int, i: int) -> None:
        """Add point ``i`` of ``kind`` to the current path (starting a new one for a new kind)."""
        ctx = self.ctx
        if self.hi[i] and kind in (KIND_DATA, KIND_RESIDUAL):
            kind = _HI_DATA if kind == KIND_DATA else _HI_RESIDUAL
        if kind != self.pending:
            self.flush()
            ctx.set_antialias(cairo.ANTIALIAS_DEFAULT)
            self.pending = kind
        if kind in (KIND_DATA, _HI_DATA):
            p = self.data_px
            ctx.new_sub_path()
            ctx.arc(p[2 * i], p[2 * i + 1], self.r * (1.35 if kind == _HI_DATA else 1.0), 0.0, 2.0 * np.pi)
        elif kind == KIND_RECON:
            p = self.recon_px
            ctx.new_sub_path()
            ctx.arc(p[2 * i], p[2 * i + 1], 0.9 * self.r, 0.0, 2.0 * np.pi)
        else:
            p, p2 = self.data_px, self.recon_px
            ctx.move_to(p[2 * i], p[2 * i + 1])
            ctx.line_to(p2[2 * i], p2[2 * i + 1])

    def flush(self) -> None:
        """Fill (dots) or stroke (residuals) the current path, if any."""
        if self.pending < 0:
            return
        ctx = self.ctx
        if self.pending == _HI_RESIDUAL:  # a halo first, so the segment reads on M's own colour
            ctx.set_line_cap(cairo.LINE_CAP_ROUND)
            ctx.set_source_rgba(*self.halo)
            ctx.set_line_width(2.6 * self.lw_hi)
            ctx.stroke_preserve()
        ctx.set_source_rgba(*self.rgba[self.pending])
        if self.pending in (KIND_RESIDUAL, _HI_RESIDUAL):
            ctx.set_line_cap(cairo.LINE_CAP_ROUND)
            ctx.set_line_width(self.lw_res if self.pending == KIND_RESIDUAL else self.lw_hi)
            ctx.stroke()
        else:
            ctx.fill()
        self.pending = -1


class SkiaPointBatch:
    """:class:`PointBatch`'s dots and residuals, drawn with Skia into a :class:`SkiaFrame`.

    The same interface and the same look: consecutive primitives of one kind
    are drawn by one call (discs as round points, residuals as segments),
    highlighted residuals over a halo of the background colour.

    Parameters
    ----------
    view
        The view whose dots these are (their radius, colours and alpha).
    frame
        The Skia canvas over the camera's frame.
    data_xy, recon_xy
        ``(N, 2)`` pixel coordinates of the data dots and the reconstruction dots.
    sx
        Pixels per scene unit.
    """

    def __init__(
        self, view: PointsView, frame: SkiaFrame, data_xy: np.ndarray, recon_xy: np.ndarray, sx: float
    ) -> None:
        self.frame = frame
        self.data_pts, self.recon_pts = points(data_xy), points(recon_xy)
        a = view.alpha
        self.r = view.dot_radius * sx
        self.lw_res = max(view.residual_width * sx, 0.75)
        self.lw_hi = max(view.highlight_width * sx, 1.5)
        hi = view.highlight
        n = len(self.data_pts)
        self.hi = hi.tolist() if len(hi) == n else [False] * n
        c = view.colors
        self.color = {
            KIND_DATA: argb_int(c["data"], view.data_opacity * a),
            KIND_RECON: argb_int(c["recon"], a),
            KIND_RESIDUAL: argb_int(c["residual"], 0.7 * a),
            _HI_RESIDUAL: argb_int(c["residual"], a),
            _HI_DATA: argb_int(c["data"], a),
        }
        self.halo = argb_int(view.halo_rgb, 0.8 * a)
        self.pending = -1  # kind of the batch not yet drawn
        self.batch: list[Any] = []

    def add(self, kind: int, i: int) -> None:
        """Add point ``i`` of ``kind`` to the current batch (starting a new one for a new kind)."""
        if self.hi[i] and kind in (KIND_DATA, KIND_RESIDUAL):
            kind = _HI_DATA if kind == KIND_DATA else _HI_RESIDUAL
        if kind != self.pending:
            self.flush()
            self.pending = kind
        if kind in (KIND_DATA, _HI_DATA):
            self.batch.append(self.data_pts[i])
        elif kind == KIND_RECON:
            self.batch.append(self.recon_pts[i])
        else:
            self.batch.append(self.data_pts[i])
            self.batch.append(self.recon_pts[i])

    def flush(self) -> None:
        """Draw the current batch, if any."""
        k = self.pending
        if k < 0:
            return
        f, batch = self.frame, self.batch
        if k == _HI_RESIDUAL:  # a halo first, so the segment reads on M's own colour
            f.lines(batch, self.halo, 2.6 * self.lw_hi)
        if k in (KIND_RESIDUAL, _HI_RESIDUAL):
            f.lines(batch, self.color[k], self.lw_res if k == KIND_RESIDUAL else self.lw_hi)
        else:
            f.dots(
                batch, self.color[k], self.r * (1.35 if k == _HI_DATA else 0.9 if k == KIND_RECON else 1.0)
            )
        self.batch = []
        self.pending = -1
