"""The whole explainer: every chapter that exists, in storyboard order, as one video.

Each chapter is a Manim section named after it, so ``--save_sections`` gives
one clip per chapter. Chapters are written so that each one starts exactly
where the one before ends, which makes the joins seamless.
"""

from __future__ import annotations

from typing import Any

from scenes.base import ChapterScene
from scenes.chapters import SCENES_IN_ORDER

__all__ = ["AutoencoderExplainer"]


class AutoencoderExplainer(ChapterScene):
    """Plays :data:`scenes.chapters.SCENES_IN_ORDER` one after another."""

    def construct(self) -> None:
        for cls in SCENES_IN_ORDER:
            # The chapter's beats run on this scene, with the chapter's parameters.
            self._chapter_cls: type[ChapterScene] | None = cls
            cls.construct(self)
            self.caption(None)
            self.clear()
        self._chapter_cls = None

    def __getattr__(self, name: str) -> Any:
        cls = self.__dict__.get("_chapter_cls")
        if cls is not None and hasattr(cls, name):
            return getattr(cls, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
