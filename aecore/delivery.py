"""Rendering chapters into files: aspects, formats, themes, parallel jobs, joins and GIFs.

Every chapter is rendered by the ``manim`` CLI in its own child process (a
job); ``jobs`` of them run at once. The chapters' clips are then joined into
the whole explainer by copying their packets, without re-encoding. A finished
file appears under its final name only when complete (it is written next to
it as ``*.part`` and renamed), and a file already rendered with the same
inputs (options, scene code, Manim version) is reused instead of rendered
again: ``.ae-explainer-index.json`` in the output folder records what made
each file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from aecore.errors import AecoreError

__all__ = [
    "GIF_BUDGET_BYTES",
    "GIF_MAX_WIDTH",
    "RenderOptions",
    "join_subtitles",
    "join_videos",
    "render_chapters",
    "render_stills",
    "to_gif",
    "video_frames",
    "vtt_from_srt",
]

GIF_BUDGET_BYTES = 15 * 1024 * 1024
"""GIFs stay under 15 MiB: below the upload limit of the common social platforms."""

GIF_MAX_WIDTH = 480
"""GIFs are at most 480 px wide (narrower and slower only when needed to fit the budget)."""

# GIF frame times are whole centiseconds: these rates play at exactly their speed.
_GIF_LADDER = (
    (480, 25),
    (480, 20),
    (480, 10),
    (400, 10),
    (360, 10),
    (320, 10),
    (280, 10),
    (240, 10),
    (240, 5),
)
_ROOT = Path(__file__).resolve().parents[1]
_INDEX = ".ae-explainer-index.json"


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
    """

    aspect: str = "16:9"
    quality: str = "low"
    fmt: str = "mp4"
    theme: str = "dark"
    transparent: bool = False
    captions: bool = True
    pace: float = 0.5
    run: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

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
            parts.append("run-" + hashlib.sha256(json.dumps(self.run).encode()).hexdigest()[:6])
        return "-".join(parts)

    def env(self) -> dict[str, str]:
        """The environment the scenes read these options from (:mod:`scenes.settings`)."""
        from scenes.settings import VideoSettings

        return VideoSettings(self.theme, self.captions, self.pace, dict(self.run)).env()


def _source_digest() -> str:
    """A hash of the scene and trainer code and the Manim version: what a render depends on."""
    import manim

    h = hashlib.sha256(manim.__version__.encode())
    for folder in ("scenes", "aecore"):
        for p in sorted((_ROOT / folder).rglob("*.py")):
            h.update(p.relative_to(_ROOT).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _key(digest: str, scene: str, opts: RenderOptions, kind: str) -> str:
    """What one output depends on, hashed: code digest, scene, options and kind (clip or still)."""
    movie = replace(opts, fmt=opts.movie_ext)  # a GIF is made from the same mp4 as an mp4 clip
    return hashlib.sha256(json.dumps([digest, scene, repr(movie), kind]).encode()).hexdigest()[:16]


class _Index:
    """``.ae-explainer-index.json``: output file name -> the key of the inputs that made it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / _INDEX
        try:
            self.entries: dict[str, str] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def fresh(self, target: Path, key: str) -> bool:
        return target.is_file() and self.entries.get(target.name) == key

    def record(self, target: Path, key: str) -> None:
        self.entries[target.name] = key
        _atomic_write_text(self.path, json.dumps(self.entries, indent=1, sort_keys=True))


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _install(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` via ``dst.part``, so ``dst`` is never half-written."""
    tmp = dst.with_name(dst.name + ".part")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


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


def _run_job(job: _Job) -> None:
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
        tail = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()][
            -15:
        ]
        raise AecoreError(f"{job.label}: manim failed (exit {code}); its last lines:\n  " + "\n  ".join(tail))
    job.finish(job.media)
    job.done = True


def _run_jobs(jobs: list[_Job], n_parallel: int, what: str) -> None:
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
            futures = [pool.submit(_run_job, j) for j in jobs]
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


def _bound(finish: Callable[[Path, Path], None], target: Path) -> Callable[[Path], None]:
    """``finish`` with its target fixed: what a job calls with its media folder."""
    return lambda media: finish(media, target)


def _render_each(
    infos: Sequence[Any],
    opts: RenderOptions,
    out: Path,
    kind: str,
    ext: str,
    extra: Sequence[str],
    finish: Callable[[Path, Path], None],
    jobs: int,
    force: bool = False,
    env_extra: dict[str, str] | None = None,
) -> list[Path]:
    """Render every chapter of ``infos`` as one ``kind`` of output (clip or still) into ``out``.

    Each chapter runs the manim CLI in a job with the frame of ``opts`` and
    Manim's output named ``kind``; ``finish(media_dir, target)`` installs what
    it wrote. Outputs already in ``out`` from the same inputs are reused
    unless ``force``.
    """
    from scenes.frame import frame_spec

    out.mkdir(parents=True, exist_ok=True)
    index = _Index(out)
    digest = _source_digest()
    spec = frame_spec(opts.aspect, opts.quality)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **opts.env(), **(env_extra or {})}
    targets = [chapter_path(i, opts, out, ext) for i in infos]
    keys = [_key(digest, i.name, opts, kind) for i in infos]
    with tempfile.TemporaryDirectory(prefix=f"ae-{kind}-") as tmp:
        todo: list[_Job] = []
        for info, target, key in zip(infos, targets, keys, strict=True):
            if not force and index.fresh(target, key):
                print(f"  reusing {target} (already rendered)", flush=True)
                continue
            media = Path(tmp) / f"ch{info.number:02d}"
            media.mkdir()
            cfg = media / "frame.cfg"
            cfg.write_text(spec.cfg_text())
            cmd = _manim_cmd(cfg, media, kind, info, extra)
            label = f"ch{info.number:02d}" + ("" if kind == "clip" else f" {kind}")
            todo.append(_Job(label, cmd, env, media, _bound(finish, target)))
        print(f"rendering {len(todo)} of {len(infos)} {kind}(s) with {jobs} job(s) -> {out}/", flush=True)
        _run_jobs(todo, jobs, f"{kind}s")
        for target, key in zip(targets, keys, strict=True):
            if not index.fresh(target, key):
                index.record(target, key)
    return targets


def render_chapters(
    infos: Sequence[Any], opts: RenderOptions, out: Path, jobs: int = 1, force: bool = False
) -> list[Path]:
    """Render each chapter's clip (with ``.srt`` and ``.vtt`` beside it) into ``out``.

    Returns the movie files in chapter order. Clips already in ``out`` with
    the same inputs are reused unless ``force``.
    """

    def finish(media: Path, target: Path) -> None:
        (video,) = media.rglob(f"clip.{opts.movie_ext}")
        srt = video.with_suffix(".srt")
        _install(srt, target.with_suffix(".srt"))
        vtt = media / "clip.vtt"
        vtt.write_text(vtt_from_srt(srt.read_text(encoding="utf-8")), encoding="utf-8")
        _install(vtt, target.with_suffix(".vtt"))
        _install(video, target)

    extra = ["--format", opts.movie_ext] + (["--transparent"] if opts.transparent else [])
    return _render_each(infos, opts, out, "clip", opts.movie_ext, extra, finish, jobs, force)


def render_stills(infos: Sequence[Any], opts: RenderOptions, out: Path, jobs: int = 1) -> list[Path]:
    """A PNG of each chapter's key frame (:meth:`scenes.base.ChapterScene.key_frame`) at ``opts.quality``."""

    def finish(media: Path, target: Path) -> None:
        (png,) = media.rglob("still*.png")
        _install(png, target)

    extra = ["-s"] + (["--transparent"] if opts.transparent else [])
    stop = {"AE_EXPLAINER_STOP_AT_KEY_FRAME": "1"}
    return _render_each(infos, opts, out, "still", "png", extra, finish, jobs, env_extra=stop)


def video_frames(path: Path) -> int:
    """The number of video frames in ``path`` (counted from its packets, no decoding)."""
    import av

    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        return sum(1 for p in c.demux(stream) if p.size > 0)


def video_seconds(path: Path) -> float:
    """Duration of ``path``'s video stream: frames / frame rate."""
    import av

    with av.open(str(path)) as c:
        rate = c.streams.video[0].average_rate
    return video_frames(path) / float(rate) if rate else 0.0


def join_videos(parts: Sequence[Path], dest: Path) -> None:
    """Join clips of one format end to end by copying their packets (no re-encoding).

    The clips must share codec, size and frame rate (chapters rendered with
    the same options do). ``dest`` is written as ``dest.part`` and renamed.
    """
    import av

    tmp = dest.with_name(dest.name + ".part" + dest.suffix)
    listing = dest.with_name(dest.name + ".list.txt")
    listing.write_text("".join(f"file 'file:{Path(p).resolve().as_posix()}'\n" for p in parts))
    try:
        with (
            av.open(str(listing), format="concat", options={"safe": "0"}) as src,
            av.open(str(tmp), "w") as dst,
        ):
            s_in = src.streams.video[0]
            s_out = dst.add_stream_from_template(template=s_in)
            for packet in src.demux(s_in):
                if packet.dts is None:
                    continue
                packet.dts = None
                packet.stream = s_out
                dst.mux(packet)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
        listing.unlink(missing_ok=True)


def join_subtitles(parts: Sequence[tuple[str, float]]) -> str:
    """One SRT from ``(srt_text, clip_seconds)`` per clip, each shifted by the clips before it."""
    import datetime as dt

    import srt

    cues: list[srt.Subtitle] = []
    offset = 0.0
    for text, seconds in parts:
        shift = dt.timedelta(seconds=offset)
        for cue in srt.parse(text):
            cues.append(srt.Subtitle(len(cues) + 1, cue.start + shift, cue.end + shift, cue.content))
        offset += seconds
    return srt.compose(cues, reindex=False)


def vtt_from_srt(srt_text: str) -> str:
    """WebVTT (for browsers and reveal.js) from SubRip: same cues, ``.`` before milliseconds."""
    import srt

    def ts(t: Any) -> str:
        ms = round(t.total_seconds() * 1000)
        h, ms = divmod(ms, 3_600_000)
        m, ms = divmod(ms, 60_000)
        s, ms = divmod(ms, 1000)
        return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"

    cues = [f"{ts(c.start)} --> {ts(c.end)}\n{c.content}\n" for c in srt.parse(srt_text)]
    return "WEBVTT\n\n" + "\n".join(cues)


def _encode_gif(src: Path, dest: Path, width: int, fps: int) -> int:
    import av

    with av.open(str(src)) as inp, av.open(str(dest), "w", format="gif") as out:
        s_in = inp.streams.video[0]
        graph = av.filter.Graph()
        buf = graph.add_buffer(template=s_in)
        fps_f = graph.add("fps", f"fps={fps}")
        scale = graph.add("scale", f"w={width}:h=-2:flags=lanczos")
        split = graph.add("split")
        palettegen = graph.add("palettegen", "stats_mode=diff")
        paletteuse = graph.add("paletteuse", "dither=bayer:bayer_scale=5:diff_mode=rectangle")
        sink = graph.add("buffersink")
        buf.link_to(fps_f)
        fps_f.link_to(scale)
        scale.link_to(split)
        split.link_to(palettegen, 0, 0)
        split.link_to(paletteuse, 1, 0)
        palettegen.link_to(paletteuse, 0, 1)
        paletteuse.link_to(sink)
        graph.configure()
        s_out = out.add_stream("gif", rate=fps)
        s_out.codec_context.time_base = Fraction(1, fps)
        s_out.pix_fmt = "pal8"
        height = round(s_in.height * width / s_in.width / 2) * 2
        s_out.width, s_out.height = width, height
        for frame in inp.decode(s_in):
            graph.push(frame)
        graph.push(None)
        n = 0
        while True:
            try:
                out_frame = graph.vpull()
            except (av.error.EOFError, av.error.BlockingIOError):
                break
            out_frame.pts = n
            out_frame.time_base = Fraction(1, fps)
            n += 1
            out.mux(s_out.encode(out_frame))
        out.mux(s_out.encode())
    return dest.stat().st_size


def to_gif(
    src: Path, dest: Path, budget: int = GIF_BUDGET_BYTES, max_width: int = GIF_MAX_WIDTH
) -> tuple[int, int]:
    """Convert the clip ``src`` to a GIF under ``budget`` bytes; returns the ``(width, fps)`` used.

    Starts at ``max_width`` px and the highest of 25, 20 or 10 frames per
    second the clip has, and steps down the
    width and frame rate (estimating the size from the last try) until it
    fits; a clip too long for even 240 px at 6 fps is an error.
    """
    tmp = dest.with_name(dest.name + ".part.gif")
    import av

    with av.open(str(src)) as c:
        src_fps = float(c.streams.video[0].average_rate or 0)
    ladder = [(w, f) for w, f in _GIF_LADDER if w <= max_width and f <= src_fps] or [(max_width, 5)]
    try:
        i = 0
        while True:
            w, f = ladder[i]
            size = _encode_gif(src, tmp, w, f)
            if size <= budget:
                os.replace(tmp, dest)
                return w, f
            per_unit = size / (w * w * f)
            rest = [
                j
                for j in range(i + 1, len(ladder))
                if per_unit * ladder[j][0] ** 2 * ladder[j][1] <= 0.92 * budget
            ]
            if i + 1 >= len(ladder):
                raise AecoreError(
                    f"--format gif: {src.name} is too long for a {budget / 2**20:.1f} MiB GIF even at "
                    f"{w} px and {f} fps; render single chapters (--chapters) instead"
                )
            i = rest[0] if rest else len(ladder) - 1
    finally:
        tmp.unlink(missing_ok=True)
