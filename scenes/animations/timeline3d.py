"""Motions of the 3-D picture: training snapshots, the snap onto M, the fade, fades of drawn layers.

Every animation here leaves the picture's updaters running
(``suspend_mobject_updating=False``), so the camera keeps orbiting while it
plays.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from manim import Animation, Mobject, smooth

from aecore import Run
from scenes.mobjects.loss_inset import LossInset
from scenes.pictures.picture2d import PictureState

__all__ = [
    "FadeDrawn",
    "FadeSurfaceToReliability",
    "Picture3DLike",
    "Redraw",
    "SnapOntoSurface",
]


class Picture3DLike(Protocol):
    """What these animations need of the 3-D picture."""

    run: Run
    state: PictureState
    loss_inset: LossInset
    recon_fraction: float
    reliability_blend: float

    def set_state(self, state: PictureState, recon_fraction: float | None = None) -> Any: ...

    def set_reliability_blend(self, blend: float) -> Any: ...


class _InPlace(Animation):
    """An animation that moves its mobject in place: no starting copy is kept.

    Manim copies an animation's mobject when it begins (for interpolating
    submobjects); these animations never read that copy, and copying a whole
    picture with its typeset text is slow.
    """

    def create_starting_mobject(self) -> Mobject:
        return Mobject()


class SnapOntoSurface(_InPlace):
    """Each x̂_j travels from x_j to g(f(x_j)) on M, drawing its residual segment."""

    def __init__(self, picture: Picture3DLike, **kwargs: Any) -> None:
        self.picture = picture
        kwargs.setdefault("rate_func", smooth)
        kwargs.setdefault("run_time", 2.5)
        kwargs.setdefault("suspend_mobject_updating", False)
        super().__init__(cast(Mobject, picture), **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.picture.set_state(self.picture.state, recon_fraction=self.rate_func(alpha))


class FadeSurfaceToReliability(_InPlace):
    """Blend every face's opacity from uniform (blend 0) to the reliability at its centre (blend 1)."""

    def __init__(self, picture: Picture3DLike, target: float = 1.0, **kwargs: Any) -> None:
        self.picture = picture
        self.initial = picture.reliability_blend
        self.target = target
        kwargs.setdefault("rate_func", smooth)
        kwargs.setdefault("run_time", 3.0)
        kwargs.setdefault("suspend_mobject_updating", False)
        super().__init__(cast(Mobject, picture), **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        self.picture.set_reliability_blend((1.0 - a) * self.initial + a * self.target)


class FadeDrawn(_InPlace):
    """Fade a numeric attribute of a mobject (e.g. a Cairo-drawn layer's ``alpha``) to ``target``."""

    def __init__(
        self, mobject: Mobject, attribute: str = "alpha", target: float = 1.0, **kwargs: Any
    ) -> None:
        self.attribute = attribute
        self.initial = float(getattr(mobject, attribute))
        self.target = target
        kwargs.setdefault("rate_func", smooth)
        kwargs.setdefault("suspend_mobject_updating", False)
        super().__init__(mobject, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        setattr(self.mobject, self.attribute, (1.0 - a) * self.initial + a * self.target)


class Redraw(_InPlace):
    """Nothing moves; ``mobject`` is only redrawn every frame while other animations change it.

    Manim redraws only the mobjects of a ``play`` (and those after them); a
    layer kept in the static background that another animation updates (the
    loss inset, the heat map during training) is listed with this.
    """

    def __init__(self, mobject: Mobject, **kwargs: Any) -> None:
        kwargs.setdefault("suspend_mobject_updating", False)
        super().__init__(mobject, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        pass
