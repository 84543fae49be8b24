"""A polyline whose every segment has its own stroke opacity."""

from __future__ import annotations

import numpy as np
from manim import VGroup, VMobject

__all__ = ["FadingCurve", "segment_opacity"]


def segment_opacity(vertex_values: np.ndarray) -> np.ndarray:
    """Opacity of each segment: the mean of its two vertices' values, clipped to [0, 1].

    Monotone: a segment whose end values are both larger is at least as opaque.
    """
    v = np.clip(np.asarray(vertex_values, dtype=np.float64), 0.0, 1.0)
    return 0.5 * (v[:-1] + v[1:])


class FadingCurve(VGroup):
    """A polyline through ``points`` ``(G, 3)`` made of ``G - 1`` straight segments.

    Each segment is a submobject, so it can carry its own opacity; the
    geometry and the opacities are set in place (no mobject is rebuilt), which
    keeps per-frame updates cheap.

    A segment overlaps its successor by up to ``overlap`` scene units (about
    a pixel at 1080p), which hides the seam anti-aliased butt ends leave;
    the overlap shrinks with the fourth power of the segments' opacity, because
    where a faded stroke overlaps itself it blends twice (a brighter rung
    at every vertex, a ladder). The vertices themselves are exact.

    Parameters
    ----------
    points
        ``(G, 3)`` scene coordinates of the vertices.
    color, stroke_width
        Stroke of every segment.
    opacity
        Per-vertex values in [0, 1] (``(G,)``) or one number.
    """

    overlap: float = 0.008

    def __init__(
        self,
        points: np.ndarray,
        color: str,
        stroke_width: float = 5.0,
        opacity: np.ndarray | float = 1.0,
    ) -> None:
        pts = np.asarray(points, dtype=np.float64)
        super().__init__(
            *(VMobject(stroke_color=color, stroke_width=stroke_width) for _ in range(len(pts) - 1))
        )
        self.set_fill(opacity=0)
        self.vertex_opacity = np.ones(len(pts))
        self.set_vertices(pts)
        self.set_vertex_opacity(opacity)

    @property
    def vertices(self) -> np.ndarray:
        """The ``(G, 3)`` vertices, read back from the segments' points."""
        first = np.array([s.points[0] for s in self.submobjects])
        return np.vstack([first, self.submobjects[-1].points[-1:]])

    def set_vertices(self, points: np.ndarray) -> FadingCurve:
        """Move the vertices to ``points`` ``(G, 3)`` in place."""
        self._lay_out(np.asarray(points, dtype=np.float64))
        return self

    def _lay_out(self, p: np.ndarray) -> None:
        """Each segment's points: its two vertices ``p``, every segment but the last reaching past its end."""
        a, b = p[:-1], p[1:].copy()
        d = b[:-1] - a[:-1]
        length = np.linalg.norm(d, axis=1, keepdims=True)
        o = segment_opacity(self.vertex_opacity)[:-1, None]
        b[:-1] += self.overlap * o**4 * d / np.maximum(length, 1e-12)
        t = np.array([0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0])[None, :, None]
        beziers = a[:, None, :] + t * (b - a)[:, None, :]
        for seg, pts in zip(self.submobjects, beziers, strict=True):
            seg.points = pts

    def set_vertex_opacity(self, values: np.ndarray | float) -> FadingCurve:
        """Set per-vertex opacity; each segment takes :func:`segment_opacity`."""
        v = np.broadcast_to(np.asarray(values, dtype=np.float64), (len(self.submobjects) + 1,))
        self.vertex_opacity = np.array(v)
        for seg, o in zip(self.submobjects, segment_opacity(v), strict=True):
            seg.stroke_rgbas[:, 3] = o
            seg.stroke_opacity = o
        self._lay_out(self.vertices)  # as they are now (the curve may have been moved as a whole)
        return self

    @property
    def segment_opacities(self) -> np.ndarray:
        """The stroke opacity each segment is drawn with."""
        return np.array([s.stroke_rgbas[0, 3] for s in self.submobjects])
