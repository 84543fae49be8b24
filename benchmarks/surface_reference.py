"""The 3-D surface as it was drawn before Skia: one Cairo mesh-pattern patch per face (the reference).

:class:`CairoMeshSurfaceView` is a :class:`~scenes.mobjects.surface_view.SurfaceView`
that draws every face with Cairo's Gouraud mesh pattern (about 30 µs a face),
each run of faces into a group with the SOURCE operator, composited once, and
its dots with :class:`~scenes.mobjects.points_view.PointBatch`. The tests compare
the Skia frames with its frames; ``benchmarks/bench_surface.py`` renders the
chapter with it beside the chapter as it is (``--reference``).
"""

from __future__ import annotations

from typing import Any

import cairo
import numpy as np

from scenes.chapters.ch07_surface import SurfaceForms
from scenes.mobjects.surface_view import KIND_FACE, SurfaceView

__all__ = ["CairoMeshSurfaceForms", "CairoMeshSurfaceView"]


class CairoMeshSurfaceView(SurfaceView):
    """A :class:`~scenes.mobjects.surface_view.SurfaceView` drawn the old way, with Cairo mesh patterns."""

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Draw every primitive of :meth:`geometry` back to front.

        Each run of consecutive faces is painted into a group: every face is
        filled without anti-aliasing with the SOURCE operator and a mesh
        pattern of its corner colours (:meth:`corner_shading`), so faces meet
        without seams, and the group is composited once. Grid lines are drawn
        over their run; dots and residuals are anti-aliased, and consecutive
        dots (or residuals) share one path and one fill.
        """
        if self.alpha <= 0.0:
            return
        geo = self.geometry()
        sx, scale, offset = self.begin_drawing(ctx, camera)
        points = self.point_batch(ctx, geo.data_xy, geo.recon_xy, sx, scale, offset)
        # Every per-face array is handed to the loop below as one flat list (face i's values at
        # i * width + k): nested lists would make tens of thousands of Python lists per frame, and
        # each batch of them sets off the garbage collector's full passes over the whole heap.
        quads_xy = (geo.face_xy * scale + offset).reshape(-1, 4, 2)
        quads = quads_xy.reshape(-1).tolist()  # 8 per face
        # Each face's pixel box, a pixel wider: a run's group is only as large as its faces.
        low = (np.floor(quads_xy.min(axis=1)) - 1).reshape(-1).tolist()  # 2 per face
        high = (np.ceil(quads_xy.max(axis=1)) + 1).reshape(-1).tolist()
        rgb, opacity = self.corner_shading()
        # Manim reads Cairo's ARGB32 buffer as RGBA bytes, so every colour is given to Cairo as (b, g, r).
        corner_c = rgb[..., ::-1].reshape(-1).tolist()  # 12 per face
        corner_a = opacity.reshape(-1).tolist()  # 4 per face
        shown = (np.maximum(opacity.max(axis=1), geo.face_opacity * self.alpha) >= 0.004).tolist()
        line_c = (geo.face_rgb[:, ::-1] * 0.55).reshape(-1).tolist()  # 3 per face
        line_a = (geo.face_opacity * self.alpha).tolist()
        edges = self._grid_edges().reshape(-1).tolist()  # 4 per face
        outline = self.outline_edges(geo.face_front).reshape(-1).tolist()
        outline_c = (geo.face_rgb[:, ::-1] * 0.4).reshape(-1).tolist()
        lw_grid = max(self.grid_line_width * sx, 0.6)
        lw_outline = max(2.5 * self.grid_line_width * sx, 1.2)
        ctx.set_line_join(cairo.LINE_JOIN_ROUND)
        ctx.set_line_cap(cairo.LINE_CAP_ROUND)
        run: list[int] = []

        def paint_run() -> None:
            if not run:
                return
            x0, y0 = min(low[2 * i] for i in run), min(low[2 * i + 1] for i in run)
            x1, y1 = max(high[2 * i] for i in run), max(high[2 * i + 1] for i in run)
            ctx.save()
            ctx.rectangle(x0, y0, x1 - x0, y1 - y0)
            ctx.clip()  # the group and its compositing cover the run's faces, not the whole frame
            ctx.push_group()
            ctx.set_operator(cairo.OPERATOR_SOURCE)
            ctx.set_antialias(cairo.ANTIALIAS_NONE)
            for i in run:
                q, c, a = 8 * i, 12 * i, 4 * i
                patch = cairo.MeshPattern()
                patch.begin_patch()
                patch.move_to(quads[q], quads[q + 1])
                patch.line_to(quads[q + 2], quads[q + 3])
                patch.line_to(quads[q + 4], quads[q + 5])
                patch.line_to(quads[q + 6], quads[q + 7])
                for k in range(4):
                    ck = c + 3 * k
                    patch.set_corner_color_rgba(
                        k, corner_c[ck], corner_c[ck + 1], corner_c[ck + 2], corner_a[a + k]
                    )
                patch.end_patch()
                ctx.move_to(quads[q], quads[q + 1])
                ctx.line_to(quads[q + 2], quads[q + 3])
                ctx.line_to(quads[q + 4], quads[q + 5])
                ctx.line_to(quads[q + 6], quads[q + 7])
                ctx.close_path()
                ctx.set_source(patch)
                ctx.fill()
            ctx.pop_group_to_source()
            ctx.set_operator(cairo.OPERATOR_OVER)
            ctx.paint()
            ctx.restore()
            ctx.set_operator(cairo.OPERATOR_OVER)
            ctx.set_antialias(cairo.ANTIALIAS_DEFAULT)
            _stroke_edges(ctx, run, quads, edges, line_a, line_c, lw_grid)
            _stroke_edges(ctx, run, quads, outline, line_a, outline_c, lw_outline)
            run.clear()

        for kind, i in zip(geo.kinds.tolist(), geo.indices.tolist(), strict=True):
            if kind != KIND_FACE:
                paint_run()
                points.add(kind, i)
                continue
            if shown[i]:
                points.flush()
                run.append(i)
        paint_run()
        points.flush()


_EDGE_ENDS = ((6, 0), (2, 4), (0, 2), (6, 4))
"""The corners (offsets into a face's 8 flat pixel coordinates) that each of its 4 edges joins."""


def _stroke_edges(
    ctx: cairo.Context,
    run: list[int],
    quads: list[float],
    edges: list[bool],
    alpha: list[float],
    colors: list[float],
    width: float,
) -> None:
    """Stroke the chosen edges of the faces in ``run``, one stroke per face.

    ``quads`` holds 8 pixel coordinates per face, ``edges`` 4 flags per face
    (in :meth:`SurfaceView._grid_edges`' order), ``colors`` 3 values per face
    (b, g, r) and ``alpha`` one; faces at opacity 0.1 or less draw no edge.
    """
    ctx.set_line_width(width)
    for i in run:
        e = 4 * i
        if alpha[i] <= 0.1 or not (edges[e] or edges[e + 1] or edges[e + 2] or edges[e + 3]):
            continue
        q = 8 * i
        for k, (a, b) in enumerate(_EDGE_ENDS):
            if edges[e + k]:
                ctx.move_to(quads[q + a], quads[q + a + 1])
                ctx.line_to(quads[q + b], quads[q + b + 1])
        c = 3 * i
        ctx.set_source_rgba(colors[c], colors[c + 1], colors[c + 2], alpha[i])
        ctx.stroke()


class CairoMeshSurfaceForms(SurfaceForms):
    """Chapter 7 with M drawn by Cairo's mesh patterns, as before Skia (the benchmark's reference)."""

    view_class = CairoMeshSurfaceView
