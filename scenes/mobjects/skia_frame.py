"""Drawing into Manim's Cairo frame with Skia: Gouraud triangle meshes, dots and lines, fast.

Cairo fills a Gouraud-shaded quad (a mesh-pattern patch) at about 30 µs a face,
whatever its size; Skia's ``Canvas.drawVertices`` fills a whole run of faces,
with colours interpolated from their corners, in one call at well under a
microsecond a face. A :class:`~scenes.mobjects.cairo_drawn.CairoDrawn` that
draws many faces or dots opens a :class:`SkiaFrame` on the camera's Cairo
context: a Skia canvas over the very same pixels (Cairo's ARGB32 is Skia's
premultiplied BGRA_8888 on a little-endian machine), clipped like the
context, so Skia's drawing lands in the frame without a copy, and Cairo and
Skia may take turns (:meth:`SkiaFrame.close` hands the pixels back to Cairo).

Faces are filled without anti-aliasing, so two faces that share an edge cover
each of its pixels once: no seams and no double blending where they meet;
the outlines stroked over them are anti-aliased.

Colours are given as Skia ARGB ints (:func:`argb`): Manim reads Cairo's buffer
as RGBA bytes, so red goes where Skia keeps blue; :func:`argb` swaps them.
"""

from __future__ import annotations

from typing import Any

import cairo
import numpy as np
import skia

__all__ = ["QUAD_TRIANGLES", "SkiaFrame", "argb", "argb_int", "points"]

_MAX_QUADS = 1 << 14

QUAD_TRIANGLES: list[int] = [q + k for q in range(0, 4 * _MAX_QUADS, 4) for k in (0, 1, 2, 0, 2, 3)]
"""Vertex indices of two triangles per quad (corners ``0 1 2 3``): quad ``f``'s are ``6 f .. 6 f + 6``."""


def argb(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Skia colours (``uint32`` ARGB) of ``rgb`` ``(..., 3)`` in [0, 1] at opacity ``alpha`` ``(...)``.

    Red and blue are swapped, as Manim reads the frame's bytes (see the module notes).
    """
    c = np.clip(np.rint(np.asarray(rgb, dtype=np.float64) * 255.0), 0, 255).astype(np.uint32)
    a = np.clip(np.rint(np.asarray(alpha, dtype=np.float64) * 255.0), 0, 255).astype(np.uint32)
    return np.asarray((a << 24) | (c[..., 2] << 16) | (c[..., 1] << 8) | c[..., 0])


def argb_int(rgb: np.ndarray, alpha: float) -> int:
    """One Skia colour of ``rgb`` ``(3,)`` at opacity ``alpha`` (see :func:`argb`)."""
    return int(argb(rgb, np.asarray(alpha, dtype=np.float64)))


def points(xy: np.ndarray) -> list[skia.Point]:
    """Skia points of pixel coordinates ``(N, 2)``.

    Read from one flat list: a list per point would be thousands of objects
    for the garbage collector to trace, and would set it off mid-frame.
    """
    flat = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return list(map(skia.Point, flat[:, 0].tolist(), flat[:, 1].tolist()))


def _paint(
    color: int = 0, *, width: float = 0.0, antialias: bool = True, round_cap: bool = True
) -> skia.Paint:
    paint = skia.Paint()
    paint.setAntiAlias(antialias)
    paint.setColor(color)
    paint.setStrokeWidth(width)
    paint.setStrokeCap(skia.Paint.kRound_Cap if round_cap else skia.Paint.kButt_Cap)
    return paint


class SkiaFrame:
    """A Skia canvas over the pixels of a Cairo context's image surface, clipped to a pixel rectangle.

    Parameters
    ----------
    ctx
        The camera's Cairo context (its target must be an ARGB32 image surface).
    clip
        ``(x0, y0, x1, y1)`` pixel rectangle Skia may draw into.

    Notes
    -----
    Cairo's pending drawing is flushed when the frame opens; call
    :meth:`close` before Cairo draws into the context again (or use the frame
    as a context manager). A frame holds one reusable paint per kind of
    primitive, so that drawing makes no Python objects per primitive.
    """

    def __init__(self, ctx: cairo.Context, clip: tuple[float, float, float, float]) -> None:
        target = ctx.get_target()
        if not isinstance(target, cairo.ImageSurface) or target.get_format() != cairo.FORMAT_ARGB32:
            raise ValueError("SkiaFrame draws into an ARGB32 Cairo image surface only")
        target.flush()
        h, w, stride = target.get_height(), target.get_width(), target.get_stride()
        self._target = target
        self._pixels = np.ndarray((h, stride // 4, 4), np.uint8, target.get_data())[:, :w]
        self._surface = skia.Surface(
            self._pixels, skia.ColorType.kBGRA_8888_ColorType, skia.AlphaType.kPremul_AlphaType
        )
        self.canvas: Any = self._surface.getCanvas()
        self.canvas.clipRect(skia.Rect(*clip))
        self.clip = clip
        self._mesh = _paint(0xFF000000, antialias=False)
        self._line = _paint(0)
        self._dot = _paint(0)
        self._stroke = _paint(0)
        self.open = True

    def __enter__(self) -> SkiaFrame:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Hand the pixels back to Cairo (idempotent)."""
        if self.open:
            self.open = False
            del self.canvas
            del self._surface
            self._target.mark_dirty()

    def stroke_paint(self) -> skia.Paint:
        """The frame's paint for stroking paths (anti-aliased, round joins); set its colour, width, cap."""
        p = self._stroke
        p.setStyle(skia.Paint.kStroke_Style)
        p.setStrokeJoin(skia.Paint.kRound_Join)
        return p

    def mesh(self, corners: list[skia.Point], colors: list[int], start: int, stop: int) -> None:
        """Fill quads ``start .. stop`` (Gouraud, not anti-aliased, source over), in that order.

        ``corners`` holds 4 points per quad, ``colors`` one :func:`argb` per corner.
        """
        if stop <= start:
            return
        a, z = 4 * start, 4 * stop
        v = skia.Vertices(
            skia.Vertices.kTriangles_VertexMode,
            corners[a:z],
            None,
            colors[a:z],
            QUAD_TRIANGLES[: 6 * (stop - start)],
        )
        # kDst: the vertices' colours, unmodulated by the paint's.
        self.canvas.drawVertices(v, self._mesh, skia.BlendMode.kDst)

    def lines(self, ends: list[skia.Point], color: int, width: float, *, round_cap: bool = True) -> None:
        """Stroke segments ``ends[0]-ends[1]``, ``ends[2]-ends[3]``, ... in one colour, anti-aliased."""
        if not ends:
            return
        p = self._line
        p.setColor(color)
        p.setStrokeWidth(width)
        p.setStrokeCap(skia.Paint.kRound_Cap if round_cap else skia.Paint.kButt_Cap)
        self.canvas.drawPoints(skia.Canvas.kLines_PointMode, ends, p)

    def dots(self, centres: list[skia.Point], color: int, radius: float) -> None:
        """Fill discs of ``radius`` around ``centres`` in one colour, anti-aliased."""
        if not centres:
            return
        p = self._dot
        p.setColor(color)
        p.setStrokeWidth(2.0 * radius)
        self.canvas.drawPoints(skia.Canvas.kPoints_PointMode, centres, p)
