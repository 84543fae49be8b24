"""A framed latent plane R^2: equal scale on both axes, axes through 0, z₁ and z₂ named."""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import RIGHT, UP, Line, ManimColor, ParsableManimColor, VGroup

from scenes.look.layout import Rect
from scenes.look.style import COLORS, text
from scenes.look.theme import Theme, themed
from scenes.mobjects.panels import panel_frame

__all__ = ["LatentPlane"]


class LatentPlane(VGroup):
    """A framed latent plane R^2 with equal scale on both axes and axes through 0.

    Parameters
    ----------
    rect
        Where the panel sits.
    extent
        ``(u0, u1, v0, v1)``: the latent region that must be visible.
    title
        Small label in the top-left corner.
    color
        Colour of the frame and the axes (default: the palette's ``"panel"``).
    label_color
        Colour of the title and the axis names (default: the palette's ``"muted"``).
    **kwargs
        Passed to :class:`~manim.VGroup`.

    Attributes
    ----------
    frame, title, axes
        The panel's frame, its title and the axes with their names.
    bounds
        ``(left, bottom, right, top)`` of the panel, for what is drawn in it.
    """

    @themed
    def __init__(
        self,
        rect: Rect,
        extent: tuple[float, float, float, float],
        title: str,
        color: ParsableManimColor | None = None,
        label_color: ParsableManimColor | None = None,
        theme: Theme | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        line_color = COLORS["panel"] if color is None else color
        name_color = COLORS["muted"] if label_color is None else ManimColor(label_color).to_hex()
        self.rect = rect
        u0, u1, v0, v1 = extent
        self.frame, self.title = panel_frame(rect, title)
        if color is not None:
            self.frame.set_stroke(color=line_color)
        if label_color is not None:
            self.title.set_color(name_color)
        # The axes' names go just past the grid's right and top edges, off its lines: room for them.
        z1 = text("z₁", "small", color=name_color)
        z2 = text("z₂", "small", color=name_color)
        top = self.title.get_bottom()[1] - 0.08 - z2.height - 0.06
        bottom = rect.bottom + 0.12
        self.plot_center = np.array([rect.cx, 0.5 * (top + bottom)])
        self.latent_center = np.array([(u0 + u1) / 2, (v0 + v1) / 2])
        wide = 0.92 * rect.width - 2 * (z1.width + 0.08)
        self.scale_factor = min(wide / (u1 - u0), (top - bottom) / (v1 - v0))
        self.bounds = (rect.left, rect.bottom, rect.right, rect.top)
        axes = VGroup()
        o = self.to_scene(np.zeros(2))
        a, b = self.to_scene(np.array([[u0, 0.0], [u1, 0.0]]))
        c, d = self.to_scene(np.array([[0.0, v0], [0.0, v1]]))
        axes.add(
            Line(a, b, color=line_color, stroke_width=2),
            Line(c, d, color=line_color, stroke_width=2),
        )
        axes.add(z1.next_to(b, RIGHT, buff=0.08), z2.next_to(d, UP, buff=0.06))
        self.axes = axes
        self.origin = o
        self.add(self.frame, self.title, axes)

    def to_scene(self, z: np.ndarray) -> np.ndarray:
        """Latents ``(..., 2)`` -> scene points ``(..., 3)``."""
        z = np.asarray(z, dtype=np.float64)
        xy = (z - self.latent_center) * self.scale_factor + self.plot_center
        return np.concatenate([xy, np.zeros((*xy.shape[:-1], 1))], axis=-1)

    def to_latent(self, q: np.ndarray) -> np.ndarray:
        """Scene points ``(..., 3)`` -> latents ``(..., 2)``."""
        q = np.asarray(q, dtype=np.float64)
        return (q[..., :2] - self.plot_center) / self.scale_factor + self.latent_center
