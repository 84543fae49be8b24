"""A network's edges and hidden neurons collapsing onto the one arrow that stands for them."""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import Animation, Circle, Line, VGroup, VMobject, smooth

__all__ = ["CollapseOnto"]


class CollapseOnto(Animation):
    """Every edge of ``group`` slides onto ``arrow``'s shaft and fades; its neurons shrink into it.

    Meanwhile ``arrow`` fades in over the second half. Each line morphs into
    a line and each circle into a smaller circle, so nothing passes through
    the crescents and smeared tips a :class:`~manim.Transform` of hundreds of
    parts into one arrow goes through.

    Parameters
    ----------
    group
        The edges (:class:`~manim.Line`) and neurons (:class:`~manim.Circle`)
        to collapse, nested in groups in any way; it is left in the scene,
        invisible, and the caller removes it.
    arrow
        The arrow they become; added to the scene at its own opacities at the end.
    """

    def __init__(self, group: VGroup, arrow: VMobject, **kwargs: Any) -> None:
        self.arrow = arrow
        self.start, self.end = arrow.get_start(), arrow.get_end()
        self.parts = [m for m in group.get_family() if isinstance(m, (Line, Circle))]
        self.lines = [
            (m, m.get_start(), m.get_end(), float(m.get_stroke_opacity()), _fractions(m))
            for m in self.parts
            if isinstance(m, Line)
        ]
        self.dots = [
            (m, m.get_center(), m.points.copy(), float(m.get_fill_opacity()), float(m.get_stroke_opacity()))
            for m in self.parts
            if isinstance(m, Circle)
        ]
        # The arrow's own opacities, scaled (set_opacity would give its shaft a fill, which a later
        # transform into a curved arrow would show as a filled segment between arc and chord).
        self.arrow_parts = [m for m in arrow.get_family() if isinstance(m, VMobject)]
        self.arrow_alpha = [
            (m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy()) for m in self.arrow_parts
        ]
        super().__init__(VGroup(group, arrow), **kwargs)

    def _show_arrow(self, k: float) -> None:
        for m, (fill, stroke) in zip(self.arrow_parts, self.arrow_alpha, strict=True):
            m.fill_rgbas[:, 3] = k * fill
            m.stroke_rgbas[:, 3] = k * stroke

    def begin(self) -> None:
        self._show_arrow(0.0)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        t = smooth(alpha)
        fade = 1.0 - smooth(min(1.0, 1.6 * alpha))
        for line, a, b, opacity, along in self.lines:
            start, end = a + t * (self.start - a), b + t * (self.end - b)
            if along is None:
                line.put_start_and_end_on(start, end)
            else:  # its points stay where they were along it: the same line, without rotation matrices
                line.points = start + along[:, None] * (end - start)
            line.set_stroke(opacity=opacity * fade)
        middle = 0.5 * (self.start + self.end)
        for dot, centre, points, fill, stroke in self.dots:
            dot.points = (points - centre) * max(1.0 - t, 0.05) + (centre + t * (middle - centre))
            dot.set_fill(opacity=fill * fade).set_stroke(opacity=stroke * fade)
        self._show_arrow(smooth(max(0.0, 2.0 * alpha - 1.0)))

    def clean_up_from_scene(self, scene: Any) -> None:
        super().clean_up_from_scene(scene)
        self._show_arrow(1.0)
        scene.add(self.arrow)


def _fractions(line: Line) -> np.ndarray | None:
    """Where each point of the straight ``line`` lies from its start (0) to its end (1); ``None``: a point."""
    a, b = line.get_start(), line.get_end()
    d = b - a
    n = float(d @ d)
    if n == 0.0:
        return None
    return np.asarray((line.points - a) @ d / n, dtype=float)
