"""The picture of an image run (k = 2): the latent plane with the z_j or the mosaic of M, and a side panel.

The latent plane shows the latents z_j coloured by digit, or M as a mosaic
(:class:`~scenes.mobjects.mosaic.ImageMosaic`): the image g(u) decoded at
every point u of the latent grid, each tile as opaque as the decoder is
reliable there. Beside it (below it in a portrait frame) a side panel holds
one beat at a time: data images with the digit key, the loss while M forms,
x next to x̂ and x − x̂, and the image decoded along a walk across the plane
above the reliability along that walk.

During training the mosaic's rectangle stands for each snapshot's own latent
grid (which spreads with the z_j): its tiles are that snapshot's M, exactly
as stored. At the last snapshot it is the trained grid, drawn to the plane's scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Dot, Line, VGroup, VMobject

from aecore import Run
from aecore.forward import decode
from scenes.i18n import _
from scenes.look.layout import Rect, content_area, is_landscape, is_portrait
from scenes.look.style import COLORS, digit_rgb, fit_lines, text, wrap_units
from scenes.look.theme import Theme, in_own_theme, themed
from scenes.mobjects.cairo_drawn import color_rgb
from scenes.mobjects.latent_plane import LatentPlane
from scenes.mobjects.loss_inset import LossInset
from scenes.mobjects.mosaic import ImageMosaic
from scenes.mobjects.palette_dots import PaletteDots
from scenes.mobjects.panels import panel_frame
from scenes.mobjects.pixel_images import PixelImages, ink_rgb, signed_rgb
from scenes.mobjects.readout import Readout
from scenes.pictures.image_run import (
    class_medians,
    example_indices,
    mosaic_extent,
    reliability_interpolator,
    sample_indices,
    tile_window,
    walk_ends,
)
from scenes.pictures.picture2d import PictureState

__all__ = ["VALUES", "ImagesLayout", "ImagesPicture", "images_layout", "pixel_range"]

VALUES = (0.0, 16.0)
"""Pixel values of the digits (data units): 0 is paper, 16 full ink. Another image run maps its
data's own range (:func:`pixel_range`)."""


def pixel_range(run: Run) -> tuple[float, float]:
    """The values drawn as paper and as full ink: the data's smallest and largest pixel."""
    lo, hi = float(run.data.min()), float(run.data.max())
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


@dataclass(frozen=True)
class ImagesLayout:
    """Where the latent plane and the side panel go."""

    plane: Rect
    side: Rect


def images_layout() -> ImagesLayout:
    """The latent plane and the side panel in the current frame, in :func:`~scenes.look.layout.content_area`.

    Landscape: the plane left, the side panel right. Portrait: the plane
    on top, as wide as the frame, the side panel under it. Square: the plane
    left, a narrow side panel right.
    """
    a, gap = content_area(caption_gap=0.25), 0.25
    if is_landscape():
        w = min(1.2 * a.height, 0.56 * a.width)
        plane = Rect(a.left + w / 2, a.cy, w, a.height)
        side_w = a.width - w - gap
        return ImagesLayout(plane, Rect(a.right - side_w / 2, a.cy, side_w, a.height))
    if is_portrait():
        h = min(0.95 * a.width, 0.52 * a.height)
        plane = Rect(a.cx, a.top - h / 2, a.width, h)
        side_h = a.height - h - gap
        return ImagesLayout(plane, Rect(a.cx, a.bottom + side_h / 2, a.width, side_h))
    w = 0.56 * a.width
    plane = Rect(a.left + w / 2, a.cy, w, a.height)
    side_w = a.width - w - gap
    return ImagesLayout(plane, Rect(a.right - side_w / 2, a.cy, side_w, a.height))


def _best_columns(area: Rect, n: int, label_h: float, gap: float = 0.18) -> int:
    """How many columns make ``n`` square boxes (``label_h`` free under each) largest in ``area``."""

    def side(cols: int) -> float:
        rows = -(-n // cols)
        return min(
            (area.width - (cols - 1) * gap) / cols, (area.height - rows * label_h - (rows - 1) * gap) / rows
        )

    return max(range(1, n + 1), key=lambda c: (side(c), -c))


def _grid_boxes(
    area: Rect, n: int, cols: int, label_h: float, gap: float = 0.18
) -> list[tuple[float, float, float, float]]:
    """``n`` square boxes in rows of ``cols``, centred in ``area``, each with ``label_h`` free under it."""
    rows = -(-n // cols)
    side = min(
        (area.width - (cols - 1) * gap) / cols, (area.height - rows * label_h - (rows - 1) * gap) / rows
    )
    side = max(side, 0.1)
    total_w = cols * side + (cols - 1) * gap
    total_h = rows * (side + label_h) + (rows - 1) * gap
    out = []
    for k in range(n):
        r, c = divmod(k, cols)
        left = area.cx - total_w / 2 + c * (side + gap)
        top = area.cy + total_h / 2 - r * (side + label_h + gap)
        out.append((left, top - side, left + side, top))
    return out


class ImagesPicture(VGroup):
    """The latent plane (z_j, or M as a mosaic) and the side panel's beats, for a k = 2 image run.

    The group itself holds only the mosaic (what training redraws every
    frame); the plane (:attr:`plane`), the dots (:attr:`dots`), the loss
    inset and each beat's side panel are separate mobjects, added to the
    scene before it so that Manim keeps them in its static background.

    Parameters
    ----------
    run
        A run whose points are images (``run.image_shape``), with labels and k = 2.
    layout
        Where the plane and the side panel go (default: :func:`images_layout`).
    """

    uniform_opacity = 0.9
    """Opacity of every tile before the mosaic fades to the reliability."""

    @themed
    def __init__(
        self, run: Run, layout: ImagesLayout | None = None, theme: Theme | str | None = None
    ) -> None:
        super().__init__()
        if run.image_shape is None or run.labels is None or run.final.latents.shape[1] != 2:
            raise ValueError("ImagesPicture shows image runs with labels and a 2-D latent space")
        self.run = run
        self.values = pixel_range(run)
        self.lay = lay = layout or images_layout()
        self.image_shape = run.image_shape
        self.paper = color_rgb(COLORS["background"])
        self.ink = color_rgb(COLORS["text"])
        final = run.final
        self.window = tile_window(run)
        u0, u1, v0, v1 = mosaic_extent(final.latent_grid[self.window])
        self.plane = LatentPlane(lay.plane, (u0, u1, v0, v1), _("latent plane ℝ²"))
        (left, bottom, _z0), (right, top, _z1) = self.plane.to_scene(np.array([[u0, v0], [u1, v1]]))
        self.mosaic = ImageMosaic(
            (left, bottom, right, top), self.image_shape, self.paper, self.ink, self.values
        )
        self.mosaic.alpha = 0.0
        self.dot_radius = 0.0075 * min(lay.plane.width, lay.plane.height)
        self.dots = PaletteDots(
            self.plane.to_scene(final.latents),
            digit_rgb(run.labels),
            self.dot_radius,
            opacity=0.9,
            grouped=True,
        )
        self.m_label = text(_("M: g(u) at every tile u"), "small", color=COLORS["manifold"])
        self.m_label.move_to(self.plane.frame.get_corner(UP + RIGHT), aligned_edge=UP + RIGHT).shift(
            0.12 * (LEFT + DOWN)
        )
        self.m_replaces_title = self.m_label.get_left()[0] < self.plane.title.get_right()[0] + 0.2
        if self.m_replaces_title:  # a narrow panel: M's label takes the title's place when M shows
            self.m_label.move_to(self.plane.title, aligned_edge=LEFT)
        self.loss_inset = LossInset(self._top_of_side(0.45), run.steps, run.losses)
        self.state = PictureState.of(run.snapshots[0])
        self.recon_fraction = 1.0  # what the snapshot animations ask of a picture; x̂ is not drawn here
        self.reliability_blend = 0.0
        self.add(self.mosaic)  # only what training redraws: the plane and the side panel are kept apart
        self.set_state(self.state)

    # The mosaic.

    def tile_opacity(self, state: PictureState | None = None, blend: float | None = None) -> np.ndarray:
        """``(Gi, Gj)`` in the window: ``(1 - blend) * uniform_opacity + blend * reliability``."""
        s = state or self.state
        b = self.reliability_blend if blend is None else blend
        rel = np.clip(np.asarray(s.reliability, dtype=np.float64)[self.window], 0.0, 1.0)
        return (1.0 - b) * self.uniform_opacity + b * rel

    def set_state(self, state: PictureState, recon_fraction: float | None = None) -> ImagesPicture:
        """Show ``state``'s M (``(G, G, H W)`` images on its own grid), in the window, as the tiles."""
        self.state = state
        if recon_fraction is not None:
            self.recon_fraction = recon_fraction
        self.mosaic.set_tiles(np.asarray(state.manifold)[self.window], self.tile_opacity(state))
        return self

    def set_reliability_blend(self, blend: float) -> ImagesPicture:
        """Blend the tiles' opacity between uniform (0) and the reliability (1)."""
        self.reliability_blend = float(blend)
        return self.set_state(self.state)

    # The side panel.

    def _top_of_side(self, fraction: float) -> Rect:
        s = self.lay.side
        h = fraction * s.height
        return Rect(s.cx, s.top - h / 2, s.width, h)

    def bottom_of_side(self, fraction: float, gap: float = 0.2) -> Rect:
        """The bottom ``fraction`` of the side panel, less ``gap`` (under the loss inset)."""
        s = self.lay.side
        h = fraction * s.height - gap
        return Rect(s.cx, s.bottom + h / 2, s.width, h)

    def _panel(self, title: str, rect: Rect | None = None) -> tuple[VGroup, Rect]:
        """A frame (default: the side panel's) and its title, and the rectangle free under the title."""
        s = rect or self.lay.side
        frame, title_text = panel_frame(s, title)
        label: VMobject = title_text
        if label.width > s.width - 0.3:
            lines = fit_lines(*wrap_units(title), "small", s.width - 0.3, balance=True, typeset=title_text)
            label = VGroup(*(text(x, "small", color=COLORS["muted"]) for x in lines)).arrange(
                DOWN, aligned_edge=LEFT, buff=0.08
            )
            label.move_to(frame.get_corner(UP + LEFT), aligned_edge=UP + LEFT).shift(0.12 * (RIGHT + DOWN))
        top = label.get_bottom()[1] - 0.15
        free = Rect(s.cx, (top + s.bottom + 0.15) / 2, s.width - 0.3, top - s.bottom - 0.15)
        return VGroup(frame, label), free

    def digit_image(self, values: np.ndarray) -> np.ndarray:
        """RGB ``(H, W, 3)`` of one image's pixel values ``(H W,)`` (paper to ink)."""
        return ink_rgb(np.asarray(values).reshape(self.image_shape), *self.values, self.paper, self.ink)

    @in_own_theme
    def samples(self, rect: Rect | None = None) -> VGroup:
        """Beat 1: one data image per digit, each over its digit in the digit's colour (the key).

        In ``rect`` (default: the whole side panel); there, with a shorter
        title and smaller digits, as a reminder beside M.
        """
        title = _("data: 8 × 8 images, each a point x in ℝ⁶⁴") if rect is None else _("data x")
        head, area = self._panel(title, rect)
        idx = sample_indices(self.run)
        kind = "label" if rect is None else "small"
        label_h = text("0", kind).height + 0.1
        cols = _best_columns(area, len(idx), label_h)
        boxes = _grid_boxes(area, len(idx), cols, label_h)
        images = PixelImages(
            boxes, [self.digit_image(self.run.data[k]) for k in idx], color_rgb(COLORS["panel"])
        )
        labels = VGroup()
        for k, box in zip(idx, boxes, strict=True):
            d = int(self.run.labels[k])  # type: ignore[index]
            c = digit_rgb(np.array([d]))[0]
            hexc = "#" + "".join(f"{round(255 * v):02X}" for v in c)
            labels.add(
                text(str(d), kind, color=hexc).move_to(((box[0] + box[2]) / 2, box[1] - label_h / 2, 0))
            )
        return VGroup(head, images, labels)

    @in_own_theme
    def pairs(self) -> tuple[VGroup, VGroup]:
        """Beat 3: rows of x, x̂ and x − x̂ (side panel), and rings at their z on the plane."""
        head, area = self._panel(_("x, its reconstruction x̂, and x − x̂"))
        idx = example_indices(self.run)
        heads = (("x", "data"), ("x̂", "recon"), ("x − x̂", "residual"))
        top = area.top - text("x̂", "label").height - 0.15
        grid = Rect(area.cx, (top + area.bottom) / 2, area.width, top - area.bottom)
        # One row per example (3 x 3), or, in a wide and short panel, the examples side by side (1 x 9).
        stacked = _grid_boxes(grid, 3 * len(idx), 3, 0.0, gap=0.22)
        row = _grid_boxes(grid, 3 * len(idx), 3 * len(idx), 0.0, gap=0.22)
        wide = row[0][2] - row[0][0] > stacked[0][2] - stacked[0][0]
        boxes = row if wide else stacked
        s = self.run.final
        images: list[np.ndarray] = []
        for k in idx:
            x, xh = self.run.data[k], np.asarray(s.recon[k], dtype=np.float64)
            # Ink x has and x̂ lacks in x's colour; ink x̂ adds in x̂'s colour; half the ink range saturates.
            pos, neg = color_rgb(COLORS["data"]), color_rgb(COLORS["recon"])
            images += [self.digit_image(x), self.digit_image(xh)]
            images.append(
                signed_rgb(
                    (x - xh).reshape(self.image_shape),
                    (self.values[1] - self.values[0]) / 2,
                    self.paper,
                    pos,
                    neg,
                )
            )
        tiles = PixelImages(boxes, images, color_rgb(COLORS["panel"]))
        kind = "label" if text("x − x̂", "label").width <= boxes[0][2] - boxes[0][0] + 0.15 else "small"
        headers = VGroup()
        for n, box in enumerate(boxes[: 3 * len(idx) if wide else 3]):
            label, role = heads[n % 3]
            h = text(label, kind, color=COLORS[role])
            headers.add(h.move_to(((box[0] + box[2]) / 2, box[3] + 0.12 + h.height / 2, 0)))
        rings = VGroup()
        cw, ch = self.mosaic.cell()
        for k in idx:
            d = int(self.run.labels[k])  # type: ignore[index]
            c = digit_rgb(np.array([d]))[0]
            hexc = "#" + "".join(f"{round(255 * v):02X}" for v in c)
            ring = Circle(radius=0.75 * max(cw, ch), color=hexc, stroke_width=5)
            rings.add(ring.move_to(self.plane.to_scene(s.latents[k])))
        return VGroup(head, tiles, headers), rings

    # The walk.

    @in_own_theme
    def build_walk(self) -> None:
        """The straight path between :func:`walk_ends`, its decoded image and its reliability strip."""
        a, b = walk_ends(self.run)
        med = class_medians(self.run)
        self.walk_digits = (a, b)
        self.walk_from, self.walk_to = med[a], med[b]
        p0, p1 = self.plane.to_scene(np.array([self.walk_from, self.walk_to]))
        self.path = Line(p0, p1, color=COLORS["recon"], stroke_width=5)
        self.walker = Dot(p0, radius=0.09, color=COLORS["recon"]).set_stroke(COLORS["background"], width=3)
        head, area = self._panel(_("g(z) along the path from {a} to {b}", a=str(a), b=str(b)))
        if area.width > 1.6 * area.height:  # a wide panel: the image left, the strip right of it
            side = area.height
            img_box = (area.left, area.bottom, area.left + side, area.top)
            strip = Rect(
                (area.left + side + 0.3 + area.right) / 2, area.cy, area.width - side - 0.3, area.height
            )
        else:  # the image above the strip
            strip_h = 0.3 * area.height
            side = min(area.width, area.height - strip_h - 0.5)
            img_box = (area.cx - side / 2, area.top - side, area.cx + side / 2, area.top)
            strip = Rect(area.cx, area.bottom + strip_h / 2, area.width, strip_h)
        self.walk_image = PixelImages([img_box], [self.digit_image(decode(self.run, self.walk_from))])
        self.walk_image.outline = color_rgb(COLORS["panel"])
        # The strip: reliability (0 to 1, up) against the place along the path (left to right).
        t = np.linspace(0.0, 1.0, 121)
        self.walk_t = t
        self.reliability_at = reliability_interpolator(self.run)
        self.walk_reliability = self.reliability_at(self.walk_point(t))
        label = text(_("reliability"), "small", color=COLORS["muted"])
        x0, x1 = strip.left + 0.1, strip.right - 0.1
        y0 = strip.bottom + 0.05
        y1 = y0 + strip.height - label.height - 0.15
        label.move_to((x0, y1 + 0.1 + label.height / 2, 0), aligned_edge=LEFT)
        readout_at = np.array([x1, y1 + 0.1 + label.height / 2, 0.0])
        if label.width + text("0.00", "small", mono=True).width + 0.25 > x1 - x0:  # no room beside: above it
            readout_at[1] += label.height + 0.12
        pts = np.column_stack([x0 + t * (x1 - x0), y0 + self.walk_reliability * (y1 - y0), np.zeros_like(t)])
        self.strip_points = pts
        area_poly = np.vstack([[x0, y0, 0.0], pts, [x1, y0, 0.0]])
        fill = (
            VMobject(stroke_width=0).set_points_as_corners(area_poly).set_fill(COLORS["latent"], opacity=0.35)
        )
        curve = VMobject(stroke_color=COLORS["latent"], stroke_width=3).set_points_as_corners(pts)
        base = Line((x0, y0, 0), (x1, y0, 0), color=COLORS["muted"], stroke_width=2)
        self.strip_head = Dot(pts[0], radius=0.07, color=COLORS["recon"])
        self.walk_readout = Readout(f"{self.walk_reliability[0]:.2f}", readout_at, edge=RIGHT)
        self.walk_panel = VGroup(
            head, self.walk_image, fill, curve, base, label, self.walk_readout, self.strip_head
        )

    def walk_point(self, t: np.ndarray | float) -> np.ndarray:
        """Latents ``(..., 2)`` at fractions ``t`` of the way along the path."""
        t = np.asarray(t, dtype=np.float64)[..., None]
        return (1.0 - t) * self.walk_from + t * self.walk_to

    def set_walk(self, t: float) -> ImagesPicture:
        """Put the walker at fraction ``t`` of the path: its decoded image, its place on the strip."""
        z = self.walk_point(float(t))
        self.walker.move_to(self.plane.to_scene(z))
        self.walk_image.set_images([self.digit_image(decode(self.run, z))])
        k = float(t) * (len(self.walk_t) - 1)
        i = min(int(k), len(self.walk_t) - 2)
        f = k - i
        self.strip_head.move_to((1 - f) * self.strip_points[i] + f * self.strip_points[i + 1])
        rel = float(np.ravel(self.reliability_at(z))[0])
        self.walk_readout.set_value(f"{rel:.2f}")
        return self
