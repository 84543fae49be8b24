"""Fades that scale stored opacities instead of interpolating every submobject's geometry.

Manim's FadeIn/FadeOut interpolate points and colours of every member of a
family each frame, which is slow for groups of hundreds of segments (a network
diagram, a fading curve). These only rescale the alpha channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from manim import Animation, Mobject, VMobject, smooth

from scenes.mobjects.cairo_drawn import CairoDrawn

__all__ = ["OpacityFade", "first_half", "second_half", "swap_in_place"]


class OpacityFade(Animation):
    """Fade a whole family in (``fade_in=True``) or out by scaling its opacities.

    At ``alpha`` the fill and stroke alpha of every member is its original
    alpha times ``alpha`` (fade in) or ``1 - alpha`` (fade out), and so is the
    ``alpha`` of every :class:`~scenes.mobjects.cairo_drawn.CairoDrawn` member
    (a 3-D surface or point cloud drawn with pycairo has no fill or stroke of
    its own: without this it would stay up to the last frame and vanish in one).
    A fade out removes the mobject from the scene at the end and restores the
    opacities; with ``remover=False`` it stays in the scene, invisible.
    """

    def __init__(self, mobject: Mobject, fade_in: bool = True, **kwargs: Any) -> None:
        self.fade_in = fade_in
        self.members = [m for m in mobject.get_family() if isinstance(m, VMobject)]
        self.original = [(m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy()) for m in self.members]
        self.drawn = [(m, float(m.alpha)) for m in self.members if isinstance(m, CairoDrawn)]
        kwargs.setdefault("rate_func", smooth)
        kwargs.setdefault("run_time", 1.0)
        kwargs.setdefault("introducer", fade_in)
        kwargs.setdefault("remover", not fade_in)
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return cast(Mobject, self.mobject)  # nothing to copy: only opacities change

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        k = a if self.fade_in else 1.0 - a
        for m, (fill, stroke) in zip(self.members, self.original, strict=True):
            m.fill_rgbas[:, 3] = k * fill
            m.stroke_rgbas[:, 3] = k * stroke
        for d, alpha0 in self.drawn:
            d.alpha = k * alpha0

    def clean_up_from_scene(self, scene: Any) -> None:
        super().clean_up_from_scene(scene)
        if not self.fade_in and self.remover:  # kept in the scene (remover=False): it stays invisible
            for m, (fill, stroke) in zip(self.members, self.original, strict=True):
                m.fill_rgbas[:, 3] = fill
                m.stroke_rgbas[:, 3] = stroke
            for d, alpha0 in self.drawn:
                d.alpha = alpha0


def first_half(t: float) -> float:
    """A smooth rate that runs its course in the first half of an animation and holds after."""
    return float(smooth(min(1.0, 2.0 * t)))


def second_half(t: float) -> float:
    """A smooth rate that holds during the first half of an animation and runs its course in the second."""
    return float(smooth(max(0.0, 2.0 * t - 1.0)))


def swap_in_place(outgoing: Sequence[Mobject], incoming: Sequence[Mobject]) -> list[OpacityFade]:
    """Swap what a place shows, as one play: ``outgoing`` fades out in the first half, ``incoming`` in
    in the second, so the two never stand on screen together (no crossfade of stacked panels)."""
    return [
        *(OpacityFade(m, fade_in=False, rate_func=first_half) for m in outgoing),
        *(OpacityFade(m, rate_func=second_half) for m in incoming),
    ]
