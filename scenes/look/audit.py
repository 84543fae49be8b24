"""A layout audit of one frame: overlapping text, text on drawn content, small text, margins.

:func:`audit_frame` looks at the mobjects on screen (a chapter stopped at its
key frame, say) without drawing them. It measures every visible
:class:`~manim.Text` from its glyphs and every other visible mobject from the
curves it strokes or fills (sampled along its Bézier segments; a
:class:`~scenes.mobjects.cairo_drawn.CairoDrawn` reports its own
:meth:`~scenes.mobjects.cairo_drawn.CairoDrawn.ink_points`), and reports

* two text boxes that overlap;
* drawn content inside a text box (a label on M, a legend on the data, a
  tick label on a grid line). A text on an opaque background patch may sit
  on scattered dots and segments (it hides them on purpose), not on lines;
* text smaller than ``min_px`` pixels (the height of "Tg" in its font size)
  when the frame's short side is 1080 pixels;
* anything, text or ink, outside the title-safe margins (5% of every side
  by default).

:func:`audit_ui_bands` checks a frame against a platform's own interface
instead: any text or ink in the bands its buttons and captions cover
(:mod:`scenes.look.safe_areas`), whose sides differ (a vertical feed covers a
third of the bottom and little of the top).

Everything is in scene units; ``tolerance`` (a fraction of the frame's short
side) lets boxes touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from manim import BackgroundRectangle, Mobject, Text, VMobject

from scenes.look.layout import Box
from scenes.look.style import FONT
from scenes.mobjects.cairo_drawn import CairoDrawn
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.patches.text_cache import share_text_cache_safely

__all__ = [
    "Finding",
    "audit_frame",
    "audit_ui_bands",
    "ink_points",
    "text_box",
    "text_height_px",
    "visible_texts",
]

_HIDDEN_BY_PATCH = (DotCloud, SegmentBundle)
"""What a text on an opaque background patch may cover: scattered dots and residual segments."""

_VISIBLE = 0.05
"""Opacity below which a stroke or fill counts as invisible."""


@dataclass(frozen=True)
class Finding:
    """One thing the audit found: its ``kind`` and a sentence saying what and where."""

    kind: str  # "text overlap", "text on ink", "small text", "margin", "ui band"
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def _leaves(mobjects: Iterable[Mobject]) -> Iterator[Mobject]:
    """Every drawn piece, once: texts whole, CairoDrawn whole, other VMobjects leaf by leaf."""
    seen: set[int] = set()
    for m in _pieces(mobjects):
        if id(m) not in seen:
            seen.add(id(m))
            yield m


def _pieces(mobjects: Iterable[Mobject]) -> Iterator[Mobject]:
    for m in mobjects:
        if isinstance(m, (Text, CairoDrawn)):
            yield m
        elif m.submobjects:
            if isinstance(m, VMobject) and len(m.points):
                yield m
            yield from _pieces(m.submobjects)
        else:
            yield m


def _visible_vm(m: VMobject) -> bool:
    stroke = float(np.max(m.get_stroke_opacities(), initial=0.0)) if m.get_stroke_width() > 0 else 0.0
    back = m.get_stroke_width(background=True) > 0 and float(
        np.max(m.get_stroke_opacities(background=True), initial=0.0)
    )
    return max(stroke, float(back), float(np.max(m.get_fill_opacities(), initial=0.0))) > _VISIBLE


def _glyphs(t: Text) -> list[VMobject]:
    return [
        g
        for g in t.family_members_with_points()
        if isinstance(g, VMobject) and not isinstance(g, BackgroundRectangle)
    ]


def _has_background(t: Text) -> bool:
    return any(
        isinstance(g, BackgroundRectangle) and float(np.max(g.get_fill_opacities(), initial=0)) > 0.5
        for g in t.get_family()
    )


def visible_texts(mobjects: Iterable[Mobject]) -> list[Text]:
    """The texts among ``mobjects`` (and their families) that are drawn with some opacity."""
    return [
        m
        for m in _leaves(mobjects)
        if isinstance(m, Text) and any(_visible_vm(g) for g in _glyphs(m) if isinstance(g, VMobject))
    ]


def text_box(t: Text) -> Box:
    """The box of ``t``'s glyphs (a background patch left out)."""
    pts = np.vstack([g.points for g in _glyphs(t)])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return Box(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


_TG_PER_POINT: dict[str, float] = {}


def text_height_px(t: Text, frame_short_side: float, short_side_px: float = 1080.0) -> float:
    """Pixels "Tg" spans in ``t``'s font size, when the frame's short side is ``short_side_px``.

    Manim's ``font_size`` of a :class:`~manim.Text` follows its scaling; the
    glyph box (not a background patch) says how far it was scaled.
    """
    if FONT not in _TG_PER_POINT:
        share_text_cache_safely()
        ref = Text("Tg", font=FONT, font_size=100)
        _TG_PER_POINT[FONT] = float(ref.height) / 100.0
    box = text_box(t)
    glyph_h = box.top - box.bottom
    size = float(t._font_size) * glyph_h / max(float(t.initial_height), 1e-12)
    return size * _TG_PER_POINT[FONT] / frame_short_side * short_side_px


_S = np.linspace(0.0, 1.0, 33)
_BERNSTEIN = np.stack([(1 - _S) ** 3, 3 * (1 - _S) ** 2 * _S, 3 * (1 - _S) * _S**2, _S**3], axis=1)  # (33, 4)


def _sampled(points: np.ndarray) -> np.ndarray:
    n = len(points) // 4 * 4
    if n == 0:
        return np.zeros((0, 2))
    cubics = points[:n].reshape(-1, 4, 3)
    return np.einsum("sk,ckd->csd", _BERNSTEIN, cubics).reshape(-1, 3)[:, :2]


def ink_points(mobjects: Iterable[Mobject]) -> list[tuple[Mobject, np.ndarray]]:
    """Each visible non-text mobject with the scene points ``(M, 2)`` it draws."""
    out: list[tuple[Mobject, np.ndarray]] = []
    for m in _leaves(mobjects):
        if isinstance(m, (Text, BackgroundRectangle)):
            continue
        if isinstance(m, CairoDrawn):
            pts = np.asarray(m.ink_points(), dtype=np.float64).reshape(-1, 2)
        elif isinstance(m, VMobject) and len(m.points) and _visible_vm(m):
            pts = _sampled(np.asarray(m.points))
        else:
            continue
        if len(pts):
            out.append((m, pts))
    return out


def _name(t: Text) -> str:
    return repr(t.text if len(t.text) <= 40 else t.text[:37] + "...")


def audit_frame(
    mobjects: Iterable[Mobject],
    frame_width: float,
    frame_height: float,
    min_px: float = 22.0,
    margin: float | tuple[float, float] = 0.05,
    tolerance: float = 0.002,
) -> list[Finding]:
    """What is wrong with the layout of ``mobjects`` in a frame of that size (see the module).

    Parameters
    ----------
    mobjects
        The scene's top-level mobjects (``scene.mobjects``).
    frame_width, frame_height
        The frame in scene units, centred on the origin.
    min_px
        Smallest text height allowed at a short side of 1080 pixels.
    margin
        Title-safe margin, as a fraction of each side, or ``(x, y)``
        fractions of the width and the height (say
        :func:`scenes.look.frame.platform_margins`).
    tolerance
        How far boxes may overlap, as a fraction of the frame's short side.
    """
    mobjects = list(mobjects)
    short = min(frame_width, frame_height)
    tol = tolerance * short
    texts = visible_texts(mobjects)
    boxes = [text_box(t) for t in texts]
    findings: list[Finding] = []
    for i, (a, ba) in enumerate(zip(texts, boxes, strict=True)):
        for b, bb in zip(texts[i + 1 :], boxes[i + 1 :], strict=True):
            if ba.shrunk(tol).overlaps(bb.shrunk(tol)):
                findings.append(Finding("text overlap", f"{_name(a)} and {_name(b)}"))
        px = text_height_px(a, short)
        if px < min_px - 0.05:
            findings.append(Finding("small text", f"{_name(a)} is {px:.1f} px at 1080 (at least {min_px:g})"))
    ink = ink_points(mobjects)
    for t, box in zip(texts, boxes, strict=True):
        patched = _has_background(t)
        inner = box.shrunk(tol)
        hits: dict[str, int] = {}
        for m, pts in ink:
            if m in t.get_family() or (patched and isinstance(m, _HIDDEN_BY_PATCH)):
                continue
            hit = int(inner.contains(pts).sum())
            if hit:
                hits[type(m).__name__] = hits.get(type(m).__name__, 0) + hit
        if hits:
            what = ", ".join(f"{n} points of {k}" for k, n in sorted(hits.items()))
            findings.append(Finding("text on ink", f"{_name(t)} covers {what}"))
    mx, my = margin if isinstance(margin, tuple) else (margin, margin)
    safe = Box(
        -frame_width / 2 + mx * frame_width,
        -frame_height / 2 + my * frame_height,
        frame_width / 2 - mx * frame_width,
        frame_height / 2 - my * frame_height,
    ).shrunk(-tol)
    for t, box in zip(texts, boxes, strict=True):
        if not (
            safe.left <= box.left
            and box.right <= safe.right
            and safe.bottom <= box.bottom
            and box.top <= safe.top
        ):
            findings.append(Finding("margin", f"{_name(t)} leaves the title-safe area"))
    for m, pts in ink:
        out = ~(
            (pts[:, 0] >= safe.left)
            & (pts[:, 0] <= safe.right)
            & (pts[:, 1] >= safe.bottom)
            & (pts[:, 1] <= safe.top)
        )
        if out.any():
            findings.append(
                Finding(
                    "margin",
                    f"{type(m).__name__} draws {int(out.sum())} point(s) outside the title-safe area",
                )
            )
    return findings


def audit_ui_bands(
    mobjects: Iterable[Mobject], safe: Box, frame_short_side: float, tolerance: float = 0.002
) -> list[Finding]:
    """Visible texts and ink of ``mobjects`` that reach into a platform's UI bands.

    Parameters
    ----------
    mobjects
        The scene's top-level mobjects (``scene.mobjects``).
    safe
        The part of the frame the bands leave free, in scene units (e.g. a
        :func:`scenes.look.safe_areas.safe_rect` as a :class:`Box`).
    frame_short_side
        The frame's shorter side in scene units (``tolerance`` is a fraction of it).
    tolerance
        How far anything may reach past ``safe``.

    Returns
    -------
    list of Finding
        One ``"ui band"`` finding per text whose glyph box, or per drawn
        mobject any of whose sampled points, lies outside ``safe``; empty
        when the frame keeps clear of the bands.
    """
    mobjects = list(mobjects)
    free = safe.shrunk(-tolerance * frame_short_side)
    findings: list[Finding] = []
    for t in visible_texts(mobjects):
        box = text_box(t)
        if box.left < free.left or box.right > free.right or box.bottom < free.bottom or box.top > free.top:
            findings.append(Finding("ui band", f"{_name(t)} reaches into the platform's UI bands"))
    for m, pts in ink_points(mobjects):
        out = (
            (pts[:, 0] < free.left)
            | (pts[:, 0] > free.right)
            | (pts[:, 1] < free.bottom)
            | (pts[:, 1] > free.top)
        )
        if out.any():
            findings.append(
                Finding(
                    "ui band",
                    f"{type(m).__name__} draws {int(out.sum())} point(s) in the platform's UI bands",
                )
            )
    return findings
