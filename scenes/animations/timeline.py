"""Play training snapshots in order, interpolating every array between them."""

from __future__ import annotations

from typing import Any

from manim import Animation, linear

from scenes.picture2d import Picture2D, state_at

__all__ = ["SnapshotTimeline"]


class SnapshotTimeline(Animation):
    """Move a :class:`Picture2D` through its run's snapshots.

    Time is spent evenly across snapshots (not across steps): snapshots are
    dense early in training, where M changes fastest, so the early unfolding
    gets as much screen time as the slow late refinement.

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
        picture: Picture2D,
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
        super().__init__(picture, **kwargs)

    def position(self, alpha: float) -> float:
        """Fractional snapshot index shown at ``alpha``."""
        return self.start + self.rate_func(alpha) * (self.end - self.start)

    def interpolate_mobject(self, alpha: float) -> None:
        u = self.position(alpha)
        self.picture.set_state(state_at(self.picture.run, u))
        self.picture.loss_inset.set_position(u)
