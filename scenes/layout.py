"""Where the panels go, as fractions of the frame's width and height.

Landscape frames put the data panel left and the latent panel right, with the
loss inset above the latent panel; portrait and square frames stack them
(latent above data). Every rectangle keeps out of the top and bottom 10% of a
portrait frame, where platforms draw their own overlays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import config

__all__ = ["Layout", "Rect", "current_layout", "layout_in"]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in scene units."""

    cx: float
    cy: float
    width: float
    height: float

    @property
    def center(self) -> np.ndarray:
        return np.array([self.cx, self.cy, 0.0])

    @property
    def left(self) -> float:
        return self.cx - self.width / 2

    @property
    def right(self) -> float:
        return self.cx + self.width / 2

    @property
    def top(self) -> float:
        return self.cy + self.height / 2

    @property
    def bottom(self) -> float:
        return self.cy - self.height / 2


@dataclass(frozen=True)
class Layout:
    """Rectangles of the representation picture and the caption line."""

    data: Rect
    latent: Rect
    loss: Rect
    caption_y: float
    portrait: bool

    def f_arrow(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of the encoder arrow (data panel -> latent panel)."""
        if self.portrait:
            x = self.data.cx - 0.22 * self.data.width
            return np.array([x, self.data.top + 0.05, 0]), np.array([x, self.latent.bottom - 0.05, 0])
        y = self.latent.cy + 0.25 * self.latent.height
        return np.array([self.data.right + 0.08, y, 0]), np.array([self.latent.left - 0.08, y, 0])

    def g_arrow(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of the decoder arrow (latent panel -> data panel)."""
        if self.portrait:
            x = self.data.cx + 0.22 * self.data.width
            return np.array([x, self.latent.bottom - 0.05, 0]), np.array([x, self.data.top + 0.05, 0])
        y = self.latent.cy - 0.25 * self.latent.height
        return np.array([self.latent.left - 0.08, y, 0]), np.array([self.data.right + 0.08, y, 0])


def layout_in(area: Rect) -> Layout:
    """The layout of the picture inside ``area``: side by side if it is wide, else stacked."""
    w, h = area.width, area.height
    ox, oy = area.cx, area.cy

    def r(cx: float, cy: float, rw: float, rh: float) -> Rect:
        return Rect(ox + cx, oy + cy, rw, rh)

    if w >= 1.2 * h:
        data = r(-0.205 * w, 0.045 * h, 0.53 * w, 0.76 * h)
        latent = r(0.3 * w, -0.12 * h, 0.34 * w, 0.42 * h)
        loss = r(0.3 * w, 0.29 * h, 0.34 * w, 0.26 * h)
        return Layout(data, latent, loss, caption_y=oy - 0.43 * h, portrait=False)
    # Portrait and square: latent on top, data below, loss inset beside the latent panel.
    top, bottom = 0.4 * h, -0.4 * h
    usable = top - bottom
    latent = r(-0.17 * w, top - 0.13 * usable, 0.62 * w, 0.24 * usable)
    loss = r(0.33 * w, top - 0.13 * usable, 0.3 * w, 0.2 * usable)
    data = r(0.0, top - 0.55 * usable, 0.94 * w, 0.52 * usable)
    return Layout(data, latent, loss, caption_y=oy + bottom + 0.06 * usable, portrait=True)


def current_layout() -> Layout:
    """The layout for Manim's whole current frame."""
    return layout_in(Rect(0.0, 0.0, config.frame_width, config.frame_height))
