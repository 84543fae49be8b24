"""``ae-explainer list|render|video|lecture``: the chapters, rendered with the manim CLI."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from aecore.errors import AecoreError

__all__ = ["QUALITIES", "add_commands", "chapter_duration"]

QUALITIES = {"low": "l", "medium": "m", "high": "h", "4k": "k"}
"""``--quality`` names and manim's ``-q`` letters (480p15, 720p30, 1080p60, 2160p60 in 16:9)."""

_DEFAULTS: dict[str, Any] = {
    "aspect": "16:9",
    "quality": "low",
    "format": "mp4",
    "theme": "dark",
    "transparent": False,
    "captions": True,
    "pace": 0.5,
    "chapters": None,
    "jobs": 1,
}


def chapter_duration(scene_cls: type) -> float:
    """Seconds of video a chapter scene plays, found by running it without drawing."""
    from manim import tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer

    with tempconfig({"dry_run": True, "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}):
        scene = scene_cls(renderer=CairoRenderer(skip_animations=True))
        scene.render()
        return float(scene.renderer.time)


def _cmd_list(a: argparse.Namespace) -> int:
    from scenes.chapters import SCENES_IN_ORDER, chapter_infos

    rows = []
    for info, cls in zip(chapter_infos(), SCENES_IN_ORDER, strict=True):
        rows.append((str(info.number), info.name, info.title, f"{chapter_duration(cls):5.1f} s"))
    widths = [max(len(r[i]) for r in [("ch", "scene", "title", "duration"), *rows]) for i in range(4)]
    for r in [("ch", "scene", "title", "duration"), *rows]:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return 0


def _settings(a: argparse.Namespace, defaults: dict[str, Any]) -> tuple[Any, list[Any], int, Path]:
    """Merge defaults < ``--config`` file < flags; returns (options, chapters, jobs, out folder)."""
    from aecore.delivery import RenderOptions, main_run_id
    from aecore.outputs import prepare_out
    from aecore.userconfig import load_user_config
    from scenes.chapters import chapter_infos, find_chapter
    from scenes.settings import PACE_RANGE

    merged = dict(defaults)
    run: dict[str, Any] = {}
    if a.config:
        uc = load_user_config(a.config)
        merged.update(uc.video)
        run = uc.run
    for key in merged:
        value = getattr(a, key, None)
        if value is not None:
            merged[key] = value
    keys = list(getattr(a, "chapter_args", None) or [])
    if isinstance(merged["chapters"], str):
        named = [k.strip() for k in merged["chapters"].split(",") if k.strip()]
        if not named:
            raise AecoreError(f"--chapters: {merged['chapters']!r} names no chapter; give e.g. 4,5,6")
        keys += named
    elif merged["chapters"] is not None:
        if not merged["chapters"]:
            raise AecoreError(f"--config {a.config} [video] chapters: the list is empty; give e.g. [4, 5, 6]")
        keys += list(merged["chapters"])
    try:
        infos = [find_chapter(k) for k in keys] if keys else chapter_infos()
    except KeyError as e:
        raise AecoreError(f"--chapters: {e.args[0]}") from None
    lo, hi = PACE_RANGE
    if not lo <= merged["pace"] <= hi:
        raise AecoreError(f"--pace: {merged['pace']} must be a number from {lo:g} to {hi:g}")
    if merged["jobs"] < 1:
        raise AecoreError(f"--jobs: {merged['jobs']} must be at least 1")
    opts = RenderOptions(
        aspect=merged["aspect"],
        quality=merged["quality"],
        fmt=merged["format"],
        theme=merged["theme"],
        transparent=merged["transparent"],
        captions=merged["captions"],
        pace=float(merged["pace"]),
        run=tuple(sorted(run.items())),
    )
    if opts.run:
        opts = replace(opts, run_id=main_run_id(opts))
    out = prepare_out(Path(a.out))
    return opts, infos, int(merged["jobs"]), out


class _TrainingProgress:
    """Training progress of the runs a render needs, on stderr (a bar on a terminal, else a few lines)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.t0 = time.monotonic()
        self.last = (-1.0, -1)

    def __call__(self, name: str, step: int, total: int, loss: float) -> None:
        now = time.monotonic()
        if step == 0:
            self.t0 = now
        pct = 100 * step // max(total, 1)
        if self.tty:
            if step != total and now - self.last[0] < 0.1:
                return
            bar = "#" * (pct * 30 // 100) + "-" * (30 - pct * 30 // 100)
            end = "\n" if step == total else ""
            loss_text = "" if step == 0 else f" loss {loss:.5f}"
            sys.stderr.write(
                f"\r  training {name} [{bar}] step {step}/{total}{loss_text} {now - self.t0:5.1f} s{end}"
            )
        else:
            if step not in (0, total) and pct // 25 == self.last[1] // 25:
                return
            loss_text = "" if step == 0 else f", loss {loss:.5f}"
            sys.stderr.write(
                f"  training {name}: step {step}/{total} ({pct}%{loss_text}, {now - self.t0:.1f} s)\n"
            )
        self.last = (now, pct)
        sys.stderr.flush()


def _cmd_render(a: argparse.Namespace) -> int:
    from aecore.delivery import chapter_path, render_chapters
    from aecore.media import to_gif

    opts, infos, jobs, out = _settings(a, _DEFAULTS)
    t0 = time.monotonic()
    clips = render_chapters(infos, opts, out, jobs=jobs, force=a.force, progress=_TrainingProgress())
    if opts.fmt == "gif":
        for info, clip in zip(infos, clips, strict=True):
            gif = chapter_path(info, opts, out, "gif")
            w, f = to_gif(clip, gif)
            print(f"  {gif} ({gif.stat().st_size / 2**20:.1f} MiB, {w} px, {f} fps)", flush=True)
    print(f"rendered {len(infos)} chapter(s) in {time.monotonic() - t0:.1f} s into {out}/")
    return 0


def _cmd_video(a: argparse.Namespace) -> int:
    from aecore.delivery import render_chapters
    from aecore.lecture import join_explainer
    from aecore.media import to_gif

    opts, infos, jobs, out = _settings(a, {**_DEFAULTS, "quality": "high"})
    t0 = time.monotonic()
    clips = render_chapters(infos, opts, out, jobs=jobs, force=a.force, progress=_TrainingProgress())
    video = join_explainer(clips, out / f"ae-explainer-{opts.tag()}.{opts.movie_ext}")
    if opts.fmt == "gif":
        gif = video.with_suffix(".gif")
        w, f = to_gif(video, gif)
        print(f"  {gif} ({gif.stat().st_size / 2**20:.1f} MiB, {w} px, {f} fps)")
    print(f"done in {time.monotonic() - t0:.0f} s: {video} (subtitles: {video.stem}.srt, .vtt)")
    return 0


def _cmd_lecture(a: argparse.Namespace) -> int:
    from aecore.lecture import build_lecture

    opts, infos, jobs, out = _settings(a, {**_DEFAULTS, "quality": "medium"})
    if opts.fmt != "mp4" or opts.transparent:
        raise AecoreError(
            f"--config {a.config}: a lecture pack is made of mp4 clips; drop format and transparent"
        )
    t0 = time.monotonic()
    build_lecture(infos, opts, out, jobs=jobs, offline=not a.cdn, progress=_TrainingProgress())
    print(f"lecture pack in {time.monotonic() - t0:.0f} s: {out}/ (open {out}/slides/index.html to present)")
    return 0


def _add_render_flags(
    p: argparse.ArgumentParser, quality_default: str, out_default: str, with_formats: bool = False
) -> None:
    from aecore.userconfig import FORMATS
    from scenes.settings import ASPECTS, THEMES

    p.add_argument("--aspect", choices=list(ASPECTS), help="frame shape (default 16:9)")
    p.add_argument(
        "--quality", choices=list(QUALITIES), help=f"low=480p15 ... 4k=2160p60 (default {quality_default})"
    )
    p.add_argument("--theme", choices=list(THEMES), help="dark (default) or light (white background)")
    p.add_argument("--chapters", help="comma-separated chapter numbers or scene names (default: all)")
    p.add_argument("--jobs", type=int, help="chapters rendered at once in parallel processes (default 1)")
    p.add_argument("--pace", type=float, help="scales every pause, 0.1-4 (default 0.5)")
    p.add_argument(
        "--captions", action=argparse.BooleanOptionalAction, default=None, help="draw the caption line"
    )
    p.add_argument("--config", metavar="FILE.toml", help="settings file ([video] and [run]); flags win")
    p.add_argument("--out", default=out_default, help=f"output folder (default {out_default}/)")
    if with_formats:
        p.add_argument(
            "--format", choices=list(FORMATS), help="mp4 (default), webm, gif (under 15 MiB) or mov"
        )
        p.add_argument("--transparent", action="store_true", default=None, help="no background (mov or webm)")
        p.add_argument("--force", action="store_true", help="render again even if the file is already there")


def add_commands(sub: Any) -> None:
    """Add ``list``, ``render``, ``video`` and ``lecture`` to the ``ae-explainer`` parser."""
    ls = sub.add_parser("list", help="list the chapters: number, scene, title, duration")
    ls.set_defaults(func=_cmd_list)
    from aecore.cache import runs_dir

    runs = (
        f"Trained runs are cached in {runs_dir()} (set AE_EXPLAINER_RUNS to keep them elsewhere);"
        " they are trained once, before any chapter renders."
    )
    r = sub.add_parser(
        "render", help="render chapters, one clip each (with .srt and .vtt subtitles)", epilog=runs
    )
    r.add_argument(
        "chapter_args", nargs="*", metavar="CHAPTER", help="chapter numbers or scene names (default: all)"
    )
    _add_render_flags(r, "low", "renders", with_formats=True)
    r.set_defaults(func=_cmd_render)
    v = sub.add_parser(
        "video", help="render the whole explainer: the chapters joined into one video", epilog=runs
    )
    _add_render_flags(v, "high", "renders", with_formats=True)
    v.set_defaults(func=_cmd_video)
    lec = sub.add_parser(
        "lecture", help="a lecture pack: clips, subtitles, 4K stills, contact sheet, slides", epilog=runs
    )
    _add_render_flags(lec, "medium", "renders/lecture")
    lec.add_argument("--cdn", action="store_true", help="slides load reveal.js from a CDN (default: offline)")
    lec.set_defaults(func=_cmd_lecture)
