"""Which render jobs run, in which order: longest first, long chapters split across jobs.

A chapter's *timeline* is the time (seconds of video) at which each of its
animations ends, found by a dry run (:func:`ae_explainer.render.chapters.chapter_timeline`),
which advances the clock by whole frames as a render does, so it knows the
video's length to the frame. From the timelines, :func:`plan` makes the jobs:

- every job is one *piece* of a chapter: a range of its animations, rendered
  by Manim's ``-n FIRST,LAST`` (the animations before ``FIRST`` are played
  without drawing, so the state is right); a chapter not split is one piece;
- pieces run longest first (ties in chapter order), each on the first free
  worker, so the longest chapter never starts last;
- with more than one worker, the piece whose split shortens the simulated
  render most is split in two at the animation boundary nearest its middle,
  again and again while that pays for the extra job's start-up. The last
  pieces to run are then short, and every worker is busy to the end.

Chapters do not cost the same per second of video (a 3-D surface costs more
than a caption): where the last render measured a chapter, its *rate* (its
cost per second of video, relative to the quality's usual cost) scales its
pieces' costs (:func:`measured_rates`, :func:`record_rates`).

Everything is a function of the timelines and the numbers given: the plan is
deterministic.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from filelock import FileLock
from pydantic import Field, OnErrorOmit, model_validator

from ae_explainer.outputs import CacheModel, read_cache, write_cache

__all__ = [
    "MIN_PIECE_SECONDS",
    "SECONDS_PER_SECOND",
    "STARTUP_SECONDS",
    "TYPICAL_RATES",
    "Piece",
    "RatesFile",
    "makespan",
    "measured_rates",
    "plan",
    "record_rates",
]

STARTUP_SECONDS: dict[str, float] = {"low": 4.0, "medium": 1.6, "high": 0.4, "4k": 0.15}
"""What a job's start-up costs (forking from a render worker, building the scene), in seconds of video.

Measured on 2 cores (``benchmarks/bench_startup.py``): about 0.8 s of wall
time per job in a render worker (1.8 s as a new ``manim`` process), over
:data:`SECONDS_PER_SECOND`.
"""

SECONDS_PER_SECOND: dict[str, float] = {"low": 0.2, "medium": 0.5, "high": 2.0, "4k": 6.0}
"""What one second of a chapter usually costs to render, in wall seconds on 2 cores (rate 1).

Measured on 2 cores: the whole explainer in one job took 88.7 s for 301 s
of video at 480p15 and about 2 s per second at 1080p60 (narrated).
"""

TYPICAL_RATES: dict[str, float] = {"LatentDimensionIsAPrior": 2.2, "SurfaceForms": 1.75}
"""The chapters that cost far more per second than the others, until a render measures this machine's.

From a fresh clone's ``make video`` (1080p60, narrated, 2 cores): the other
chapters' rates were 0.75 to 1.15; at 480p15 these two were also the
costliest. A render's own measurements (:func:`measured_rates`) replace these.
"""

MIN_PIECE_SECONDS = 4.0
"""No piece of a split chapter is shorter than this (seconds of video)."""

_MAX_SPLITS_PER_WORKER = 3

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Piece:
    """One render job: animations ``first`` to ``last`` (inclusive) of chapter ``name``.

    ``last`` is ``None`` when the piece runs to the chapter's end; a whole
    chapter is the piece ``first=0, last=None`` (``parts == 1``).
    """

    name: str
    first: int
    last: int | None
    start: float
    """Where the piece starts in the chapter's video (seconds)."""
    seconds: float
    """Seconds of video the piece writes."""
    part: int = 1
    parts: int = 1

    @property
    def whole(self) -> bool:
        """Whether the piece is the whole chapter."""
        return self.parts == 1

    def manim_range(self) -> list[str]:
        """Manim's flag for the range (``-n FIRST,LAST``; nothing for a whole chapter)."""
        if self.whole:
            return []
        return ["-n", f"{self.first},{self.last}" if self.last is not None else str(self.first)]


@dataclass(frozen=True)
class _Span:
    order: int
    name: str
    first: int
    last: int  # inclusive, as an index into the timeline
    ends: tuple[float, ...]

    @property
    def start(self) -> float:
        return self.ends[self.first - 1] if self.first > 0 else 0.0

    @property
    def seconds(self) -> float:
        return self.ends[self.last] - self.start

    def cost(self, startup: float, fps: float, rate: float = 1.0) -> float:
        # A job pays its start-up, draws one frame per skipped animation, then writes its video.
        return startup + rate * (self.first / fps + self.seconds)

    def halves(self, min_seconds: float) -> tuple[_Span, _Span] | None:
        """The span cut at the animation boundary nearest its middle (``None``: too short to cut)."""
        mid = self.start + self.seconds / 2
        best: int | None = None
        for k in range(self.first + 1, self.last + 1):  # the second half starts at animation k
            cut = self.ends[k - 1]
            if cut - self.start < min_seconds or self.ends[self.last] - cut < min_seconds:
                continue
            if best is None or abs(cut - mid) < abs(self.ends[best - 1] - mid):
                best = k
        if best is None:
            return None
        a = _Span(self.order, self.name, self.first, best - 1, self.ends)
        b = _Span(self.order, self.name, best, self.last, self.ends)
        return a, b


def _sorted(spans: Sequence[_Span], startup: float, fps: float, rates: Mapping[str, float]) -> list[_Span]:
    return sorted(spans, key=lambda s: (-s.cost(startup, fps, rates.get(s.name, 1.0)), s.order, s.first))


def makespan(costs: Sequence[float], workers: int) -> float:
    """When the last of ``costs`` (run in this order, each on the first free worker) finishes."""
    free = [0.0] * max(1, workers)
    for c in costs:
        t = heapq.heappop(free)
        heapq.heappush(free, t + c)
    return max(free)


def plan(
    timelines: Mapping[str, Sequence[float]],
    workers: int,
    fps: float,
    startup: float,
    split: bool = True,
    min_seconds: float = MIN_PIECE_SECONDS,
    rates: Mapping[str, float] | None = None,
) -> list[Piece]:
    """The render jobs for chapters with these timelines, in the order they should start.

    Parameters
    ----------
    timelines
        By scene name, in chapter order: the end time of each animation (seconds of video).
    workers
        How many jobs run at once.
    fps
        The frame rate (a skipped animation costs about one frame).
    startup
        What starting a job costs, in seconds of video (:data:`STARTUP_SECONDS`).
    split
        Whether chapters may be split across jobs (only with more than one worker).
    min_seconds
        The shortest piece a split makes.
    rates
        By scene name: what a second of the chapter costs relative to the
        usual (:func:`measured_rates`; 1 where not given).
    """
    rates = dict(rates or {})
    spans = [
        _Span(i, name, 0, len(ends) - 1, tuple(float(t) for t in ends))
        for i, (name, ends) in enumerate(timelines.items())
        if len(ends) > 0
    ]
    empty = [name for name, ends in timelines.items() if len(ends) == 0]

    def total(ss: Sequence[_Span]) -> float:
        order = _sorted(ss, startup, fps, rates)
        return makespan([s.cost(startup, fps, rates.get(s.name, 1.0)) for s in order], workers)

    if split and workers > 1:
        for _ in range(_MAX_SPLITS_PER_WORKER * workers):
            best: tuple[float, list[_Span]] | None = None
            for i, s in enumerate(spans):
                cut = s.halves(min_seconds)
                if cut is None:
                    continue
                trial = [*spans[:i], *cut, *spans[i + 1 :]]
                t = total(trial)
                if best is None or t < best[0] - 1e-9:
                    best = (t, trial)
            if best is None or best[0] >= total(spans) - 1e-9:
                break
            spans = best[1]
    parts = {s.name: sum(1 for x in spans if x.name == s.name) for s in spans}
    numbers: dict[tuple[str, int], int] = {}
    for s in sorted(spans, key=lambda s: (s.order, s.first)):
        numbers[(s.name, s.first)] = sum(1 for k in numbers if k[0] == s.name) + 1
    pieces = [
        Piece(
            name=s.name,
            first=s.first,
            last=None if s.last == len(s.ends) - 1 else s.last,
            start=s.start,
            seconds=s.seconds,
            part=numbers[(s.name, s.first)],
            parts=parts[s.name],
        )
        for s in _sorted(spans, startup, fps, rates)
    ]
    return pieces + [Piece(name, 0, None, 0.0, 0.0) for name in empty]


Rate = Annotated[float, Field(gt=0.0, lt=1e3)]
"""A chapter's measured cost per second of video, relative to the usual (a sane range)."""


class RatesFile(CacheModel):
    """``rates.json``: the measured rate of each chapter (by scene name), by quality.

    Format version 1: ``{"version": 1, "rates": {QUALITY: {SCENE: RATE}}}``.
    A file written before versions existed is the bare ``{QUALITY: {SCENE:
    RATE}}`` table; it keeps loading (as version 1). A rate out of range is
    left out; a file that does not validate is no measurement (the typical
    rates apply until the next render measures).
    """

    version: Literal[1] = 1
    rates: dict[str, dict[str, OnErrorOmit[Rate]]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _unversioned(cls, data: Any) -> Any:
        bare = isinstance(data, dict) and not {"version", "rates"} & data.keys()
        return {"version": 1, "rates": data} if bare else data


def _rates_path(folder: Path) -> Path:
    return folder / "rates.json"


def measured_rates(folder: Path, quality: str) -> dict[str, float]:
    """The chapters' rates at ``quality`` as the last renders measured them (kept in ``folder``).

    Chapters not measured yet at ``quality`` take their :data:`TYPICAL_RATES`.
    """
    found = read_cache(_rates_path(folder), RatesFile)
    return {**TYPICAL_RATES, **(found.rates.get(quality, {}) if found is not None else {})}


def record_rates(folder: Path, quality: str, done: Sequence[tuple[Piece, float, float]]) -> dict[str, float]:
    """Keep the rates that finished jobs show: each is ``(piece, wall seconds, frame rate)``.

    A job's rate is its wall time, less the start-up, per second of video it
    played (drawn or skipped), over :data:`SECONDS_PER_SECOND` of ``quality``.
    The pieces of one chapter are pooled. Returns the rates recorded.
    """
    usual = SECONDS_PER_SECOND.get(quality, 1.0)
    startup = STARTUP_SECONDS.get(quality, 1.0) * usual
    wall: dict[str, float] = {}
    video: dict[str, float] = {}
    for piece, seconds, fps in done:
        if piece.seconds <= 0:
            continue
        wall[piece.name] = wall.get(piece.name, 0.0) + max(seconds - startup, 0.0)
        video[piece.name] = video.get(piece.name, 0.0) + piece.first / fps + piece.seconds
    rates = {name: max(wall[name] / video[name] / usual, 0.05) for name in wall if video[name] > 0}
    if not rates:
        return {}
    path = _rates_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(path.with_suffix(".lock")):
            kept = read_cache(path, RatesFile) or RatesFile()
            new = {**kept.rates.get(quality, {}), **{k: round(v, 4) for k, v in rates.items()}}
            write_cache(path, RatesFile(rates={**kept.rates, quality: new}))
    except OSError as e:
        _log.warning("cannot keep the chapters' render rates in %s (%s)", path, e)
    return rates
