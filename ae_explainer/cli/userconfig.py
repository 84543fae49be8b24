"""``--config FILE.toml``: a viewer's render settings in one file, validated field by field.

Example (every key is optional; flags on the command line win over the file)::

    [video]
    aspect = "9:16"        # 16:9 | 9:16 | 1:1
    quality = "medium"     # low | medium | high | 4k
    format = "mp4"         # mp4 | webm | gif | mov
    theme = "light"        # dark | light
    transparent = false    # true needs format "mov" or "webm"
    captions = true        # draw the caption line (subtitle files are written either way)
    pace = 0.5             # scales every pause; 1.0 is twice as slow
    chapters = [4, 5, 6]   # numbers or scene names; default: all
    jobs = 2               # chapters rendered at once
    narration = "voice"    # voice | off | a folder of recordings, <cue id>.wav (relative to this file)
    language = "de"        # en | de | es | ja: captions, labels, subtitles (the voice speaks English only)

    [run]                  # the run behind chapters 1-6 and 12
    data = "spiral"        # arc | spiral | circle | blob, or a .csv/.npy file of N x 2 points
    latent_dim = 1         # the 2-D chapters draw a 1-D latent axis: k must be 1
    seed = 3
    steps = 4000

or, instead of those keys, a run file of your own (relative to this file;
:class:`aecore.SnapshotRecorder` records one from your own PyTorch model)::

    [run]
    file = "my_run.npz"    # R^2 points, k = 1: chapters 1-6 and 12; images, k = 2: the images chapter

The ``[video]`` keys are the fields of :class:`CommandSettings` (all but
``run``), with their types, choices and ranges; ``[run]`` is
:class:`scenes.settings.RunOverrides`. The command line validates its flags
with the same model, so a value is judged, and its default taken, in one
place.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    create_model,
)
from pydantic.fields import FieldInfo

from ae_explainer.options import RenderOptions
from aecore.errors import AecoreError, shown_path
from aecore.files import checked_path
from scenes.settings import Expect, RunOverrides, describe_error

__all__ = ["VIDEO_KEYS", "CommandSettings", "UserConfig", "check_run_file", "load_user_config"]

Chapters = Annotated[
    list[Annotated[int, Strict()] | Annotated[str, Strict()]],
    Field(min_length=1),
    Expect(
        "a list of chapter numbers or scene names, e.g. [4, 5]",
        out_of_range="a list of at least one chapter, e.g. [4, 5, 6]",
    ),
    AfterValidator(lambda keys: [str(k) for k in keys]),
]
"""Chapter numbers or scene names (as strings)."""

MAX_JOBS = 32
"""The most chapters rendered at once: more than the explainer has, and each takes a core."""

Jobs = Annotated[
    int, Strict(), Field(ge=1, le=MAX_JOBS), Expect("a whole number", out_of_range=f"from 1 to {MAX_JOBS}")
]
"""How many chapters render at once."""


class CommandSettings(RenderOptions):
    """What one ``render``, ``video`` or ``lecture`` does: the render options, the chapters, the jobs.

    Parameters
    ----------
    chapters
        Chapter numbers or scene names (``None``: all).
    jobs
        Chapters rendered at once, each in its own process.
    """

    chapters: Chapters | None = None
    jobs: Jobs = 1

    def options(self) -> RenderOptions:
        """The render options alone (what the output files depend on)."""
        return RenderOptions.model_validate(self.model_dump(include=set(RenderOptions.model_fields)))


VIDEO_KEYS: tuple[str, ...] = tuple(k for k in CommandSettings.model_fields if k not in ("run", "run_id"))
"""The keys of ``[video]``: every setting of a command but the run (``[run]``) and its id."""


def _unset(f: FieldInfo) -> tuple[Any, None]:
    """Field ``f``'s type and checks (its metadata), with no default: the key may be missing."""
    return (Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation), None


_VideoTable: type[BaseModel] = create_model(  # [video]: the fields of CommandSettings, no cross-checks
    "VideoTable",
    __config__=ConfigDict(extra="forbid"),
    **{k: _unset(f) for k, f in CommandSettings.model_fields.items() if k in VIDEO_KEYS},  # type: ignore[call-overload]
)
_RUN = TypeAdapter(RunOverrides)

_MAX_CONFIG_BYTES = 1 << 20
"""A settings file is a few lines; a bigger one is refused before it is parsed."""


@dataclass
class UserConfig:
    """Settings read from a TOML file: only the keys the file sets."""

    video: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)


def _fail(where: str, msg: str) -> AecoreError:
    return AecoreError(f"{where}: {msg}")


def _section_error(where: str, section: str, keys: tuple[str, ...], err: ValidationError) -> AecoreError:
    p = describe_error(err)
    if p.unknown_key:
        return _fail(f"{where} [{section}]", f"unknown key {p.loc[-1]!r}; use {', '.join(keys)}")
    return _fail(f"{where} [{section}] {p.loc[0]}", p.message)


def _check_run(where: str, run: dict[str, Any], base: Path) -> dict[str, Any]:
    """What the types cannot say: the data exists (relative to the file), is 2-D or vectors, and trains."""
    from aecore.config import TrainConfig
    from aecore.config_fields import ConfigError
    from aecore.datasets import DATASETS, IMAGE_DATASETS, dataset_dim, load_user_dataset
    from scenes.settings import RUN_KEYS

    out = dict(run)
    if "file" in out:
        return {"file": check_run_file(out["file"], f"{where} [run] file", base, sorted(set(out) - {"file"}))}
    data = out.get("data")
    if data is not None and data not in DATASETS:
        expect = f"use one of {', '.join(DATASETS)}, or a .csv or .npy file"
        if not os.path.lexists(base / data):  # a misspelt name as likely as a missing file
            raise _fail(f"{where} [run] data", f"no data set or file {data!r}; {expect}")
        out["data"] = str(checked_path(base / data, f"{where} [run] data", expect=expect))
    if out.get("latent_dim", 1) != 1:
        raise _fail(f"{where} [run] latent_dim", "the 2-D chapters draw a 1-D latent axis; k must be 1")
    data = out.get("data", TrainConfig().data)
    try:
        if data in DATASETS:
            dim, images = dataset_dim(data), data in IMAGE_DATASETS
        else:
            found = load_user_dataset(data)
            dim, images = int(found.x.shape[1]), found.image_shape is not None
    except AecoreError as e:
        raise _fail(f"{where} [run] data", str(e).removeprefix("--data: ")) from None
    if dim == 3 or images:
        holds = "images" if images else "3-D"
        raise _fail(
            f"{where} [run] data",
            f"{Path(data).name} is {holds}; the 2-D chapters need points in R^2 or vectors in R^4 and up",
        )
    try:
        TrainConfig(**{"latent_dim": 1, **out}).check_data(data_dim=dim)
    except ConfigError as e:  # names the field: the file's key, when it is one
        if e.field in RUN_KEYS:
            raise _fail(f"{where} [run] {e.field}", e.reason()) from None
        raise _fail(f"{where} [run]", e.line()) from None
    return out


def check_run_file(file: str, where: str, base: Path = Path(), others: Sequence[str] = ()) -> str:
    """A run file to show (``[run] file``, ``--run-file``): resolved against ``base``, loaded and checked.

    Returns its absolute path. The file must load (:func:`aecore.load_run`) and
    be a kind the chapters show (:func:`scenes.runs.run_file_kind`); it
    replaces a trained run, so no key of a trained run (``others``) may come with it.

    Raises
    ------
    AecoreError
        One line naming ``where`` and the file.
    """
    from scenes.runs import run_file_kind

    if others:
        raise _fail(
            where,
            f"a run file is shown as it is; drop {', '.join(others)} (they configure a run to train)",
        )
    path = checked_path(base / file, where, expect="give a .npz run file")
    try:
        run_file_kind(path)
    except AecoreError as e:
        raise _fail(where, str(e)) from None
    return str(path)


def load_user_config(path: str | Path) -> UserConfig:
    """Read and validate ``path``; :class:`AecoreError` names the file, section and key that are wrong."""
    from scenes.settings import RUN_KEYS

    p = checked_path(path, "--config", expect="give a .toml file")
    where = shown_path(path)
    base = Path(path).parent  # relative paths in the file are relative to it, as the user named it
    if p.stat().st_size > _MAX_CONFIG_BYTES:
        raise _fail(where, f"is {p.stat().st_size:,} bytes; a settings file is at most {_MAX_CONFIG_BYTES:,}")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as e:
        raise _fail(where, f"not valid TOML ({e})") from None
    except UnicodeDecodeError:
        raise _fail(where, "not a text file; give a .toml file") from None
    except OSError as e:
        raise _fail(where, f"cannot be read ({e.strerror or e})") from None
    except RecursionError:
        raise _fail(where, "nested too deeply to read; a settings file has two flat tables") from None
    unknown = sorted(set(doc) - {"video", "run"})
    if unknown:
        raise _fail(where, f"unknown section(s) {', '.join(unknown)}; use [video] and [run]")
    for section in ("video", "run"):
        if section in doc and not isinstance(doc[section], dict):
            raise _fail(where, f"{section} must be a [{section}] table")
    try:
        video = _VideoTable.model_validate(doc.get("video", {})).model_dump(exclude_unset=True)
    except ValidationError as e:
        raise _section_error(where, "video", VIDEO_KEYS, e) from None
    except RecursionError:
        raise _fail(f"{where} [video]", "a value is nested too deeply; see the keys' examples") from None
    narration = video.get("narration")
    if narration is not None and narration not in ("voice", "off"):
        video["narration"] = os.path.join(base, narration)  # checked with the flags (checked_path)
    try:
        run = dict(_RUN.validate_python(doc.get("run", {})))
    except ValidationError as e:
        raise _section_error(where, "run", RUN_KEYS, e) from None
    except RecursionError:
        raise _fail(f"{where} [run]", "a value is nested too deeply; see the keys' examples") from None
    return UserConfig(video=video, run=_check_run(where, run, base))
