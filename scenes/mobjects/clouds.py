"""Many small dots, or many straight segments, as one mobject each.

A single :class:`~manim.VMobject` holds all dots as separate closed subpaths,
so hundreds of points cost one draw call and move by one array assignment.
"""

from __future__ import annotations

import numpy as np
from manim import Circle, VMobject

__all__ = ["DotCloud", "SegmentBundle"]


class DotCloud(VMobject):
    """Filled dots of one colour at ``centers`` ``(N, 3)``.

    Parameters
    ----------
    centers
        Scene coordinates of the dot centres.
    radius, color, opacity
        Look of every dot.
    hollow
        Draw rings (stroke only) instead of filled dots.
    outline
        A thin ring of this colour around every filled dot (say the background
        colour, so dots stay distinct on a line of a similar colour), or ``None``.
    """

    def __init__(
        self,
        centers: np.ndarray,
        radius: float,
        color: str,
        opacity: float = 1.0,
        hollow: bool = False,
        outline: str | None = None,
    ) -> None:
        if hollow:
            super().__init__(fill_opacity=0, stroke_color=color, stroke_width=2.5, stroke_opacity=opacity)
        elif outline is not None:  # behind every fill: the dots' union gets the ring, each dot stays whole
            super().__init__(fill_color=color, fill_opacity=opacity, stroke_width=0)
            self.set_stroke(outline, width=2.4, background=True)
        else:
            super().__init__(fill_color=color, fill_opacity=opacity, stroke_width=0)
        self.radius = radius
        template = Circle(radius=radius).points
        self._template = template - template.mean(axis=0)
        self.set_centers(centers)

    def set_centers(self, centers: np.ndarray) -> DotCloud:
        """Move the dots to ``centers`` ``(N, 3)`` in place."""
        c = np.asarray(centers, dtype=np.float64)
        self.points = (c[:, None, :] + self._template[None, :, :]).reshape(-1, 3)
        return self

    @property
    def centers(self) -> np.ndarray:
        """The ``(N, 3)`` dot centres, read back from the points."""
        p = self.points.reshape(-1, len(self._template), 3)
        return p.mean(axis=1)

    def __len__(self) -> int:
        return len(self.points) // len(self._template)


class SegmentBundle(VMobject):
    """Straight segments from ``starts`` to ``ends`` (both ``(N, 3)``), one stroke."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, color: str, stroke_width: float = 2.0) -> None:
        super().__init__(stroke_color=color, stroke_width=stroke_width, fill_opacity=0)
        self.set_segments(starts, ends)

    def set_segments(self, starts: np.ndarray, ends: np.ndarray) -> SegmentBundle:
        """Move the segments in place."""
        a = np.asarray(starts, dtype=np.float64)
        b = np.asarray(ends, dtype=np.float64)
        t = np.array([0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0])[None, :, None]
        self.points = (a[:, None, :] + t * (b - a)[:, None, :]).reshape(-1, 3)
        return self

    @property
    def ends(self) -> np.ndarray:
        """The ``(N, 3)`` end points of the segments."""
        return self.points.reshape(-1, 4, 3)[:, 3]
