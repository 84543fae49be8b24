"""Play training snapshots in order, interpolating every array between them."""

from __future__ import annotations

from typing import Any, Protocol, cast

from manim import Animation, Mobject, linear

from aecore import Run
from scenes.mobjects.loss_inset import LossInset
from scenes.pictures.picture2d import PictureState, state_at

__all__ = ["SnapshotPicture", "SnapshotTimeline"]


class SnapshotPicture(Protocol):
    """What a timeline needs of a picture (the 2-D and the 3-D one alike)."""

    run: Run
    loss_inset: LossInset

    def set_state(self, state: PictureState, recon_fraction: float | None = None) -> Any: ...


class SnapshotTimeline(Animation):
    """Move a picture through its run's snapshots.

    Time is spent evenly across snapshots (not across steps): snapshots are
    dense early in training, where M changes fastest, so the early unfolding
    gets as much screen time as the slow late refinement. The picture moves in
    place: no starting copy is made, and its updaters (an orbiting camera)
    keep running.

    Parameters
    ----------
    picture
        The picture to move.
    start, end
        Fractional snapshot indices to play between (default: all).
    seconds_per_snapshot
        Run time per snapshot interval, used when ``run_time`` is not given.
    """

    def __init__(
        self,
        picture: SnapshotPicture,
        start: float = 0.0,
        end: float | None = None,
        seconds_per_snapshot: float = 0.25,
        **kwargs: Any,
    ) -> None:
        self.picture = picture
        self.start = start
        self.end = float(len(picture.run.snapshots) - 1) if end is None else end
        kwargs.setdefault("run_time", max(abs(self.end - self.start), 1.0) * seconds_per_snapshot)
        kwargs.setdefault("rate_func", linear)
        kwargs.setdefault("suspend_mobject_updating", False)
        super().__init__(cast(Mobject, picture), **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # never read: copying a whole picture with its text is slow

    def position(self, alpha: float) -> float:
        """Fractional snapshot index shown at ``alpha``."""
        return self.start + self.rate_func(alpha) * (self.end - self.start)

    def interpolate_mobject(self, alpha: float) -> None:
        u = self.position(alpha)
        self.picture.set_state(state_at(self.picture.run, u))
        self.picture.loss_inset.set_position(u)
