"""``ae-explainer list|render|video|lecture``: the chapters, rendered with the manim CLI.

Each subcommand merges its settings in one order, defaults < ``--config``
file < flags, and validates them with one model
(:class:`ae_explainer.cli.userconfig.CommandSettings`), which also gives the
flags their choices and the defaults their help text. What differs between
the commands (their default quality and output folder, whether they take
``--format``) is :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ae_explainer.cli.chapter_args import add_chapter_arguments, chapter_keys
from ae_explainer.cli.console import ConsoleProgress
from ae_explainer.cli.language import add_language_flag, use_language, voice_for_language
from ae_explainer.cli.userconfig import VIDEO_KEYS, CommandSettings, check_run_file
from ae_explainer.media.loudness import CEILING_DBTP, SOCIAL_LUFS
from ae_explainer.options import LOUDNESS_RANGE
from aecore.errors import AecoreError
from aecore.files import checked_path
from scenes.settings import PACE_RANGE, QUALITIES, OneOf, default_of, describe_error

if TYPE_CHECKING:
    from ae_explainer.options import RenderOptions
    from scenes.chapters import ChapterInfo

__all__ = ["COMMANDS", "Command", "add_chapter_arguments", "add_commands", "chapter_keys"]


@dataclass(frozen=True)
class Command:
    """What sets one render command apart from the others."""

    name: str
    help: str
    quality: str
    """The default ``--quality``."""
    out: str
    """The default ``--out``."""
    formats: bool
    """Whether it takes ``--format``, ``--transparent`` and ``--force``."""
    narration: str = "voice"
    """The default ``--narration``."""
    loudness: float | None = None
    """The default ``--loudness`` (``None``: the settings' own, -16 LUFS)."""
    chapters: bool = True
    """Whether it renders chapters (``--chapters``, ``--aspect``, ``--jobs``); not ``social``."""


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "render",
            "render chapters, one clip each (with .srt and .vtt subtitles)",
            "low",
            "renders",
            True,
            "off",
        ),
        Command(
            "video", "render the whole explainer: the chapters joined into one video", "high", "renders", True
        ),
        Command(
            "lecture",
            "a lecture pack: clips, subtitles, 4K stills, contact sheet, slides",
            "medium",
            "renders/lecture",
            False,
        ),
        Command(
            "social",
            "the short for the feed: a ready folder per platform (post.mp4, cover.png, post.txt, subtitles)",
            "high",
            "renders/social",
            False,
            loudness=SOCIAL_LUFS,
            chapters=False,
        ),
    )
}
"""The render commands by name: the one table of their defaults."""


def _cmd_list(a: argparse.Namespace) -> int:
    """The chapters asked for (all by default) and how long each clip ``render`` makes with its defaults
    lasts, to the frame."""
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import prepare_runs
    from ae_explainer.render.timelines import chapter_timeline

    infos = sorted(chapters_of(chapter_keys(a), "--chapters"), key=lambda i: i.number)
    opts = RenderOptions(quality=COMMANDS["render"].quality, narration=COMMANDS["render"].narration)
    with ConsoleProgress(sys.stderr) as bars:  # the runs the chapters show, trained first; stdout: the table
        runs = prepare_runs(infos, opts, bars.training)
    rows = [("ch", "scene", "title", "duration")]
    for info in infos:
        seconds = chapter_timeline(info, opts, runs[info.name])[-1]
        rows.append((str(info.number), info.name, info.title, f"{seconds:6.2f} s"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    print(f"(as 'ae-explainer render' makes them: {opts.aspect}, {opts.quality}, narration {opts.narration})")
    return 0


def chapters_of(keys: list[str], where: str) -> list[ChapterInfo]:
    """The chapters ``keys`` names (numbers or scene names; all if none), each once; ``where``: the flag."""
    from scenes.chapters import chapter_infos, find_chapter

    try:
        found = [find_chapter(k) for k in keys] if keys else chapter_infos()
    except KeyError as e:
        raise AecoreError(f"{where}: {e.args[0]}") from None
    unique: dict[int, ChapterInfo] = {}  # a chapter named twice renders once, where it was first named
    for info in found:
        unique.setdefault(info.number, info)
    return list(unique.values())


def settings_of(
    a: argparse.Namespace, command: Command, chapters: bool = True
) -> tuple[RenderOptions, list[ChapterInfo], int, Path]:
    """Merge defaults < ``--config`` file < flags; returns (options, chapters, jobs, out folder).

    Without ``chapters`` (``social``), the chapters to render are not looked
    up: the list returned is empty, and the file's ``chapters`` is ignored.
    """
    from ae_explainer.cli.userconfig import load_user_config
    from ae_explainer.outputs import prepare_out
    from ae_explainer.render.runs import main_run_id

    given = {k: v for k in VIDEO_KEYS if (v := getattr(a, k, None)) is not None}
    given.pop("chapters", None)
    if on_command_line := chapter_keys(a):
        given["chapters"] = on_command_line
    video: dict[str, Any] = {}
    run: dict[str, Any] = {}
    if a.config:
        user = load_user_config(a.config)
        video, run = user.video, user.run
    if getattr(a, "run_file", None):  # the flag wins over the file's whole [run]
        run = {"file": check_run_file(a.run_file, "--run-file")}

    def where(key: str) -> str:
        return f"--{key}" if key in given or not a.config else f"{a.config} [video] {key}"

    try:
        defaults: dict[str, Any] = {"quality": command.quality, "narration": command.narration}
        if command.loudness is not None:
            defaults["loudness"] = command.loudness
        settings = CommandSettings.model_validate({**defaults, **video, **given, "run": run})
    except ValidationError as e:
        p = describe_error(e)
        raise AecoreError(f"{where(str(p.loc[0]) if p.loc else 'config')}: {p.message}") from None
    infos = chapters_of([str(k) for k in settings.chapters or []], where("chapters")) if chapters else []
    if "file" in run and chapters:
        infos = _chapters_for_file(infos, run["file"], settings, command, where("chapters"))
    settings = voice_for_language(settings, "narration" in given or "narration" in video, where("narration"))
    if settings.narration not in ("voice", "off"):
        folder = checked_path(
            settings.narration,
            where("narration"),
            "folder",
            "give voice, off, or a folder of recordings (<cue id>.wav, see 'ae-explainer script')",
        )
        settings = settings.model_copy(update={"narration": str(folder)})
    opts = settings.options()
    if opts.run:
        opts = opts.replace(run_id=main_run_id(opts))
    return opts, infos, settings.jobs, prepare_out(Path(a.out))


def _chapters_for_file(
    infos: list[ChapterInfo], file: str, settings: CommandSettings, command: Command, where: str
) -> list[ChapterInfo]:
    """The chapters to render with the run file ``file``; one line if they cannot show it.

    ``render`` without a chapter list renders the chapters that show the
    file (those whose runs it replaces, :func:`scenes.runs.user_run_replaces`),
    leaving out the network diagram's chapters if the file holds no MLP
    weights; every other command, and a chapter list, keep their chapters,
    and a chapter that draws the network diagram of a run without weights is
    an error before anything renders.
    """
    from ae_explainer.render.runs import chapter_runs, replaced_run, scene_class
    from aecore.snapshot import load_run
    from scenes.runs import run_file_kind

    opts = settings.options()
    replaced = replaced_run(opts)
    run = load_run(file)
    weights = run.has_weights

    shows = [i for i in infos if replaced in chapter_runs(i, opts)]
    why = {i.number: scene_class(i).cannot_show(run) for i in shows}
    blind = [i for i in shows if why[i.number]]
    if command.name == "render" and not settings.chapters:
        return [i for i in shows if i not in blind]  # may be none: render says so
    if command.name == "render" and not shows:  # chapters asked for, none of which shows the file
        from scenes.chapters import chapter_infos
        from scenes.runs import RUN_FILE_KINDS

        can = [str(i.number) for i in chapter_infos() if replaced in chapter_runs(i, opts)]
        raise AecoreError(
            f"{where}: {file} holds {RUN_FILE_KINDS[run_file_kind(file)]}; none of chapter(s)"
            f" {', '.join(str(i.number) for i in infos)} shows it, chapter(s) {', '.join(can)} can"
        )
    if command.name == "lecture" and not weights and run_file_kind(file) == "2d":
        raise AecoreError(
            f"--run-file {file}: the lecture pack's explorer page runs the network, which needs an MLP's"
            " weights; this run has none (recorded from another model): render it with 'render' or 'video'"
        )
    if blind:
        first = blind[0]
        numbers = ", ".join(str(i.number) for i in blind)
        raise AecoreError(
            f"{where}: chapter {first.number} {why[first.number]}; {file} cannot be shown there"
            f" (recorded from another model?): leave out chapter(s) {numbers}"
        )
    return infos


def _gif(progress: ConsoleProgress, clip: Path, gif: Path) -> None:
    from ae_explainer.media.clips import GIF_BUDGET_BYTES, to_gif

    progress.line(f"  making {gif.name} (under {GIF_BUDGET_BYTES / 2**20:.0f} MiB) ...")
    w, f = to_gif(clip, gif)
    progress.line(f"  {gif} ({gif.stat().st_size / 2**20:.1f} MiB, {w} px, {f} fps)")


def _cmd_render(a: argparse.Namespace) -> int:
    from ae_explainer.render.chapters import chapter_path, render_chapters

    opts, infos, jobs, out = settings_of(a, COMMANDS["render"])
    with use_language(opts.language):  # the texts made here, in the language of the render
        t0 = time.monotonic()
        if not infos:  # --run-file without chapters, and no chapter shows that kind of run
            from scenes.runs import RUN_FILE_KINDS, run_file_kind

            kind = RUN_FILE_KINDS[run_file_kind(opts.run["file"])]
            print(f"no chapter of this version shows {opts.run['file']} ({kind}); nothing rendered")
            return 0
        if a.still:
            from ae_explainer.render.chapters import render_stills

            with ConsoleProgress() as progress:
                stills = render_stills(infos, opts, out, jobs=jobs, progress=progress)
            names = ", ".join(p.name for p in stills)
            print(f"rendered {len(stills)} still(s) in {time.monotonic() - t0:.1f} s into {out}/: {names}")
            return 0
        with ConsoleProgress() as progress:
            clips = render_chapters(infos, opts, out, jobs=jobs, force=a.force, progress=progress)
            if opts.format == "gif":
                for info, clip in zip(infos, clips, strict=True):
                    _gif(progress, clip, chapter_path(info, opts, out, "gif"))
        print(f"rendered {len(infos)} chapter(s) in {time.monotonic() - t0:.1f} s into {out}/", flush=True)
        return 0


def _cmd_video(a: argparse.Namespace) -> int:
    from ae_explainer.deliver.lecture import join_explainer
    from ae_explainer.deliver.publish import write_publishing_files
    from ae_explainer.render.chapters import render_chapters

    opts, infos, jobs, out = settings_of(a, COMMANDS["video"])
    with use_language(opts.language):  # the texts made here, in the language of the render
        t0 = time.monotonic()
        with ConsoleProgress() as progress:
            clips = render_chapters(infos, opts, out, jobs=jobs, force=a.force, progress=progress)
            progress.stage(f"joining {len(clips)} clip(s)")
            video = join_explainer(clips, out / f"ae-explainer-{opts.tag()}.{opts.movie_ext}", opts.loudness)
            progress.stage("chapter list and thumbnail")
            extras = write_publishing_files(video, [(i, c) for i, c in zip(infos, clips, strict=True)])
            if opts.format == "gif":
                _gif(progress, video, video.with_suffix(".gif"))
        names = ", ".join(p.name.removeprefix(video.stem) for p in extras)
        print(
            f"done in {time.monotonic() - t0:.0f} s: {video} (subtitles: {video.stem}.srt, .vtt; {names})",
            flush=True,
        )
        return 0


def _cmd_lecture(a: argparse.Namespace) -> int:
    from ae_explainer.deliver.lecture import build_lecture

    opts, infos, jobs, out = settings_of(a, COMMANDS["lecture"])
    with use_language(opts.language):  # the texts made here, in the language of the render
        if opts.format != "mp4" or opts.transparent:
            raise AecoreError(
                f"--config {a.config}: a lecture pack is made of mp4 clips; drop format and transparent"
            )
        t0 = time.monotonic()
        with ConsoleProgress() as progress:
            build_lecture(infos, opts, out, jobs=jobs, offline=not a.cdn, progress=progress)
        print(
            f"lecture pack in {time.monotonic() - t0:.0f} s: {out}/"
            f" (open {out}/slides/index.html to present)",
            flush=True,
        )
        return 0


def _cmd_social(a: argparse.Namespace) -> int:
    """``ae-explainer social``: the short, a folder per platform (:mod:`~ae_explainer.deliver.social`)."""
    from ae_explainer.deliver.social import make_posts, parse_platforms

    platforms = parse_platforms(a.platforms)
    opts, _, _, out = settings_of(a, COMMANDS["social"], chapters=False)
    with use_language(opts.language):  # the texts made here, in the language of the render
        t0 = time.monotonic()
        with ConsoleProgress() as progress:
            folders = make_posts(platforms, opts, out, force=a.force, progress=progress)
        sizes = ", ".join(
            f"{n} {(f / 'post.mp4').stat().st_size / 2**20:.1f} MiB" for n, f in folders.items()
        )
        print(f"{len(folders)} post(s) in {time.monotonic() - t0:.0f} s into {out}/: {sizes}", flush=True)
        return 0


def _add_render_flags(p: argparse.ArgumentParser, command: Command) -> None:
    """The flags of ``command``: choices and defaults from :class:`CommandSettings`."""
    fields = CommandSettings.model_fields

    def default(name: str) -> Any:
        return default_of(CommandSettings, name)

    qualities = ", ".join(f"{q.name}={q}" for q in QUALITIES.values())
    if command.chapters:
        p.add_argument(
            "--aspect", choices=OneOf.of(fields["aspect"]), help=f"frame shape (default {default('aspect')})"
        )
    p.add_argument(
        "--quality", choices=OneOf.of(fields["quality"]), help=f"{qualities} (default {command.quality})"
    )
    p.add_argument(
        "--theme",
        choices=OneOf.of(fields["theme"]),
        help=f"dark, or light for a white background (default {default('theme')})",
    )
    if command.chapters:
        add_chapter_arguments(p)
        p.add_argument(
            "--jobs",
            type=int,
            help=f"chapters rendered at once in parallel processes (default {default('jobs')})",
        )
    lo, hi = PACE_RANGE
    p.add_argument(
        "--pace", type=float, help=f"scales every pause, {lo:g}-{hi:g} (default {default('pace')})"
    )
    p.add_argument(
        "--captions",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"draw the caption line (default: {'drawn' if default('captions') else 'not drawn'})",
    )
    p.add_argument(
        "--narration",
        metavar="voice|off|DIR",
        help="voice: an offline neural voice speaks every caption; off: silent; DIR: your recordings, "
        f"one WAV per cue id (see 'ae-explainer script'); gif is always silent (default {command.narration})",
    )
    lo, hi = LOUDNESS_RANGE
    lufs = default("loudness") if command.loudness is None else command.loudness
    p.add_argument(
        "--loudness",
        type=float,
        metavar="LUFS",
        help=f"master the narration to this integrated loudness, {lo:g} to {hi:g} LUFS, true peaks at most "
        f"{CEILING_DBTP:g} dBTP (default {lufs:g})",
    )
    add_language_flag(p)
    p.add_argument("--config", metavar="FILE.toml", help="settings file ([video] and [run]); flags win")
    p.add_argument(
        "--run-file",
        metavar="RUN.npz",
        help="show your own run file (e.g. from aecore.SnapshotRecorder): R^2 points with k = 1 replace the"
        " main run (chapters 1-6, 12), as do R^D vectors; images with k = 2 the digits, R^D vectors with"
        " k = 2 the surface (chapter 7)"
        + (" (without chapters: render those that show it)" if command.name == "render" else ""),
    )
    p.add_argument("--out", default=command.out, help=f"output folder (default {command.out}/)")
    if command.formats:
        p.add_argument(
            "--format",
            choices=OneOf.of(fields["format"]),
            help=f"container; mp4 (AAC), webm (Opus) and mov carry the narration, gif has no sound "
            f"and stays under 15 MiB (default {default('format')})",
        )
        p.add_argument("--transparent", action="store_true", default=None, help="no background (mov or webm)")
        p.add_argument("--force", action="store_true", help="render again even if the file is already there")


def add_commands(sub: Any) -> None:
    """Add ``list``, ``render``, ``video``, ``lecture`` and ``social`` to the ``ae-explainer`` parser."""
    from aecore.cache import runs_dir

    ls = sub.add_parser(
        "list", help="list the chapters: number, scene, title, duration of the clip render makes"
    )
    add_chapter_arguments(ls)
    ls.set_defaults(func=_cmd_list)
    runs = (
        f"Trained runs are cached in {runs_dir()} (set AE_EXPLAINER_RUNS to keep them elsewhere);"
        " they are trained once, before any chapter renders."
    )
    from ae_explainer.deliver.social import add_social_flags

    actions = {"render": _cmd_render, "video": _cmd_video, "lecture": _cmd_lecture, "social": _cmd_social}
    for command in COMMANDS.values():
        p = sub.add_parser(command.name, help=command.help, epilog=runs)
        if command.name == "render":
            p.add_argument(
                "--still",
                action="store_true",
                help="a PNG of each chapter's key frame instead of a clip (fast: nothing is encoded)",
            )
        _add_render_flags(p, command)
        if command.name == "lecture":
            p.add_argument(
                "--cdn", action="store_true", help="slides load reveal.js from a CDN (default: offline)"
            )
        if command.name == "social":
            add_social_flags(p)
        p.set_defaults(func=actions[command.name])
