"""Themes: the colour of each role of the story, as objects.

A :class:`Theme` is a value: a view is built with one (``theme=Theme.named("light")``) and
resolves its colours then, so views in different themes live side by side in one process.
Code that takes no theme uses the theme in force: the one of the settings in force
(:func:`scenes.settings.current_settings`), or the one a ``with theme.in_force():`` block sets.

The palette is Okabe and Ito's, chosen to stay distinguishable for the common
forms of colour blindness; each object of the story has one colour throughout.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from scenes.settings import THEMES, current_settings, settings_in_force

__all__ = [
    "COLORS",
    "DIGIT_PALETTES",
    "PALETTES",
    "Theme",
    "current_theme",
    "digit_rgb",
    "in_own_theme",
    "latent_ramp",
    "themed",
]

_DARK: dict[str, str] = {
    "data": "#56B4E9",  # x_j: sky blue
    "recon": "#E69F00",  # x̂_j: orange
    "manifold": "#F0E442",  # M: yellow
    "latent": "#009E73",  # z_j and their density: bluish green
    "encoder": "#56B4E9",  # f
    "decoder": "#F0E442",  # g
    "residual": "#D9D9D9",  # x_j - x̂_j
    "unreliable": "#D55E00",  # samples that land where g is unreliable: vermillion
    "seeds": "#B39DDB",  # decoders from other seeds: lavender (pink is for negative values only)
    "negative": "#CC79A7",  # negative weights and activations: reddish purple
    "positive": "#0072B2",  # positive weights and activations: blue
    "text": "#F2F2F2",
    "background": "#0E1117",
    "muted": "#8C8C8C",
    "panel": "#5F677A",  # panel frames, dividers, 3-D axes: slate, the quietest colour at 3:1
}

# The same roles on white: Okabe-Ito's yellow and sky blue vanish on paper, so
# M and x take darker shades of the same hues, and every other colour a shade
# dark enough for 3:1 against white (``tests/test_style.py``). Positive
# weights keep to blue, a navy darker than x's blue (as in the dark theme,
# where they are darker than x's sky blue); negative weights keep to reddish
# purple, and the other seeds' decoders to violet.
_LIGHT: dict[str, str] = {
    **_DARK,
    "data": "#0072B2",
    "recon": "#C77800",
    "manifold": "#9A7D00",
    "latent": "#008060",
    "encoder": "#0072B2",
    "decoder": "#9A7D00",
    "residual": "#7A7A7A",
    "seeds": "#7E57C2",
    "negative": "#B94686",
    "positive": "#00527F",
    "text": "#1A1A1A",
    "background": "#FFFFFF",
    "muted": "#6E6E6E",
    "panel": "#848EA1",
}

PALETTES: dict[str, dict[str, str]] = {"dark": _DARK, "light": _LIGHT}
"""The colour of each role of the story, per theme (:data:`scenes.settings.THEMES`)."""


_VIRIDIS = (
    np.array(
        [
            [0x44, 0x01, 0x54],
            [0x48, 0x24, 0x75],
            [0x41, 0x44, 0x87],
            [0x35, 0x5F, 0x8D],
            [0x2A, 0x78, 0x8E],
            [0x21, 0x91, 0x8C],
            [0x22, 0xA8, 0x84],
            [0x44, 0xBF, 0x70],
            [0x7A, 0xD1, 0x51],
            [0xBD, 0xDF, 0x26],
            [0xFD, 0xE7, 0x25],
        ],
        dtype=np.float64,
    )
    / 255.0
)
"""Viridis at 0, 0.1, ..., 1: perceptually uniform and colour-blind safe."""

_RAMPS = {"dark": _VIRIDIS[2:10], "light": _VIRIDIS[0:8]}
"""The part of viridis each theme uses: on dark, 0.2 to 0.9 (its darkest end still clear of the
background); on white, 0 to 0.7 (its lightest still clear of the paper). Both stop short of the
yellow M is drawn in."""


DIGIT_PALETTES: dict[str, tuple[str, ...]] = {
    # Okabe and Ito's seven hues (black left out) and three of Paul Tol's "muted" ones, for the ten
    # digit classes: on dark, the lighter shades; on white, shades dark enough to show on paper.
    "dark": (
        "#E69F00",  # 0 orange
        "#56B4E9",  # 1 sky blue
        "#009E73",  # 2 bluish green
        "#F0E442",  # 3 yellow
        "#CC79A7",  # 4 reddish purple
        "#D55E00",  # 5 vermillion
        "#F2F2F2",  # 6 white
        "#3F8FE0",  # 7 blue
        "#999933",  # 8 olive
        "#AA88EE",  # 9 lavender
    ),
    "light": (
        "#C77800",  # 0 dark orange
        "#2B9CD8",  # 1 sky blue
        "#008060",  # 2 bluish green
        "#948600",  # 3 olive gold
        "#B94686",  # 4 reddish purple
        "#A83200",  # 5 rust
        "#4D4D4D",  # 6 dark grey
        "#00527F",  # 7 navy
        "#8B5A2B",  # 8 brown
        "#7E57C2",  # 9 violet
    ),
}
"""One colour per digit class (0-9), per theme: Okabe and Ito's colour-blind-safe hues first, then
three more told apart by lightness as well as hue. Ten classes are more than any palette keeps
apart for every viewer, so a chapter that colours by digit also shows the key (each digit's
image over the digit in its colour)."""


def _rgb(hex_color: str) -> tuple[float, float, float]:
    return (int(hex_color[1:3], 16) / 255.0, int(hex_color[3:5], 16) / 255.0, int(hex_color[5:7], 16) / 255.0)


@dataclass(frozen=True)
class Theme:
    """One theme: the colour of each role, the latents' colour ramp and the digits' colours.

    Build one with :meth:`named`; a theme is immutable and compares by name.

    Parameters
    ----------
    name
        One of :data:`scenes.settings.THEMES`.

    Examples
    --------
    >>> Theme.named("light")["background"]
    '#FFFFFF'
    """

    name: str
    colors: Mapping[str, str] = field(compare=False, repr=False)
    digits: tuple[str, ...] = field(compare=False, repr=False)

    @staticmethod
    @cache
    def named(name: str) -> Theme:
        """The theme called ``name``.

        Raises
        ------
        ValueError
            One line naming the argument, e.g. ``theme: 'sepia' is not one of dark, light``.
        """
        if not isinstance(name, str) or name not in PALETTES:
            raise ValueError(f"theme: {name!r} is not one of {', '.join(THEMES)}")
        return Theme(name, dict(PALETTES[name]), DIGIT_PALETTES[name])

    @staticmethod
    def of(theme: Theme | str | None) -> Theme:
        """``theme`` as a :class:`Theme`: itself, the theme of that name, or (``None``) the theme in force."""
        if theme is None:
            return current_theme()
        if isinstance(theme, Theme):
            return theme
        if not isinstance(theme, str):
            raise ValueError(f"theme: {theme!r} is not one of {', '.join(THEMES)} (nor a Theme)")
        return Theme.named(theme)

    def __getitem__(self, role: str) -> str:
        """The colour (``#RRGGBB``) of ``role``, e.g. ``"manifold"``."""
        return self.colors[role]

    def rgb(self, role: str) -> np.ndarray:
        """``(3,)`` RGB in [0, 1] of ``role``."""
        return np.array(_rgb(self.colors[role]))

    def latent_ramp(self, values: np.ndarray, lo: float, hi: float) -> np.ndarray:
        """RGB ``(N, 3)`` in [0, 1] of latent ``values`` ``(N,)`` on this theme's perceptual ramp, lo to hi.

        Equal steps in the value are equal steps in perceived colour, so points
        with close latents look alike and far ones look different.
        """
        ramp = _RAMPS[self.name]
        knots = np.linspace(lo, hi, len(ramp))  # np.interp holds the ends past lo and hi
        v = np.asarray(values, dtype=np.float64)
        return np.stack([np.interp(v, knots, ramp[:, c]) for c in range(3)], axis=-1)

    def digit_rgb(self, labels: np.ndarray) -> np.ndarray:
        """RGB ``(N, 3)`` in [0, 1] of digit ``labels`` ``(N,)`` (0-9) in this theme's digit palette."""
        table = np.array([_rgb(h) for h in self.digits])
        return table[np.asarray(labels, dtype=np.int64) % len(table)]

    def paint_background(self, scene: Any) -> None:
        """Give ``scene`` (a Manim ``Scene``) this theme's background colour."""
        scene.camera.background_color = self.colors["background"]

    @contextmanager
    def in_force(self) -> Iterator[Theme]:
        """Make this the theme in force inside a ``with`` block (what :data:`COLORS` resolves to).

        The views of :mod:`scenes.api` build their parts inside this block, so
        every part takes this theme's colours, whatever the settings say.
        """
        with settings_in_force(current_settings().model_copy(update={"theme": self.name})):
            yield self


def current_theme() -> Theme:
    """The theme in force: the settings' (:func:`scenes.settings.current_settings`)."""
    return Theme.named(current_settings().theme)


class _ThemeInForce(Mapping[str, str]):
    """The colours of the theme in force *now* (so a view built under another theme gets that theme's)."""

    def __getitem__(self, role: str) -> str:
        return current_theme()[role]

    def __iter__(self) -> Iterator[str]:
        return iter(_DARK)

    def __len__(self) -> int:
        return len(_DARK)

    def __repr__(self) -> str:
        return f"COLORS({current_theme().name}: {dict(self)!r})"


COLORS: Mapping[str, str] = _ThemeInForce()
"""The colour of each role in the theme in force, resolved at each lookup (:func:`current_theme`).

Mobjects look their colours up when they are built, never at import time, so
a mobject built under another theme (:meth:`Theme.in_force`, or a view given
``theme=``) takes that theme's colours.
"""


def latent_ramp(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """:meth:`Theme.latent_ramp` of the theme in force."""
    return current_theme().latent_ramp(values, lo, hi)


def digit_rgb(labels: np.ndarray) -> np.ndarray:
    """:meth:`Theme.digit_rgb` of the theme in force."""
    return current_theme().digit_rgb(labels)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def themed(init: Callable[Concatenate[Any, _P], _R]) -> Callable[Concatenate[Any, _P], _R]:
    """Decorate an ``__init__`` with a ``theme: Theme | str | None = None`` parameter: build in that theme.

    Sets ``self.theme`` (:meth:`Theme.of` the argument: ``None`` is the theme in force) and builds
    inside :meth:`Theme.in_force`, so every colour the mobject and its parts look up
    (:data:`COLORS`) is that theme's, whatever is in force around it. Two mobjects in two themes
    thus live in one process.
    """
    signature = inspect.signature(init)
    if "theme" not in signature.parameters:
        raise TypeError(f"{init.__qualname__}: @themed needs a 'theme' parameter")

    @functools.wraps(init)
    def build(self: Any, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        chosen = Theme.of(signature.bind(self, *args, **kwargs).arguments.get("theme"))
        self.theme = chosen
        with chosen.in_force():
            return init(self, *args, **kwargs)

    return build


def in_own_theme(method: Callable[Concatenate[Any, _P], _R]) -> Callable[Concatenate[Any, _P], _R]:
    """Decorate a method of a :func:`themed` object that builds parts later: they take ``self.theme``."""

    @functools.wraps(method)
    def build(self: Any, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self.theme.in_force():
            return method(self, *args, **kwargs)

    return build
