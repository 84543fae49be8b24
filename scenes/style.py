"""One font and one colour palette for every scene.

The palette is Okabe and Ito's, chosen to stay distinguishable for the common
forms of colour blindness; each object of the story has one colour throughout.
Text sizes are fractions of the frame height, so they stay readable when a
layout reflows to portrait or square frames.
"""

from __future__ import annotations

from manim import Text, config

__all__ = [
    "BACKGROUND",
    "COLORS",
    "FONT",
    "MONO_FONT",
    "ensure_fonts",
    "text",
    "text_size",
]

FONT = "DejaVu Sans"
"""The one font of the video (shipped by Debian's fonts-dejavu-core)."""

MONO_FONT = "DejaVu Sans Mono"
"""Digits of counters, so that changing numbers do not jitter."""

BACKGROUND = "#0E1117"

COLORS: dict[str, str] = {
    "data": "#56B4E9",  # x_j: sky blue
    "recon": "#E69F00",  # x̂_j: orange
    "manifold": "#F0E442",  # M: yellow
    "latent": "#009E73",  # z_j and their density: bluish green
    "encoder": "#56B4E9",  # f
    "decoder": "#F0E442",  # g
    "residual": "#D9D9D9",  # x_j - x̂_j
    "unreliable": "#D55E00",  # samples that land where g is unreliable: vermillion
    "seeds": "#CC79A7",  # decoders from other seeds: reddish purple
    "negative": "#CC79A7",  # negative weights and activations: reddish purple
    "positive": "#0072B2",  # positive weights and activations: blue
    "text": "#F2F2F2",
    "background": BACKGROUND,
    "muted": "#8C8C8C",
    "panel": "#3A3F4B",
}

_SIZES = {"caption": 3.8, "label": 4.2, "small": 3.0, "title": 5.4}


def text_size(kind: str) -> float:
    """Font size for ``kind`` (caption, label, small, title) in the current frame.

    Proportional to the frame's shorter side: 30 for a caption in a 16:9 frame.
    """
    return _SIZES[kind] * min(config.frame_width, config.frame_height)


def ensure_fonts() -> None:
    """Fail with a clear message if the video's fonts are missing (Pango would silently substitute)."""
    import manimpango

    missing = sorted({FONT, MONO_FONT} - set(manimpango.list_fonts()))
    if missing:
        raise RuntimeError(
            f"font(s) {', '.join(missing)} not installed; run: apt-get install -y fonts-dejavu-core"
        )


def text(s: str, kind: str = "label", color: str | None = None, mono: bool = False, **kwargs: object) -> Text:
    """A :class:`~manim.Text` in the project's font, sized by ``kind``."""
    return Text(
        s,
        font=MONO_FONT if mono else FONT,
        font_size=text_size(kind),
        color=color or COLORS["text"],
        **kwargs,  # type: ignore[arg-type]
    )
