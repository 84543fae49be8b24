"""Rendering chapters into files: aspects, formats, themes and parallel jobs.

Every chapter is rendered by the ``manim`` CLI in its own child process (a
job); ``jobs`` of them run at once (joins and GIFs: :mod:`aecore.media`). A finished
file appears under its final name only when complete (it is written in a
private work folder and renamed), and a file already rendered from the same
inputs (options, the chapter's code, the bytes of the runs it shows, Manim's
version) is reused instead of rendered
again: ``.ae-explainer-index.json`` in the output folder records what made
each file and checks that every file of an output is whole before reusing it.
See :mod:`aecore.outputs` for the folder's rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aecore.cache import ProgressFn
from aecore.errors import AecoreError
from aecore.media import vtt_from_srt
from aecore.outputs import Index, WorkDir, code_digest, install, prepare_out

__all__ = [
    "RenderOptions",
    "chapter_path",
    "chapter_runs",
    "main_run_id",
    "prepare_runs",
    "render_chapters",
    "render_stills",
]


_LOGS = ".ae-explainer-logs"


@dataclass(frozen=True)
class RenderOptions:
    """How the chapters are rendered; every field is a flag of ``ae-explainer render``.

    Parameters
    ----------
    aspect, quality
        See :data:`scenes.frame.ASPECTS` and :data:`scenes.frame.QUALITIES`.
    fmt
        ``mp4``, ``webm``, ``mov`` or ``gif`` (a GIF is made from an mp4 render).
    theme, captions, pace, run
        See :class:`scenes.settings.VideoSettings`.
    transparent
        A transparent background (for overlays): needs ``mov`` or ``webm``.
    run_id
        A short id of the main run's content (:func:`main_run_id`), which
        names the files when ``run`` changes the main run.
    """

    aspect: str = "16:9"
    quality: str = "low"
    fmt: str = "mp4"
    theme: str = "dark"
    transparent: bool = False
    captions: bool = True
    pace: float = 0.5
    run: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    run_id: str = ""

    def __post_init__(self) -> None:
        if self.transparent and self.fmt not in ("mov", "webm"):
            raise AecoreError(f"--transparent: {self.fmt} has no alpha channel; use --format mov or webm")

    @property
    def movie_ext(self) -> str:
        """The container Manim writes (``mp4`` for a GIF, which is converted afterwards)."""
        return "mp4" if self.fmt == "gif" else self.fmt

    def tag(self) -> str:
        """The part of output names that tells these options apart, e.g. ``9x16-low-dark``."""
        parts = [self.aspect.replace(":", "x"), self.quality, self.theme]
        if self.transparent:
            parts.append("transparent")
        if not self.captions:
            parts.append("nocaptions")
        if self.pace != 0.5:
            parts.append(f"pace{self.pace:g}")
        if self.run:
            parts.append(
                "run-" + (self.run_id or hashlib.sha256(json.dumps(self.run).encode()).hexdigest()[:6])
            )
        return "-".join(parts)

    def env(self) -> dict[str, str]:
        """The environment the scenes read these options from (:mod:`scenes.settings`)."""
        from scenes.settings import VideoSettings

        return VideoSettings(self.theme, self.captions, self.pace, dict(self.run)).env()


def _key(digest: str, runs: Sequence[str], scene: str, opts: RenderOptions, kind: str) -> str:
    """What one output depends on, hashed: the chapter's code, its runs' bytes, options and kind."""
    movie = replace(opts, fmt=opts.movie_ext)  # a GIF is made from the same mp4 as an mp4 clip
    blob = json.dumps([digest, list(runs), scene, repr(movie), kind])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class _Job:
    label: str
    cmd: list[str]
    env: dict[str, str]
    media: Path
    finish: Callable[[Path], None]
    animation: int = 0
    percent: int = 0
    done: bool = False
    proc: subprocess.Popen[str] | None = None
    cancelled: bool = False


def _failure_line(log: str) -> str:
    """The line of a manim log that says what went wrong (the last error line, else the last line)."""
    lines = [ln.strip(" │|") for ln in log.splitlines() if ln.strip(" │|\t")]
    for ln in reversed(lines):
        if re.search(r"(Error|Exception|error:)", ln):
            return ln.strip()
    return lines[-1].strip() if lines else "no output"


def _run_job(job: _Job, logs: Path) -> None:
    log = job.media / "manim.log"
    with open(log, "w", encoding="utf-8") as fh:
        if job.cancelled:
            return
        proc = job.proc = subprocess.Popen(
            job.cmd, env=job.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        assert proc.stdout is not None
        buf = ""
        while chunk := proc.stdout.read(256):
            fh.write(chunk)
            buf = (buf + chunk)[-400:]
            found = re.findall(r"Animation (\d+)[^\r\n%]*?(\d+)%", buf) or [
                (n, "0") for n in re.findall(r"Animation (\d+)", buf)
            ]
            if found:
                n, pct = int(found[-1][0]) + 1, int(found[-1][1])
                if n >= job.animation:
                    job.animation, job.percent = n, pct
        code = proc.wait()
    if code != 0:
        if job.cancelled:
            raise AecoreError(f"{job.label}: stopped")
        text = log.read_text(encoding="utf-8", errors="replace")
        where = ""
        with contextlib.suppress(OSError):
            logs.mkdir(parents=True, exist_ok=True)
            kept = logs / f"{job.label.replace(' ', '-')}.log"
            shutil.copyfile(log, kept)
            where = f" (log: {kept})"
        raise AecoreError(f"{job.label}: manim failed (exit {code}): {_failure_line(text)}{where}")
    job.finish(job.media)
    job.done = True


def _run_jobs(jobs: list[_Job], n_parallel: int, what: str, logs: Path) -> None:
    """Run ``jobs`` ``n_parallel`` at a time, printing progress across them."""
    if not jobs:
        return
    t0 = time.monotonic()
    stop = threading.Event()

    def report() -> None:
        last = ""
        while not stop.wait(2.0):
            running = [j for j in jobs if not j.done and j.animation > 0]
            done = sum(j.done for j in jobs)
            line = f"  [{time.monotonic() - t0:5.0f} s] {done}/{len(jobs)} {what} done" + "".join(
                f" · {j.label}: animation {j.animation} ({j.percent:>3d}%)" for j in running
            )
            if line.split("]", 1)[1] != last:
                print(line, flush=True)
                last = line.split("]", 1)[1]

    reporter = threading.Thread(target=report, daemon=True)
    reporter.start()
    try:
        with ThreadPoolExecutor(max_workers=max(1, n_parallel)) as pool:
            futures = [pool.submit(_run_job, j, logs) for j in jobs]
            try:
                for j, f in zip(jobs, futures, strict=True):
                    f.result()
                    print(f"  [{time.monotonic() - t0:5.0f} s] {j.label} done", flush=True)
            except BaseException:
                # One job failed or the user interrupted: stop the others rather than wait for them.
                for j in jobs:
                    j.cancelled = True
                    if j.proc is not None and j.proc.poll() is None:
                        j.proc.terminate()
                raise
    finally:
        stop.set()


def _manim_cmd(spec_cfg: Path, media: Path, name: str, info: Any, extra: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "manim",
        "render",
        "--disable_caching",
        "--progress_bar",
        "display",
        "--config_file",
        str(spec_cfg),
        "--media_dir",
        str(media),
        "-o",
        name,
        *extra,
        str(info.file),
        info.name,
    ]


def chapter_path(info: Any, opts: RenderOptions, out: Path, ext: str | None = None) -> Path:
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


def _scene_class(info: Any) -> Any:
    from scenes.chapters import SCENES_IN_ORDER

    return next(c for c in SCENES_IN_ORDER if c.__name__ == info.name)


def chapter_runs(info: Any, opts: RenderOptions) -> list[Any]:
    """The training configs chapter ``info`` shows, with the run of ``opts``."""
    with _scene_env(opts):
        return list(_scene_class(info).run_configs())


def main_run_id(opts: RenderOptions) -> str:
    """A short id of the main run's content (config, data and trainer) under ``opts``."""
    from aecore.cache import run_path
    from scenes.runs import main_config_2d

    with _scene_env(opts):
        return run_path(main_config_2d()).stem.rsplit("-", 1)[-1][:6]


def prepare_runs(
    infos: Sequence[Any], opts: RenderOptions, progress: ProgressFn | None = None
) -> dict[str, list[str]]:
    """Train every run the chapters need, once each, before any job starts.

    Returns the SHA-256 of each chapter's run files by scene name: the content
    its clip depends on. ``progress`` is called while a run trains.
    """
    from aecore.cache import ensure_run, file_sha256

    paths: dict[str, Path] = {}
    out: dict[str, list[str]] = {}
    for info in infos:
        digests = []
        for cfg in chapter_runs(info, opts):
            key = json.dumps(cfg.to_dict(), sort_keys=True)
            if key not in paths:
                paths[key] = ensure_run(cfg, progress=progress)
            digests.append(file_sha256(paths[key]))
        out[info.name] = digests
    return out


def _bound(
    finish: Callable[[Path, Path], list[Path]], target: Path, record: Callable[..., None]
) -> Callable[[Path], None]:
    """What a job calls with its media folder: stage the outputs, install them, record them."""

    def done(media: Path) -> None:
        files = finish(media, target)
        record(target, files)

    return done


def _render_each(
    infos: Sequence[Any],
    opts: RenderOptions,
    out: Path,
    kind: str,
    ext: str,
    extra: Sequence[str],
    finish: Callable[[Path, Path], list[Path]],
    jobs: int,
    force: bool = False,
    env_extra: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
) -> list[Path]:
    """Render every chapter of ``infos`` as one ``kind`` of output (clip or still) into ``out``.

    The runs the chapters show are trained first (once each); then each
    chapter runs the manim CLI in a job with the frame of ``opts`` and
    Manim's output named ``kind``. ``finish(media_dir, target)`` installs what
    it wrote and returns the files of the output. Outputs already in ``out``
    from the same inputs, and whole, are reused unless ``force``.
    """
    from scenes.frame import frame_spec

    prepare_out(out)
    runs = prepare_runs(infos, opts, progress)
    index = Index(out)
    spec = frame_spec(opts.aspect, opts.quality)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **opts.env(), **(env_extra or {})}
    targets = [chapter_path(i, opts, out, ext) for i in infos]
    keys = [_key(code_digest([i.file]), runs[i.name], i.name, opts, kind) for i in infos]
    by_target = dict(zip(targets, keys, strict=True))

    def record(target: Path, files: list[Path]) -> None:
        index.record(target, by_target[target], files)

    with WorkDir(out) as work:
        todo: list[_Job] = []
        for info, target, key in zip(infos, targets, keys, strict=True):
            if not force and index.fresh(target, key):
                print(f"  reusing {target} (already rendered)", flush=True)
                continue
            media = work / f"ch{info.number:02d}"
            media.mkdir()
            cfg = media / "frame.cfg"
            cfg.write_text(spec.cfg_text())
            cmd = _manim_cmd(cfg, media, kind, info, extra)
            label = f"ch{info.number:02d}" + ("" if kind == "clip" else f" {kind}")
            todo.append(_Job(label, cmd, env, media, _bound(finish, target, record)))
        print(f"rendering {len(todo)} of {len(infos)} {kind}(s) with {jobs} job(s) -> {out}/", flush=True)
        _run_jobs(todo, jobs, f"{kind}s", out / _LOGS)
    return targets


def render_chapters(
    infos: Sequence[Any],
    opts: RenderOptions,
    out: Path,
    jobs: int = 1,
    force: bool = False,
    progress: ProgressFn | None = None,
) -> list[Path]:
    """Render each chapter's clip (with ``.srt`` and ``.vtt`` beside it) into ``out``.

    Returns the movie files in chapter order. Clips already in ``out`` with
    the same inputs, and whole (the movie and both subtitle files), are
    reused unless ``force``. ``progress`` is called while a run trains.
    """

    def finish(media: Path, target: Path) -> list[Path]:
        (video,) = media.rglob(f"clip.{opts.movie_ext}")
        srt = video.with_suffix(".srt")
        vtt = media / "clip.vtt"
        try:
            vtt.write_text(vtt_from_srt(srt.read_text(encoding="utf-8")), encoding="utf-8")
        except OSError as e:
            raise AecoreError(f"--out {out}: cannot write {target.name} ({e.strerror})") from None
        staged = {target: video, target.with_suffix(".srt"): srt, target.with_suffix(".vtt"): vtt}
        install(staged)
        return list(staged)

    extra = ["--format", opts.movie_ext] + (["--transparent"] if opts.transparent else [])
    return _render_each(
        infos, opts, out, "clip", opts.movie_ext, extra, finish, jobs, force, progress=progress
    )


def render_stills(
    infos: Sequence[Any], opts: RenderOptions, out: Path, jobs: int = 1, progress: ProgressFn | None = None
) -> list[Path]:
    """A PNG of each chapter's key frame (:meth:`scenes.base.ChapterScene.key_frame`) at ``opts.quality``."""

    def finish(media: Path, target: Path) -> list[Path]:
        (png,) = media.rglob("still*.png")
        install({target: png})
        return [target]

    extra = ["-s"] + (["--transparent"] if opts.transparent else [])
    stop = {"AE_EXPLAINER_STOP_AT_KEY_FRAME": "1"}
    return _render_each(
        infos, opts, out, "still", "png", extra, finish, jobs, env_extra=stop, progress=progress
    )
