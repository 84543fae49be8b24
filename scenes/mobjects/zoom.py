"""A magnified view of a small square of data space, with a marker where it looks."""

from __future__ import annotations

import itertools

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Mobject, Square, VGroup

from scenes.look.layout import Rect
from scenes.look.style import COLORS, text
from scenes.look.theme import Theme, themed
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.mobjects.curve import FadingCurve
from scenes.mobjects.panels import DataPanel

__all__ = ["ZoomView", "clip_polyline"]


def clip_polyline(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The longest connected piece of a 2-D polyline inside the box ``[lo, hi]``.

    Each segment is clipped exactly (Liang–Barsky), so the piece follows the
    original polyline to the box's edge. Returns ``(P, 2)``; empty if nothing
    is inside.
    """
    p = np.asarray(points, dtype=np.float64)
    pieces: list[list[np.ndarray]] = []
    current: list[np.ndarray] = []
    for a, b in itertools.pairwise(p):
        d = b - a
        t0, t1 = 0.0, 1.0
        for k in range(2):
            for q, r in ((-d[k], a[k] - lo[k]), (d[k], hi[k] - a[k])):
                if q == 0:
                    if r < 0:
                        t0, t1 = 1.0, 0.0
                elif q < 0:
                    t0 = max(t0, r / q)
                else:
                    t1 = min(t1, r / q)
        if t0 > t1:
            if current:
                pieces.append(current)
                current = []
            continue
        start, end = a + t0 * d, a + t1 * d
        if not current:
            current = [start]
        current.append(end)
        if t1 < 1.0:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    if not pieces:
        return np.zeros((0, 2))
    return np.array(max(pieces, key=len))


class ZoomView(VGroup):
    """Data, reconstructions, residuals and M inside a square of data space, enlarged.

    Parameters
    ----------
    rect
        Where the enlarged view sits on screen (a square is used).
    source
        The panel that shows the whole data space (for the region marker).
    center, half_width
        The magnified square of data space.
    data, recon, manifold
        ``(N, 2)``, ``(N, 2)``, ``(G, 2)`` arrays in data coordinates.
    focus
        Index of a data point inside the square to label x and x̂.
    dot_radius
        Radius of the dots on screen.
    """

    @themed
    def __init__(
        self,
        rect: Rect,
        source: DataPanel,
        center: np.ndarray,
        half_width: float,
        data: np.ndarray,
        recon: np.ndarray,
        manifold: np.ndarray,
        focus: int,
        dot_radius: float,
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        c = np.asarray(center, dtype=np.float64)
        if not np.all(np.abs(np.asarray(data, dtype=np.float64)[focus] - c) < half_width):
            raise ValueError("the focus point must lie inside the magnified square")
        side = min(rect.width, rect.height)
        sq = Rect(rect.cx, rect.cy, side, side)
        bounds = (c[0] - half_width, c[0] + half_width, c[1] - half_width, c[1] + half_width)
        self.panel = DataPanel(sq, bounds, f"×{side * 0.94 / (2 * half_width * source.scale_factor):.0f}")
        self.panel.frame.set_fill(COLORS["background"], opacity=1.0)
        whole = source.to_scene(np.asarray(manifold, dtype=np.float64))[:, :2]  # M behind the view, on screen
        self._behind = (
            whole[:-1, None] + np.linspace(0.0, 1.0, 8)[None, :, None] * np.diff(whole, axis=0)[:, None]
        ).reshape(-1, 2)
        self.panel.frame.set_stroke(COLORS["text"], width=2)
        box_lo, box_hi = c - half_width, c + half_width
        inside = np.all((data > box_lo) & (data < box_hi) & (recon > box_lo) & (recon < box_hi), axis=1)
        self.index = np.flatnonzero(inside)
        self.data = np.asarray(data, dtype=np.float64)[self.index]
        self.recon = np.asarray(recon, dtype=np.float64)[self.index]
        self.focus = int(np.searchsorted(self.index, focus))
        x = self.panel.to_scene(self.data)
        inner = 0.97 * half_width
        piece = clip_polyline(manifold, c - inner, c + inner)
        if len(piece) < 2:
            raise ValueError("M does not pass through the magnified square")
        self.manifold = FadingCurve(self.panel.to_scene(piece), COLORS["manifold"], stroke_width=6)
        self.residuals = SegmentBundle(x, x, COLORS["residual"], stroke_width=2.5)
        self.data_dots = DotCloud(x, dot_radius, COLORS["data"])
        self.recon_dots = DotCloud(x, dot_radius * 0.85, COLORS["recon"], outline=COLORS["background"])
        self.x_label = text("x", "label", color=COLORS["data"], slant="ITALIC")
        self.xhat_label = text("x̂", "label", color=COLORS["recon"], slant="ITALIC")
        # The view is full of dots: its labels sit on patches of background that hide the dots under them.
        for label in (self.x_label, self.xhat_label, self.panel.title):
            label.add_background_rectangle(color=COLORS["background"], opacity=0.85, buff=0.04)

        # Where the view looks, in the source panel, and lines joining the two.
        corners = source.to_scene(np.array([box_lo, box_hi]))
        self.marker = Square(side_length=corners[1, 0] - corners[0, 0], color=COLORS["text"], stroke_width=2)
        self.marker.move_to(corners.mean(axis=0))
        near = (
            self.panel.frame.get_corner(UP + LEFT)
            if self.marker.get_x() < sq.cx
            else self.panel.frame.get_corner(UP + RIGHT)
        )
        self.connector = Line(
            self.marker.get_center(), near, color=COLORS["text"], stroke_width=1.5, stroke_opacity=0.6
        )

        self.add(self.connector, self.marker, self.panel, self.manifold, self.data_dots, self.x_label)
        self.set_fraction(0.0)

    def show_reconstructions(self) -> ZoomView:
        """Add the x̂ dots and residual segments above the data, and M, thinner, above them.

        Enlarged, the x̂ dots would cover M completely; drawn over them at a
        third of its width, M stays visible as the line they sit on.
        """
        self.remove(self.manifold, self.x_label)
        self.manifold.set_stroke(width=2.5)
        self.add(self.residuals, self.recon_dots, self.manifold, self.x_label)
        return self

    def set_fraction(self, t: float) -> ZoomView:
        """Put every x̂ dot a fraction ``t`` of the way from x_j to x̂_j."""
        x = self.panel.to_scene(self.data)
        xh = self.panel.to_scene(self.recon)
        cur = x + t * (xh - x)
        self.recon_dots.set_centers(cur)
        self.residuals.set_segments(x, cur)
        j = self.focus
        away = x[j] - xh[j]
        d = (RIGHT if away[0] > 0 else LEFT) if abs(away[0]) > abs(away[1]) else (UP if away[1] > 0 else DOWN)
        self.x_label.next_to(x[j], d, buff=0.15)
        self.xhat_label.next_to(cur[j], -d, buff=0.15)
        # Across M from x in R^2 (the residual is normal to M there); in a projection's shadow it need not
        # be, so x̂'s label takes the first side that keeps it off the magnified M.
        v = self.manifold.vertices[:, :2]
        steps = np.linspace(0.0, 1.0, 12)[None, :, None]
        m_pts = (v[:-1, None] + steps * (v[1:] - v[:-1])[:, None]).reshape(-1, 2)
        ends = self.connector.get_start()[:2], self.connector.get_end()[:2]
        line = ends[0] + np.linspace(0.0, 1.0, 60)[:, None] * (ends[1] - ends[0])
        m_pts = np.vstack([m_pts, line, self.marker.points[:, :2], self._behind])  # and lines behind
        others = (self.x_label, self.panel.title)
        across = np.array([d[1], -d[0], 0.0])
        sides = [-d, across, -across, (across - d) / np.sqrt(2), (-across - d) / np.sqrt(2)]
        sides += [(across + d) / np.sqrt(2), (d - across) / np.sqrt(2), d]
        best: tuple[float, float, np.ndarray] | None = None
        for buff, side in [(b, s) for b in (0.15, 0.3, 0.45, 0.6) for s in sides]:
            self.xhat_label.next_to(cur[j], side, buff=buff)
            lo, hi = self.xhat_label.get_corner(DOWN + LEFT)[:2], self.xhat_label.get_corner(UP + RIGHT)[:2]
            on_m = int(np.all((m_pts > lo - 0.03) & (m_pts < hi + 0.03), axis=1).sum())
            outside = not self.panel.contains(np.array([[*lo, 0.0], [*hi, 0.0]])).all()
            crowded = sum(_overlap(self.xhat_label, other) for other in others)
            score = 1e6 * outside + 1e4 * crowded + on_m
            if best is None or score < best[0]:
                best = (score, buff, side)
            if score == 0:
                break
        assert best is not None
        self.xhat_label.next_to(cur[j], best[2], buff=best[1])
        title, frame = self.panel.title, self.panel.frame
        for corner in (UP + LEFT, UP + RIGHT, DOWN + RIGHT, DOWN + LEFT):  # the title keeps off the labels
            title.move_to(frame.get_corner(corner), aligned_edge=corner).shift(0.12 * (-corner))
            if not any(_overlap(title, label) for label in (self.x_label, self.xhat_label)):
                break
        return self


def _overlap(a: Mobject, b: Mobject, gap: float = 0.03) -> bool:
    """Whether the boxes of ``a`` and ``b`` come closer than ``gap``."""
    alo, ahi = a.get_corner(DOWN + LEFT), a.get_corner(UP + RIGHT)
    blo, bhi = b.get_corner(DOWN + LEFT), b.get_corner(UP + RIGHT)
    return bool(np.all(alo[:2] < bhi[:2] + gap) and np.all(blo[:2] < ahi[:2] + gap))
