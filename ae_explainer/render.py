"""Rendering chapters into files: clips with subtitles, and stills of their key frames.

Every chapter is rendered by the ``manim`` CLI in its own child process (a
job, :mod:`ae_explainer.jobs`). The runs the chapters show are trained first,
once each. A finished file appears under its final name only when complete
(it is written in a private work folder and renamed), and a file already
rendered from the same inputs (options, the chapter's code, the bytes of the
runs it shows, Manim's version) is reused instead of rendered again:
``.ae-explainer-index.json`` in the output folder records what made each
file and checks that every file of an output is whole before reusing it.
See :mod:`ae_explainer.outputs` for the folder's rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ae_explainer.forked import fill_in_forks
from ae_explainer.jobs import Job, partial_movies, run_jobs
from ae_explainer.options import RenderOptions
from ae_explainer.outputs import Index, WorkDir, code_digest, install, prepare_out
from ae_explainer.pieces import PartJoin, Todo, plan_jobs
from ae_explainer.progress import LogProgress, RenderProgress
from ae_explainer.schedule import measured_rates, record_rates
from aecore.cache import ProgressFn
from aecore.errors import AecoreError
from aecore.files import atomic_write
from scenes.settings import ENV

if TYPE_CHECKING:
    from ae_explainer.cues import Cue
    from aecore.config import TrainConfig
    from scenes.base import ChapterScene
    from scenes.chapters import ChapterInfo

__all__ = [
    "LOGS_NAME",
    "chapter_cues",
    "chapter_path",
    "chapter_runs",
    "chapter_timeline",
    "main_run_id",
    "prepare_runs",
    "render_chapters",
    "render_stills",
    "replaced_run",
    "scene_class",
]

_log = logging.getLogger(__name__)

LOGS_NAME = ".ae-explainer-logs"  # inside an output folder: the Manim log of a failed job

_Finish = Callable[[Path, Path], list[Path]]
"""``finish(media_dir, target)``: install what a job wrote for ``target``; returns the output's files."""


def chapter_path(info: ChapterInfo, opts: RenderOptions, out: Path, ext: str | None = None) -> Path:
    """Where a chapter's clip goes: ``chNN-Scene-<tag>.<ext>``."""
    return out / f"ch{info.number:02d}-{info.name}-{opts.tag()}.{ext or opts.movie_ext}"


@contextlib.contextmanager
def _scene_env(opts: RenderOptions) -> Iterator[None]:
    """``os.environ`` with the settings of ``opts``, as the scenes see them in a job."""
    saved = dict(os.environ)
    os.environ.update(opts.env())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def scene_class(info: ChapterInfo) -> type[ChapterScene]:
    """The scene class of chapter ``info`` (or of the short, :class:`scenes.short.SocialShort`)."""
    from scenes.chapters import SCENES_IN_ORDER
    from scenes.short import SocialShort

    return next(c for c in (*SCENES_IN_ORDER, SocialShort) if c.__name__ == info.name)


def chapter_runs(info: ChapterInfo, opts: RenderOptions) -> list[TrainConfig]:
    """The training configs chapter ``info`` shows, with the run of ``opts``."""
    with _scene_env(opts):
        return list(scene_class(info).run_configs())


def replaced_run(opts: RenderOptions) -> TrainConfig | None:
    """The config whose run the run file of ``opts`` stands in for (:func:`scenes.runs.user_run_replaces`)."""
    from scenes.runs import user_run_replaces

    with _scene_env(opts):
        return user_run_replaces()


def main_run_id(opts: RenderOptions) -> str:
    """A short id of the main run's content (config, data and trainer; a run file's bytes) under ``opts``."""
    from aecore.cache import run_path
    from aecore.files import file_sha256
    from scenes.runs import main_config_2d

    if file := opts.run.get("file"):
        return file_sha256(Path(file))[:6]

    with _scene_env(opts):
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
    return _prepare_runs(infos, opts, progress, jobs)[0]


def _prepare_runs(
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


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def chapter_cues(info: ChapterInfo, opts: RenderOptions, runs: Sequence[str]) -> list[Cue]:
    """The captions of chapter ``info`` as narration cues, from a dry run (cached on its code and runs).

    The cues' texts depend on the chapter's code and the runs it shows, not
    on pixels or timing; they are kept in the voice cache folder, so a
    narrated render runs each chapter dry only once per edit.
    """
    from ae_explainer.cues import Cue
    from ae_explainer.cues import chapter_cues as dry_run_cues
    from ae_explainer.narration import voice_cache_dir

    key = _hash(code_digest([info.file]), list(runs), info.name, "cues")
    path = voice_cache_dir() / "cues" / f"{info.name}-{key}.json"
    try:
        return [Cue(**c) for c in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        pass
    with _scene_env(opts.replace(narration="off")):
        cues = dry_run_cues(scene_class(info))
    try:
        atomic_write(path, json.dumps([c.__dict__ for c in cues], indent=1))
    except OSError as e:
        _log.warning("cannot cache the cues of %s (%s)", info.name, e)
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
    from scenes.frame import frame_spec
    from scenes.skipping import dry_run

    spec = frame_spec(opts.aspect, opts.quality)
    digest = code_digest([info.file])
    key = _hash(digest, list(runs), info.name, opts.aspect, opts.captions, opts.pace, spec.frame_rate)
    path = runs_dir() / "timelines" / f"{info.name}-{key}.json"
    try:
        ends = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(ends, list) and all(isinstance(t, float) for t in ends):
            return ends
    except (OSError, ValueError):
        pass
    env = {ENV["narration_dir"]: str(narration_dir) if narration_dir else ""}
    with _scene_env(opts):
        os.environ.update(env)
        scene = dry_run(scene_class(info), spec.manim_config())
    ends = [float(t) for t in scene.play_ends]
    try:
        atomic_write(path, json.dumps(ends))
    except OSError as e:
        _log.warning("cannot cache the timeline of %s (%s)", info.name, e)
    return ends


def _narrate(
    infos: Sequence[ChapterInfo],
    opts: RenderOptions,
    runs: dict[str, list[str]],
    folder: Path,
    progress: RenderProgress,
    jobs: int,
) -> dict[str, str]:
    """Stage every chapter's narration in ``folder``; returns each chapter's narration digest by scene.

    ``opts.narration`` is ``voice`` (synthesized, cached) or a folder of
    recordings (checked and normalized); see :mod:`ae_explainer.narration`.
    """
    from ae_explainer.narration import narration_digest, recordings, stage, voice_cues

    def cues_of(i: ChapterInfo) -> list[Cue]:
        return chapter_cues(i, opts, runs[i.name])

    fill_in_forks(cues_of, infos, jobs)  # a cold cache's dry runs, on both cores
    cues = {i.name: cues_of(i) for i in infos}
    every = [c for i in infos for c in cues[i.name]]
    if opts.narration == "voice":
        stage(voice_cues(every, progress), folder)
    else:
        stage(recordings(Path(opts.narration), every), folder)
    return {name: narration_digest(folder, [c.cue for c in found]) for name, found in cues.items()}


def _key(digest: str, runs: Sequence[str], scene: str, opts: RenderOptions, kind: str) -> str:
    """What one output depends on, hashed: the chapter's code, its runs' bytes, options and kind."""
    return _hash(digest, list(runs), scene, opts.index_text(), kind)


def _count_key(digest: str, runs: Sequence[str], scene: str, opts: RenderOptions) -> str:
    """What a chapter's number of animations depends on (not the pixels, colours or container)."""
    return _hash(digest, list(runs), scene, opts.aspect, opts.captions, opts.pace)


def _manim_cmd(frame_cfg: Path, media: Path, name: str, info: ChapterInfo, extra: Sequence[str]) -> list[str]:
    """``python -m manim render ...`` for one job (its part after ``manim`` is what a render worker runs)."""
    flags = ["--disable_caching", "--progress_bar", "none", "--config_file", str(frame_cfg)]
    flags += ["--media_dir", str(media), "-o", name, *extra]
    return [sys.executable, "-m", "manim", "render", *flags, str(info.file), info.name]


def _render_each(
    infos: Sequence[ChapterInfo],
    opts: RenderOptions,
    out: Path,
    kind: str,
    ext: str,
    extra: Sequence[str],
    finish: _Finish,
    jobs: int,
    force: bool,
    progress: RenderProgress,
    env_extra: dict[str, str] | None = None,
) -> list[Path]:
    """Render every chapter of ``infos`` as one ``kind`` of output (clip or still) into ``out``.

    The runs the chapters show are trained first (once each); then each
    chapter runs the manim CLI in a job with the frame of ``opts`` and
    Manim's output named ``kind``. ``finish(media_dir, target)`` installs what
    it wrote and returns the files of the output. Outputs already in ``out``
    from the same inputs, and whole, are reused unless ``force``. With more
    than one job, clips start longest first and long ones are split across
    jobs (:func:`ae_explainer.pieces.plan_jobs`).
    """
    from aecore.cache import runs_dir
    from scenes.frame import frame_spec

    prepare_out(out)
    runs, run_configs = _prepare_runs(infos, opts, progress.training, jobs)
    index = Index(out)
    spec = frame_spec(opts.aspect, opts.quality)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **opts.env(), **(env_extra or {})}
    targets = [chapter_path(i, opts, out, ext) for i in infos]
    with WorkDir(out) as work:
        voices: dict[str, str] = {}
        if kind == "clip" and opts.narration != "off":
            voices = _narrate(infos, opts, runs, work / "narration", progress, jobs)
            env[ENV["narration_dir"]] = str(work / "narration")
        todo: list[Todo] = []
        for info, target in zip(infos, targets, strict=True):
            digest = code_digest([info.file])
            sound = [voices[info.name]] if info.name in voices else []
            key = _key(digest, [*runs[info.name], *sound], info.name, opts, kind)
            if not force and index.fresh(target, key):
                progress.reused(target)
                continue
            made_of = [*runs[info.name], *sound]
            count_key = _count_key(digest, made_of, info.name, opts) if kind == "clip" else None
            todo.append(Todo(info, target, key, count_key, made_of))
        folder = Path(env[ENV["narration_dir"]]) if env.get(ENV["narration_dir"]) else None
        rates_folder, parts = runs_dir() / "timelines", jobs if kind == "clip" else 1

        def timeline(t: Todo) -> list[float]:
            return chapter_timeline(t.info, opts, t.made_of, folder)

        fill_in_forks(timeline, todo if parts > 1 else [], jobs)  # a cold cache's dry runs, on both cores
        planned = plan_jobs(todo, opts, parts, timeline, measured_rates(rates_folder, opts.quality))
        frame_text = spec.cfg_text()
        joins: dict[str, PartJoin] = {}
        job_list: list[Job] = []
        for item, piece, total in planned:
            info = item.info
            suffix = "" if piece.whole else f"-p{piece.part}"
            media = work / f"ch{info.number:02d}{suffix}"
            media.mkdir()
            frame_cfg = media / "frame.cfg"
            frame_cfg.write_text(frame_text)
            label = f"ch{info.number:02d}" + ("" if kind == "clip" else f" {kind}")
            if piece.whole:
                done = _installer(finish, item.target, item.key, item.count_key, index)
            else:
                label += f" part {piece.part}/{piece.parts}"
                join = joins.setdefault(info.name, PartJoin(item, piece.parts, finish, index, work, ext))
                done = join.part_done(piece.part)
            cmd = _manim_cmd(frame_cfg, media, kind, info, [*extra, *piece.manim_range()])
            job_list.append(
                Job(
                    label=label,
                    cmd=cmd,
                    env=env,
                    media=media,
                    finish=done,
                    total=total if total or not item.count_key else index.animations(item.count_key),
                    manim_args=cmd[3:],  # run by a render worker (:mod:`ae_explainer.worker`)
                )
            )
        progress.planned(kind, len(todo), len(infos), jobs, out)
        run_jobs(job_list, jobs, out / LOGS_NAME, progress, workers=work, preload=run_configs)
        pieces = [piece for _, piece, _ in planned]
        timed = [(p, job.seconds, spec.frame_rate) for p, job in zip(pieces, job_list, strict=True)]
        rates = record_rates(rates_folder, opts.quality, timed)
        _log.debug("render rates: %s", ", ".join(f"{n} {r:.2f}" for n, r in sorted(rates.items())) or "none")
    return targets


def _installer(
    finish: _Finish, target: Path, key: str, count_key: str | None, index: Index
) -> Callable[[Path], None]:
    """What a job calls with its media folder: stage the outputs, install them, record them.

    A clip's record keeps its number of animations under ``count_key``, so
    the next render of the chapter with other pixels knows how many to expect.
    """

    def done(media: Path) -> None:
        animations = partial_movies(media) if count_key else None
        files = finish(media, target)
        index.record(target, key, files, count_key=count_key, animations=animations)

    return done


def render_chapters(
    infos: Sequence[ChapterInfo],
    opts: RenderOptions,
    out: Path,
    jobs: int = 1,
    force: bool = False,
    progress: RenderProgress | None = None,
) -> list[Path]:
    """Render each chapter's clip (with ``.srt`` and ``.vtt`` beside it) into ``out``.

    Returns the movie files in chapter order. Clips already in ``out`` with the same inputs, and whole
    (movie and both subtitle files), are reused unless ``force``. ``progress`` hears about training,
    reuse and jobs (default: log records). A clip is finished before it is installed
    (:func:`ae_explainer.media.finish_clip`: sound mastered, index first).
    """
    from ae_explainer.media import finish_clip
    from scenes.captions import vtt_text

    def finish(media: Path, target: Path) -> list[Path]:
        (rendered,) = media.rglob(f"clip.{opts.movie_ext}")
        video = rendered.with_name(f"finished.{opts.movie_ext}")
        finish_clip(rendered, video, opts.loudness)
        srt = rendered.with_suffix(".srt")
        vtt = media / "clip.vtt"
        try:
            vtt.write_text(vtt_text(srt.read_text(encoding="utf-8")), encoding="utf-8")
        except OSError as e:
            raise AecoreError(f"--out {out}: cannot write {target.name} ({e.strerror})") from None
        staged = {target: video, target.with_suffix(".srt"): srt, target.with_suffix(".vtt"): vtt}
        install(staged)
        return list(staged)

    extra = ["--format", opts.movie_ext] + (["--transparent"] if opts.transparent else [])
    return _render_each(
        infos, opts, out, "clip", opts.movie_ext, extra, finish, jobs, force, progress or LogProgress()
    )


def render_stills(
    infos: Sequence[ChapterInfo],
    opts: RenderOptions,
    out: Path,
    jobs: int = 1,
    progress: RenderProgress | None = None,
) -> list[Path]:
    """A PNG of each chapter's key frame (:meth:`scenes.base.ChapterScene.key_frame`) at ``opts.quality``."""

    def finish(media: Path, target: Path) -> list[Path]:
        (png,) = media.rglob("still*.png")
        install({target: png})
        return [target]

    extra = ["-s"] + (["--transparent"] if opts.transparent else [])
    stop = {"AE_EXPLAINER_STOP_AT_KEY_FRAME": "1"}
    return _render_each(
        infos, opts, out, "still", "png", extra, finish, jobs, False, progress or LogProgress(), stop
    )
