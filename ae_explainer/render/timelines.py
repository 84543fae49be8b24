"""When each chapter's beats happen, and what they say: dry runs, cached on what they depend on.

:func:`cached_cues` finds a chapter's captions as narration cues,
:func:`chapter_timeline` when each of its animations ends, and
:func:`narrate` stages the spoken track of every chapter of a render. Each
comes from a dry run of the chapter (no pixels drawn) and is cached, keyed on
the chapter's code and the bytes of the runs it shows.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from ae_explainer.options import RenderOptions
from ae_explainer.outputs import CacheModel, code_digest, read_cache, write_cache
from ae_explainer.progress import RenderProgress
from ae_explainer.render.forked import fill_in_forks
from ae_explainer.render.runs import scene_class, scene_env

if TYPE_CHECKING:
    from ae_explainer.media.cues import Cue
    from scenes.base import ChapterScene
    from scenes.chapters import ChapterInfo

__all__ = ["TimelineFile", "cached_cues", "chapter_duration", "chapter_timeline", "digest_of", "narrate"]

_log = logging.getLogger(__name__)


class TimelineFile(CacheModel):
    """A chapter's timeline as a cache file (:func:`chapter_timeline`).

    Format version 1: ``{"version": 1, "ends": [SECONDS, ...]}``. A file
    written before versions existed is the bare list of seconds; it keeps
    loading (as version 1).
    """

    version: Literal[1] = 1
    ends: list[Annotated[float, Field(ge=0.0)]]
    """When each animation ends in the video (seconds)."""

    @model_validator(mode="before")
    @classmethod
    def _unversioned(cls, data: Any) -> Any:
        return {"version": 1, "ends": data} if isinstance(data, list) else data


def _keep(path: Path, model: CacheModel, what: str) -> None:
    """Cache ``model`` at ``path``; a cache that cannot be written is a warning, not an error."""
    try:
        write_cache(path, model)
    except OSError as e:
        _log.warning("cannot cache %s (%s)", what, e)


def digest_of(*parts: object) -> str:
    """A short SHA-256 of ``parts`` as JSON: a cache key."""
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def cached_cues(info: ChapterInfo, opts: RenderOptions, runs: Sequence[str]) -> list[Cue]:
    """The captions of chapter ``info`` as narration cues, from a dry run (cached on its code and runs).

    The cues' texts depend on the chapter's code and the runs it shows, not
    on pixels or timing; they are kept in the voice cache folder, so a
    narrated render runs each chapter dry only once per edit.
    """
    from ae_explainer.media.cues import CuesFile
    from ae_explainer.media.cues import chapter_cues as dry_run_cues
    from ae_explainer.media.narration import voice_cache_dir

    key = digest_of(code_digest([info.file], opts.language), list(runs), info.name, "cues")
    path = voice_cache_dir() / "cues" / f"{info.name}-{key}.json"
    found = read_cache(path, CuesFile)
    if found is not None:
        return found.cues
    with scene_env(opts.replace(narration="off")):
        cues = dry_run_cues(scene_class(info))
    _keep(path, CuesFile(cues=cues), f"the cues of {info.name}")
    return cues


def chapter_timeline(
    info: ChapterInfo, opts: RenderOptions, runs: Sequence[str], narration_dir: Path | None = None
) -> list[float]:
    """When each animation of chapter ``info`` ends in its video under ``opts`` (seconds), from a dry run.

    The dry run advances the clock by whole frames, as the render does
    (:class:`scenes.base.ChapterScene`), so the last time is the video's
    length. It is cached in the run cache folder, keyed on what the timing
    depends on: the chapter's code, the bytes of its runs (and, in ``runs``,
    of its narration), the frame rate, aspect, captions and pace. A narrated
    chapter is timed with the staged narration in ``narration_dir``.
    """
    from aecore.cache import runs_dir
    from scenes.look.frame import frame_spec
    from scenes.patches.skipping import dry_run

    spec = frame_spec(opts.aspect, opts.quality)
    digest = code_digest([info.file], opts.language)
    key = digest_of(digest, list(runs), info.name, opts.aspect, opts.captions, opts.pace, spec.frame_rate)
    path = runs_dir() / "timelines" / f"{info.name}-{key}.json"
    found = read_cache(path, TimelineFile)
    if found is not None:
        return found.ends
    with scene_env(opts.replace(narration_dir=str(narration_dir) if narration_dir else "")):
        scene = dry_run(scene_class(info), spec.manim_config())
    ends = [float(t) for t in scene.play_ends]
    _keep(path, TimelineFile(ends=ends), f"the timeline of {info.name}")
    return ends


def chapter_duration(scene_cls: type[ChapterScene]) -> float:
    """Seconds of video ``scene_cls`` plays in this process's settings, from a dry run (not cached).

    :func:`chapter_timeline` is what ``render`` makes under its options; this
    is what the plain manim CLI would make now (benchmarks and tests).
    """
    from scenes.patches.skipping import dry_run

    return float(dry_run(scene_cls).renderer.time)


def narrate(
    infos: Sequence[ChapterInfo],
    opts: RenderOptions,
    runs: dict[str, list[str]],
    folder: Path,
    progress: RenderProgress,
    jobs: int,
) -> dict[str, str]:
    """Stage every chapter's narration in ``folder``; returns each chapter's narration digest by scene.

    ``opts.narration`` is ``voice`` (synthesized, cached) or a folder of
    recordings (checked and normalized); see :mod:`ae_explainer.media.narration`.
    """
    from ae_explainer.media.narration import narration_digest, recordings, stage, voice_cues

    def cues_of(i: ChapterInfo) -> list[Cue]:
        return cached_cues(i, opts, runs[i.name])

    fill_in_forks(cues_of, infos, jobs)  # a cold cache's dry runs, on both cores
    cues = {i.name: cues_of(i) for i in infos}
    every = [c for i in infos for c in cues[i.name]]
    if opts.narration == "voice":
        stage(voice_cues(every, progress), folder)
    else:
        stage(recordings(Path(opts.narration), every), folder)
    return {name: narration_digest(folder, [c.cue for c in found]) for name, found in cues.items()}
