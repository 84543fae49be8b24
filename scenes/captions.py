"""Captions as subtitle files: the one SubRip (``.srt``) and WebVTT (``.vtt``) writer.

A chapter logs each caption with the seconds it is on screen
(:class:`Caption`); :func:`write_srt` writes them beside the clip. Joining
clips shifts their cues by the clips before them (:func:`join_srt`), and
:func:`vtt_text` turns SubRip into WebVTT for browsers. Parsing and composing
is the ``srt`` package's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

from aecore.files import atomic_write

__all__ = ["Caption", "join_srt", "srt_text", "vtt_text", "write_srt"]


@dataclass(frozen=True)
class Caption:
    """One caption and when it is on screen (seconds from the scene's start)."""

    start: float
    end: float
    text: str


def _td(seconds: float) -> timedelta:
    return timedelta(milliseconds=round(seconds * 1000))


def srt_text(captions: Sequence[Caption]) -> str:
    """SubRip subtitles: one numbered cue per caption, times rounded to the millisecond."""
    cues = [srt.Subtitle(i, _td(c.start), _td(c.end), c.text) for i, c in enumerate(captions, 1)]
    return srt.compose(cues, reindex=False)


def write_srt(path: Path, captions: Sequence[Caption]) -> Path:
    """Write :func:`srt_text` to ``path`` atomically (a unique temporary name, then a rename)."""
    return atomic_write(path, srt_text(captions))


def join_srt(parts: Sequence[tuple[str, float]]) -> str:
    """One SubRip text from ``(srt_text, clip_seconds)`` per clip, each shifted by the clips before it."""
    cues: list[srt.Subtitle] = []
    offset = 0.0
    for text, seconds in parts:
        shift = timedelta(seconds=offset)
        for cue in srt.parse(text):
            cues.append(srt.Subtitle(len(cues) + 1, cue.start + shift, cue.end + shift, cue.content))
        offset += seconds
    return srt.compose(cues, reindex=False)


def _vtt_time(t: timedelta) -> str:
    ms = round(t.total_seconds() * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def vtt_text(srt_source: str) -> str:
    """WebVTT (for browsers' ``<track>``) with the cues of a SubRip text."""
    cues = [f"{_vtt_time(c.start)} --> {_vtt_time(c.end)}\n{c.content}\n" for c in srt.parse(srt_source)]
    return "WEBVTT\n\n" + "\n".join(cues)
