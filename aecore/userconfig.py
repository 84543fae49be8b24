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

    [run]                  # the run behind chapters 1-6 and 11
    data = "spiral"        # arc | spiral | circle | blob, or a .csv/.npy file of N x 2 points
    latent_dim = 1         # the 2-D chapters draw a 1-D latent axis: k must be 1
    seed = 3
    steps = 4000
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aecore.errors import AecoreError
from scenes.settings import ASPECTS, PACE_RANGE, QUALITIES, THEMES

__all__ = ["FORMATS", "UserConfig", "load_user_config"]

FORMATS = ("mp4", "webm", "gif", "mov")
"""``--format`` choices: the video container (gif is made from an mp4 render)."""

_VIDEO_KEYS = ("aspect", "quality", "format", "theme", "transparent", "captions", "pace", "chapters", "jobs")
_RUN_KEYS = ("data", "latent_dim", "seed", "steps")


@dataclass
class UserConfig:
    """Settings read from a TOML file; ``None`` where the file is silent."""

    video: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)


def _fail(where: str, msg: str) -> AecoreError:
    return AecoreError(f"{where}: {msg}")


def _check_video(where: str, v: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in v.items():
        w = f"{where} [video] {key}"
        if key not in _VIDEO_KEYS:
            raise _fail(f"{where} [video]", f"unknown key {key!r}; use {', '.join(_VIDEO_KEYS)}")
        choices = {"aspect": ASPECTS, "quality": QUALITIES, "format": FORMATS, "theme": THEMES}.get(key)
        if choices is not None:
            if value not in choices:
                raise _fail(w, f"{value!r} is not one of {', '.join(choices)}")
        elif key in ("transparent", "captions"):
            if not isinstance(value, bool):
                raise _fail(w, f"{value!r} must be true or false")
        elif key == "pace":
            lo, hi = PACE_RANGE
            if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
                raise _fail(w, f"{value!r} must be a number from {lo:g} to {hi:g}")
            value = float(value)
        elif key == "jobs":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise _fail(w, f"{value!r} must be a whole number >= 1")
        elif key == "chapters":
            if not isinstance(value, list) or not all(isinstance(c, int | str) for c in value):
                raise _fail(w, f"{value!r} must be a list of chapter numbers or scene names, e.g. [4, 5]")
            value = [str(c) for c in value]
        out[key] = value
    return out


def _check_run(where: str, r: dict[str, Any], base: Path) -> dict[str, Any]:
    from aecore.config import TrainConfig
    from aecore.datasets import DATASETS, dataset_dim, load_user_data

    out: dict[str, Any] = {}
    for key, value in r.items():
        w = f"{where} [run] {key}"
        if key not in _RUN_KEYS:
            raise _fail(f"{where} [run]", f"unknown key {key!r}; use {', '.join(_RUN_KEYS)}")
        if key == "data":
            if not isinstance(value, str) or not value:
                raise _fail(w, f"{value!r} must be a data set name or a file path")
            if value not in DATASETS:
                path = (base / value).resolve()
                if not path.is_file():
                    raise _fail(
                        w, f"no data set or file {value!r}; use one of {', '.join(DATASETS)}, or a file"
                    )
                value = str(path)
        elif isinstance(value, bool) or not isinstance(value, int):
            raise _fail(w, f"{value!r} must be a whole number")
        out[key] = value
    if out.get("latent_dim", 1) != 1:
        raise _fail(f"{where} [run] latent_dim", "the 2-D chapters draw a 1-D latent axis; k must be 1")
    if out.get("steps", 1) < 1:
        raise _fail(f"{where} [run] steps", f"{out['steps']} must be at least 1")
    data = out.get("data", "arc")
    try:
        dim = dataset_dim(data) if data in DATASETS else int(load_user_data(data).shape[1])
    except AecoreError as e:
        raise _fail(f"{where} [run] data", str(e).removeprefix("--data: ")) from None
    if dim != 2:
        raise _fail(
            f"{where} [run] data", f"{Path(data).name} is {dim}-D; the 2-D chapters need points in R^2"
        )
    cfg = TrainConfig(**{"latent_dim": 1, **out})
    try:
        cfg.validate(data_dim=2)
    except AecoreError as e:
        flag, _, msg = str(e).partition(": ")
        key = flag.removeprefix("--").replace("-", "_")
        if flag.startswith("--") and key in _RUN_KEYS:  # name the file's key, not the flag
            raise _fail(f"{where} [run] {key}", msg) from None
        raise _fail(f"{where} [run]", str(e)) from None
    return out


def load_user_config(path: str | Path) -> UserConfig:
    """Read and validate ``path``; :class:`AecoreError` names the file, section and key that are wrong."""
    p = Path(path)
    where = str(path)
    if not p.is_file():
        raise _fail(f"--config {where}", "no such file; give a .toml file")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as e:
        raise _fail(where, f"not valid TOML ({e})") from None
    except UnicodeDecodeError:
        raise _fail(where, "not a text file; give a .toml file") from None
    unknown = sorted(set(doc) - {"video", "run"})
    if unknown:
        raise _fail(where, f"unknown section(s) {', '.join(unknown)}; use [video] and [run]")
    for section in ("video", "run"):
        if section in doc and not isinstance(doc[section], dict):
            raise _fail(where, f"{section} must be a [{section}] table")
    return UserConfig(
        video=_check_video(where, doc.get("video", {})),
        run=_check_run(where, doc.get("run", {}), p.parent),
    )
