"""What a video platform wants beside the video: a chapter list, a WebVTT chapters track, a thumbnail.

``ae-explainer video`` writes, next to ``<stem>.mp4``:

- ``<stem>.chapters.txt``: YouTube's chapter list, to paste into the video's
  description: one ``m:ss Title`` line per chapter, the first at ``0:00``,
  every chapter at least 10 s long (YouTube ignores a list that breaks
  either rule; a shorter chapter is merged into its neighbour,
  :func:`youtube_chapters`).
- ``<stem>.chapters.vtt``: the chapters as a WebVTT track, the kind a
  ``<track kind="chapters">`` element loads: one cue per chapter, from its
  first frame to its last.
- ``<stem>.thumbnail.png``: a 1280x720 thumbnail (YouTube's size, 16:9):
  a frame of the video where the decoder's image M lies over the data
  (:data:`THUMBNAIL_CHAPTERS`), scaled to fit and padded with the video's
  background, with the video's title across the top.

Each file is written under a temporary name and renamed when whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aecore.errors import AecoreError
from aecore.files import atomic_path, atomic_write
from scenes.i18n import N_, _, is_cjk

if TYPE_CHECKING:
    from scenes.chapters import ChapterInfo

__all__ = [
    "MIN_CHAPTER_SECONDS",
    "THUMBNAIL_CHAPTERS",
    "THUMBNAIL_SIZE",
    "TITLE",
    "chapter_list_text",
    "chapter_spans",
    "chapters_vtt_text",
    "thumbnail",
    "thumbnail_moment",
    "write_publishing_files",
    "youtube_chapters",
]

TITLE = N_("What an autoencoder represents")
"""The title of the explainer, drawn on its thumbnail."""

MIN_CHAPTER_SECONDS = 10.0
"""YouTube's shortest chapter: a list with a shorter one is not shown as chapters."""

THUMBNAIL_SIZE = (1280, 720)
"""YouTube's recommended thumbnail size (16:9)."""

THUMBNAIL_CHAPTERS = ("ManifoldForms", "BothPictures", "ReliableWhereDense")
"""Chapters whose last caption shows M formed over the data, in order of preference (ch04, ch12, ch06)."""

_BEFORE_CAPTION_END = 0.5
"""The thumbnail's frame is this many seconds before its chapter's last caption ends (not mid-fade)."""


def chapter_spans(durations: Sequence[tuple[str, float]]) -> list[tuple[float, float, str]]:
    """``(start, end, title)`` of each chapter laid end to end, from ``(title, seconds)`` in order."""
    spans: list[tuple[float, float, str]] = []
    t = 0.0
    for title, seconds in durations:
        spans.append((t, t + seconds, title))
        t += seconds
    return spans


def youtube_chapters(
    durations: Sequence[tuple[str, float]], min_seconds: float = MIN_CHAPTER_SECONDS
) -> list[tuple[float, str]]:
    """``(start, title)`` of each chapter of a YouTube chapter list, from ``(title, seconds)`` in order.

    The first starts at 0 and every one lasts at least ``min_seconds``: a
    shorter chapter is not listed but merged into its neighbour (the one
    before it, which then runs on over it; the first chapter, into the
    next, which then starts at 0), the shortest first, until every chapter
    is long enough or one is left.
    """
    spans = chapter_spans(durations)
    while len(spans) > 1:
        short = [i for i, (s, e, _) in enumerate(spans) if e - s < min_seconds]
        if not short:
            break
        i = min(short, key=lambda k: spans[k][1] - spans[k][0])
        if i > 0:  # the chapter before runs on over it
            spans[i - 1 : i + 1] = [(spans[i - 1][0], spans[i][1], spans[i - 1][2])]
        else:  # the next starts where it started
            spans[0:2] = [(spans[0][0], spans[1][1], spans[1][2])]
    return [(s, title) for s, _, title in spans]


def _stamp(seconds: float) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour), seconds rounded down: YouTube's chapter stamps."""
    whole = math.floor(seconds + 1e-6)
    h, m, s = whole // 3600, whole // 60 % 60, whole % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def chapter_list_text(durations: Sequence[tuple[str, float]]) -> str:
    """YouTube's chapter list of ``(title, seconds)``: ``0:00 Title`` lines (:func:`youtube_chapters`)."""
    return "".join(f"{_stamp(start)} {title}\n" for start, title in youtube_chapters(durations))


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def chapters_vtt_text(durations: Sequence[tuple[str, float]]) -> str:
    """A WebVTT chapters track (``<track kind="chapters">``): one cue per chapter of ``(title, seconds)``."""
    cues = [
        f"{k}\n{_vtt_time(start)} --> {_vtt_time(end)}\n{title.replace('-->', '->')}\n"
        for k, (start, end, title) in enumerate(chapter_spans(durations), 1)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def thumbnail_moment(chapters: Sequence[tuple[ChapterInfo, Path]]) -> tuple[Path, float]:
    """The clip and the time in it (seconds) of the thumbnail's frame.

    The first of :data:`THUMBNAIL_CHAPTERS` that is among ``chapters``
    (else the longest clip), half a second before its last caption ends:
    the chapter's fullest picture, before its closing fade.
    """
    from ae_explainer.media.beats import beat_cuts
    from ae_explainer.media.clips import video_seconds

    by_name = {info.name: clip for info, clip in chapters}
    clip = next((by_name[n] for n in THUMBNAIL_CHAPTERS if n in by_name), None)
    if clip is None:
        clip = max((c for _, c in chapters), key=video_seconds)
    length = video_seconds(clip)
    srt = clip.with_suffix(".srt")
    ends = [t for t, _ in beat_cuts(srt.read_text(encoding="utf-8"))] if srt.is_file() else []
    at = ends[-1] - _BEFORE_CAPTION_END if ends else 0.8 * length
    return clip, min(max(at, 0.0), max(length - 0.1, 0.0))


def _frame_at(video: Path, seconds: float) -> Any:
    """The frame of ``video`` shown at ``seconds`` as a PIL image (the last frame if it is later)."""
    import av

    image = None
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        if stream.time_base is not None:  # to the keyframe at or before it (each animation starts with one)
            c.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        for frame in c.decode(stream):
            if frame.time is not None and frame.time > seconds + 1e-6 and image is not None:
                break
            image = frame.to_image()
    if image is None:
        raise AecoreError(f"thumbnail: no frame could be read from {video}")
    return image.convert("RGB")


def _font(size: int, title: str = "") -> Any:
    """DejaVu Sans Bold at ``size`` px; Noto Sans CJK Bold for a Japanese ``title``."""
    from PIL import ImageFont

    names: tuple[str, ...] = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")
    if is_cjk(title):
        names = ("NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc", *names)
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def thumbnail(video: Path, seconds: float, dest: Path, title: str = TITLE) -> Path:
    """A :data:`THUMBNAIL_SIZE` PNG of ``video``'s frame at ``seconds``, with ``title`` across the top.

    The title is set in DejaVu Sans Bold on a band across the top, in the
    theme's text colour (light on dark, dark on light); the frame is scaled
    to fit below the band (nothing of it hidden under the title) and padded
    with its own background colour (its top-left pixel), so a portrait or
    square video is not cropped either.
    """
    from PIL import Image, ImageDraw

    title = _(title)
    frame = _frame_at(video, seconds)
    w, h = THUMBNAIL_SIZE
    background = frame.getpixel((0, 0))
    dark = sum(background[:3]) < 3 * 128
    ink = (255, 255, 255) if dark else (20, 20, 20)
    canvas = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(canvas)
    font_size = 72
    while font_size > 24 and draw.textlength(title, font=_font(font_size, title)) > w - 80:
        font_size -= 4
    font = _font(font_size, title)
    left, top, right, bottom = draw.textbbox((0, 0), title, font=font)
    pad = font_size // 3
    band = bottom - top + 2 * pad
    scale = min(w / frame.width, (h - band) / frame.height)
    size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
    canvas.paste(
        frame.resize(size, Image.Resampling.LANCZOS), ((w - size[0]) // 2, band + (h - band - size[1]) // 2)
    )
    draw.text(((w - (right - left)) // 2 - left, pad - top), title, fill=ink, font=font)
    with atomic_path(dest, ".part.png") as tmp:
        canvas.save(tmp, format="PNG")
    return dest


def write_publishing_files(video: Path, chapters: Sequence[tuple[ChapterInfo, Path]]) -> list[Path]:
    """The chapter list, the WebVTT chapters and the thumbnail of ``video``, joined from ``chapters``.

    ``chapters`` are ``(chapter, clip)`` in the order they were joined.
    Returns the paths written: ``<stem>.chapters.txt``, ``<stem>.chapters.vtt``,
    ``<stem>.thumbnail.png`` beside ``video``.
    """
    from ae_explainer.media.clips import video_seconds

    durations = [(info.title, video_seconds(clip)) for info, clip in chapters]
    stem = video.with_suffix("")
    txt, vtt, png = (
        stem.with_name(f"{stem.name}{ext}") for ext in (".chapters.txt", ".chapters.vtt", ".thumbnail.png")
    )
    clip, at = thumbnail_moment(chapters)
    try:
        atomic_write(txt, chapter_list_text(durations))
        atomic_write(vtt, chapters_vtt_text(durations))
        thumbnail(clip, at, png)
    except OSError as e:
        raise AecoreError(
            f"--out {video.parent}: cannot write {video.stem}'s chapters ({e.strerror or e})"
        ) from None
    return [txt, vtt, png]
