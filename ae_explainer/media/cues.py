"""A narration cue: one caption of one chapter, with its id, its times and the words to say.

:func:`chapter_cues` finds a chapter's cues by running it without drawing.
``ae-explainer script`` lists them for a lecturer to record; narration
(:mod:`ae_explainer.media.narration`) speaks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import model_validator

from ae_explainer.outputs import CacheModel

if TYPE_CHECKING:
    from scenes.base import ChapterScene

__all__ = ["Cue", "CuesFile", "chapter_cues"]


@dataclass(frozen=True)
class Cue:
    """One caption of one chapter, as a line of the narration script."""

    cue: str
    chapter: int
    start: float
    seconds: float
    caption: str
    spoken: str

    def row(self) -> tuple[str, ...]:
        return (
            self.cue,
            str(self.chapter),
            f"{self.start:.2f}",
            f"{self.seconds:.2f}",
            self.caption,
            self.spoken,
        )


class CuesFile(CacheModel):
    """A chapter's cues as a cache file (:func:`ae_explainer.render.timelines.cached_cues`).

    Format version 1: ``{"version": 1, "cues": [CUE, ...]}``, each cue an
    object of :class:`Cue`'s fields. A file written before versions existed
    is the bare list of cues; it keeps loading (as version 1).
    """

    version: Literal[1] = 1
    cues: list[Cue]

    @model_validator(mode="before")
    @classmethod
    def _unversioned(cls, data: Any) -> Any:
        return {"version": 1, "cues": data} if isinstance(data, list) else data


def chapter_cues(scene_cls: type[ChapterScene]) -> list[Cue]:
    """The cues of one chapter, found by running it without drawing (its runs must be trained)."""
    from scenes.patches.skipping import dry_run

    scene = dry_run(scene_cls)
    return [Cue(c.cue, scene_cls.chapter, c.start, c.end - c.start, c.text, c.speech) for c in scene.captions]
