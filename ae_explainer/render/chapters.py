"""Rendering chapters into files: clips with subtitles, and stills of their key frames.

Every chapter is rendered by the ``manim`` CLI in its own child process (a
job, :mod:`ae_explainer.render.jobs`). The runs the chapters show are trained first,
once each. A finished file appears under its final name only when complete
(it is written in a private work folder and renamed), and a file already
rendered from the same inputs (options, the chapter's code, the bytes of the
runs it shows, Manim's version) is reused instead of rendered again:
``.ae-explainer-index.json`` in the output folder records what made each
file and checks that every file of an output is whole before reusing it.
See :mod:`ae_explainer.outputs` for the folder's rules.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ae_explainer.options import RenderOptions
from ae_explainer.outputs import Index, WorkDir, code_digest, install, prepare_out
from ae_explainer.progress import LogProgress, RenderProgress
from ae_explainer.render.forked import fill_in_forks
from ae_explainer.render.jobs import Job, partial_movies, run_jobs
from ae_explainer.render.pieces import PartJoin, Todo, plan_jobs
from ae_explainer.render.runs import train_runs
from ae_explainer.render.schedule import measured_rates, record_rates
from ae_explainer.render.timelines import chapter_timeline, digest_of, narrate
from aecore.errors import AecoreError
from scenes.settings import ENV

if TYPE_CHECKING:
    from scenes.chapters import ChapterInfo

__all__ = [
    "LOGS_NAME",
    "chapter_path",
    "render_chapters",
    "render_stills",
]

_log = logging.getLogger(__name__)

LOGS_NAME = ".ae-explainer-logs"  # inside an output folder: the Manim log of a failed job

_Finish = Callable[[Path, Path], list[Path]]
"""``finish(media_dir, target)``: install what a job wrote for ``target``; returns the output's files."""


def chapter_path(info: ChapterInfo, opts: RenderOptions, out: Path, ext: str | None = None) -> Path:
    """Where a chapter's clip goes: ``chNN-Scene-<tag>.<ext>``."""
    return out / f"ch{info.number:02d}-{info.name}-{opts.tag()}.{ext or opts.movie_ext}"


def _key(digest: str, runs: Sequence[str], scene: str, opts: RenderOptions, kind: str) -> str:
    """What one output depends on, hashed: the chapter's code, its runs' bytes, options and kind."""
    return digest_of(digest, list(runs), scene, opts.index_text(), kind)


def _count_key(digest: str, runs: Sequence[str], scene: str, opts: RenderOptions) -> str:
    """What a chapter's number of animations depends on (not the pixels, colours or container)."""
    return digest_of(digest, list(runs), scene, opts.aspect, opts.captions, opts.pace)


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
    names: Sequence[Path] | None = None,
) -> list[Path]:
    """Render every chapter of ``infos`` as one ``kind`` of output (clip or still) into ``out``.

    The runs the chapters show are trained first (once each); then each
    chapter runs the manim CLI in a job with the frame of ``opts`` and
    Manim's output named ``kind``. ``finish(media_dir, target)`` installs what
    it wrote and returns the files of the output. Outputs already in ``out``
    from the same inputs, and whole, are reused unless ``force``. With more
    than one job, clips start longest first and long ones are split across
    jobs (:func:`ae_explainer.render.pieces.plan_jobs`).
    """
    from aecore.cache import runs_dir
    from scenes.look.frame import frame_spec

    prepare_out(out)
    runs, run_configs = train_runs(infos, opts, progress.training, jobs)
    index = Index(out)
    spec = frame_spec(opts.aspect, opts.quality)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **opts.env(), **(env_extra or {})}
    targets = list(names) if names is not None else [chapter_path(i, opts, out, ext) for i in infos]
    with WorkDir(out) as work:
        voices: dict[str, str] = {}
        if kind == "clip" and opts.narration != "off":
            voices = narrate(infos, opts, runs, work / "narration", progress, jobs)
            env[ENV["narration_dir"]] = str(work / "narration")
        todo: list[Todo] = []
        for info, target in zip(infos, targets, strict=True):
            digest = code_digest([info.file], opts.language)
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
                    manim_args=cmd[3:],  # run by a render worker (:mod:`ae_explainer.render.worker`)
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
    (:func:`ae_explainer.media.clips.finish_clip`: sound mastered, index first).
    """
    from ae_explainer.media.clips import finish_clip
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
    tagged: bool = True,
) -> list[Path]:
    """A PNG of each chapter's key frame (:meth:`scenes.base.ChapterScene.key_frame`) at ``opts.quality``.

    Named as :func:`chapter_path` names it, or plain ``chNN-<Scene>.png``
    unless ``tagged`` (a folder that holds one aspect and theme).
    """

    def finish(media: Path, target: Path) -> list[Path]:
        (png,) = media.rglob("still*.png")
        install({target: png})
        return [target]

    extra = ["-s"] + (["--transparent"] if opts.transparent else [])
    stop = {"AE_EXPLAINER_STOP_AT_KEY_FRAME": "1"}
    names = None if tagged else [out / f"ch{i.number:02d}-{i.name}.png" for i in infos]
    return _render_each(
        infos, opts, out, "still", "png", extra, finish, jobs, False, progress or LogProgress(), stop, names
    )
