"""Where the 3-D picture's panels go: the data panel, the latent plane and the loss inset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from scenes.look.layout import Rect, content_area, current_layout, is_landscape, is_portrait

__all__ = ["SQUARE_DATA_SHARE", "SQUARE_LOSS_SHARE", "PanelRects", "SurfaceLayout", "surface_layout"]

SQUARE_DATA_SHARE = 0.6
"""In a square frame, the data panel's share of the width (the rest is the loss and latent column)."""

SQUARE_LOSS_SHARE = 0.42
"""In a square frame, the loss inset's share of the right column's height (the rest: the latent plane)."""


class PanelRects(Protocol):
    """Where the 3-D picture's panels go: a :class:`SurfaceLayout` or :class:`~scenes.look.layout.Layout`."""

    @property
    def data(self) -> Rect: ...

    @property
    def latent(self) -> Rect: ...

    @property
    def loss(self) -> Rect: ...


@dataclass(frozen=True)
class SurfaceLayout:
    """Where the 3-D picture's panels go: the data panel, the latent plane and the loss inset."""

    data: Rect
    latent: Rect
    loss: Rect


def surface_layout() -> SurfaceLayout:
    """The panels of the 3-D picture in the current frame.

    Landscape: the frame's layout (:func:`scenes.look.layout.current_layout`),
    the data panel left, the loss inset and the latent plane right. Portrait
    puts the latent plane and the loss inset in a row on top and gives the
    data panel (the main picture) the remaining two thirds of the height.
    Square: the data panel takes the whole height on the left
    (:data:`SQUARE_DATA_SHARE` of the width, so its header is two rows and
    the surface gets the room it has in the other frames); the loss inset
    over the latent plane fill the column to its right. Outside a landscape frame the
    panels keep to :func:`~scenes.look.layout.content_area`.
    """
    if is_landscape():
        lay = current_layout()
        return SurfaceLayout(lay.data, lay.latent, lay.loss)
    a, gap = content_area(caption_gap=0.35), 0.2
    if is_portrait():
        # A row of the latent plane (square) and the loss inset, then the data panel: 65% of the height.
        row = min(0.3 * a.height, 0.5 * a.width)
        latent = Rect(a.left + row / 2, a.top - row / 2, row, row)
        loss_w = a.width - row - gap
        loss = Rect(a.right - loss_w / 2, a.top - row / 2, loss_w, row)
        data_h = a.height - row - gap
        return SurfaceLayout(Rect(a.cx, a.bottom + data_h / 2, a.width, data_h), latent, loss)
    # Square: the data panel (the main picture) takes the full height on the left, wide enough for
    # its title and M's label on one line; the loss inset over the latent plane share the right column.
    data_w = SQUARE_DATA_SHARE * (a.width - gap)
    side_w = a.width - gap - data_w
    side_x = a.right - side_w / 2
    loss_h = SQUARE_LOSS_SHARE * (a.height - gap)
    loss = Rect(side_x, a.top - loss_h / 2, side_w, loss_h)
    latent_h = a.height - gap - loss_h
    latent = Rect(side_x, a.bottom + latent_h / 2, side_w, latent_h)
    data = Rect(a.left + data_w / 2, a.cy, data_w, a.height)
    return SurfaceLayout(data, latent, loss)
