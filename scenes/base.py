"""What every chapter scene shares: background, captions and their timing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import FadeIn, FadeOut, Mobject, Scene, Text, config

from scenes.layout import current_layout
from scenes.style import BACKGROUND, text

__all__ = ["Caption", "ChapterScene"]


@dataclass(frozen=True)
class Caption:
    """One caption and when it is on screen (seconds from the scene's start)."""

    start: float
    end: float
    text: str


class ChapterScene(Scene):
    """A scene with one caption line at the bottom, logged with its times.

    Subclasses set ``chapter`` (storyboard number) and ``title``, and build in
    ``construct``. ``caption_seconds_per_word`` paces reading time.
    """

    chapter: int = 0
    title: str = ""
    caption_seconds_per_word: float = 0.28

    def setup(self) -> None:
        self.camera.background_color = BACKGROUND  # type: ignore[union-attr]
        self.captions: list[Caption] = []
        self._caption: Text | None = None
        self._caption_start = 0.0

    @property
    def now(self) -> float:
        """Seconds of video played so far in this scene."""
        return float(self.renderer.time)

    def reading_time(self, s: str) -> float:
        """Seconds a viewer needs to read ``s`` (at least 1.5 s)."""
        return max(1.5, self.caption_seconds_per_word * len(s.split()))

    def caption(self, s: str | None) -> None:
        """Replace the bottom caption by ``s`` (``None`` clears it): old out, then new in."""
        if self._caption is not None:
            self.captions.append(Caption(self._caption_start, self.now, self._caption.original_text))
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
