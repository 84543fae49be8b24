"""Render jobs as pieces of chapters: planned from the chapters' timelines, joined when all are done.

:func:`plan_jobs` turns the chapters to render into jobs (whole chapters, or
ranges of their animations) in the order they start
(:func:`ae_explainer.render.schedule.plan`); :class:`PartJoin` joins the parts of a
split chapter into its clip once the last of them is rendered.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ae_explainer.outputs import Index
from ae_explainer.render.jobs import partial_movies
from ae_explainer.render.schedule import STARTUP_SECONDS, Piece, plan

if TYPE_CHECKING:
    from ae_explainer.options import RenderOptions
    from scenes.chapters import ChapterInfo

__all__ = ["PartJoin", "Todo", "plan_jobs"]

_log = logging.getLogger(__name__)

Finish = Callable[[Path, Path], list[Path]]
"""``finish(media_dir, target)``: install what a job wrote for ``target``; returns the output's files."""


@dataclass(frozen=True)
class Todo:
    """A chapter to render: its output, the key of its inputs, and what it is made of."""

    info: ChapterInfo
    target: Path
    key: str
    count_key: str | None
    made_of: list[str]


def plan_jobs(
    todo: Sequence[Todo],
    opts: RenderOptions,
    jobs: int,
    timeline: Callable[[Todo], list[float]],
    rates: Mapping[str, float] | None = None,
) -> list[tuple[Todo, Piece, int | None]]:
    """The jobs for ``todo`` in the order they start, each with its number of animations (if known).

    With more than one job, chapters are scheduled longest first from their
    timelines (``timeline(todo)``: the end of each animation, from a cached
    dry run, timed with the staged narration of a narrated render), and split
    across jobs where that keeps every worker busy to the end
    (:func:`ae_explainer.render.schedule.plan`), narrated or silent: the job of a
    chapter's last piece writes the chapter's whole sound track
    (:class:`PartJoin`). ``rates`` (by scene name, from
    :func:`ae_explainer.render.schedule.measured_rates`) say which chapters cost
    more per second than others.
    """
    from scenes.look.frame import frame_spec

    if jobs < 2 or not todo:
        return [(t, Piece(t.info.name, 0, None, 0.0, 0.0), None) for t in todo]
    timelines = {t.info.name: timeline(t) for t in todo}
    known = ", ".join(f"{n} {r:.2f}" for n, r in sorted((rates or {}).items()) if n in timelines)
    _log.debug("measured rates: %s", known or "none yet")
    by_name = {t.info.name: t for t in todo}
    fps = frame_spec(opts.aspect, opts.quality).frame_rate
    startup = STARTUP_SECONDS[opts.quality]
    pieces = plan(timelines, jobs, fps, startup, rates=rates)
    out: list[tuple[Todo, Piece, int | None]] = []
    for piece in pieces:
        n = len(timelines[piece.name])
        last = n - 1 if piece.last is None else piece.last
        out.append((by_name[piece.name], piece, last - piece.first + 1))
    _log.info("jobs: %s", ", ".join(p.name + ("" if p.whole else f" {p.part}/{p.parts}") for _, p, _ in out))
    return out


class PartJoin:
    """The parts of one chapter rendered by separate jobs: the last to finish joins and installs them.

    The parts' videos are joined by copying packets (:func:`ae_explainer.media.clips.join_pieces`):
    Manim encodes every animation as its own partial movie, starting with a
    keyframe, and joins those the same way, so the joined clip has the frames
    of a whole render. The last part ran the chapter to its end, timing every
    caption on the way and, in a narrated render, adding every caption's
    voice at its time in the chapter, the skipped ones' too
    (:class:`scenes.base.ChapterScene`): its subtitles and its sound track
    are the chapter's, and the parts before it are silent.
    """

    def __init__(self, item: Todo, parts: int, finish: Finish, index: Index, work: Path, ext: str) -> None:
        self.item, self.parts, self.finish, self.index = item, parts, finish, index
        self.folder = work / f"ch{item.info.number:02d}-joined"
        self.ext = ext
        self._media: dict[int, Path] = {}
        self._lock = threading.Lock()

    def part_done(self, part: int) -> Callable[[Path], None]:
        """What the job of part ``part`` calls with its media folder."""

        def done(media: Path) -> None:
            with self._lock:
                self._media[part] = media
                if len(self._media) < self.parts:
                    return
            self._install()

        return done

    def _install(self) -> None:
        from ae_explainer.media.clips import join_pieces

        clips = [next(self._media[i].rglob(f"clip.{self.ext}")) for i in sorted(self._media)]
        self.folder.mkdir()
        joined = self.folder / f"clip.{self.ext}"
        join_pieces(clips, joined)
        shutil.copyfile(clips[-1].with_suffix(".srt"), joined.with_suffix(".srt"))
        files = self.finish(self.folder, self.item.target)
        animations = sum(partial_movies(m) for m in self._media.values())
        self.index.record(
            self.item.target, self.item.key, files, count_key=self.item.count_key, animations=animations
        )
