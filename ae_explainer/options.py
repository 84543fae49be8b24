"""How chapters are rendered: :class:`RenderOptions`, the scene settings plus frame and container.

The fields, their choices and their defaults are defined once, on the models:
:class:`scenes.settings.SceneSettings` (theme, captions, pace, run) and
:class:`RenderOptions` (aspect, quality, format, transparent). The settings
file and the command line (:mod:`ae_explainer.cli.userconfig`,
:mod:`ae_explainer.cli.commands`) read them from here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Self

from pydantic import Field, Strict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from scenes.settings import ASPECTS, QUALITIES, Expect, Flag, OneOf, SceneSettings, default_of

__all__ = [
    "ALPHA_FORMATS",
    "DEFAULT_LUFS",
    "FORMATS",
    "LOUDNESS_RANGE",
    "Aspect",
    "Format",
    "Loudness",
    "Narration",
    "QualityName",
    "RenderOptions",
]

FORMATS = ("mp4", "webm", "gif", "mov")
"""``--format`` choices: the video container (gif is made from an mp4 render)."""

ALPHA_FORMATS = ("mov", "webm")
"""The formats with an alpha channel (``--transparent``)."""

Aspect = Annotated[str, OneOf(tuple(ASPECTS))]
"""One of :data:`scenes.settings.ASPECTS`."""

QualityName = Annotated[str, OneOf(tuple(QUALITIES))]
"""One of :data:`scenes.settings.QUALITIES`."""

Format = Annotated[str, OneOf(FORMATS)]
"""One of :data:`FORMATS`."""

Narration = Annotated[
    str, Strict(), Field(min_length=1), Expect("voice, off, or a folder of recordings (<cue id>.wav)")
]
"""``voice``, ``off`` or a folder of the lecturer's recordings (:mod:`ae_explainer.media.narration`)."""

DEFAULT_LUFS = -16.0
"""The loudness every narrated output is mastered to unless told otherwise (``--loudness``), in LUFS."""

LOUDNESS_RANGE = (-30.0, -9.0)
"""The quietest and loudest target a user may ask for (``--loudness``), in LUFS."""

Loudness = Annotated[
    float,
    Strict(),
    Field(ge=LOUDNESS_RANGE[0], le=LOUDNESS_RANGE[1]),
    Expect(
        f"a loudness in LUFS from {LOUDNESS_RANGE[0]:g} to {LOUDNESS_RANGE[1]:g}, e.g. -14 for social posts"
    ),
]
"""The loudness (LUFS) a narrated output is mastered to: in :data:`LOUDNESS_RANGE`."""


class RenderOptions(SceneSettings):
    """How the chapters are rendered; every field is a flag of ``ae-explainer render``.

    Parameters
    ----------
    aspect, quality
        See :data:`scenes.settings.ASPECTS` and :data:`scenes.settings.QUALITIES`.
        ``quality`` has no default here: each command has its own
        (:data:`ae_explainer.cli.commands.COMMANDS`).
    format
        ``mp4``, ``webm``, ``mov`` or ``gif`` (a GIF is made from an mp4 render).
    transparent
        A transparent background (for overlays): needs ``mov`` or ``webm``.
    narration
        ``voice`` (an offline neural voice speaks every caption), ``off``
        (silent), or a folder of the lecturer's recordings, one WAV per cue.
        A GIF has no sound: it is always made from a silent render.
    loudness
        The integrated loudness (LUFS, ITU-R BS.1770) every narrated clip
        and joined video is mastered to, with true peaks at most -1 dBTP
        (:mod:`ae_explainer.media.loudness`): -16 by default, -14 for the social
        platforms' normalisation.
    theme, captions, pace, run, language
        See :class:`scenes.settings.SceneSettings`; a language other than
        English names the files (``-de``).
    run_id
        A short id of the main run's content (:func:`ae_explainer.render.chapters.main_run_id`),
        which names the files when ``run`` changes the main run (for a run
        file: a digest of its bytes).
    """

    aspect: Aspect = "16:9"
    quality: QualityName
    format: Format = "mp4"
    transparent: Flag = False
    narration: Narration = "off"
    loudness: Loudness = DEFAULT_LUFS
    run_id: str = ""

    @field_validator("narration")
    @classmethod
    def _silent_gif(cls, narration: str, info: ValidationInfo) -> str:
        return "off" if info.data.get("format") == "gif" else narration

    @field_validator("transparent")
    @classmethod
    def _needs_alpha(cls, transparent: bool, info: ValidationInfo) -> bool:
        fmt = info.data.get("format")
        if transparent and fmt is not None and fmt not in ALPHA_FORMATS:
            raise PydanticCustomError(
                "expected",
                f"{fmt} has no alpha channel; use --format {' or '.join(ALPHA_FORMATS)}",
            )
        return transparent

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, validated like the original (unlike ``model_copy``)."""
        return self.model_validate({**self.model_dump(), **changes})

    @property
    def movie_ext(self) -> str:
        """The container Manim writes (``mp4`` for a GIF, which is converted afterwards)."""
        return "mp4" if self.format == "gif" else self.format

    def tag(self) -> str:
        """The part of output names that tells these options apart, e.g. ``9x16-low-dark`` or ``...-de``."""
        parts = [self.aspect.replace(":", "x"), self.quality, self.theme]
        if self.transparent:
            parts.append("transparent")
        if not self.captions:
            parts.append("nocaptions")
        if self.narration != "off":
            parts.append("voice" if self.narration == "voice" else "recorded")
            if self.loudness != DEFAULT_LUFS:
                parts.append(f"lufs{self.loudness:g}")
        if self.pace != default_of(SceneSettings, "pace"):
            parts.append(f"pace{self.pace:g}")
        if self.run:
            blob = json.dumps(sorted(self.run.items()))
            parts.append("run-" + (self.run_id or hashlib.sha256(blob.encode()).hexdigest()[:6]))
        if self.language != default_of(SceneSettings, "language"):
            parts.append(self.language)
        return "-".join(parts)

    def index_text(self) -> str:
        """The options as the render index keys a movie on them (a GIF shares its mp4's).

        A run file (``run["file"]``) enters by its content (``run_id``, a
        digest of its bytes), never by its path. The narration enters by the
        bytes of its cues (keyed separately), so a voice and recordings of
        the same bytes key alike; its mastering enters here: a narrated
        movie's text names its ``loudness`` (texts from before mastering
        existed have none), so a clip whose sound was not mastered, or was
        mastered to another target, is never reused. Every movie container
        but WebM names ``moov='front'`` (its index written first,
        :func:`ae_explainer.media.clips.open_output`), so a clip written before
        that is rendered again once.
        """
        fields = {
            "aspect": self.aspect,
            "quality": self.quality,
            "fmt": self.movie_ext,
            "theme": self.theme,
            "transparent": self.transparent,
            "captions": self.captions,
            "pace": self.pace,
            "run": tuple(sorted((k, v) for k, v in self.run.items() if k != "file")),  # file: by run_id
            "run_id": self.run_id,
        }
        if self.movie_ext != "webm":
            fields["moov"] = "front"
        if self.narration != "off":
            fields["loudness"] = self.loudness
        if self.language != default_of(SceneSettings, "language"):
            fields["language"] = self.language  # its catalogue's strings: keyed per chapter
        return f"RenderOptions({', '.join(f'{k}={v!r}' for k, v in fields.items())})"
