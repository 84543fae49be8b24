"""The limits of :class:`aecore.config.TrainConfig`, its field types, and what a field carries besides.

A bad value fails as one line that names the field and says what would be
right (:class:`ConfigError`); the command line and the settings file name
the field their own way (``--latent-dim``, ``[run] latent_dim``) through
:meth:`ConfigError.line`. :class:`Option` gives a field its flag of
``ae-explainer train`` and its help, from which the CLI builds its parser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, GetCoreSchemaHandler, Strict, ValidationError, ValidatorFunctionWrapHandler
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from aecore.datasets import IMAGE_DATASETS
from aecore.errors import AecoreError

__all__ = [
    "MAX_ENSEMBLE",
    "MAX_GRID_POINTS",
    "MAX_HIDDEN_LAYERS",
    "MAX_PARAMS",
    "MAX_RUN_BYTES",
    "MAX_SNAPSHOTS",
    "MAX_STEPS",
    "MAX_WIDTH",
    "SEED_LIMIT",
    "ConfigError",
    "DataSpec",
    "Explain",
    "Factor",
    "LatentDim",
    "Margin",
    "Option",
    "Ref",
    "Seed",
    "Seeds",
    "Steps",
    "default_grid_size",
    "one_of",
    "shown",
    "whole",
]

SEED_LIMIT = 2**32
"""Seeds (``--seed``, ``--data-seed``) are whole numbers with ``0 <= seed < SEED_LIMIT``."""

MAX_STEPS = 1_000_000
"""Most training steps (a default run of 3,000 steps takes seconds; a million, about 20 minutes)."""

MAX_SNAPSHOTS = 1000
"""Most snapshots a run records."""

MAX_PARAMS = 2_000_000
"""Most parameters of the whole autoencoder (encoder and decoder); 64,64 has about 9,000."""

MAX_HIDDEN_LAYERS = 8
"""Most hidden layers of the encoder (the decoder mirrors them)."""

MAX_WIDTH = 1024
"""Most units in one hidden layer (full-batch activations are N x width)."""

MAX_GRID_POINTS = 40_000
"""Most latent grid points (``grid_size ** k``); each snapshot decodes them and evaluates the KDE there."""

MAX_ENSEMBLE = 8
"""Most other-seed decoders trained alongside a run (each costs one more training)."""

MAX_RUN_BYTES = 2**30
"""Most bytes of arrays a run may hold (snapshots x (points + grid + weights)), about 1.07 GB."""

_RANGE_ERRORS = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short", "too_long", "one_of"}
)


@dataclass(frozen=True)
class Ref:
    """Another field named inside a :class:`ConfigError`'s reason (shown as the reader names it)."""

    field: str


class ConfigError(AecoreError):
    """A bad value of the training config: the field and what is wrong, in one line.

    ``str(error)`` is ``"<field>: <reason>"``; :meth:`line` names the field
    (and the fields the reason mentions) as the reader knows them.

    Parameters
    ----------
    field
        The field that is wrong, e.g. ``"latent_dim"``.
    parts
        The reason: text, and :class:`Ref` for each other field it mentions.
    """

    def __init__(self, field: str, *parts: str | Ref) -> None:
        self.field = field
        self.parts = parts
        super().__init__(self.line())

    def reason(self, name: Callable[[str], str] = str) -> str:
        """What is wrong and what would be right, other fields named by ``name``."""
        return "".join(name(p.field) if isinstance(p, Ref) else p for p in self.parts)

    def line(self, name: Callable[[str], str] = str) -> str:
        """The whole message, ``"<name(field)>: <reason>"``."""
        return f"{name(self.field)}: {self.reason(name)}"


def shown(value: Any) -> str:
    """A value as the messages show it: lists and tuples comma-joined (``64,64``), else ``str``."""
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


@dataclass(frozen=True)
class Explain:
    """Annotated metadata: a bad value fails with this reason (a :class:`PydanticCustomError` "expected").

    ``bad`` is a template with ``{value}`` (the value as :func:`shown` shows
    it) and ``{value!r}`` (its ``repr``); ``out_of_range`` replaces it when the
    value has the right type but breaks a bound.
    """

    bad: str
    out_of_range: str | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_wrap_validator_function(self._validate, handler(source))

    def _validate(self, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as e:
            kinds = {err["type"] for err in e.errors()}
            template = self.out_of_range if self.out_of_range and kinds <= _RANGE_ERRORS else self.bad
            text = template.replace("{value!r}", repr(value)).replace("{value}", shown(value))
            raise PydanticCustomError("expected", "{reason}", {"reason": text}) from None


def one_of(names: Sequence[str]) -> Callable[[str], str]:
    """A validator: the value is one of ``names``."""

    def check(value: str) -> str:
        if value not in names:
            raise PydanticCustomError("one_of", "not one of the names")
        return value

    return check


@dataclass(frozen=True)
class Option:
    """Annotated metadata: the field's flag of ``ae-explainer train`` and its help.

    Attributes
    ----------
    flag
        E.g. ``"--latent-dim"``.
    help
        One line for ``--help``.
    example
        A good value, for the parser's error on a list that is not numbers (e.g. ``"64,64"``).
    metavar
        How ``--help`` shows the value (argparse's default: the field's name in capitals).
    """

    flag: str
    help: str
    example: str = ""
    metavar: str | None = None


def whole(right: str) -> Explain:
    """:class:`Explain` for a whole number in a range: ``right`` says which."""
    return Explain(
        f"{{value!r}} must be a whole number; use {right}", f"{{value}} is out of range; use {right}"
    )


_SEEDS = "a whole number 0 <= seed < 2**32"
Seed = Annotated[int, Strict(), Field(ge=0, lt=SEED_LIMIT), whole(_SEEDS)]
"""A seed: a whole number ``0 <= seed < 2**32``."""

Steps = Annotated[int, Strict(), Field(ge=1, le=MAX_STEPS), whole(f"1 to {MAX_STEPS:,} steps")]
"""Training steps, 1 to :data:`MAX_STEPS`."""

LatentDim = Annotated[int, Strict(), Field(ge=1, le=2), Explain("{value} is not supported; use 1 or 2")]
"""k, the latent dimension: 1 or 2."""

DataSpec = Annotated[
    str, Strict(), Field(min_length=1), Explain("{value!r} must be a data set name or a file path")
]
"""A built-in data set's name or a ``.csv``/``.npy`` file."""

Seeds = Annotated[
    tuple[Annotated[int, Strict(), Field(ge=0, lt=SEED_LIMIT)], ...],
    Explain("'{value}' must be whole numbers 0 <= seed < 2**32, e.g. 1,2,3,4"),
]
"""Other seeds (:attr:`TrainConfig.ensemble_seeds`): whole numbers ``0 <= seed < 2**32``."""


Margin = Annotated[
    float, Strict(), Field(ge=0.0, le=10.0), Explain("{value!r} must be a number from 0 to 10")
]
"""A fraction from 0 to 10 (:attr:`aecore.config.TrainConfig.grid_margin`)."""

Factor = Annotated[
    float, Strict(), Field(ge=1e-6, le=1e6), Explain("{value!r} must be a number from 1e-6 to 1e6")
]
"""A positive factor from 1e-6 to 1e6 (the reliability's scale and bandwidth factor)."""


def default_grid_size(given: Mapping[str, Any]) -> int:
    """``grid_size`` 0's meaning for the config fields ``given`` (as given, unchecked).

    241 for k=1, 33 for k=2, and 25 for k=2 on images (M is then a mosaic of 25 x 25 decoded images).
    """
    name, shape = given.get("data", "arc"), given.get("image_shape", ())
    images = (isinstance(name, str) and name in IMAGE_DATASETS) or (
        isinstance(shape, tuple | list) and len(shape) > 0
    )
    return 241 if given.get("latent_dim", 1) == 1 else 25 if images else 33
