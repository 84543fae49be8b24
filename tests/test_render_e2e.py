"""One real end-to-end render through the CLI (slow: about 20 s)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import srt

pytestmark = pytest.mark.slow


def test_cli_renders_a_chapter_with_subtitles(tmp_path: Path) -> None:
    import av

    from aecore._scene_cli import chapter_duration
    from scenes.ch02_round_trip import RoundTripView

    p = subprocess.run(
        [sys.executable, "-m", "aecore", "render", "2", "--quality", "low", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    video = tmp_path / "ch02-RoundTripView-16x9-low-dark.mp4"
    assert video.is_file() and not list(tmp_path.glob("*.part"))
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        assert (stream.width, stream.height) == (854, 480)
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(stream)]
    duration = chapter_duration(RoundTripView)
    # Tolerance: the frame count matches the scene's length at 15 fps to within 3% (each
    # animation rounds its length to whole frames).
    assert abs(len(frames) - duration * 15) <= 0.03 * duration * 15
    # The frames change (something moves) and none is blank after the opening.
    diffs = [np.abs(a.astype(int) - b.astype(int)).mean() for a, b in itertools.pairwise(frames)]
    assert max(diffs) > 1.0
    assert min(f.std() for f in frames[15:]) > 5.0
    cues = list(srt.parse((tmp_path / "ch02-RoundTripView-16x9-low-dark.srt").read_text(encoding="utf-8")))
    # Subtitles are timed on the rendered frames: every cue ends inside the video, give or take
    # one frame (Manim rounds each pause to whole frames; SRT rounds to milliseconds).
    assert cues and cues[-1].end.total_seconds() <= (len(frames) + 1) / 15
