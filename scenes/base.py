"""What every chapter scene shares: background, captions and their timing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from manim import FadeIn, FadeOut, Mobject, Scene, Text, config

from scenes.layout import current_layout
from scenes.style import BACKGROUND, ensure_fonts, text

__all__ = ["Caption", "ChapterScene", "srt_text", "write_srt"]


@dataclass(frozen=True)
class Caption:
    """One caption and when it is on screen (seconds from the scene's start)."""

    start: float
    end: float
    text: str


def _timestamp(t: float) -> str:
    ms = round(t * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def srt_text(captions: list[Caption]) -> str:
    """SubRip subtitles: one numbered cue per caption."""
    cues = [
        f"{i}\n{_timestamp(c.start)} --> {_timestamp(c.end)}\n{c.text}\n" for i, c in enumerate(captions, 1)
    ]
    return "\n".join(cues)


def write_srt(path: Path, captions: list[Caption]) -> None:
    """Write :func:`srt_text` to ``path`` atomically."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(srt_text(captions), encoding="utf-8")
    os.replace(tmp, path)


class ChapterScene(Scene):
    """A scene with one caption line at the bottom, logged with its times.

    Subclasses set ``chapter`` (storyboard number) and ``title``, and build in
    ``construct``; ``continues_previous`` says the chapter opens on exactly
    the frame the previous chapter (in :data:`scenes.chapters.SCENES_IN_ORDER`)
    ends on. ``caption_seconds_per_word`` paces reading time (a
    caption always stays up that long); ``pace`` scales every other pause. When the
    scene is written to a movie, its captions are written beside it as a
    ``.srt`` file with the same name.
    """

    chapter: int
    title: str
    continues_previous: bool = False
    caption_seconds_per_word: float = 0.25
    pace: float = 0.5

    def setup(self) -> None:
        ensure_fonts()
        self.camera.background_color = BACKGROUND  # type: ignore[union-attr]
        self.section_names: list[str] = []
        self.captions: list[Caption] = []
        self._caption: Text | None = None
        self._caption_start = 0.0

    def next_section(self, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        """Start a Manim section (one per chapter) and remember its name."""
        self.section_names.append(name)
        super().next_section(name, *args, **kwargs)

    @property
    def now(self) -> float:
        """Seconds of video played so far in this scene."""
        return float(self.renderer.time)

    def wait(self, duration: float = 1.0, *args: Any, **kwargs: Any) -> None:
        """Hold for ``duration * pace`` seconds (``pace`` scales every pause of a chapter)."""
        super().wait(duration * self.pace, *args, **kwargs)

    def reading_time(self, s: str) -> float:
        """Seconds a viewer needs to read ``s`` (at least 1.5 s)."""
        return max(1.5, self.caption_seconds_per_word * len(s.split()))

    def caption(self, s: str | None) -> None:
        """Replace the bottom caption by ``s`` (``None`` clears it): old out, then new in.

        The old caption first stays up for at least its :meth:`reading_time`.
        """
        if self._caption is not None:
            shown = self.now - self._caption_start
            needed = self.reading_time(self._caption.original_text)
            if shown < needed:
                super().wait(needed - shown)
            self.captions.append(Caption(self._caption_start, self.now, self._caption.original_text))
            # On top, the caption is the only moving mobject: Manim redraws every
            # mobject added after the first moving one on every frame.
            self.bring_to_front(self._caption)
            self.play(FadeOut(self._caption), run_time=0.25)
        self._caption = None
        if s:
            cap = text(s, "caption")
            width = 0.92 * config.frame_width
            if cap.width > width:
                cap.scale_to_fit_width(width)
            cap.move_to(np.array([0.0, current_layout().caption_y, 0.0]))
            self.play(FadeIn(cap), run_time=0.35)
            self._caption = cap
        self._caption_start = self.now

    def vanish(self, group: Mobject, *parts: Mobject, run_time: float = 0.6) -> None:
        """Fade ``parts`` of ``group`` out and drop them from it.

        Unlike :class:`~manim.FadeOut` of a submobject, this keeps ``group``
        whole in the scene (Manim splits a group whose part is removed).
        """
        self.play(*(p.animate.set_opacity(0) for p in parts), run_time=run_time)
        group.remove(*parts)

    def tear_down(self) -> None:
        if self._caption is not None:
            self.captions.append(Caption(self._caption_start, self.now, self._caption.original_text))
            self._caption = None
        if config.write_to_movie and not config.dry_run:
            movie = getattr(self.renderer.file_writer, "movie_file_path", None)
            if movie:
                write_srt(Path(movie).with_suffix(".srt"), self.captions)
