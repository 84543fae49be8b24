"""Partial movies through :func:`scenes.patches.encoder.tune_encoder`: a bounded queue, the same frames."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scenes.patches.encoder import ENCODER_QUEUE_FRAMES

pytestmark = pytest.mark.slow  # renders two clips with Manim

_SCENE = """
import json, os
from manim import *
from manim.scene.scene_file_writer import _PartialMovieEncodeJob
import scenes.patches.encoder

scenes.patches.encoder.ENCODER_QUEUE_FRAMES = int(os.environ["QUEUE_FRAMES"])
seen = []
_put = _PartialMovieEncodeJob.put


def put(self, num_frames, frame):
    seen.append((self.queue.maxsize, self.queue.qsize()))
    _put(self, num_frames, frame)


_PartialMovieEncodeJob.put = put


class Quiet(Scene):
    def setup(self):
        scenes.patches.encoder.tune_encoder()

    def construct(self):
        dot = Dot(color=BLUE)
        self.add(dot)
        self.play(dot.animate.shift(RIGHT), run_time=1.0)
        self.wait(1.0, frozen_frame=False)  # nothing moves: frames come faster than x264 takes them
        with open(os.environ["SEEN"], "w") as fh:
            json.dump(seen, fh)
"""


def _render(
    tmp: Path, name: str, queue_frames: int, size: str = "960,540"
) -> tuple[list[list[int]], list[np.ndarray]]:
    import av

    scene = tmp / "quiet.py"
    scene.write_text(_SCENE)
    seen = tmp / f"{name}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    env.update(QUEUE_FRAMES=str(queue_frames), SEEN=str(seen), PYTHONPATH=str(Path(__file__).parents[1]))
    cmd = [sys.executable, "-m", "manim", "render", "-r", size, "--fps", "30", "--disable_caching",
           "--progress_bar", "none", "--media_dir", str(tmp / name), str(scene), "Quiet"]  # fmt: skip
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp)
    assert p.returncode == 0, p.stderr[-2000:]
    (video,) = (tmp / name).rglob("Quiet.mp4")
    (tmp / f"{name}.mp4").write_bytes(video.read_bytes())
    with av.open(str(video)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return json.loads(seen.read_text()), frames


def test_frames_wait_for_the_encoder_in_a_bounded_queue_and_are_the_same(tmp_path: Path) -> None:
    seen, frames = _render(tmp_path, "bounded", ENCODER_QUEUE_FRAMES)
    assert len(seen) >= 60  # every frame of both animations went through the queue
    # Every partial movie's queue has the bound, and never holds more frames than it.
    assert {limit for limit, _ in seen} == {ENCODER_QUEUE_FRAMES}
    assert max(waiting for _, waiting in seen) <= ENCODER_QUEUE_FRAMES
    # With no bound to speak of (Manim's own queue has none), the frames are the same.
    seen_free, frames_free = _render(tmp_path, "free", 10**9)
    assert {limit for limit, _ in seen_free} == {10**9}
    assert len(frames) == len(frames_free) == 60
    # Tolerance 0: the same frames through the same encoder settings, whatever waited in the queue.
    diffs = [
        int(np.abs(a.astype(int) - b.astype(int)).max()) for a, b in zip(frames, frames_free, strict=True)
    ]
    assert max(diffs) == 0


def test_a_1080p_render_is_encoded_with_the_superfast_preset(tmp_path: Path) -> None:
    """The delivered quality uses the one preset too: x264 writes its settings into the stream."""
    _, frames = _render(tmp_path, "full", ENCODER_QUEUE_FRAMES, "1920,1080")
    assert frames[0].shape == (1080, 1920, 3)
    settings = (tmp_path / "full.mp4").read_bytes()
    assert b" crf=23.0 " in settings
    assert b" me=dia subme=1 " in settings  # superfast's motion search; medium writes me=hex subme=7
