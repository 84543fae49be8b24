"""A fast 3-D curve with points, drawn by one mobject in one pass.

The k = 1 counterpart of :class:`~scenes.mobjects.surface_view.SurfaceView`: M is a
polyline ``(G, 3)`` (the decoder's image of a latent interval), drawn as
``G - 1`` straight segments that are sorted together with the data dots, the
reconstruction dots and the residual segments by depth (painter's algorithm,
back to front), so that the curve passes in front of the points nearer than
it and behind the others. Depth is also shown by shading: nearer segments are
brighter and (under perspective) wider. Depth and opacity are quantised into
a few levels, so that neighbouring segments share one style and are stroked
as one path. Before drawing, the order is rearranged into long runs in a way
the eye cannot tell from the painter's: the points move only past segments
they do not overlap on screen (:mod:`scenes.mobjects.draw_order`), and between
two places where points go, segments go by depth level, style and place along
the curve (a fine polyline of thousands of vertices then costs a few dozen
strokes per frame). It is drawn with Skia into the camera's Cairo frame
(:class:`~scenes.mobjects.skia_frame.SkiaFrame`).

A reconstruction dot that has landed on M is drawn right after the segments
around its own latent, so the curve never covers the x̂ that lie on it.
Drawing goes through the camera hook of
:mod:`~scenes.mobjects.cairo_drawn`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import cairo
import numpy as np
import skia
from manim import ParsableManimColor

from scenes.look.projection import OrbitCamera
from scenes.mobjects.draw_order import overlay_slots, point_boxes
from scenes.mobjects.points_view import KIND_DATA, KIND_RECON, KIND_RESIDUAL, PointsView, SkiaPointBatch
from scenes.mobjects.skia_frame import SkiaFrame, argb

__all__ = [
    "KIND_DATA",
    "KIND_RECON",
    "KIND_RESIDUAL",
    "KIND_SEGMENT",
    "CurveGeometry",
    "CurveView",
    "polyline_distance",
]

KIND_SEGMENT = 0
"""The kind of M's segments in a :class:`CurveGeometry`'s draw order (the others are the points')."""


def polyline_distance(points: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Distance ``(N,)`` from each point ``(N, n)`` to the polyline through ``vertices`` ``(G, n)``."""
    p = np.asarray(points, dtype=np.float64)[:, None, :]
    a = np.asarray(vertices, dtype=np.float64)[None, :-1, :]
    d = np.asarray(vertices, dtype=np.float64)[None, 1:, :] - a
    t = np.clip(np.sum((p - a) * d, axis=-1) / np.maximum(np.sum(d * d, axis=-1), 1e-300), 0.0, 1.0)
    return np.asarray(np.linalg.norm(p - (a + t[..., None] * d), axis=-1).min(axis=1))


@dataclass(frozen=True)
class CurveGeometry:
    """Everything :class:`CurveView` draws for one camera, in draw order.

    Attributes
    ----------
    segment_xy
        ``(S, 2, 2)`` scene coordinates of each segment's ends, in the order
        of the polyline (``S = G - 1``); the segment being drawn on is cut short.
    segment_depth
        ``(S,)`` depth of each segment's midpoint (larger = further back).
    segment_opacity
        ``(S,)`` opacity each segment is drawn with (0 where not drawn yet).
    segment_rgb
        ``(S, 3)`` depth-shaded colour of each segment.
    segment_width
        ``(S,)`` stroke width of each segment in scene units.
    segment_style
        ``(S,)`` style code: segments with equal codes have equal colour,
        width and opacity.
    kinds, indices
        The draw order of every primitive: kind codes (``KIND_*``) and the
        index within its kind.
    data_xy, recon_xy
        ``(N, 2)`` scene coordinates of the data dots and reconstruction dots.
    """

    segment_xy: np.ndarray
    segment_depth: np.ndarray
    segment_opacity: np.ndarray
    segment_rgb: np.ndarray
    segment_width: np.ndarray
    segment_style: np.ndarray
    kinds: np.ndarray
    indices: np.ndarray
    data_xy: np.ndarray
    recon_xy: np.ndarray


class CurveView(PointsView):
    """A depth-shaded curve M with data points, reconstructions and residuals, in depth order.

    Parameters
    ----------
    camera
        The projection (changed per frame with :meth:`set_camera`).
    bounds
        Scene rectangle ``(left, bottom, right, top)`` the view is clipped to.
    dot_radius
        Radius of the dots in scene units.
    curve_width
        Stroke width of M at the camera's target depth, in scene units
        (default: ``0.9 * dot_radius``).
    color
        Colour of M, shaded by depth (default: the palette's ``"manifold"``).
    **kwargs
        ``data_color``, ``recon_color``, ``residual_color`` (see
        :class:`~scenes.mobjects.points_view.PointsView`) and
        :class:`~manim.VMobject` options.

    Attributes
    ----------
    drawn_fraction
        How much of M is drawn, from its first vertex (1: all of it); animate
        it to draw M on.
    recon_fraction
        Where the reconstruction dots are, from their data points (0) to
        their x̂ on M (1).
    show_data, show_recon
        Whether the data dots, and the reconstruction dots with their
        residuals, are drawn.
    alpha
        Multiplies everything drawn.
    """

    def __init__(
        self,
        camera: OrbitCamera,
        bounds: tuple[float, float, float, float],
        dot_radius: float = 0.04,
        curve_width: float | None = None,
        *,
        color: ParsableManimColor | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(camera, bounds, dot_radius, color=color, **kwargs)
        self.curve_width = 0.9 * dot_radius if curve_width is None else curve_width
        self.vertices = np.zeros((2, 3))
        self.vertex_opacity = np.zeros(2)
        self.grid = np.array([0.0, 1.0])
        self.drawn_fraction = 1.0
        self.depth_levels = 24
        self.opacity_levels = 40

    # State.

    def set_curve(self, vertices: np.ndarray, vertex_opacity: np.ndarray, grid: np.ndarray) -> Self:
        """Show the polyline ``(G, 3)``, vertex opacities ``(G,)``, over the latent grid ``(G,)``/``(G, 1)``.

        A segment's opacity is the mean of its two vertices'.
        """
        v = np.asarray(vertices, dtype=np.float64)
        o = np.asarray(vertex_opacity, dtype=np.float64).reshape(-1)
        g = np.asarray(grid, dtype=np.float64).reshape(-1)
        if v.ndim != 2 or v.shape[0] < 2 or v.shape[1] != 3:
            raise ValueError(f"a curve needs vertices of shape (G >= 2, 3), got {v.shape}")
        if o.shape != (v.shape[0],) or g.shape != (v.shape[0],):
            raise ValueError(f"{v.shape[0]} vertices, {o.size} opacities and {g.size} grid values")
        self.vertices, self.vertex_opacity, self.grid = v, np.clip(o, 0.0, 1.0), g
        return self

    @property
    def segment_count(self) -> int:
        """Number of straight segments of the polyline (``G - 1``)."""
        return int(self.vertices.shape[0] - 1)

    def latent_segments(self) -> np.ndarray:
        """Index ``(N,)`` of the segment each latent falls in (clipped to the grid)."""
        g, s = self.grid, self.segment_count
        u = np.clip((self.latents.reshape(-1) - g[0]) / (g[-1] - g[0]) * s, 0.0, s)
        return np.minimum(np.floor(u).astype(int), s - 1)

    # Geometry for one frame.

    def geometry(self) -> CurveGeometry:
        """Project, shade and sort everything for the current camera."""
        cam = self.camera3d
        v = self.vertices
        s = self.segment_count
        xy, depth = cam.project(v)
        seg = np.stack([xy[:-1], xy[1:]], axis=1)  # (S, 2, 2)
        _, seg_depth = cam.project(0.5 * (v[:-1] + v[1:]))
        opacity = 0.5 * (self.vertex_opacity[:-1] + self.vertex_opacity[1:])

        # Drawing on: whole segments up to the front, then part of one.
        f = float(np.clip(self.drawn_fraction, 0.0, 1.0)) * s
        full = int(np.floor(f))
        opacity = np.where(np.arange(s) < full, opacity, 0.0)
        if full < s and f > full:
            seg = seg.copy()
            seg[full, 1] = seg[full, 0] + (f - full) * (seg[full, 1] - seg[full, 0])
            opacity[full] = 0.5 * (self.vertex_opacity[full] + self.vertex_opacity[full + 1])

        # Depth cues: nearer is brighter, and wider under perspective (both by quantised depth).
        lo, hi = float(depth.min()), float(depth.max())
        level = np.round(np.clip((seg_depth - lo) / max(hi - lo, 1e-9), 0.0, 1.0) * self.depth_levels)
        t = level / self.depth_levels
        shade = 1.0 - 0.45 * t
        rgb = shade[:, None] * self.colors["manifold"]
        if np.isfinite(cam.distance):
            dq = lo + t * (hi - lo)
            persp = cam.distance / np.maximum(cam.distance + dq, 1e-6 * cam.distance)
        else:
            persp = np.ones(s)
        width = self.curve_width * persp
        o_level = np.round(opacity * self.opacity_levels)
        opacity = o_level / self.opacity_levels
        style = (level * (self.opacity_levels + 1) + o_level).astype(int)

        depths = [seg_depth]
        ranks = [np.ones(s)]
        kinds = [np.full(s, KIND_SEGMENT)]
        idx = [np.arange(s)]
        n = len(self.data)
        data_xy = np.zeros((n, 2))
        recon_xy = np.zeros((n, 2))
        if n and (self.show_data or self.show_recon):
            data_xy, d_depth = cam.project(self.data)
            cur = self.recon_positions
            recon_xy, r_depth = cam.project(cur)
            landed = np.linalg.norm(cur - self.recon, axis=1) <= 1e-9 * (
                1.0 + np.linalg.norm(self.recon, axis=1)
            )
            # A landed x̂ is drawn after the nearest of the segments around its latent.
            k = self.latent_segments()
            pad = np.concatenate([seg_depth[:1], seg_depth, seg_depth[-1:]])
            nearest = np.minimum(np.minimum(pad[k], pad[k + 1]), pad[k + 2])
            if self.show_recon:
                depths += [0.5 * (d_depth + r_depth), np.where(landed, nearest, r_depth)]
                ranks += [np.full(n, 2.0), np.full(n, 4.0)]
                kinds += [np.full(n, KIND_RESIDUAL), np.full(n, KIND_RECON)]
                idx += [np.arange(n), np.arange(n)]
            if self.show_data:
                depths.append(d_depth)
                ranks.append(np.full(n, 3.0))
                kinds.append(np.full(n, KIND_DATA))
                idx.append(np.arange(n))
        all_depth, all_rank = np.concatenate(depths), np.concatenate(ranks)
        order = np.lexsort((all_rank, -all_depth))
        return CurveGeometry(
            segment_xy=seg,
            segment_depth=seg_depth,
            segment_opacity=opacity,
            segment_rgb=rgb,
            segment_width=width,
            segment_style=style,
            kinds=np.concatenate(kinds)[order],
            indices=np.concatenate(idx)[order],
            data_xy=data_xy,
            recon_xy=recon_xy,
        )

    # Drawing.

    def ink_points(self) -> np.ndarray:
        """The drawn part of M's vertices (opacity 0.1 or more) and the dots."""
        if self.alpha <= 0.05:
            return np.zeros((0, 2))
        n = max(round(self.drawn_fraction * len(self.vertices)), 0)
        v = self.vertices[:n][self.vertex_opacity[:n] >= 0.1]
        curve = self._clipped(self.camera3d.project(v)[0]) if len(v) else np.zeros((0, 2))
        return np.vstack([curve, super().ink_points()])

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Draw every primitive of :meth:`geometry` back to front, clipped to the bounds, with Skia.

        Consecutive dots (or residuals) are drawn by one call; runs of segments
        of M that follow each other along the curve and in the draw order, with
        one style, are stroked as one path (round joins), anti-aliased.
        """
        if self.alpha <= 0.0:
            return
        geo = self.geometry()
        sx, scale, offset = self.begin_drawing(ctx, camera)
        with SkiaFrame(ctx, self.pixel_clip(scale, offset)) as frame:
            self._draw_skia(frame, geo, sx, scale, offset)

    def _batched_order(
        self,
        geo: CurveGeometry,
        clip: tuple[float, float, float, float],
        scale: np.ndarray,
        offset: np.ndarray,
        sx: float,
    ) -> tuple[list[int], list[int]]:
        """The draw order of ``geo`` rearranged into long runs, as the eye cannot tell it from the painter's.

        The dots and residuals move only past segments they do not overlap on
        screen (:func:`~scenes.mobjects.draw_order.overlay_slots`); between two
        places where points go, the segments are drawn by depth level (back to
        front, the levels that shade them), then by style, then along the curve:
        segments of one level cross only segments of their own colour. Points
        sharing a place go residuals first, then data dots, then
        reconstructions, as the geometry orders them at equal depth.
        """
        kinds, idx = geo.kinds, geo.indices
        is_seg = kinds == KIND_SEGMENT
        drawn = np.zeros(len(kinds), dtype=bool)
        drawn[is_seg] = geo.segment_opacity[idx[is_seg]] * self.alpha >= 0.004
        segs = idx[drawn]
        p_kinds, p_idx = kinds[~is_seg], idx[~is_seg]
        before = (np.cumsum(drawn) - drawn)[~is_seg]
        x0, y0, x1, y1 = clip
        origin = np.array([x0, y0, x0, y0])
        ends = geo.segment_xy[segs] * scale + offset  # (S, 2, 2)
        half = 0.5 * np.maximum(geo.segment_width[segs] * sx, 0.75)[:, None] + 1.0
        m_boxes = np.hstack([ends.min(axis=1) - half, ends.max(axis=1) + half]) - origin
        r = self.dot_radius * sx
        pad = max(1.35 * r, self.highlight_width * sx * 1.3) + 1.0
        data_px, recon_px = geo.data_xy * scale + offset, geo.recon_xy * scale + offset
        o_boxes = point_boxes(p_kinds, p_idx, data_px, recon_px, pad) - origin
        place = overlay_slots(m_boxes, o_boxes, before, max(2.0 * r, 6.0), (x1 - x0, y1 - y0))
        # Segments: by the run between two places, then back to front by level, style, along M.
        cuts = np.unique(place)
        run = np.searchsorted(cuts, np.arange(len(segs)), side="right")
        style = geo.segment_style[segs]
        level = style // (self.opacity_levels + 1)
        seg_key = np.lexsort((segs, style, -level, run))
        # Points sharing a place: residuals, then data dots, then x̂ (so each kind is one call).
        p_order = np.lexsort((np.arange(len(place)), p_kinds, place))
        # Points at place t go after the segments of runs <= t's, i.e. before run id of cut t + 1.
        p_run = np.searchsorted(cuts, place[p_order], side="right") - 1
        all_run = np.concatenate([run[seg_key], p_run])
        all_sub = np.concatenate([np.zeros(len(segs), dtype=np.int64), np.ones(len(p_order), dtype=np.int64)])
        all_pos = np.arange(len(all_run))
        seq = np.lexsort((all_pos, all_sub, all_run))
        k = np.concatenate([np.full(len(segs), KIND_SEGMENT), p_kinds[p_order]])[seq]
        i = np.concatenate([segs[seg_key], p_idx[p_order]])[seq]
        return k.tolist(), i.tolist()

    def _draw_skia(
        self, frame: SkiaFrame, geo: CurveGeometry, sx: float, scale: np.ndarray, offset: np.ndarray
    ) -> None:
        points = SkiaPointBatch(self, frame, geo.data_xy * scale + offset, geo.recon_xy * scale + offset, sx)
        # Flat lists (segment i's values at i * width + k), not one list per segment: a frame then
        # makes no garbage for the collector's full passes over the heap to trace.
        segs = (geo.segment_xy * scale + offset).reshape(-1).tolist()  # 4 per segment
        a = self.alpha
        seg_a = (geo.segment_opacity * a).tolist()
        seg_c = argb(geo.segment_rgb, geo.segment_opacity * a).tolist()
        seg_w = np.maximum(geo.segment_width * sx, 0.75).tolist()
        seg_style = geo.segment_style.tolist()
        canvas, path, paint = frame.canvas, skia.Path(), frame.stroke_paint()
        cap_round, cap_butt = skia.Paint.kRound_Cap, skia.Paint.kButt_Cap

        # A run of segments, each following the last along the curve (either way), with one style.
        run_style, run_first, run_last, run_dir = -1, -1, -1, 0

        def flush_run() -> None:
            if run_style < 0:
                return
            if run_dir == 0:  # a single segment
                q = 4 * run_first
                path.moveTo(segs[q], segs[q + 1])
                path.lineTo(segs[q + 2], segs[q + 3])
            # Round caps overlap where runs meet: fine when opaque, visible beads when not.
            paint.setStrokeCap(cap_round if seg_a[run_first] >= 0.98 * a else cap_butt)
            paint.setColor(seg_c[run_first])
            paint.setStrokeWidth(seg_w[run_first])
            canvas.drawPath(path, paint)
            path.rewind()

        kinds, indices = self._batched_order(geo, frame.clip, scale, offset, sx)
        for kind, i in zip(kinds, indices, strict=True):
            if kind == KIND_SEGMENT and seg_a[i] < 0.004:
                continue
            if kind != KIND_SEGMENT:
                if run_style >= 0:
                    flush_run()
                    run_style = -1
                points.add(kind, i)
                continue
            points.flush()
            st, step = seg_style[i], i - run_last
            if st == run_style and (step == run_dir or (run_dir == 0 and step in (1, -1))):
                if run_dir == 0:
                    run_dir = step
                    q = 4 * run_first
                    a0, a1 = (q, q + 2) if step == 1 else (q + 2, q)
                    path.moveTo(segs[a0], segs[a0 + 1])
                    path.lineTo(segs[a1], segs[a1 + 1])
                q = 4 * i + (2 if step == 1 else 0)
                path.lineTo(segs[q], segs[q + 1])
                run_last = i
                continue
            flush_run()
            run_style, run_first, run_last, run_dir = st, i, i, 0
        flush_run()
        points.flush()
