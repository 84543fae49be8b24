"""Panels that map data space R^2 and a 1-D latent space to the screen."""

from __future__ import annotations

import numpy as np
from manim import DOWN, UL, UP, Line, Mobject, RoundedRectangle, Text, VGroup

from scenes.look.layout import Rect
from scenes.look.style import COLORS, text
from scenes.look.theme import Theme, themed

__all__ = ["DataPanel", "LatentAxis", "nice_ticks", "panel_frame"]


def panel_frame(
    rect: Rect, title: str, frame_color: str | None = None, title_color: str | None = None
) -> tuple[RoundedRectangle, Text]:
    """A panel's rounded frame and its small title in the top-left corner.

    ``frame_color`` and ``title_color`` default to the current theme's panel and muted colours.
    """
    frame = RoundedRectangle(
        corner_radius=0.15,
        width=rect.width,
        height=rect.height,
        stroke_color=frame_color or COLORS["panel"],
        stroke_width=2,
    ).move_to(rect.center)
    label = text(title, "small", color=title_color or COLORS["muted"]).move_to(
        frame.get_corner(UL), aligned_edge=UL
    )
    return frame, label.shift(0.12 * np.array([1.0, -1.0, 0.0]))


class DataPanel(VGroup):
    """A framed view of a region of R^2 with equal scale on both axes.

    Parameters
    ----------
    rect
        Where the panel sits on screen.
    bounds
        ``(xmin, xmax, ymin, ymax)`` in data coordinates that must be visible;
        the view is centred on them and scaled to fit with equal aspect.
    title
        Small label in the top-left corner.
    header
        Extra height (scene units) kept free under the title, for a label the
        view must not run into.
    """

    @themed
    def __init__(
        self,
        rect: Rect,
        bounds: tuple[float, float, float, float],
        title: str,
        header: float = 0.0,
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        self.rect = rect
        xmin, xmax, ymin, ymax = bounds
        self.data_center = np.array([(xmin + xmax) / 2, (ymin + ymax) / 2])
        inner_w, inner_h = rect.width * 0.94 - 0.7, rect.height * 0.86 - header  # room for a label beside
        self.scale_factor = min(inner_w / max(xmax - xmin, 1e-9), inner_h / max(ymax - ymin, 1e-9))
        self.screen_center = rect.center + np.array([0.0, -0.04 * rect.height - header / 2, 0.0])
        self.frame, self.title = panel_frame(rect, title)
        self.add(self.frame, self.title)
        # With a header kept free for labels under the title, the view stays under it: nothing of it
        # (M's far reaches, say) is drawn behind those labels. Without one, up to the frame.
        self.view_top = float(self.title.get_bottom()[1]) - header - 0.05 if header > 0 else float(rect.top)

    def to_scene(self, p: np.ndarray) -> np.ndarray:
        """Data points ``(..., 2)`` -> scene points ``(..., 3)``."""
        p = np.asarray(p, dtype=np.float64)
        xy = (p - self.data_center) * self.scale_factor
        out = np.zeros((*p.shape[:-1], 3))
        out[..., :2] = xy + self.screen_center[:2]
        return out

    def contains(self, q: np.ndarray) -> np.ndarray:
        """1.0 for scene points ``(..., 3)`` inside the panel's frame and under its header, else 0.0."""
        q = np.asarray(q, dtype=np.float64)
        r, m = self.rect, 0.03 * min(self.rect.width, self.rect.height)
        inside = (
            (q[..., 0] > r.left + m)
            & (q[..., 0] < r.right - m)
            & (q[..., 1] > r.bottom + m)
            & (q[..., 1] < min(r.top - m, self.view_top))
        )
        return inside.astype(np.float64)

    def to_data(self, q: np.ndarray) -> np.ndarray:
        """Scene points ``(..., 3)`` -> data points ``(..., 2)``."""
        q = np.asarray(q, dtype=np.float64)
        return (q[..., :2] - self.screen_center[:2]) / self.scale_factor + self.data_center


def nice_ticks(lo: float, hi: float, target: int = 5) -> np.ndarray:
    """Round tick values inside ``[lo, hi]``, about ``target`` of them."""
    raw = (hi - lo) / max(target, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw))
    return np.arange(np.ceil(lo / step) * step, hi + 1e-9, step)


class LatentAxis(VGroup):
    """A number line for a 1-D latent space, inside a framed panel.

    Parameters
    ----------
    rect
        Where the panel sits.
    z_range
        ``(lo, hi)`` latent values spanned by the line.
    title
        Small label in the top-left corner.
    """

    @themed
    def __init__(
        self, rect: Rect, z_range: tuple[float, float], title: str, theme: Theme | str | None = None
    ) -> None:
        super().__init__()
        self.rect = rect
        self.z_lo, self.z_hi = z_range
        self.frame, self.title = panel_frame(rect, title)
        self.header = 0.0
        """Height under the panel's top kept free of the density plot (see :meth:`make_room`)."""
        self.y = rect.bottom + 0.3 * rect.height
        self.x0, self.x1 = rect.left + 0.07 * rect.width, rect.right - 0.07 * rect.width
        self.line = Line(
            (self.x0, self.y, 0.0), (self.x1, self.y, 0.0), color=COLORS["muted"], stroke_width=3
        )
        ticks = VGroup()
        for v in self._ticks():
            x = self.to_scene(np.array([[v]]))[0]
            ticks.add(Line(x + 0.07 * UP, x + 0.07 * DOWN, color=COLORS["muted"], stroke_width=2))
            label = f"{v:g}" if abs(v) > 1e-12 else "0"
            ticks.add(text(label, "small", color=COLORS["muted"]).scale(0.8).next_to(x, DOWN, buff=0.12))
        self.ticks = ticks
        self.add(self.frame, self.title, self.line, ticks)

    def _ticks(self) -> np.ndarray:
        """Round ticks, thinned (keeping 0) until their labels have room on the line."""
        values = nice_ticks(self.z_lo, self.z_hi)
        if len(values) < 2:
            return values
        digit = text("0", "small").scale(0.8).width
        widest = digit * max(len(f"{v:g}") for v in values)
        spacing = (self.x1 - self.x0) * (values[1] - values[0]) / (self.z_hi - self.z_lo)
        zero = int(np.argmin(np.abs(values)))
        for stride in range(1, len(values)):
            kept = values[zero % stride :: stride]
            if len(kept) >= 2 and stride * spacing >= widest + 0.2:
                return kept
        return values[[0, -1]]

    def to_scene(self, z: np.ndarray) -> np.ndarray:
        """Latents ``(N, 1)`` -> scene points ``(N, 3)`` on the line."""
        z = np.asarray(z, dtype=np.float64)[..., 0]
        t = (z - self.z_lo) / (self.z_hi - self.z_lo)
        out = np.zeros((*z.shape, 3))
        out[..., 0] = self.x0 + t * (self.x1 - self.x0)
        out[..., 1] = self.y
        return out

    def to_latent(self, q: np.ndarray) -> np.ndarray:
        """Scene points ``(N, 3)`` -> latents ``(N, 1)``."""
        q = np.asarray(q, dtype=np.float64)
        t = (q[..., 0] - self.x0) / (self.x1 - self.x0)
        return (self.z_lo + t * (self.z_hi - self.z_lo))[..., None]

    @property
    def plot_height(self) -> float:
        """Height available above the line for the density plot, under :attr:`header`."""
        return max(self.rect.top - self.y - 0.3 * self.rect.height - self.header, 0.2 * self.rect.height)

    def make_room(self, label: Mobject) -> None:
        """Keep the density plot under ``label`` (placed in the panel's top rows) from now on."""
        plot_top = label.get_bottom()[1] - 0.06
        self.header = max(self.header, self.rect.top - 0.3 * self.rect.height - plot_top)
