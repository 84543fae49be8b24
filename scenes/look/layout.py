"""Where the panels go, as fractions of the frame's width and height.

Landscape frames put the data panel left and the latent panel right, with the
loss inset above the latent panel, all inside the title-safe margins. Portrait frames stack them: the latent
panel and the loss inset side by side on top, the data panel (tall, like the
data) below. Square frames keep the data panel left, full height, with the
loss inset and the latent panel in a narrow column on its right. Every
rectangle keeps out of the margins platforms cover with their own overlays
(:func:`scenes.look.frame.platform_margins`) and out of the caption band, which in
narrow frames holds up to three lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import config

from scenes.look.frame import platform_margins
from scenes.look.style import text

__all__ = [
    "CAPTION_LINES",
    "Box",
    "Layout",
    "Rect",
    "caption_band_top",
    "content_area",
    "current_layout",
    "is_landscape",
    "is_portrait",
    "layout_in",
]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in scene units."""

    left: float
    bottom: float
    right: float
    top: float

    def shrunk(self, d: float) -> Box:
        return Box(self.left + d, self.bottom + d, self.right - d, self.top - d)

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.bottom < other.top
            and other.bottom < self.top
        )

    def contains(self, points: np.ndarray) -> np.ndarray:
        """Which of ``points`` ``(M, 2+)`` lie strictly inside."""
        x, y = points[:, 0], points[:, 1]
        return (x > self.left) & (x < self.right) & (y > self.bottom) & (y < self.top)


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
    """The frame is not landscape (tall or square): side-by-side panels would be too narrow."""
    stacked: bool = False
    """The latent panel sits above the data panel, with vertical arrows f and g between them."""

    def f_arrow(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of the encoder arrow (data panel -> latent panel)."""
        if self.stacked:
            x = self.latent.cx - 0.22 * self.latent.width
            return np.array([x, self.data.top + 0.05, 0]), np.array([x, self.latent.bottom - 0.05, 0])
        y = self.latent.cy + 0.25 * self.latent.height
        return np.array([self.data.right + 0.08, y, 0]), np.array([self.latent.left - 0.08, y, 0])

    def g_arrow(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of the decoder arrow (latent panel -> data panel)."""
        if self.stacked:
            x = self.latent.cx + 0.22 * self.latent.width
            return np.array([x, self.latent.bottom - 0.05, 0]), np.array([x, self.data.top + 0.05, 0])
        y = self.latent.cy - 0.25 * self.latent.height
        return np.array([self.latent.left - 0.08, y, 0]), np.array([self.data.right + 0.08, y, 0])


def layout_in(area: Rect) -> Layout:
    """The layout of the picture inside ``area``.

    Wide areas put the panels side by side; tall ones stack the latent panel
    (with the loss inset beside it) above the data panel; square ones keep
    the data panel left and put the loss inset and the latent panel in a
    column on its right.
    """
    w, h = area.width, area.height
    ox, oy = area.cx, area.cy

    def r(cx: float, cy: float, rw: float, rh: float) -> Rect:
        return Rect(ox + cx, oy + cy, rw, rh)

    def span(left: float, right: float, top: float, bottom: float) -> Rect:
        return Rect(ox + (left + right) / 2, oy + (top + bottom) / 2, right - left, top - bottom)

    if w >= 1.2 * h:
        # Landscape (``area`` is the title-safe part of the frame): the data panel left, full height
        # above the caption; the loss inset above a tall latent panel on the right.
        top, bottom = 0.5 * h, -0.4 * h
        split = 0.5 * w - 0.345 * w
        data = span(-0.5 * w, split - 0.09 * w, top, bottom)
        loss = span(split, 0.5 * w, top, top - 0.34 * h)
        latent = span(split, 0.5 * w, top - 0.38 * h, bottom)
        return Layout(data, latent, loss, caption_y=oy - 0.465 * h, portrait=False)
    left, right = -0.475 * w, 0.475 * w
    if h >= 1.3 * w:
        # Portrait: a top row (latent panel, loss inset), the arrows, the data panel, the caption band.
        top, bottom = 0.395 * h, -0.275 * h
        row = top - 0.172 * h
        split = right - 0.375 * w
        latent = span(left, split - 0.0225 * w, top, row)
        loss = span(split, right, top, row)
        data = span(left, right, row - 0.067 * h, bottom)
        return Layout(data, latent, loss, caption_y=oy - 0.336 * h, portrait=True, stacked=True)
    # Square: the data panel left, full height; the loss inset above the latent panel on its right.
    top, bottom = 0.445 * h, -0.246 * h
    split = right - 0.375 * w
    data = span(left, split - 0.125 * w, top, bottom)
    loss = span(split, right, top, top - 0.28 * h)
    latent = span(split, right, top - 0.305 * h, bottom)
    return Layout(data, latent, loss, caption_y=oy - 0.348 * h, portrait=True)


def current_layout() -> Layout:
    """The layout for Manim's whole current frame (a landscape one inside its title-safe margins)."""
    w, h = config.frame_width, config.frame_height
    if is_landscape():
        mx, my = platform_margins()
        return layout_in(Rect(0.0, 0.0, (1 - 2 * mx) * w, (1 - 2 * my) * h))
    return layout_in(Rect(0.0, 0.0, w, h))


CAPTION_LINES = 3
"""Most lines a caption wraps onto in a portrait or square frame (one in landscape)."""


def is_landscape() -> bool:
    """Whether Manim's current frame is landscape (captions stay on one line there)."""
    return config.frame_width >= 1.2 * config.frame_height


def is_portrait() -> bool:
    """Whether Manim's current frame is clearly taller than wide."""
    return config.frame_height >= 1.2 * config.frame_width


def caption_band_top() -> float:
    """The highest y the bottom caption can reach in the current frame.

    Follows how :func:`scenes.base.caption_mobject` places a caption of
    :data:`CAPTION_LINES` lines (one in a landscape frame): centred on the
    layout's caption line, lifted clear of the platform margin.
    """
    h = config.frame_height
    lines = 1 if is_landscape() else CAPTION_LINES
    band = lines * text("Tg", "caption").height + (lines - 1) * 0.12
    floor = -h / 2 + (platform_margins()[1] + 0.015) * h
    return max(current_layout().caption_y + band / 2, floor + band)


def content_area(gap: float = 0.1, caption_gap: float | None = None) -> Rect:
    """The part of the frame free for pictures: inside the platform margins, above the caption band.

    ``gap`` is kept free on the top and sides, ``caption_gap`` (default
    ``gap``) above the caption band (scene units).
    """
    w, h = config.frame_width, config.frame_height
    mx, my = platform_margins()
    top = h / 2 - my * h - gap
    bottom = caption_band_top() + (gap if caption_gap is None else caption_gap)
    half = w / 2 - mx * w - gap
    return Rect(0.0, (top + bottom) / 2, 2 * half, top - bottom)
