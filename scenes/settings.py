"""What a viewer's copy of the video changes: theme, captions, pacing, and the main run.

The ``ae-explainer`` command renders every chapter with the ``manim`` CLI in a
child process and passes these settings as environment variables; they work
the same way when you call ``manim`` yourself::

    AE_EXPLAINER_THEME=light AE_EXPLAINER_CAPTIONS=0 \
        manim -ql scenes/chapters/ch04_manifold_forms.py ManifoldForms

``AE_EXPLAINER_RUN`` holds JSON with ``data``, ``latent_dim``, ``seed`` and
``steps`` for the run behind chapters 1-6 and 12 (:data:`scenes.runs.MAIN_2D`),
or ``file``: a run file to show instead (:mod:`scenes.runs`).

:class:`SceneSettings` is the one definition of these settings: their types,
choices, ranges and defaults. The application's settings file, its flags and
its render options (:mod:`ae_explainer.options`) extend this model, so every
default is written once, here or there. Each field carries, as metadata, what
a valid value is in words (:class:`Expect`, :class:`OneOf`), so a bad value
becomes one line that says what would be right (:func:`describe_error`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    Strict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    with_config,
)
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema, PydanticCustomError, core_schema
from typing_extensions import TypedDict  # pydantic reads a TypedDict's fields from this one on 3.11

from aecore.config_fields import DataSpec, Explain, LatentDim, Seed, Seeds, Steps

__all__ = [
    "ASPECTS",
    "ENV",
    "LANGUAGES",
    "PACE_RANGE",
    "QUALITIES",
    "RUN_KEYS",
    "THEMES",
    "Expect",
    "Flag",
    "OneOf",
    "Pace",
    "Problem",
    "Quality",
    "RunOverrides",
    "SceneSettings",
    "ThemeName",
    "WholeNumber",
    "current_settings",
    "default_of",
    "describe_error",
    "exit_with",
    "run_error_line",
    "settings_in_force",
]

ASPECTS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}
"""``--aspect`` names and their width : height."""


@dataclass(frozen=True)
class Quality:
    """One ``--quality``: the pixels along the frame's shorter side, the frame rate, manim's flag."""

    name: str
    short_side: int
    fps: int
    manim_flag: str
    """The letter of ``manim -q`` with the same pixels and rate in 16:9 (``-ql`` is 480p15)."""

    def __str__(self) -> str:
        return f"{self.short_side}p{self.fps}"


QUALITIES: dict[str, Quality] = {
    q.name: q
    for q in (
        Quality("low", 480, 15, "l"),
        Quality("medium", 720, 30, "m"),
        Quality("high", 1080, 60, "h"),
        Quality("4k", 2160, 60, "k"),
    )
}
"""``--quality`` names and what each one means (:class:`Quality`)."""

LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "es": "Español", "ja": "日本語"}
"""``--language`` codes and each language's own name; English is the source, every other one has a
catalogue (:mod:`scenes.i18n`)."""

THEMES = ("dark", "light")
"""``dark``: for screens; ``light``: a white background for printed notes and bright rooms."""

ENV = {
    "theme": "AE_EXPLAINER_THEME",
    "captions": "AE_EXPLAINER_CAPTIONS",
    "pace": "AE_EXPLAINER_PACE",
    "run": "AE_EXPLAINER_RUN",
    "narration_dir": "AE_EXPLAINER_NARRATION_DIR",
    "language": "AE_EXPLAINER_LANGUAGE",
}
"""The environment variable of each setting."""

PACE_RANGE = (0.1, 4.0)
"""Smallest and largest ``pace``."""


# Field metadata: what a valid value is, in words ------------------------------------------------


def Expect(what: str, out_of_range: str | None = None) -> Explain:
    """Annotated metadata: a bad value fails as ``"<value> must be <what>"``.

    ``out_of_range`` replaces ``what`` when the value has the right type but
    breaks a bound (e.g. ``"at least 1"``); see :class:`aecore.config_fields.Explain`.
    """
    return Explain(
        f"{{value!r}} must be {what}", f"{{value!r}} must be {out_of_range}" if out_of_range else None
    )


@dataclass(frozen=True)
class OneOf:
    """Annotated metadata: the value is one of ``names`` (which also become a flag's choices)."""

    names: tuple[str, ...]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_wrap_validator_function(self._validate, handler(source))

    def _validate(self, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, str) and value in self.names:
            return handler(value)
        raise PydanticCustomError("one_of", f"{value!r} is not one of {', '.join(self.names)}")

    @staticmethod
    def of(field: FieldInfo) -> tuple[str, ...]:
        """The choices of a field typed with :class:`OneOf` (empty if it has none)."""
        return next((m.names for m in field.metadata if isinstance(m, OneOf)), ())


ThemeName = Annotated[str, OneOf(THEMES)]
"""One of :data:`THEMES` (the theme itself, its colours, is :class:`scenes.look.theme.Theme`)."""

Flag = Annotated[bool, Strict(), Expect("true or false")]
"""A switch: ``True`` or ``False``, nothing that merely looks like one."""

Pace = Annotated[
    float,
    Strict(),
    Field(ge=PACE_RANGE[0], le=PACE_RANGE[1]),
    Expect(f"a number from {PACE_RANGE[0]:g} to {PACE_RANGE[1]:g}"),
]
"""A number in :data:`PACE_RANGE`."""

WholeNumber = Annotated[int, Strict(), Expect("a whole number", out_of_range="at least 1")]
"""An ``int`` (not a float, not a bool)."""


@with_config(ConfigDict(extra="forbid"))
class RunOverrides(TypedDict, total=False):
    """What a viewer may change of the main run's config (every key optional).

    Each key is the field of :class:`aecore.config.TrainConfig` of that name,
    with its type and its checks (a bad value fails with the config's own
    words), and ``file``, a run file to show instead of a trained run.
    """

    data: DataSpec
    latent_dim: LatentDim
    seed: Seed
    steps: Steps
    ensemble_seeds: Seeds
    file: Annotated[str, Strict(), Field(min_length=1), Expect("a run file (.npz)")]
    """A run file to show instead of a trained run (:func:`scenes.runs.run_file_kind`)."""


RUN_KEYS: tuple[str, ...] = tuple(RunOverrides.__annotations__)
"""Fields of the main run a viewer may change."""


class SceneSettings(BaseModel):
    """The settings of one render, as the scenes see them.

    Parameters
    ----------
    theme
        One of :data:`THEMES`.
    captions
        Whether the bottom caption line is drawn (subtitle files are written either way).
    pace
        Scales every pause between animations (captions always stay up for their reading time).
    run
        Overrides of the main run's config, keys from :data:`RUN_KEYS`.
    narration_dir
        A folder of narration, one WAV per caption named by its cue id
        (:func:`scenes.captions.cue_id`), e.g. ``ch05-send-every-x-through-d353cc.wav``:
        each caption plays its WAV when it appears and stays up until it has
        been spoken. Empty: silent, with the captions' own timing.
    language
        The language of every caption, label, subtitle and script (one of
        :data:`LANGUAGES`; English is the source, in the code).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: ThemeName = "dark"
    captions: Flag = True
    pace: Pace = 0.5
    run: RunOverrides = Field(default_factory=lambda: RunOverrides())
    narration_dir: Annotated[str, Strict(), Expect("a folder of <cue id>.wav files")] = ""
    language: Annotated[str, OneOf(tuple(LANGUAGES))] = "en"

    def env(self) -> dict[str, str]:
        """These settings as environment variables (see :data:`ENV`)."""
        return {
            ENV["theme"]: self.theme,
            ENV["captions"]: "1" if self.captions else "0",
            ENV["pace"]: repr(self.pace),
            ENV["run"]: json.dumps(self.run, sort_keys=True),
            ENV["narration_dir"]: self.narration_dir,
            ENV["language"]: self.language,
        }

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SceneSettings:
        """The settings in ``environ`` (defaults where a variable is unset or empty).

        Raises
        ------
        ValueError
            One line naming the variable and what would be right.
        """
        given: dict[str, Any] = {}
        if theme := environ.get(ENV["theme"]):
            given["theme"] = theme
        if captions := environ.get(ENV["captions"]):
            given["captions"] = _switch(captions)
        if pace := environ.get(ENV["pace"]):
            given["pace"] = _number(pace)
        if narration_dir := environ.get(ENV["narration_dir"]):
            given["narration_dir"] = narration_dir
        if language := environ.get(ENV["language"]):
            given["language"] = language
        if run := environ.get(ENV["run"]):
            try:
                given["run"] = json.loads(run)
            except json.JSONDecodeError as e:
                raise ValueError(
                    f'{ENV["run"]}: not JSON ({e.msg}); give e.g. \'{{"data": "spiral"}}\''
                ) from None
            except RecursionError:
                raise ValueError(
                    f"{ENV['run']}: nested too deeply to read; give one flat object,"
                    ' e.g. {"data": "spiral"}'
                ) from None
        try:
            return cls.model_validate(given)
        except ValidationError as e:
            p = describe_error(e)
            name = ENV.get(str(p.loc[0]), "AE_EXPLAINER_*") if p.loc else "AE_EXPLAINER_*"
            if p.unknown_key and len(p.loc) > 1:
                raise ValueError(f"{name}: unknown key {p.loc[-1]!r}; use {', '.join(RUN_KEYS)}") from None
            inner = " ".join(map(str, p.loc[1:]))
            raise ValueError(f"{name}{' ' + inner if inner else ''}: {p.message}") from None


_SWITCH_WORDS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}
"""What a switch variable (``AE_EXPLAINER_CAPTIONS``) may say, in any case."""


def _switch(text: str) -> bool | str:
    """``text`` as a switch, or itself (which validation then refuses, naming the variable)."""
    return _SWITCH_WORDS.get(text.strip().lower(), text)


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text  # validation names it


_RUN_ERROR_PREFIXES = {"run file": "file", "snapshot file": "file"}
"""How errors about a run file start (:func:`aecore.files.checked_path`), by the ``AE_EXPLAINER_RUN`` key."""


def run_error_line(message: str) -> str:
    """An error about the main run, told as the ``AE_EXPLAINER_RUN`` key that caused it.

    The trainer's and loader's errors name the config's field, the flag or
    the file (``"seed: ..."``, ``"--data: no such file ..."``, ``"run file:
    x.npz is a symbolic link loop"``); a scene run by the ``manim`` CLI got them from the variable, so
    the line names the variable and its key instead
    (``"AE_EXPLAINER_RUN data: no such file ..."``).
    """
    head, sep, rest = message.partition(": ")
    if head in ENV.values():  # already names its variable
        return message
    key = (
        head.removeprefix("--").replace("-", "_")
        if head.startswith("--")
        else _RUN_ERROR_PREFIXES.get(head, head)
    )
    if sep and key in RUN_KEYS:
        return f"{ENV['run']} {key}: {rest}"
    if "file" in current_settings().run:
        return f"{ENV['run']} file: {message}"
    return f"{ENV['run']}: {message}"


def exit_with(message: str) -> NoReturn:
    """End the process as a bad input does: ``error: <message>`` on stderr in one line, exit status 2.

    For scenes run by the ``manim`` CLI, where no caller turns an exception
    into a line (Manim would print its traceback).
    """
    from aecore.errors import printable

    print(f"error: {printable(message)}", file=sys.stderr, flush=True)
    raise SystemExit(2)


_IN_FORCE: ContextVar[SceneSettings | None] = ContextVar("scene_settings_in_force", default=None)
"""The settings a ``with settings_in_force(...)`` block (a chapter's render, a view's theme) set."""


def current_settings() -> SceneSettings:
    """The settings in force: those of the innermost :func:`settings_in_force`, else the environment's.

    Outside any such block (a module used on its own, a test), the settings
    come from the process environment through the one module that reads it,
    :mod:`scenes.environment`: a bad variable ends the process with one line
    naming it (no traceback).
    """
    from scenes.environment import read_variables  # the one module of scenes that reads os.environ

    in_force = _IN_FORCE.get()
    if in_force is not None:
        return in_force
    return _from_environment(read_variables(ENV.values()))


@lru_cache(maxsize=16)
def _from_environment(variables: tuple[tuple[str, str], ...]) -> SceneSettings:
    """The settings of these variables, validated once per distinct set of values."""
    try:
        return SceneSettings.from_env(dict(variables))
    except ValueError as err:
        exit_with(str(err))


@contextmanager
def settings_in_force(settings: SceneSettings) -> Iterator[SceneSettings]:
    """Make ``settings`` what :func:`current_settings` returns inside a ``with`` block.

    A chapter renders inside one (:meth:`scenes.base.ChapterScene.render`, with the
    environment's settings read once); a view built with a theme builds inside one
    (:meth:`scenes.look.theme.Theme.in_force`). Blocks nest; leaving one restores the settings before it.
    """
    token = _IN_FORCE.set(settings)
    try:
        yield settings
    finally:
        _IN_FORCE.reset(token)


# Errors as one line -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """The first thing wrong in a :class:`~pydantic.ValidationError`, in words."""

    loc: tuple[str | int, ...]
    """Where: the field (and key inside it), e.g. ``("run", "seed")``."""
    message: str
    """What is wrong and what would be right, e.g. ``"'4:3' is not one of 16:9, 9:16, 1:1"``."""
    unknown_key: bool = False
    """The last part of ``loc`` is a key the model does not have."""


def describe_error(err: ValidationError) -> Problem:
    """The first error of ``err`` as a :class:`Problem` (fields typed here explain themselves)."""
    first = err.errors()[0]
    loc = tuple(first["loc"])
    if first["type"] == "extra_forbidden":
        return Problem(loc, f"unknown key {loc[-1]!r}", unknown_key=True)
    if first["type"] in ("expected", "one_of"):
        return Problem(loc, first["msg"])
    return Problem(loc, f"{first['input']!r}: {first['msg'][0].lower()}{first['msg'][1:]}")


def default_of(model: type[BaseModel], name: str) -> Any:
    """The default of field ``name`` of ``model`` (the one place it is written)."""
    field = model.model_fields[name]
    factory: Callable[[], Any] | None = field.default_factory  # type: ignore[assignment]
    return factory() if factory is not None else field.default
