"""M of an image run as a mosaic: one decoded image per latent grid point, drawn as ONE image.

A run with k = 2 and images for data stores M as ``(G, G, H W)``: the image
g(u) decoded at every point u of a G x G latent grid. :class:`ImageMosaic`
lays such images (all of them, or a window of ``Gi x Gj``) out as tiles
over a rectangle of the screen, tile
``(i, j)`` (``i`` along u1, ``j`` along u2) in the cell ``i`` from the left
and ``j`` from the bottom, and composes them into one RGBA array
(:meth:`ImageMosaic.image`), which Cairo paints in one fill with
nearest-neighbour sampling: a frame costs one image, not G² mobjects.
Each tile has its own opacity (the decoder's reliability there).
"""

from __future__ import annotations

from typing import Any

import cairo
import numpy as np

from scenes.mobjects.cairo_drawn import CairoDrawn, pixel_transform
from scenes.mobjects.pixel_images import ink_rgb, paint_nearest, premultiplied

__all__ = ["ImageMosaic", "cell_pixels"]


def cell_pixels(image_shape: tuple[int, int], aspect: float, gutter: int = 1) -> tuple[int, int]:
    """Rows and columns ``(ch, cw)`` of one cell of the composed image.

    A cell holds one ``H x W`` tile and at least ``gutter`` empty pixels on
    its short side; its long side is stretched to the cell's screen
    ``aspect`` (width / height), so the tile's pixels stay square on screen.
    """
    h, w = image_shape
    if aspect >= 1.0:
        ch = h + gutter
        return ch, max(w + gutter, round(ch * aspect))
    cw = w + gutter
    return max(h + gutter, round(cw / aspect)), cw


class ImageMosaic(CairoDrawn):
    """Gi x Gj decoded images as tiles over the rectangle ``bounds``, drawn as one image.

    Parameters
    ----------
    bounds
        ``(left, bottom, right, top)`` of the mosaic in scene units: the
        extent of the tiles' latent points padded by half a cell on every side.
    image_shape
        ``(H, W)`` pixels of every tile.
    paper, ink
        RGB in [0, 1] of a pixel at ``value_range[0]`` and at ``value_range[1]``.
    value_range
        Pixel values (data units) mapped to paper and to ink; others are clipped.
    gutter
        Empty pixels between neighbouring tiles (in tile pixels).
    **kwargs
        Passed to :class:`~manim.VMobject`.
    """

    def __init__(
        self,
        bounds: tuple[float, float, float, float],
        image_shape: tuple[int, int],
        paper: np.ndarray,
        ink: np.ndarray,
        value_range: tuple[float, float] = (0.0, 16.0),
        gutter: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(bounds, **kwargs)
        self.rect = tuple(float(v) for v in bounds)
        self.image_shape = (int(image_shape[0]), int(image_shape[1]))
        self.paper = np.asarray(paper, dtype=np.float64)
        self.ink = np.asarray(ink, dtype=np.float64)
        self.value_range = (float(value_range[0]), float(value_range[1]))
        self.gutter = int(gutter)
        self.tiles = np.zeros((1, 1, self.image_shape[0] * self.image_shape[1]))
        self.opacity = np.ones((1, 1))

    @property
    def grid_shape(self) -> tuple[int, int]:
        """``(Gi, Gj)``: tiles along u1 (across) and along u2 (up)."""
        return int(self.tiles.shape[0]), int(self.tiles.shape[1])

    def set_tiles(self, tiles: np.ndarray, opacity: np.ndarray | float = 1.0) -> ImageMosaic:
        """Show ``tiles`` ``(Gi, Gj, H W)`` (pixel values, data units), tile ``(i, j)`` at its opacity."""
        t = np.asarray(tiles, dtype=np.float64)
        if t.ndim != 3 or t.shape[2] != self.image_shape[0] * self.image_shape[1]:
            raise ValueError(f"tiles have shape {t.shape}; expected (Gi, Gj, {np.prod(self.image_shape)})")
        self.tiles = t
        self.opacity = np.broadcast_to(np.asarray(opacity, dtype=np.float64), t.shape[:2]).copy()
        return self

    def cell(self) -> tuple[float, float]:
        """Width and height of one cell, in scene units."""
        left, bottom, right, top = self.rect
        gi, gj = self.grid_shape
        return (right - left) / gi, (top - bottom) / gj

    def tile_center(self, i: int | np.ndarray, j: int | np.ndarray) -> np.ndarray:
        """Scene points ``(..., 3)`` of the centres of tiles ``(i, j)``."""
        cw, ch = self.cell()
        i, j = np.asarray(i, dtype=np.float64), np.asarray(j, dtype=np.float64)
        x = self.rect[0] + (i + 0.5) * cw
        y = self.rect[1] + (j + 0.5) * ch
        return np.stack([x, y, np.zeros_like(x)], axis=-1)

    def cell_pixels(self) -> tuple[int, int]:
        """Rows and columns of one cell of :meth:`image` (see :func:`cell_pixels`)."""
        cw, ch = self.cell()
        return cell_pixels(self.image_shape, cw / ch, self.gutter)

    def tile_slices(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of :meth:`image` that hold tile ``(i, j)``'s pixels (no gutter)."""
        h, w = self.image_shape
        ch, cw = self.cell_pixels()
        r0 = (self.grid_shape[1] - 1 - j) * ch + (ch - h) // 2
        c0 = i * cw + (cw - w) // 2
        return slice(r0, r0 + h), slice(c0, c0 + w)

    def tile_rgb(self) -> np.ndarray:
        """RGB ``(Gi, Gj, H, W, 3)`` of every tile's pixels (row 0 of a tile is its top)."""
        return ink_rgb(
            self.tiles.reshape(*self.grid_shape, *self.image_shape), *self.value_range, self.paper, self.ink
        )

    def image(self) -> np.ndarray:
        """The composed mosaic: premultiplied bytes ``(Gj ch, Gi cw, 4)`` (row 0 is the top, largest u2).

        Gutters are transparent; tile ``(i, j)``'s pixels are its colours at
        its opacity times :attr:`alpha` (see :meth:`tile_slices`).
        """
        gi, gj = self.grid_shape
        h, w = self.image_shape
        ch, cw = self.cell_pixels()
        tiles = premultiplied(self.tile_rgb(), (self.opacity * self.alpha)[:, :, None, None])
        out = np.zeros((gj, ch, gi, cw, 4), dtype=np.uint8)  # (row of cells from the top, y, column, x)
        r0, c0 = (ch - h) // 2, (cw - w) // 2
        # Tile (i, j) goes to the cell row Gj - 1 - j (u2 grows upwards), column i.
        out[:, r0 : r0 + h, :, c0 : c0 + w] = tiles[:, ::-1].transpose(1, 2, 0, 3, 4)
        return out.reshape(gj * ch, gi * cw, 4)

    def ink_points(self) -> np.ndarray:
        """The centres of the tiles that show (opacity above 0.05)."""
        if self.alpha <= 0.05:
            return np.zeros((0, 2))
        i, j = np.nonzero(self.opacity * self.alpha > 0.05)
        return self.tile_center(i, j)[:, :2].reshape(-1, 2)

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """The composed image, in one nearest-neighbour fill of the mosaic's rectangle."""
        if self.alpha <= 0.0:
            return
        sx, sy, ox, oy = pixel_transform(camera)
        ctx.identity_matrix()
        left, bottom, right, top = self.rect
        img = np.ascontiguousarray(self.image())
        paint_nearest(ctx, img, (left * sx + ox, top * sy + oy, right * sx + ox, bottom * sy + oy))
