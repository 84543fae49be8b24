"""The latents z_j and their density over the latent grid, as a heat map with dots.

Drawn with pycairo through the camera hook of
:mod:`~scenes.mobjects.cairo_drawn`: the density is one
small image that Cairo interpolates over the grid's rectangle, the dots one path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cairo
import numpy as np
from manim import ParsableManimColor

from scenes.look.style import COLORS
from scenes.look.theme import Theme, themed
from scenes.mesh_math import grid_extent
from scenes.mobjects.cairo_drawn import CairoDrawn, color_rgb, pixel_transform

__all__ = ["LatentHeatMap"]


class LatentHeatMap(CairoDrawn):
    """The latents z_j and their density over the latent grid, as dots over a smooth coloured image.

    The image is the grid's density values, bilinearly interpolated by Cairo
    over the grid's rectangle (which extends past the latents); every
    ``line_every``-th grid line is drawn over it, the same lines
    :class:`~scenes.mobjects.surface_view.SurfaceView` draws on M.

    Parameters
    ----------
    to_scene
        Maps latents ``(..., 2)`` to scene points ``(..., 3)``.
    bounds
        Scene rectangle ``(left, bottom, right, top)`` the map stays in.
    color
        Colour of the density and the dots (default: the palette's ``"latent"``).
    line_color
        Colour of the grid lines (default: the palette's ``"manifold"``, as M's grid lines).
    line_every
        Every ``line_every``-th latent grid line is drawn (and the last one).
    dot_radius
        Radius of the dots in scene units.
    **kwargs
        Passed to :class:`~manim.VMobject`.

    Attributes
    ----------
    density_alpha
        Multiplies the density image only (animate it to fade the heat map in).
    """

    @themed
    def __init__(
        self,
        to_scene: Callable[[np.ndarray], np.ndarray],
        bounds: tuple[float, float, float, float],
        color: ParsableManimColor | None = None,
        line_color: ParsableManimColor | None = None,
        line_every: int = 4,
        dot_radius: float = 0.03,
        theme: Theme | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(bounds, **kwargs)
        self.dot_radius = dot_radius
        self.dot_opacity = 0.9
        self.latents = np.zeros((0, 2))
        self.to_scene = to_scene
        self.density_rgb = color_rgb(COLORS["latent"] if color is None else color)
        self.line_rgb = color_rgb(COLORS["manifold"] if line_color is None else line_color)
        self.line_every = line_every
        self.density_alpha = 1.0
        self.grid = np.zeros((2, 2, 2))
        self.density = np.zeros((2, 2))

    def set_density(self, grid: np.ndarray, density: np.ndarray) -> LatentHeatMap:
        """Show ``density`` ``(G, G)`` on ``grid`` ``(G, G, 2)``."""
        self.grid = np.asarray(grid, dtype=np.float64)
        self.density = np.asarray(density, dtype=np.float64)
        return self

    def set_latents(self, latents: np.ndarray) -> LatentHeatMap:
        """Show the latents ``(N, 2)`` as dots."""
        self.latents = np.asarray(latents, dtype=np.float64)
        return self

    @property
    def dot_centers(self) -> np.ndarray:
        """Scene points ``(N, 3)`` of the dots."""
        return np.asarray(self.to_scene(self.latents))

    def image(self) -> np.ndarray:
        """Premultiplied bytes ``(G, G, 4)`` for Manim's Cairo buffer (read as RGBA).

        Row 0 is the top (largest v), column 0 the smallest u.
        """
        d = self.density / max(float(self.density.max()), 1e-300)
        alpha = 0.85 * np.clip(d, 0.0, 1.0) ** 0.6 * self.density_alpha * self.alpha
        a = alpha.T[::-1]  # (v descending, u ascending)
        out = np.empty((*a.shape, 4), dtype=np.uint8)
        for k in range(3):
            out[..., k] = np.round(255 * self.density_rgb[k] * a)
        out[..., 3] = np.round(255 * a)
        return out

    def ink_points(self) -> np.ndarray:
        """The latent dots and points along the grid lines."""
        if self.alpha <= 0.05:
            return np.zeros((0, 2))
        g = self.grid.shape[0]
        lines = sorted({*range(0, g, self.line_every), g - 1})
        u0, u1, v0, v1 = grid_extent(self.grid)
        s = np.linspace(0.0, 1.0, 40)
        pts = [np.column_stack([np.full_like(s, u), v0 + s * (v1 - v0)]) for u in self.grid[:, 0, 0][lines]]
        pts += [np.column_stack([u0 + s * (u1 - u0), np.full_like(s, v)]) for v in self.grid[0, :, 1][lines]]
        on_screen = np.asarray(self.to_scene(np.vstack(pts)))[:, :2]
        dots = self.dot_centers[:, :2] if len(self.latents) else np.zeros((0, 2))
        return np.vstack([on_screen, dots])

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Draw the density image, the grid lines and the dots, in that order."""
        if self.alpha <= 0.0:
            return
        sx, sy, ox, oy = pixel_transform(camera)
        ctx.identity_matrix()
        u0, u1, v0, v1 = grid_extent(self.grid)
        (x0, y0, _), (x1, y1, _) = self.to_scene(np.array([[u0, v1], [u1, v0]]))
        px0, py0, px1, py1 = x0 * sx + ox, y0 * sy + oy, x1 * sx + ox, y1 * sy + oy  # top-left, bottom-right
        g = self.grid.shape[0]
        if self.density_alpha > 0:
            img = np.ascontiguousarray(self.image())
            buf = memoryview(img.data)
            surface = cairo.ImageSurface.create_for_data(buf, cairo.FORMAT_ARGB32, g, g, 4 * g)
            pattern = cairo.SurfacePattern(surface)
            pattern.set_filter(cairo.FILTER_BILINEAR)
            pattern.set_extend(cairo.EXTEND_PAD)
            kx = (g - 1) / max(px1 - px0, 1e-9)
            ky = (g - 1) / max(py1 - py0, 1e-9)
            pattern.set_matrix(cairo.Matrix(kx, 0.0, 0.0, ky, 0.5 - px0 * kx, 0.5 - py0 * ky))
            ctx.rectangle(px0, py0, px1 - px0, py1 - py0)
            ctx.set_source(pattern)
            ctx.fill()
        # Grid lines, the outline of the latent range M is drawn over.
        e = self.line_every
        lines = sorted({*range(0, g, e), g - 1})
        us = self.grid[:, 0, 0][lines]
        vs = self.grid[0, :, 1][lines]
        c = self.line_rgb
        ctx.set_line_width(max(0.012 * sx, 0.6))
        for k, u in enumerate(us):
            (ax, ay, _), (bx, by, _) = self.to_scene(np.array([[u, v0], [u, v1]]))
            ctx.move_to(ax * sx + ox, ay * sy + oy)
            ctx.line_to(bx * sx + ox, by * sy + oy)
            edge = k in (0, len(us) - 1)
            ctx.set_source_rgba(c[2], c[1], c[0], (0.75 if edge else 0.3) * self.alpha)
            ctx.stroke()
        for k, v in enumerate(vs):
            (ax, ay, _), (bx, by, _) = self.to_scene(np.array([[u0, v], [u1, v]]))
            ctx.move_to(ax * sx + ox, ay * sy + oy)
            ctx.line_to(bx * sx + ox, by * sy + oy)
            edge = k in (0, len(vs) - 1)
            ctx.set_source_rgba(c[2], c[1], c[0], (0.75 if edge else 0.3) * self.alpha)
            ctx.stroke()
        # The latents, one path and one fill.
        if len(self.latents):
            c = self.density_rgb
            r = self.dot_radius * sx
            tau = 2.0 * np.pi
            for x, y, _ in self.dot_centers.tolist():
                ctx.new_sub_path()
                ctx.arc(x * sx + ox, y * sy + oy, r, 0.0, tau)
            # A lighter tint keeps the dots apart from the density drawn in the same hue.
            c = 0.6 * c + 0.4
            ctx.set_source_rgba(c[2], c[1], c[0], self.dot_opacity * self.alpha)
            ctx.fill()
