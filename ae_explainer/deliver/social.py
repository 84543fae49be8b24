"""``ae-explainer social``: the short (:class:`scenes.short.SocialShort`) as one ready folder per platform.

Each platform gets ``DIR/<platform>/`` with

- ``post.mp4``: the narrated short, H.264 (yuv420p, constant frame rate, at
  most 60 fps) with AAC-LC at 48 kHz, mastered to -14 LUFS integrated with
  true peaks at or below -1 dBTP (:mod:`ae_explainer.media.loudness`), its
  ``moov`` index at the front, under the platform's size and length limits
  (:data:`POSTS`);
- ``cover.png``: the short's picture (M over the data, fading where the data
  thins) with the title, at the post's size;
- ``post.txt``: a title, two plain sentences and the credit to the idea's
  source, in the language in force, within the platform's text limit as the
  platform counts it (:func:`counted_length`: X counts a CJK character twice);
- ``post.srt`` and ``post.vtt``: the captions as subtitles (the video has
  them burned in as well: feeds play muted);
- X's folder also holds ``post.gif``, the square post as a silent loop within
  :data:`ae_explainer.media.clips.GIF_BUDGET_BYTES`.

Posts that differ only in their container or their text share one render:
the vertical feeds (Shorts, Reels, TikTok) share the 9:16 render, X and
LinkedIn the 1:1 render, so five posts cost two renders. The renders are kept
in ``DIR/.renders/``, keyed on their content like every clip
(:mod:`ae_explainer.outputs`), so a second run with the same settings
re-renders nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ae_explainer.deliver.publish import TITLE, _font, _frame_at
from aecore.errors import AecoreError
from aecore.files import atomic_path, atomic_write
from scenes.i18n import N_, _

if TYPE_CHECKING:
    from ae_explainer.options import RenderOptions
    from scenes.chapters import ChapterInfo

__all__ = [
    "CREDIT",
    "POSTS",
    "RENDERS_NAME",
    "Post",
    "add_social_flags",
    "counted_length",
    "make_posts",
    "parse_platforms",
    "post_text",
    "short_info",
    "write_cover",
]

RENDERS_NAME = ".renders"
"""The folder, inside ``--out``, that keeps the shared renders (one per aspect) for reuse."""

CREDIT_LINK = "https://x.com/keenanisalive/status/1961559905850028341"
"""Keenan Crane's thread on the two pictures of an autoencoder."""

CREDIT = N_("The idea: Keenan Crane's thread on the two pictures of an autoencoder, {link}")
"""The credit to the idea's source, as the README gives it."""


@dataclass(frozen=True)
class Post:
    """What one platform takes: the frame, and its limits for a video post and its text.

    Limits are the platforms' published upload limits (help pages, 2025),
    the smallest where a platform gives several (TikTok's Android app).
    """

    name: str
    label: str
    aspect: str
    max_bytes: int
    max_seconds: float
    max_text: int
    weighted: bool = False
    """Whether the platform counts text as X does (:func:`counted_length`), else in characters."""


POSTS: dict[str, Post] = {
    p.name: p
    for p in (
        Post("shorts", "YouTube Shorts", "9:16", 256 * 2**30, 180.0, 5000),
        Post("reels", "Instagram Reels", "9:16", 4 * 2**30, 180.0, 2200),
        Post("tiktok", "TikTok", "9:16", 72 * 2**20, 600.0, 2200),
        Post("x", "X", "1:1", 512 * 2**20, 140.0, 280, weighted=True),
        Post("linkedin", "LinkedIn", "1:1", 5 * 2**30, 600.0, 3000),
    )
}
"""Every platform ``--platforms`` takes, in its default order."""


def parse_platforms(text: str) -> list[str]:
    """``--platforms shorts,x``: the platforms, in :data:`POSTS` order; one line for an unknown name."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in POSTS]
    if unknown or not names:
        given = repr(unknown[0]) if unknown else repr(text)
        raise AecoreError(f"--platforms: {given} is not a platform; give some of {', '.join(POSTS)}")
    return [p for p in POSTS if p in names]


def short_info() -> ChapterInfo:
    """The short as the renderer takes a chapter (:func:`~ae_explainer.render.chapters.render_chapters`)."""
    import scenes.short
    from scenes.chapters import ChapterInfo
    from scenes.short import SocialShort

    return ChapterInfo(
        SocialShort.chapter, SocialShort.__name__, SocialShort.title, Path(scenes.short.__file__)
    )


_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
"""The code points X counts once (Latin, Greek, Cyrillic, ... and some punctuation); every other one,
CJK among them, counts twice (twitter-text's version 3 configuration)."""

_LINK = re.compile(r"https?://\S+")
_LINK_LENGTH = 23
"""What X counts a link as, however long (its t.co form)."""


def counted_length(text: str, post: Post) -> int:
    """How long ``post``'s platform counts ``text``: in characters, or as X weighs them.

    X counts a link as 23 characters and a character outside
    :data:`_LIGHT_RANGES` (a Japanese one, an emoji) as two.
    """
    if not post.weighted:
        return len(text)
    links = _LINK.findall(text)
    rest = _LINK.sub("", text)
    heavy = sum(not any(lo <= ord(c) <= hi for lo, hi in _LIGHT_RANGES) for c in rest)
    return len(rest) + heavy + _LINK_LENGTH * len(links)


def post_text(post: Post, title: str = TITLE) -> str:
    """The post's text: the title, two plain sentences and the credit (short enough for ``post``)."""
    title = _(title)
    body = _(
        "An autoencoder squeezes each point x into a code z and rebuilds it as x̂, and every x̂"
        " lands on the curve M that the decoder draws. M is only worth trusting where the data is:"
        " it fades where few points land on it, because there the decoder is guessing."
    )
    full = f"{title}\n\n{body}\n\n{_(CREDIT, link=CREDIT_LINK)}\n"
    if counted_length(full, post) <= post.max_text:
        return full
    short = _(
        "{title}: x̂ always lands on the decoder's curve M, but trust M only where the data is.", title=title
    )
    idea = _("Idea: Keenan Crane, {link}", link=CREDIT_LINK)
    return f"{short}\n\n{idea}\n"


def write_cover(video: Path, dest: Path, aspect: str, title: str = TITLE) -> Path:
    """``cover.png``: the short's last frame (its picture without a caption) with ``title`` where captions go.

    The last frame is the first frame's picture, M over the data, with its
    caption gone (the short loops). The title is set in DejaVu Sans Bold
    inside the feed's safe area (:func:`scenes.look.safe_areas.feed_bands`), just
    above the band a platform covers, in the theme's text colour on a band
    of the background's colour.
    """
    import av
    from PIL import Image, ImageDraw

    from scenes.look.safe_areas import feed_bands

    title = _(title)
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        seconds = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else 0.0
    frame = _frame_at(video, seconds)
    w, h = frame.size
    bands = feed_bands(aspect)
    left, right = round(bands.left * w), round(w - bands.right * w)
    bottom = round(h - bands.bottom * h)
    background = frame.getpixel((0, 0))
    dark = sum(background[:3]) < 3 * 128
    ink, patch = ((255, 255, 255), (0, 0, 0, 200)) if dark else ((20, 20, 20), (255, 255, 255, 220))
    draw = ImageDraw.Draw(frame)
    size = round(0.06 * w)
    while size > 24 and draw.textlength(title, font=_font(size, title)) > right - left - 40:
        size -= 2
    font = _font(size, title)
    x0, y0, x1, y1 = draw.textbbox((0, 0), title, font=font)
    pad = size // 3
    top = bottom - (y1 - y0) - 2 * pad
    overlay = Image.new("RGBA", frame.size, (0, 0, 0, 0))
    ImageDraw.Draw(overlay).rectangle((left, top, right, bottom), fill=patch)
    canvas = Image.alpha_composite(frame.convert("RGBA"), overlay).convert("RGB")
    ImageDraw.Draw(canvas).text(
        ((left + right - (x1 - x0)) // 2 - x0, top + pad - y0), title, fill=ink, font=font
    )
    with atomic_path(dest, ".part.png") as tmp:
        canvas.save(tmp, format="PNG")
    return dest


def _install(src: Path, dest: Path) -> None:
    """``dest`` as a hard link to ``src`` (a copy across file systems), whole or not at all."""
    with atomic_path(dest, f".part{dest.suffix}") as tmp:
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)


def _check_post(post: Post, video: Path) -> None:
    from ae_explainer.media.clips import video_seconds

    size, seconds = video.stat().st_size, video_seconds(video)
    if size > post.max_bytes or seconds > post.max_seconds:
        raise AecoreError(
            f"{post.name}: the post is {size / 2**20:.1f} MiB and {seconds:.1f} s; {post.label} takes at most"
            f" {post.max_bytes / 2**20:.0f} MiB and {post.max_seconds:.0f} s (try --quality medium)"
        )


def make_posts(
    platforms: list[str], opts: RenderOptions, out: Path, force: bool = False, progress: Any = None
) -> dict[str, Path]:
    """Render the short once per aspect the ``platforms`` need, and fill ``out/<platform>/`` for each.

    Returns each platform's folder. Raises :class:`AecoreError` (one line)
    if the run cannot be shown in the short, before anything renders.
    """
    from ae_explainer.media.clips import to_gif
    from ae_explainer.render.chapters import render_chapters
    from ae_explainer.render.runs import scene_class, scene_env
    from scenes.short import short_run

    info = short_info()
    with scene_env(opts):  # the run the short shows: one it can show, or one line now
        scene_class(info).run_configs()
        if opts.run.get("file"):
            short_run()
    renders = out / RENDERS_NAME
    clips: dict[str, Path] = {}
    for aspect in dict.fromkeys(POSTS[p].aspect for p in platforms):
        (clips[aspect],) = render_chapters(
            [info], opts.replace(aspect=aspect), renders, force=force, progress=progress
        )
    folders: dict[str, Path] = {}
    for name in platforms:
        post, clip = POSTS[name], clips[POSTS[name].aspect]
        _check_post(post, clip)
        folder = out / name
        try:
            folder.mkdir(exist_ok=True)
            _install(clip, folder / "post.mp4")
            for ext in ("srt", "vtt"):
                _install(clip.with_suffix(f".{ext}"), folder / f"post.{ext}")
            atomic_write(folder / "post.txt", post_text(post))
            write_cover(clip, folder / "cover.png", post.aspect)
            if name == "x":
                to_gif(clip, folder / "post.gif")
        except OSError as e:
            raise AecoreError(f"--out {out}: cannot write {name}/ ({e.strerror or e})") from None
        folders[name] = folder
    return folders


def add_social_flags(p: argparse.ArgumentParser) -> None:
    """``--platforms`` and ``--force``, besides the render flags the command shares."""
    p.add_argument(
        "--platforms",
        default=",".join(POSTS),
        metavar="NAMES",
        help=f"comma-separated, some of {', '.join(POSTS)} (default: all)",
    )
    p.add_argument("--force", action="store_true", help="render again even if the renders are already there")
