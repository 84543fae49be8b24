"""Small images (8 x 8 digits) drawn crisp, pixel for pixel, with pycairo.

Pixel values in data units become colours between a paper and an ink colour
(:func:`ink_rgb`), or, for a signed residual, between paper and a positive or
a negative colour (:func:`signed_rgb`). :class:`PixelImages` draws a few such
images into their own rectangles, each scaled up with nearest-neighbour
sampling, so every data pixel is one crisp square on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cairo
import numpy as np

from scenes.mobjects.cairo_drawn import CairoDrawn, pixel_transform

__all__ = ["PixelImages", "argb_surface", "ink_rgb", "paint_nearest", "premultiplied", "signed_rgb"]


def ink_rgb(values: np.ndarray, lo: float, hi: float, paper: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """RGB ``(..., 3)`` of pixel ``values`` ``(...)``: ``lo`` (and below) is paper, ``hi`` (and above) ink."""
    t = np.clip((np.asarray(values, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)[..., None]
    return (1.0 - t) * np.asarray(paper, dtype=np.float64) + t * np.asarray(ink, dtype=np.float64)


def signed_rgb(
    values: np.ndarray, scale: float, paper: np.ndarray, positive: np.ndarray, negative: np.ndarray
) -> np.ndarray:
    """RGB ``(..., 3)`` of signed ``values``: 0 is paper, ``+scale`` ``positive``, ``-scale`` ``negative``."""
    v = np.asarray(values, dtype=np.float64)
    t = np.clip(np.abs(v) / scale, 0.0, 1.0)[..., None]
    hue = np.where((v >= 0)[..., None], np.asarray(positive, float), np.asarray(negative, float))
    return (1.0 - t) * np.asarray(paper, dtype=np.float64) + t * hue


def premultiplied(rgb: np.ndarray, alpha: np.ndarray | float) -> np.ndarray:
    """Bytes ``(..., 4)`` of ``rgb`` ``(..., 3)`` at ``alpha`` for Manim's Cairo buffer.

    Premultiplied, in the byte order Manim reads Cairo's ARGB32 buffer in
    (RGBA), as :meth:`~scenes.mobjects.heat_map.LatentHeatMap.image` writes it.
    """
    a = np.broadcast_to(np.clip(np.asarray(alpha, dtype=np.float64), 0.0, 1.0), rgb.shape[:-1])
    out = np.empty((*rgb.shape[:-1], 4), dtype=np.uint8)
    out[..., :3] = np.round(255.0 * np.clip(rgb, 0.0, 1.0) * a[..., None])
    out[..., 3] = np.round(255.0 * a)
    return out


def argb_surface(img: np.ndarray) -> cairo.ImageSurface:
    """A Cairo image surface over the bytes ``img`` ``(h, w, 4)`` (kept alive by the caller)."""
    h, w = img.shape[:2]
    return cairo.ImageSurface.create_for_data(memoryview(img.data), cairo.FORMAT_ARGB32, w, h, 4 * w)


def paint_nearest(ctx: cairo.Context, img: np.ndarray, box: tuple[float, float, float, float]) -> None:
    """Fill the device-pixel ``box`` ``(left, top, right, bottom)`` with ``img`` scaled up, nearest pixel."""
    x0, y0, x1, y1 = box
    h, w = img.shape[:2]
    pattern = cairo.SurfacePattern(argb_surface(img))
    pattern.set_filter(cairo.FILTER_NEAREST)
    kx, ky = w / max(x1 - x0, 1e-9), h / max(y1 - y0, 1e-9)
    pattern.set_matrix(cairo.Matrix(kx, 0.0, 0.0, ky, -x0 * kx, -y0 * ky))
    ctx.rectangle(x0, y0, x1 - x0, y1 - y0)
    ctx.set_source(pattern)
    ctx.fill()


class PixelImages(CairoDrawn):
    """A few RGB images, each drawn crisp into its own scene rectangle.

    Parameters
    ----------
    boxes
        ``(left, bottom, right, top)`` of each image, in scene units.
    images
        ``(H, W, 3)`` RGB in [0, 1] per box (row 0 is the image's top).
    outline
        RGB of a thin frame around each image, or ``None``.
    **kwargs
        Passed to :class:`~manim.VMobject`.

    Attributes
    ----------
    opacity
        Opacity of every image (times :attr:`alpha`).
    """

    def __init__(
        self,
        boxes: Sequence[tuple[float, float, float, float]],
        images: Sequence[np.ndarray],
        outline: np.ndarray | None = None,
        **kwargs: Any,
    ) -> None:
        b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        super().__init__((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), **kwargs)
        self.boxes = b
        self.outline = None if outline is None else np.asarray(outline, dtype=np.float64)
        self.opacity = 1.0
        self.images: list[np.ndarray] = []
        self.set_images(images)

    def set_images(self, images: Sequence[np.ndarray]) -> PixelImages:
        """Show ``images`` (one ``(H, W, 3)`` RGB array per box)."""
        if len(images) != len(self.boxes):
            raise ValueError(f"{len(images)} images for {len(self.boxes)} boxes")
        self.images = [np.asarray(im, dtype=np.float64) for im in images]
        return self

    def bytes_of(self, k: int) -> np.ndarray:
        """Premultiplied bytes ``(H, W, 4)`` of image ``k`` as drawn now."""
        return premultiplied(self.images[k], self.opacity * self.alpha)

    def ink_points(self) -> np.ndarray:
        """Corners and centres of the images."""
        if self.opacity * self.alpha <= 0.05:
            return np.zeros((0, 2))
        b = self.boxes
        cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
        xs = np.concatenate([b[:, 0], b[:, 2], b[:, 0], b[:, 2], cx])
        ys = np.concatenate([b[:, 1], b[:, 1], b[:, 3], b[:, 3], cy])
        return np.column_stack([xs, ys])

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Every image, nearest-neighbour scaled into its box, then its outline."""
        a = self.opacity * self.alpha
        if a <= 0.0:
            return
        sx, sy, ox, oy = pixel_transform(camera)
        ctx.identity_matrix()
        for k, (left, bottom, right, top) in enumerate(self.boxes.tolist()):
            img = np.ascontiguousarray(self.bytes_of(k))
            box = (left * sx + ox, top * sy + oy, right * sx + ox, bottom * sy + oy)
            paint_nearest(ctx, img, box)
            if self.outline is not None:
                c = self.outline  # Manim reads Cairo's buffer as RGBA bytes: colours go in as (b, g, r)
                ctx.rectangle(box[0], box[1], box[2] - box[0], box[3] - box[1])
                ctx.set_source_rgba(c[2], c[1], c[0], 0.8 * a)
                ctx.set_line_width(max(0.01 * sx, 1.0))
                ctx.stroke()
