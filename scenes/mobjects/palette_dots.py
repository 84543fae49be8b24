"""Dots of many colours in one mobject, drawn with pycairo (a :class:`~manim.VMobject` has one fill)."""

from __future__ import annotations

from typing import Any, Self

import cairo
import numpy as np

from scenes.mobjects.cairo_drawn import CairoDrawn, pixel_transform

__all__ = ["PaletteDots"]


class PaletteDots(CairoDrawn):
    """Filled dots at ``centers`` ``(N, 3)``, dot ``j`` in colour ``rgb[j]`` ``(N, 3)``, in [0, 1].

    Drawn through the camera hook of
    :mod:`~scenes.mobjects.cairo_drawn`; fade it with
    :class:`~scenes.animations.opacity.OpacityFade`, which scales its
    :attr:`alpha`.

    Parameters
    ----------
    centers, rgb
        Where the dots are and their colours.
    radius
        Radius of every dot (scene units).
    opacity
        Opacity of every dot (times :attr:`alpha`).
    outline
        RGB of a thin ring drawn behind every dot (say the background, so
        dots of similar colours stay apart), or ``None``.
    grouped
        Fill all dots of one colour at once, colour after colour in order of
        first appearance, into a layer kept until the dots or the frame
        change, which later frames paint in one step at the current opacity
        (thousands of still dots then cost one image per frame). Where dots
        of different colours overlap, the later colour is on top, not the
        later dot; a fade fades the layer as a whole.
    """

    def __init__(
        self,
        centers: np.ndarray,
        rgb: np.ndarray,
        radius: float,
        opacity: float = 1.0,
        outline: np.ndarray | None = None,
        grouped: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__((0.0, 0.0, 0.0, 0.0), **kwargs)
        self.grouped = grouped
        self._layer: tuple[tuple[float, ...], cairo.ImageSurface] | None = None
        self.radius = float(radius)
        self.opacity = float(opacity)
        self.outline = None if outline is None else np.asarray(outline, dtype=np.float64)
        self.rgb = np.zeros((0, 3))
        self.centers = np.zeros((0, 3))
        self.set_dots(centers, rgb)

    def set_dots(self, centers: np.ndarray, rgb: np.ndarray) -> Self:
        """Move the dots to ``centers`` ``(N, 3)`` with colours ``rgb`` ``(N, 3)``."""
        c = np.asarray(centers, dtype=np.float64)
        col = np.asarray(rgb, dtype=np.float64)
        if col.shape != (len(c), 3):
            raise ValueError(f"rgb has shape {col.shape}; expected ({len(c)}, 3)")
        self.centers, self.rgb = c, np.clip(col, 0.0, 1.0)
        self._layer = None
        lo = c.min(axis=0) - self.radius if len(c) else np.zeros(3)
        hi = c.max(axis=0) + self.radius if len(c) else np.zeros(3)
        self.set_bounds((float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])))
        return self

    def ink_points(self) -> np.ndarray:
        """The dot centres."""
        return self.centers[:, :2] if self.alpha > 0.05 else np.zeros((0, 2))

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Every dot, its outline first if it has one."""
        a = self.opacity * self.alpha
        if a <= 0.0 or not len(self.centers):
            return
        sx, sy, ox, oy = pixel_transform(camera)
        ctx.identity_matrix()
        if self.grouped:
            key = (sx, sy, ox, oy, float(camera.pixel_width), float(camera.pixel_height))
            if self._layer is None or self._layer[0] != key:
                layer = cairo.ImageSurface(cairo.FORMAT_ARGB32, camera.pixel_width, camera.pixel_height)
                self._draw_dots(cairo.Context(layer), sx, sy, ox, oy, 1.0)
                self._layer = (key, layer)
            ctx.set_source_surface(self._layer[1], 0.0, 0.0)
            ctx.paint_with_alpha(a)
            return
        self._draw_dots(ctx, sx, sy, ox, oy, a)

    def _draw_dots(self, ctx: cairo.Context, sx: float, sy: float, ox: float, oy: float, a: float) -> None:
        px = (self.centers[:, :2] * np.array([sx, sy]) + np.array([ox, oy])).tolist()
        r = self.radius * sx
        tau = 2.0 * np.pi
        if self.outline is not None:
            for x, y in px:
                ctx.new_sub_path()
                ctx.arc(x, y, r + 0.08 * r + 1.0, 0.0, tau)
            o = self.outline  # Manim reads Cairo's buffer as RGBA bytes: colours go in as (b, g, r)
            ctx.set_source_rgba(o[2], o[1], o[0], a)
            ctx.fill()
        if self.grouped:
            colours, first, which = np.unique(self.rgb, axis=0, return_index=True, return_inverse=True)
            for k in np.argsort(first, kind="stable"):
                for x, y in np.asarray(px)[np.ravel(which) == k].tolist():
                    ctx.new_sub_path()
                    ctx.arc(x, y, r, 0.0, tau)
                c = colours[k]
                ctx.set_source_rgba(c[2], c[1], c[0], a)
                ctx.fill()
            return
        for (x, y), c in zip(px, self.rgb.tolist(), strict=True):
            ctx.new_sub_path()
            ctx.arc(x, y, r, 0.0, tau)
            ctx.set_source_rgba(c[2], c[1], c[0], a)
            ctx.fill()
