"""Captions as subtitle files: the one SubRip (``.srt``) and WebVTT (``.vtt``) writer.

A chapter logs each caption with the seconds it is on screen
(:class:`Caption`); :func:`write_srt` writes them beside the clip. Joining
clips shifts their cues by the clips before them (:func:`join_srt`), and
:func:`vtt_text` turns SubRip into WebVTT for browsers. Parsing and composing
is the ``srt`` package's.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

from aecore.files import atomic_write

__all__ = ["Caption", "cue_id", "join_srt", "speakable", "srt_text", "vtt_text", "write_srt"]


@dataclass(frozen=True)
class Caption:
    """One caption and when it is on screen (seconds from the scene's start).

    ``spoken`` is how it reads aloud (the text itself unless its symbols read
    badly: "x̂" is "x hat"); ``cue`` is its stable id in a narration script
    (:func:`cue_id`).
    """

    start: float
    end: float
    text: str
    spoken: str = ""
    cue: str = ""

    @property
    def speech(self) -> str:
        """The words a narrator says: :attr:`spoken`, or the text where none is given."""
        return self.spoken or self.text


_SPEAKABLE = re.compile(r"[A-Za-z0-9 ,.:;'?!()%-]*")
"""Characters that read aloud as written: letters, digits, plain punctuation."""


def speakable(s: str) -> bool:
    """Whether ``s`` reads aloud as written (no mathematical symbol, accent or arrow)."""
    return _SPEAKABLE.fullmatch(s) is not None


def cue_id(chapter: int, text: str) -> str:
    """A stable id for a caption: its chapter, its first words, and a short hash of its text.

    The same caption keeps its id when other captions are added or removed,
    so a lecturer's recording named after it stays matched; a changed caption
    gets a new id (its old recording no longer fits it).
    """
    words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", text).lower())[:4]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    return f"ch{chapter:02d}-{'-'.join(words) or 'cue'}-{digest}"


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
