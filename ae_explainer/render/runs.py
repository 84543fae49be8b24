"""The runs the chapters show: which ones, trained once each before any job starts.

A chapter's scene class says which training configs it shows
(:meth:`scenes.base.ChapterScene.run_configs`) under the settings of a
render; :func:`train_runs` trains each distinct run once, and a viewer's own
run file stands in for the config it replaces.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ae_explainer.options import RenderOptions
from aecore.cache import ProgressFn

if TYPE_CHECKING:
    from aecore.config import TrainConfig
    from scenes.base import ChapterScene
    from scenes.chapters import ChapterInfo
    from scenes.settings import SceneSettings

__all__ = [
    "chapter_runs",
    "main_run_id",
    "prepare_runs",
    "replaced_run",
    "scene_class",
    "scene_env",
    "train_runs",
]


@contextlib.contextmanager
def scene_env(opts: SceneSettings) -> Iterator[SceneSettings]:
    """The scene settings of ``opts`` in force in this process, as the scenes see them in a job.

    Through :func:`scenes.settings.settings_in_force`: nothing is written to ``os.environ``
    (only a ``manim`` child process gets the settings as variables, :meth:`RenderOptions.env`).
    """
    from scenes.settings import SceneSettings, settings_in_force

    fields = set(SceneSettings.model_fields)
    with settings_in_force(SceneSettings.model_validate(opts.model_dump(include=fields))) as settings:
        yield settings


def scene_class(info: ChapterInfo) -> type[ChapterScene]:
    """The scene class of chapter ``info`` (or of the short, :class:`scenes.short.SocialShort`)."""
    from scenes.chapters import SCENES_IN_ORDER
    from scenes.short import SocialShort

    return next(c for c in (*SCENES_IN_ORDER, SocialShort) if c.__name__ == info.name)


def chapter_runs(info: ChapterInfo, opts: RenderOptions) -> list[TrainConfig]:
    """The training configs chapter ``info`` shows, with the run of ``opts``."""
    with scene_env(opts):
        return list(scene_class(info).run_configs())


def replaced_run(opts: RenderOptions) -> TrainConfig | None:
    """The config whose run the run file of ``opts`` stands in for (:func:`scenes.runs.user_run_replaces`)."""
    from scenes.runs import user_run_replaces

    with scene_env(opts):
        return user_run_replaces()


def main_run_id(opts: RenderOptions) -> str:
    """A short id of the main run's content (config, data and trainer; a run file's bytes) under ``opts``."""
    from aecore.cache import run_path
    from aecore.files import file_sha256
    from scenes.runs import main_config_2d

    if file := opts.run.get("file"):
        return file_sha256(Path(file))[:6]

    with scene_env(opts):
        return run_path(main_config_2d()).stem.rsplit("-", 1)[-1][:6]


def prepare_runs(
    infos: Sequence[ChapterInfo], opts: RenderOptions, progress: ProgressFn | None = None, jobs: int = 2
) -> dict[str, list[str]]:
    """Train every run the chapters need, once each, before any job starts.

    Returns the SHA-256 of each chapter's run files by scene name: the content
    its clip depends on. ``progress`` is called while a run trains. The
    viewer's own run file (``opts.run["file"]``) stands in for the config it
    replaces (:func:`scenes.runs.user_run_replaces`): its bytes, not a training.
    Up to ``jobs`` runs train at once: each training is one process on one
    core (its arithmetic single-threaded, so the bytes do not depend on it).
    """
    return train_runs(infos, opts, progress, jobs)[0]


def train_runs(
    infos: Sequence[ChapterInfo], opts: RenderOptions, progress: ProgressFn | None = None, jobs: int = 2
) -> tuple[dict[str, list[str]], list[TrainConfig]]:
    """:func:`prepare_runs`, and the configs of the runs trained (for the render workers to load once)."""
    from concurrent.futures import ThreadPoolExecutor

    from aecore.cache import ensure_run
    from aecore.files import file_sha256

    replaced = replaced_run(opts)
    needs: dict[str, list[str | None]] = {}  # by scene: each run's config key (None: the run file)
    configs: dict[str, TrainConfig] = {}
    for info in infos:
        needs[info.name] = []
        for cfg in chapter_runs(info, opts):
            if replaced is not None and cfg == replaced:
                needs[info.name].append(None)
                continue
            key = json.dumps(cfg.to_dict(), sort_keys=True)
            configs.setdefault(key, cfg)
            needs[info.name].append(key)
    lock = threading.Lock()

    def report(name: str, step: int, total: int, loss: float) -> None:
        if progress is not None:
            with lock:
                progress(name, step, total, loss)

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(configs) or 1))) as pool:
        trained = pool.map(lambda c: ensure_run(c, progress=report), configs.values())
        paths = dict(zip(configs, trained, strict=True))
    own = file_sha256(Path(opts.run["file"])) if replaced is not None else ""
    out = {name: [own if k is None else file_sha256(paths[k]) for k in keys] for name, keys in needs.items()}
    return out, list(configs.values())
