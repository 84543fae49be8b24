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

from typing import TYPE_CHECKING

import numpy as np

from scenes.mesh_math import face_average
from scenes.mobjects.draw_order import overlay_slots, point_boxes
from scenes.mobjects.skia_frame import SkiaFrame, argb, points

if TYPE_CHECKING:
    from scenes.mobjects.surface_view import FrameGeometry, SurfaceView

__all__ = ["EDGE_CORNERS", "KIND_FACE", "draw_surface"]

KIND_FACE = 0
"""The kind of M's faces in a frame's draw order (the others are the points')."""

EDGE_CORNERS = ((3, 0), (1, 2), (0, 1), (3, 2))
"""The corners each of a face's 4 edges joins, in :meth:`SurfaceView._grid_edges`' order."""

MIN_SHOWN = 0.004
"""Faces whose corners and centre are all fainter than this are not drawn."""

MIN_LINED = 0.1
"""Faces at this opacity or less draw no grid line or outline."""

LINE_DEPTH_MARGIN = 1.5
"""A face's lines are drawn before the faces in front of it by more than this many mean edge lengths."""

LINE_LEVELS = 24
"""Grid lines' and outlines' colour channels and opacities are rounded to steps of ``1 / LINE_LEVELS``,
so that the lines of many faces share a colour and are stroked by one call."""


def draw_surface(
    view: SurfaceView,
    frame: SkiaFrame,
    geo: FrameGeometry,
    sx: float,
    scale: np.ndarray,
    offset: np.ndarray,
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

    Notes
    -----
    The overlays (a face's grid lines and outline, the dots, the residuals)
    are moved in the painter's order only past faces they do not overlap
    (:func:`~scenes.mobjects.draw_order.overlay_slots`), so the faces go in a
    few long meshes. At each place, the lines go first, one call per colour
    (colours and opacities in :data:`LINE_LEVELS` steps), then the points in
    their own order.
    """
    from scenes.mobjects.points_view import SkiaPointBatch

    alpha = view.alpha
    rgb, opacity = view.corner_shading()
    face_a = geo.face_opacity * alpha
    shown = np.maximum(opacity.max(axis=1), face_a) >= MIN_SHOWN
    order = geo.face_order[shown[geo.face_order]]  # the faces drawn, back to front
    rank = np.full(len(shown), -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    quads = geo.face_xy[order] * scale + offset  # (S, 4, 2), in drawing order
    corners = points(quads)
    colors = argb(rgb[order], opacity[order]).reshape(-1).tolist()

    # Lines: per drawn face (by rank), which edges are grid lines and which are outline.
    grid = view._grid_edges()[order]
    outline = view.outline_edges(geo.face_front)[order]
    lined = (face_a[order] > MIN_LINED) & (grid.any(axis=1) | outline.any(axis=1))
    face_rgb = np.round(geo.face_rgb[order] * LINE_LEVELS) / LINE_LEVELS
    # A face's lines are as opaque as the face (depth cue included), times the gain.
    cue = np.broadcast_to(view.depth_factor(), view.vertices.shape[:2])
    line_a = np.minimum((face_a * face_average(cue).reshape(-1))[order] * view.line_gain, 1.0)
    line_a = np.round(line_a * LINE_LEVELS) / LINE_LEVELS
    lw_grid = max(view.grid_line_width * sx, 0.6)
    lw_outline = max(2.5 * view.grid_line_width * sx, 1.2)

    # The points, in the geometry's order; each one's place: how many drawn faces come before it.
    is_face = geo.kinds == KIND_FACE
    drawn = np.zeros(len(geo.kinds), dtype=np.int64)
    drawn[is_face] = rank[geo.indices[is_face]] >= 0
    before = np.cumsum(drawn) - drawn
    p_kinds, p_idx, p_slot = geo.kinds[~is_face], geo.indices[~is_face], before[~is_face]
    data_px, recon_px = geo.data_xy * scale + offset, geo.recon_xy * scale + offset
    r = view.dot_radius * sx
    pad = max(1.35 * r, view.highlight_width * sx * 1.3, lw_outline) + 1.0

    x0, y0, x1, y1 = frame.clip
    origin = np.array([x0, y0, x0, y0])
    m_boxes = np.hstack([quads.min(axis=1), quads.max(axis=1)]) - origin
    l_rank = np.flatnonzero(lined)
    o_boxes = np.vstack(
        [
            m_boxes[l_rank] + np.array([-lw_outline, -lw_outline, lw_outline, lw_outline]),
            point_boxes(p_kinds, p_idx, data_px, recon_px, pad) - origin,
        ]
    )
    # A face's lines may go over the faces that follow it at about its depth (its neighbours, which
    # share its edges), but not over those clearly in front of it.
    depth = geo.face_depth[order]
    margin = LINE_DEPTH_MARGIN * view.mean_edge()
    clear = np.searchsorted(-depth, -(depth[l_rank] - margin), side="right")
    o_slot = np.concatenate([np.maximum(clear, l_rank + 1), p_slot])
    cell = max(2.0 * r, 6.0)
    slots = overlay_slots(m_boxes, o_boxes, o_slot, cell, (x1 - x0, y1 - y0))
    l_slot, p_slot = slots[: len(l_rank)], slots[len(l_rank) :]

    # Every line to stroke: (slot, outline?, colour) sorts them into calls; its ends, as corners.
    n_l = len(l_rank)
    edges = []
    for k, (a, b) in enumerate(EDGE_CORNERS):
        for flags, kind, shade in ((grid, 0, 0.55), (outline, 1, 0.4)):
            on = flags[l_rank, k]
            f = l_rank[on]
            c = argb(face_rgb[f] * shade, line_a[f]).astype(np.int64)
            edges.append(np.stack([l_slot[on], np.full(len(f), kind), c, 4 * f + a, 4 * f + b], axis=1))
    e = np.concatenate(edges) if n_l else np.zeros((0, 5), dtype=np.int64)
    e = e[np.lexsort((e[:, 3], e[:, 2], e[:, 1], e[:, 0]))]
    e_key = e[:, :3]
    e_start = np.flatnonzero(np.r_[True, np.any(e_key[1:] != e_key[:-1], axis=1)]).tolist() if len(e) else []
    e_l, ends_l = e[:, :3].tolist(), e[:, 3:].reshape(-1).tolist()
    e_start.append(len(e_l))

    p_order = np.lexsort((np.arange(len(p_slot)), p_slot))
    p_slot_l = p_slot[p_order].tolist()
    pk_l, pi_l = p_kinds[p_order].tolist(), p_idx[p_order].tolist()
    batch = SkiaPointBatch(view, frame, data_px, recon_px, sx)
    places = sorted(set(p_slot_l) | {e_l[g][0] for g in e_start[:-1]} | {len(order)})
    done = gi = pj = 0
    for place in places:
        frame.mesh(corners, colors, done, place)
        done = place
        while gi < len(e_start) - 1 and e_l[e_start[gi]][0] == place:
            s0, s1 = e_start[gi], e_start[gi + 1]
            _, kind, color = e_l[s0]
            frame.lines(
                [corners[j] for j in ends_l[2 * s0 : 2 * s1]], color, lw_outline if kind else lw_grid
            )
            gi += 1
        while pj < len(p_slot_l) and p_slot_l[pj] == place:
            batch.add(pk_l[pj], pi_l[pj])
            pj += 1
        batch.flush()
