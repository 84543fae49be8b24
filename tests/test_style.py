"""The palettes: every colour role reads on its theme's background and keeps its hue across themes."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest

from scenes.look.style import PALETTES

_GRAPHICS = 3.0
"""WCAG's minimum contrast for graphics and large text."""

_SMALL_TEXT = 4.5
"""WCAG AA's minimum contrast for normal-size text (``muted`` sets small legends)."""

_TEXT = 7.0
"""WCAG AAA's contrast for body text: the captions."""


def _luminance(h: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB``."""
    c = np.array([int(h[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours, from 1 to 21."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hue_saturation(h: str) -> tuple[float, float]:
    """HLS hue in degrees and saturation of ``#RRGGBB``."""
    hue, _, sat = colorsys.rgb_to_hls(*(int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    return 360 * hue, sat


def test_contrast_matches_known_values() -> None:
    assert _contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert _contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert _contrast("#56B4E9", "#FFFFFF") == pytest.approx(2.31, abs=0.01)  # why light needs its own shades


def test_both_themes_have_the_same_roles() -> None:
    assert set(PALETTES["dark"]) == set(PALETTES["light"])


@pytest.mark.parametrize("theme", list(PALETTES))
def test_every_role_stands_out_from_the_theme_background(theme: str) -> None:
    pal = PALETTES[theme]
    low = {
        role: round(_contrast(color, pal["background"]), 2)
        for role, color in pal.items()
        if role != "background" and _contrast(color, pal["background"]) < _GRAPHICS
    }
    assert low == {}, f"{theme}: below {_GRAPHICS}:1 against the background"
    assert _contrast(pal["muted"], pal["background"]) >= _SMALL_TEXT
    assert _contrast(pal["text"], pal["background"]) >= _TEXT


@pytest.mark.parametrize("theme", list(PALETTES))
def test_objects_drawn_together_have_different_colours(theme: str) -> None:
    pal = PALETTES[theme]
    for a, b in [
        ("positive", "negative"),
        ("data", "recon"),
        ("data", "latent"),
        ("manifold", "seeds"),
        ("unreliable", "text"),
        ("unreliable", "recon"),
        ("data", "positive"),
    ]:
        assert pal[a].lower() != pal[b].lower(), (a, b)


_CHROMATIC = [r for r in sorted(PALETTES["dark"]) if _hue_saturation(PALETTES["dark"][r])[1] >= 0.3]
"""The roles with a hue (the Okabe-Ito colours), not the greys of text, panels and background."""


def test_the_story_colours_are_chromatic() -> None:
    assert {"data", "recon", "manifold", "latent", "unreliable", "seeds", "negative", "positive"} <= set(
        _CHROMATIC
    )


@pytest.mark.parametrize("role", _CHROMATIC)
def test_light_shades_keep_the_dark_hue(role: str) -> None:
    dark_hue, _ = _hue_saturation(PALETTES["dark"][role])
    light_hue, light_sat = _hue_saturation(PALETTES["light"][role])
    gap = abs((dark_hue - light_hue + 180) % 360 - 180)
    assert gap <= 10, f"{role}: hue {dark_hue:.0f} in dark, {light_hue:.0f} in light"
    assert light_sat >= 0.3
