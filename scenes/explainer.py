"""The whole explainer: every chapter that exists, in storyboard order, as one video.

Each chapter is a Manim section named after it, so ``--save_sections`` gives
one clip per chapter. A chapter that ``continues_previous`` opens on exactly
the frame the one before ends on, so the join is seamless; before any other
chapter the screen fades to the background. The video ends on the last
chapter's closing frame.
"""

from __future__ import annotations

import inspect
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
            self.outro(cls)
            self.clear()
        self._chapter_cls = None

    def __getattr__(self, name: str) -> Any:
        cls = self.__dict__.get("_chapter_cls")
        if cls is not None and hasattr(cls, name):
            value = inspect.getattr_static(cls, name)
            # The chapter's own helper methods run bound to this scene.
            return value.__get__(self, type(self)) if inspect.isfunction(value) else getattr(cls, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
