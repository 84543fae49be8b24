"""How a :class:`~scenes.mobjects.surface_view.SurfaceView` paints one frame with Skia.

Every primitive of the frame's :class:`~scenes.mobjects.surface_view.FrameGeometry`
is drawn back to front into a :class:`~scenes.mobjects.skia_frame.SkiaFrame`:

* a run of consecutive faces (between two points of the draw order) is one
  Skia triangle mesh (:meth:`~scenes.mobjects.skia_frame.SkiaFrame.mesh`), two
  triangles a face, its colour and opacity interpolated from the corners
  (Gouraud), filled without anti-aliasing: faces that share an edge cover
  each of its pixels once, so they meet without seams or double blending;
* the run's grid lines and M's outline (border and silhouette) are then
  stroked over it, anti-aliased, so the silhouette's edge is smooth;
* dots and residuals go through a :class:`~scenes.mobjects.points_view.SkiaPointBatch`.

Nothing here makes a Python object per face and frame except the corners'
Skia points: the per-face values are flat lists, read by index.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from scenes.mesh_math import face_average
from scenes.mobjects.points_view import SkiaPointBatch
from scenes.mobjects.skia_frame import SkiaFrame, argb, points

__all__ = ["EDGE_CORNERS", "KIND_FACE", "FrameGeometry", "ShadedSurface", "draw_surface"]

KIND_FACE = 0
"""The kind of M's faces in a frame's draw order (the others are the points')."""

EDGE_CORNERS = ((3, 0), (1, 2), (0, 1), (3, 2))
"""The corners each of a face's 4 edges joins, in :meth:`SurfaceView._grid_edges`' order."""

MIN_SHOWN = 0.004
"""Faces whose corners and centre are all fainter than this are not drawn."""

MIN_LINED = 0.1
"""Faces at this opacity or less draw no grid line or outline."""


@dataclass(frozen=True)
class FrameGeometry:
    """Everything a :class:`~scenes.mobjects.surface_view.SurfaceView` draws for one camera, in draw order.

    Attributes
    ----------
    face_xy
        ``(F, 4, 2)`` scene coordinates of each face's corners, faces in
        row-major ``(i, j)`` order of the latent grid.
    face_depth
        ``(F,)`` depth of each face's centre (larger = further back).
    face_opacity
        ``(F,)`` opacity each face is drawn with.
    face_rgb
        ``(F, 3)`` shaded colour of each face.
    face_order
        All face indices, back to front.
    kinds, indices
        The draw order of every primitive (faces and, when shown, residual
        segments, data dots and reconstruction dots): kind codes
        (``KIND_*``) and the index within its kind.
    data_xy, recon_xy
        ``(N, 2)`` scene coordinates of the data dots and reconstruction dots.
    face_front
        ``(F,)`` whether each face turns its front (the side its normal points
        to) towards the camera; where neighbours differ, M folds away from
        the viewer: a silhouette.
    """

    face_xy: np.ndarray
    face_depth: np.ndarray
    face_opacity: np.ndarray
    face_rgb: np.ndarray
    face_order: np.ndarray
    kinds: np.ndarray
    indices: np.ndarray
    data_xy: np.ndarray
    recon_xy: np.ndarray
    face_front: np.ndarray


class ShadedSurface(Protocol):
    """What :func:`draw_surface` reads of the view it paints (a ``SurfaceView``)."""

    alpha: float
    vertices: np.ndarray
    grid_line_width: float
    line_gain: float
    line_mask: np.ndarray | None
    line_opacity: np.ndarray | None

    def corner_shading(self) -> tuple[np.ndarray, np.ndarray]: ...

    def _grid_edges(self) -> np.ndarray: ...

    def outline_edges(self, front: np.ndarray) -> np.ndarray: ...

    def depth_factor(self) -> np.ndarray | float: ...

    def line_colors(self, face_rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


def draw_surface(
    view: ShadedSurface,
    frame: SkiaFrame,
    geo: FrameGeometry,
    sx: float,
    scale: np.ndarray,
    offset: np.ndarray,
    batch: SkiaPointBatch,
) -> None:
    """Paint ``geo`` (the view's geometry for this frame) back to front into ``frame``.

    Parameters
    ----------
    view
        The surface view (its colours, alpha, grid and line widths).
    frame
        The Skia canvas over the camera's frame, clipped to the view.
    geo
        :meth:`SurfaceView.geometry` for the current camera.
    sx, scale, offset
        Pixels per scene unit; a scene point ``p`` is at pixel ``p * scale + offset``.
    batch
        The frame's dots and residuals, drawn between the faces in depth order.
    """

    alpha = view.alpha
    rgb, opacity = view.corner_shading()
    face_a = geo.face_opacity * alpha
    # A face's lines: as opaque as the face times the gain, or as the view's own line opacities say.
    if view.line_opacity is None:
        line_base, line_scale = face_a, view.line_gain
        lined = face_a > MIN_LINED
    else:
        line_base, line_scale = np.clip(view.line_opacity, 0.0, 1.0).reshape(-1) * alpha, 1.0
        lined = line_base > MIN_SHOWN
    shown = (np.maximum(opacity.max(axis=1), face_a) >= MIN_SHOWN) | lined
    order = geo.face_order[shown[geo.face_order]]  # the faces drawn, back to front
    rank = np.full(len(shown), -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    quads = geo.face_xy[order] * scale + offset  # (S, 4, 2), in drawing order
    corners = points(quads)
    colors = argb(rgb[order], opacity[order]).reshape(-1).tolist()

    # Lines: per drawn face (by rank), which edges are grid lines and which are outline.
    grid = view._grid_edges()
    if view.line_mask is not None:
        grid = grid & view.line_mask.reshape(-1, 1)
    grid = grid[order]
    outline = view.outline_edges(geo.face_front)[order]
    lined = lined[order]
    has_lines = lined & (grid.any(axis=1) | outline.any(axis=1))
    line_ranks = np.flatnonzero(has_lines).tolist()
    grid_l, outline_l = grid.reshape(-1).tolist(), outline.reshape(-1).tolist()
    face_rgb = geo.face_rgb[order]
    cue = np.broadcast_to(view.depth_factor(), view.vertices.shape[:2])  # the depth cue dims lines too
    line_a = np.minimum((line_base * face_average(cue).reshape(-1))[order] * line_scale, 1.0)
    grid_rgb, outline_rgb = view.line_colors(face_rgb)
    grid_c = argb(grid_rgb, line_a).tolist()
    outline_c = argb(outline_rgb, line_a).tolist()
    lw_grid = max(view.grid_line_width * sx, 0.6)
    lw_outline = max(2.5 * view.grid_line_width * sx, 1.2)

    def stroke(r: int, flags: list[bool], color: int, width: float) -> None:
        e = 4 * r
        if flags[e] or flags[e + 1] or flags[e + 2] or flags[e + 3]:
            ends = []
            for k, (a, b) in enumerate(EDGE_CORNERS):
                if flags[e + k]:
                    ends.append(corners[e + a])
                    ends.append(corners[e + b])
            frame.lines(ends, color, width)

    def paint_run(start: int, stop: int) -> None:
        frame.mesh(corners, colors, start, stop)
        for r in line_ranks[bisect_left(line_ranks, start) : bisect_left(line_ranks, stop)]:
            stroke(r, grid_l, grid_c[r], lw_grid)
            stroke(r, outline_l, outline_c[r], lw_outline)

    rank_l = rank.tolist()
    start = stop = 0
    for kind, i in zip(geo.kinds.tolist(), geo.indices.tolist(), strict=True):
        if kind != KIND_FACE:
            if stop > start:
                paint_run(start, stop)
                start = stop
            batch.add(kind, i)
            continue
        r = rank_l[i]
        if r >= 0:
            if stop == start:
                batch.flush()
                start = r
            stop = r + 1
    if stop > start:
        paint_run(start, stop)
    batch.flush()
