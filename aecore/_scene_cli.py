"""``ae-explainer list`` and ``ae-explainer render``: the chapters, via the manim CLI."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aecore.errors import AecoreError

__all__ = ["QUALITIES", "add_commands", "chapter_duration"]

QUALITIES = {"low": "l", "medium": "m", "high": "h", "4k": "k"}
"""``--quality`` names and manim's ``-q`` letters (480p15, 720p30, 1080p60, 2160p60)."""


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


def _cmd_render(a: argparse.Namespace) -> int:
    from scenes.chapters import chapter_infos, find_chapter

    try:
        infos = [find_chapter(k) for k in a.chapters] if a.chapters else chapter_infos()
    except KeyError as e:
        raise AecoreError(f"CHAPTER: {e.args[0]}") from None
    out = Path(a.out)
    if out.exists() and not out.is_dir():
        raise AecoreError(f"--out: {out} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    t_all = time.monotonic()
    for i, info in enumerate(infos, 1):
        target = out / f"{info.number:02d}-{info.name}-{a.quality}.mp4"
        print(f"[{i}/{len(infos)}] chapter {info.number}: {info.title} -> {target}", flush=True)
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="ae-render-") as media:
            cmd = [
                sys.executable,
                "-m",
                "manim",
                "render",
                f"-q{QUALITIES[a.quality]}",
                "--disable_caching",
                "--media_dir",
                media,
                "-o",
                "chapter",
                str(info.file),
                info.name,
            ]
            proc = subprocess.run(cmd, env=env)
            if proc.returncode != 0:
                raise AecoreError(
                    f"rendering chapter {info.number} ({info.name}) failed; see the output above"
                )
            (video,) = Path(media).rglob("chapter.mp4")
            for src, dst in ((video, target), (video.with_suffix(".srt"), target.with_suffix(".srt"))):
                tmp = dst.with_name(dst.name + ".part")
                shutil.copyfile(src, tmp)
                os.replace(tmp, dst)
        print(f"[{i}/{len(infos)}] done in {time.monotonic() - t0:.1f} s: {target}", flush=True)
    print(f"rendered {len(infos)} chapter(s) in {time.monotonic() - t_all:.1f} s into {out}/")
    return 0


def _cmd_video(a: argparse.Namespace) -> int:
    out = Path(a.out)
    if out.exists() and not out.is_dir():
        raise AecoreError(f"--out: {out} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    name = f"ae-explainer-{a.quality}"
    scene_file = Path(__file__).resolve().parents[1] / "scenes" / "explainer.py"
    t0 = time.monotonic()
    print(f"rendering the explainer at {a.quality} quality -> {out / (name + '.mp4')}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ae-render-") as media:
        cmd = [sys.executable, "-m", "manim", "render", f"-q{QUALITIES[a.quality]}", "--disable_caching"]
        if a.sections:
            cmd.append("--save_sections")
        cmd += ["--media_dir", media, "-o", name, str(scene_file), "AutoencoderExplainer"]
        proc = subprocess.run(cmd, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        if proc.returncode != 0:
            raise AecoreError("rendering the explainer failed; see the output above")
        (video,) = Path(media).rglob(f"{name}.mp4")
        outputs = [(video, out / video.name), (video.with_suffix(".srt"), out / f"{name}.srt")]
        if a.sections:
            outputs += [(p, out / "sections" / p.name) for p in video.parent.joinpath("sections").glob("*")]
        for src, dst in outputs:
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp = dst.with_name(dst.name + ".part")
            shutil.copyfile(src, tmp)
            os.replace(tmp, dst)
    print(f"done in {time.monotonic() - t0:.0f} s: {out / (name + '.mp4')} (subtitles: {name}.srt)")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``list`` and ``render`` to the ``ae-explainer`` sub-command parser."""
    ls = sub.add_parser("list", help="list the chapters: number, scene, title, duration")
    ls.set_defaults(func=_cmd_list)
    r = sub.add_parser("render", help="render chapters to mp4 with the manim CLI")
    r.add_argument(
        "chapters", nargs="*", metavar="CHAPTER", help="chapter numbers or scene names (default: all)"
    )
    r.add_argument("--quality", choices=list(QUALITIES), default="low", help="low=480p15 ... 4k=2160p60")
    r.add_argument("--out", default="renders", help="output folder (default renders/)")
    r.set_defaults(func=_cmd_render)
    v = sub.add_parser("video", help="render the whole explainer (every chapter, one video, subtitles)")
    v.add_argument("--quality", choices=list(QUALITIES), default="high", help="low=480p15 ... 4k=2160p60")
    v.add_argument("--out", default="renders", help="output folder (default renders/)")
    v.add_argument("--sections", action="store_true", help="also write one clip per chapter (sections/)")
    v.set_defaults(func=_cmd_video)
