"""Frame shapes: aspect ratios, pixel sizes, and the margins platforms cover.

Every aspect keeps the frame's shorter side at 8 scene units, so strokes, dots
and text come out the same size in pixels against the shorter side whether the
video is landscape, portrait or square. Scenes lay themselves out in fractions
of Manim's frame (:mod:`scenes.look.layout`), so setting the frame's width and height
here, not only the pixel size, is what makes a portrait video a real layout
rather than a squeezed 16:9 one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import Mobject, Text, VMobject, config

from scenes.settings import ASPECTS, QUALITIES

__all__ = [
    "ASPECTS",
    "QUALITIES",
    "FrameSpec",
    "current_aspect",
    "frame_spec",
    "outside_safe_area",
    "platform_margins",
]

SHORT_SIDE = 8.0
"""Scene units along the frame's shorter side, in every aspect."""

_MARGINS: dict[str, tuple[float, float]] = {"16:9": (0.05, 0.05), "9:16": (0.02, 0.10), "1:1": (0.02, 0.05)}


@dataclass(frozen=True)
class FrameSpec:
    """Manim's frame for one aspect and quality."""

    aspect: str
    quality: str
    pixel_width: int
    pixel_height: int
    frame_rate: int
    frame_width: float
    frame_height: float

    def manim_config(self) -> dict[str, float | int]:
        """The Manim config keys this frame sets."""
        return {
            "pixel_width": self.pixel_width,
            "pixel_height": self.pixel_height,
            "frame_rate": self.frame_rate,
            "frame_width": self.frame_width,
            "frame_height": self.frame_height,
        }

    def cfg_text(self) -> str:
        """The same keys as a ``manim.cfg`` file (for ``manim --config_file``)."""
        lines = ["[CLI]", *(f"{k} = {v}" for k, v in self.manim_config().items())]
        return "\n".join(lines) + "\n"


def frame_spec(aspect: str, quality: str) -> FrameSpec:
    """The frame for ``aspect`` (see :data:`ASPECTS`) at ``quality`` (see :data:`QUALITIES`).

    Pixel sizes are even (video encoders need that); the shorter side has
    the quality's pixel count.
    """
    if aspect not in ASPECTS:
        raise ValueError(f"aspect {aspect!r}: choose from {', '.join(ASPECTS)}")
    if quality not in QUALITIES:
        raise ValueError(f"quality {quality!r}: choose from {', '.join(QUALITIES)}")
    aw, ah = ASPECTS[aspect]
    short, fps = QUALITIES[quality].short_side, QUALITIES[quality].fps
    long_px = 2 * round(short * max(aw, ah) / min(aw, ah) / 2)
    pw, ph = (long_px, short) if aw > ah else (short, long_px) if ah > aw else (short, short)
    long_units = SHORT_SIDE * max(aw, ah) / min(aw, ah)
    fw, fh = (long_units, SHORT_SIDE) if aw > ah else (SHORT_SIDE, long_units) if ah > aw else (8.0, 8.0)
    return FrameSpec(aspect, quality, pw, ph, fps, fw, fh)


def current_aspect() -> str:
    """The aspect name closest to Manim's current frame."""
    ratio = config.frame_width / config.frame_height
    return min(ASPECTS, key=lambda a: abs(ASPECTS[a][0] / ASPECTS[a][1] - ratio))


def platform_margins(aspect: str | None = None) -> tuple[float, float]:
    """Fractions of the frame's width and height, on each side, that platforms cover.

    Portrait clips get their captions, buttons and progress bars drawn over
    the top and bottom tenth; square ones over a thinner band. Landscape
    clips keep to the broadcast title-safe area, 5% in from every edge (a
    projector or a TV crops there). Nothing important may sit in a margin.
    """
    return _MARGINS[aspect or current_aspect()]


def _visible(m: Mobject) -> bool:
    if not m.has_points():
        return False
    if isinstance(m, VMobject):
        return bool(
            np.max(m.get_stroke_opacities(), initial=0) > 0.02
            or np.max(m.get_fill_opacities(), initial=0) > 0.02
        )
    return True


def outside_safe_area(mobjects: list[Mobject], tolerance: float = 0.01) -> list[str]:
    """Visible parts of ``mobjects`` that leave the frame or enter its platform margins.

    Returns one line per offender (its class and how far it pokes out, in
    scene units); empty when everything sits inside the safe area. Parts
    with (almost) zero opacity do not count.
    """
    mx, my = platform_margins()
    w, h = config.frame_width, config.frame_height
    x_lim, y_lim = w / 2 - mx * w + tolerance, h / 2 - my * h + tolerance
    out: list[str] = []

    def visit(m: Mobject) -> None:
        if isinstance(m, Text):  # a text is one unit: report it by its words
            family = [p for p in m.get_family() if _visible(p)]
            pts = np.concatenate([p.points for p in family]) if family else np.zeros((0, 3))
            label = repr(m.original_text[:40])
        elif _visible(m):
            pts, label = m.points, type(m).__name__
        else:
            pts, label = np.zeros((0, 3)), ""
        if len(pts):
            over_x = float(np.abs(pts[:, 0]).max() - x_lim)
            over_y = float(np.abs(pts[:, 1]).max() - y_lim)
            if over_x > 0 or over_y > 0:
                out.append(f"{label}: {max(over_x, 0):.2f} out in x, {max(over_y, 0):.2f} in y")
        if not isinstance(m, Text):
            for sub in m.submobjects:
                visit(sub)

    for top in mobjects:
        visit(top)
    return out
