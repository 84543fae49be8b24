"""One run's picture in a column, for chapters that compare two runs side by side.

In a landscape or square frame the two columns sit side by side; in a
portrait frame they stack, the first above the second. Outside a landscape
frame every picture keeps inside :func:`content_area`: clear of the platform
margins and of the band the bottom caption may fill.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from manim import DOWN, VGroup

from aecore import Run
from scenes.i18n import _, is_cjk
from scenes.look.layout import Rect, content_area, is_portrait
from scenes.look.style import COLORS, fit_lines, text
from scenes.look.theme import Theme, themed
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.mobjects.curve import FadingCurve
from scenes.mobjects.density import DensityProfile
from scenes.mobjects.panels import DataPanel, LatentAxis

__all__ = [
    "RunColumn",
    "column_rects",
    "line_block",
    "note_block",
    "two_cells",
    "wrap_title",
]

NOTE_BUFF = 0.15
"""Gap between a data panel and the note under it (scene units)."""

LATENT_HEIGHT = 1.45
"""Height of a column's latent panel outside a landscape frame (scene units)."""

TITLE_INDENT = 0.12
"""How far a panel's corner title sits in from the frame's corner, on each axis."""


def line_block(
    lines: Sequence[str], kind: str, max_width: float, color: str | None = None, mono: bool = False
) -> VGroup:
    """Centred lines of ``kind`` text, one under another, scaled down if wider than ``max_width``."""
    block = VGroup(*(text(s, kind, color=color, mono=mono) for s in lines))
    block.arrange(DOWN, buff=0.1)
    if block.width > max_width:
        block.scale_to_fit_width(max_width)
    return block


def wrap_title(title: str, width: float) -> str:
    """A panel title broken after commas (Japanese: after 、) into lines that fit a panel ``width`` wide."""
    cjk = is_cjk(title)
    parts = re.split(r"(?<=、)" if cjk else r"(?<=,) ", title)
    return "\n".join(fit_lines(parts, "" if cjk else " ", "small", width - 2.5 * TITLE_INDENT))


def _note_parts(s: str) -> list[str]:
    return [p for p in re.split(r" {3,}", s) if p]


def note_block(s: str, width: float, color: str | None = None) -> VGroup:
    """A note of small mono text: one line, or its parts (split at wide gaps) stacked if too wide."""
    lines = fit_lines(_note_parts(s), "   ", "small", width, mono=True)
    return line_block(lines, "small", width, color=color or COLORS["text"], mono=True)


def two_cells(area: Rect, gap: float) -> list[Rect]:
    """Two cells of ``area``, ``gap`` apart: one above the other in a portrait frame, else side by side."""
    if is_portrait():
        ch = (area.height - gap) / 2
        return [
            Rect(area.cx, area.top - ch / 2, area.width, ch),
            Rect(area.cx, area.bottom + ch / 2, area.width, ch),
        ]
    cw = (area.width - gap) / 2
    return [
        Rect(area.left + cw / 2, area.cy, cw, area.height),
        Rect(area.right - cw / 2, area.cy, cw, area.height),
    ]


def column_rects(with_latent: bool, note: str = "") -> list[tuple[Rect, Rect | None]]:
    """Data (and latent) panel rectangles of the first and second columns.

    Side by side in a landscape frame and a square one, stacked in a portrait
    frame, inside :func:`~scenes.look.layout.content_area`. Each column keeps room
    under its data panel for a note like ``note`` (see :meth:`RunColumn.note`).
    """
    out: list[tuple[Rect, Rect | None]] = []
    for cell in two_cells(content_area(caption_gap=0.35), gap=0.3):
        bottom = cell.bottom + (note_block(note, cell.width).height + NOTE_BUFF if note else 0.0)
        top = cell.top
        latent = None
        if with_latent:
            lh = LATENT_HEIGHT
            latent = Rect(cell.cx, top - lh / 2, cell.width, lh)
            top -= lh + 0.12
        out.append((Rect(cell.cx, (top + bottom) / 2, cell.width, top - bottom), latent))
    return out


class RunColumn(VGroup):
    """A run's data, M and residuals in a data panel, and optionally its latent line.

    Parameters
    ----------
    run
        The run (data in R^2, k = 1); its last snapshot is shown.
    data_rect, latent_rect
        Where the panels go (no latent panel when ``latent_rect`` is None).
    title
        The data panel's title (broken after commas if the panel is too narrow for it).
    margin
        The data panel shows the data's box widened by this fraction on each
        side; M is clipped to the panel.
    """

    @themed
    def __init__(
        self,
        run: Run,
        data_rect: Rect,
        latent_rect: Rect | None,
        title: str,
        margin: float = 0.25,
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        self.run = run
        s = run.final
        lo, hi = run.data.min(axis=0), run.data.max(axis=0)
        pad = margin * (hi - lo).max()
        bounds = (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)
        self.panel = DataPanel(data_rect, bounds, wrap_title(title, data_rect.width))
        dp = self.panel
        # Few points get bigger dots, so that a curve through them does not hide them.
        r = (
            0.011
            * min(data_rect.width, data_rect.height)
            * float(np.clip(np.sqrt(100 / len(run.data)), 1, 2))
        )
        self.dot_radius = r
        m = dp.to_scene(s.manifold)
        self.manifold = FadingCurve(m, COLORS["manifold"], stroke_width=5, opacity=dp.contains(m))
        self.data_dots = DotCloud(dp.to_scene(run.data), r, COLORS["data"])
        self.residuals = SegmentBundle(dp.to_scene(run.data), dp.to_scene(s.recon), COLORS["residual"], 1.5)
        self.add(self.panel, self.manifold, self.data_dots)
        self.latent_axis: LatentAxis | None = None
        if latent_rect is not None:
            grid = s.latent_grid[:, 0]
            self.latent_axis = LatentAxis(
                latent_rect, (float(grid.min()), float(grid.max())), _("latent space ℝ¹")
            )
            on_line = self.latent_axis.to_scene(s.latents)
            self.latent_dots = DotCloud(on_line, 0.6 * r, COLORS["latent"], 0.5)  # a rug, not a bar
            self.density = DensityProfile(self.latent_axis, s.latent_grid, s.density)
            self.add(self.latent_axis, self.density, self.latent_dots)

    def fade_by_reliability(self) -> RunColumn:
        """Give M the run's reliability as per-vertex opacity (clipped to the panel)."""
        self.manifold.set_vertex_opacity(
            self.run.final.reliability * self.panel.contains(self.manifold.vertices)
        )
        return self

    def dots_at(self, x: np.ndarray, color: str, hollow: bool = False) -> DotCloud:
        """Dots at data points ``x`` ``(M, 2)`` in this column's panel."""
        scale = 1.15 if hollow else 1.0
        return DotCloud(self.panel.to_scene(x), self.dot_radius * scale, color, hollow=hollow)

    def note(self, s: str, color: str | None = None) -> VGroup:
        """A line of small text under the data panel (its parts stacked if the panel is narrower)."""
        block = note_block(s, self.panel.rect.width, color)
        return block.next_to(self.panel.frame, DOWN, buff=NOTE_BUFF)
