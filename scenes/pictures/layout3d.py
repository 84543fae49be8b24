"""Where the 3-D picture's panels go: the data panel, the latent plane and the loss inset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from scenes.look.layout import Rect, content_area, current_layout, is_landscape, is_portrait

__all__ = ["PanelRects", "SurfaceLayout", "surface_layout"]


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
    Square: the loss inset is a strip along the top (as wide as the frame,
    so its readouts stay clear of the curve); under it the data panel left
    of the latent plane. Outside a landscape frame the
    panels keep to :func:`~scenes.look.layout.content_area`.
    """
    if is_landscape():
        lay = current_layout()
        return SurfaceLayout(lay.data, lay.latent, lay.loss)
    a, gap, strip = content_area(caption_gap=0.35), 0.2, 1.6
    if is_portrait():
        # A row of the latent plane (square) and the loss inset, then the data panel: 65% of the height.
        row = min(0.3 * a.height, 0.5 * a.width)
        latent = Rect(a.left + row / 2, a.top - row / 2, row, row)
        loss_w = a.width - row - gap
        loss = Rect(a.right - loss_w / 2, a.top - row / 2, loss_w, row)
        data_h = a.height - row - gap
        return SurfaceLayout(Rect(a.cx, a.bottom + data_h / 2, a.width, data_h), latent, loss)
    loss = Rect(a.cx, a.top - strip / 2, a.width, strip)
    top = loss.bottom - gap
    h = top - a.bottom
    # The data panel is as tall as the square allows; wider would not make M any larger.
    data_w = 0.53 * (a.width - gap)
    latent_w = a.width - gap - data_w
    data = Rect(a.left + data_w / 2, a.bottom + h / 2, data_w, h)
    latent = Rect(a.right - latent_w / 2, a.bottom + h / 2, latent_w, h)
    return SurfaceLayout(data, latent, loss)
