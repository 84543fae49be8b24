"""A narrated chapter split across two jobs joins to the clip of a whole render: picture, subtitles and sound.

The whole render is chapter 2 of the narrated ``video`` that the ``renders``
fixture makes with one job (``tests/conftest.py``); the test renders the
same chapter once more with two jobs, which split it into two ranges of its
animations (``manim -n``). The job of the last range writes the chapter's
whole sound track, the voices of the captions it skips included, and the
join takes the picture of both ranges and the sound of the last.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import srt

from ae_explainer.media.clips import AUDIO_RATE, clip_audio, video_frames

ROOT = Path(__file__).resolve().parents[1]
NAME = "ch02-RoundTripView-1x1-low-dark-voice"
AAC_FRAME = 1024 / AUDIO_RATE
"""Seconds of one AAC frame: how far apart two encodings of the same sound may start."""


def _frames(path: Path) -> Iterator[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        for frame in c.decode(c.streams.video[0]):
            yield frame.to_ndarray(format="rgb24").astype(np.int16)


def _audio_packets(path: Path) -> list[bytes]:
    import av

    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.audio[0]) if p.size]


def _speech_onsets(samples: np.ndarray, cues: list[srt.Subtitle], window: float = 0.01) -> list[float]:
    """Per subtitle cue: when speech first starts (seconds, to ``window``), from 0.3 s before the cue."""
    n = round(window * AUDIO_RATE)
    k = samples.size // n
    rms = np.sqrt((samples[: k * n].astype(float).reshape(k, n) ** 2).mean(axis=1))
    loud = rms > max(30.0, 0.05 * rms.max())
    out = []
    for cue in cues:
        lo = max(0, math.floor((cue.start.total_seconds() - 0.3) / window))
        hi = math.ceil(cue.end.total_seconds() / window)
        idx = np.flatnonzero(loud[lo:hi])
        assert idx.size, cue.content  # every cue is spoken
        out.append((lo + int(idx[0])) * window)
    return out


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_a_narrated_chapter_split_in_two_joins_to_the_frames_subtitles_and_sound_of_the_whole_render(
    renders: dict[str, Path], tmp_path: Path
) -> None:
    whole = renders["jobs1"] / f"{NAME}.mp4"
    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "render", "2", "--aspect", "1:1", "--quality", "low",
         "--narration", "voice", "--jobs", "2", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr[-3000:]
    assert "part 1/2" in p.stdout and "part 2/2" in p.stdout, p.stdout  # narrated, and split
    split = tmp_path / f"{NAME}.mp4"

    # The picture: the same frames. Tolerance 0: the same frames through the same encoder settings,
    # one partial movie per animation, joined by copying packets.
    assert video_frames(split) == video_frames(whole)
    worst = max(int(np.abs(a - b).max()) for a, b in zip(_frames(whole), _frames(split), strict=True))
    assert worst == 0, worst

    # The subtitles: the last range timed every caption of the chapter.
    for ext in (".srt", ".vtt"):
        assert split.with_suffix(ext).read_text() == whole.with_suffix(ext).read_text()

    # The sound, decoded: as long, as loud in the same places, every cue's voice starting at the
    # same time (to a 10 ms window; allowed: one AAC frame). The first cue is spoken from the
    # chapter's start, in the first range: a join that lost the sound before the cut fails here.
    a, b = clip_audio(whole).astype(float), clip_audio(split).astype(float)
    assert abs(a.size - b.size) <= 1024, (a.size, b.size)
    n = min(a.size, b.size)
    rms = math.sqrt(float(np.mean((a[:n] - b[:n]) ** 2))) / 32768
    assert rms < 0.01, rms  # under 1% of full scale
    cues = list(srt.parse(whole.with_suffix(".srt").read_text(encoding="utf-8")))
    assert len(cues) >= 3 and cues[0].start.total_seconds() < 1.0
    for x, y in zip(_speech_onsets(a, cues), _speech_onsets(b, cues), strict=True):
        assert abs(x - y) <= AAC_FRAME, (x, y)
    # In fact the joined clip carries the very sound packets of the whole render.
    assert _audio_packets(split) == _audio_packets(whole)
