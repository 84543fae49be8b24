"""A walk across the latent plane: the point moves, its decoded image and its reliability follow."""

from __future__ import annotations

from typing import Any, Protocol, cast

from manim import Animation, Mobject, smooth

__all__ = ["LatentWalk", "Walkable"]


class Walkable(Protocol):
    """What a walk needs: a picture that puts its walker at a fraction of its path."""

    def set_walk(self, t: float) -> Any: ...


class LatentWalk(Animation):
    """Move a picture's walker from ``start`` to ``end`` (fractions of its path), decoding as it goes.

    The picture moves in place (no starting copy); every frame calls
    ``picture.set_walk(t)``, which decodes the image at the walker's latent
    with the real decoder. ``redraw`` is what Manim redraws every frame
    (default: the picture): the walker itself, say, listed before the other
    parts that move with it, so the rest of the picture stays in the static
    background.
    """

    def __init__(
        self,
        picture: Walkable,
        start: float = 0.0,
        end: float = 1.0,
        redraw: Mobject | None = None,
        **kwargs: Any,
    ) -> None:
        self.picture = picture
        self.start, self.end = float(start), float(end)
        kwargs.setdefault("rate_func", smooth)
        kwargs.setdefault("run_time", 4.0)
        super().__init__(redraw if redraw is not None else cast(Mobject, picture), **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # never read: copying the whole picture with its text is slow

    def position(self, alpha: float) -> float:
        """Fraction of the path the walker is at, at ``alpha``."""
        return self.start + self.rate_func(alpha) * (self.end - self.start)

    def interpolate_mobject(self, alpha: float) -> None:
        self.picture.set_walk(self.position(alpha))
