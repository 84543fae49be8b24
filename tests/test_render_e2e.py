"""Real renders through the CLI: one checked frame by frame, then interrupted, killed, concurrent.

A render stopped by Ctrl-C or killed leaves no file under a final name; a
full disk is one line; two renders into one folder keep each other's
entries; a damaged clip or edited data is rendered again.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import srt

from ae_explainer.media.clips import video_frames
from ae_explainer.outputs import INDEX_NAME, WORK_NAME
from ae_explainer.render.runs import scene_class
from ae_explainer.render.timelines import chapter_duration
from scenes.base import ChapterScene
from scenes.chapters import find_chapter

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("2", "3")  # the two shortest chapters
LONG_CHAPTER = "4"  # about 26 s of video: far from done when its first animation is written

pytestmark = pytest.mark.slow  # every test renders chapters through the CLI


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ae_explainer", *args], capture_output=True, text=True, cwd=ROOT
    )


def _scene(key: str) -> type[ChapterScene]:
    return scene_class(find_chapter(key))


def test_cli_renders_a_chapter_with_subtitles(tmp_path: Path) -> None:
    import av

    from scenes.chapters.ch02_round_trip import RoundTripView

    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "render", "2", "--quality", "low", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    video = tmp_path / "ch02-RoundTripView-16x9-low-dark.mp4"
    assert video.is_file() and not list(tmp_path.glob("*.part"))
    with av.open(str(video)) as c:
        assert not c.streams.audio  # `render` is silent by default (--narration off)
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
    # `list` says what `render` makes: the clip's length, to the frame (`list 2`: that chapter's row only).
    listed = _cli("list", "2")
    assert listed.returncode == 0, listed.stderr[-2000:]
    (row,) = [ln.split() for ln in listed.stdout.splitlines() if ln.split()[:1] == ["2"]]
    assert row[1] == "RoundTripView" and len(listed.stdout.splitlines()) == 3  # header, the row, the note
    assert round(float(row[-2]) * 15) == len(frames), (row, len(frames))


def _as_in_a_terminal() -> None:
    # A shell without job control starts background commands with SIGINT ignored, and a child
    # inherits that: restore the default, which Ctrl-C in a terminal relies on.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``ae-explainer ARGS`` in its own process group (so a signal reaches it and its jobs)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ae_explainer", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_as_in_a_terminal,
    )


def _when_rendering(proc: subprocess.Popen[str], out: Path, timeout: float = 600.0) -> None:
    """Wait until a job of ``proc`` has written its first partial movie file into ``out``.

    That is an observable point inside the render: the chapter has many more
    animations to go, so a signal sent now always lands mid-render.
    """
    deadline = time.monotonic() + timeout
    while not list((out / WORK_NAME).glob("*/ch*/videos/**/partial_movie_files/**/*.mp4")):
        if proc.poll() is not None:
            pytest.fail(f"the render ended (exit {proc.returncode}) before it wrote a partial movie file")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("no partial movie file appeared")
        time.sleep(0.02)


def test_an_interrupted_render_leaves_no_file_under_the_final_name(tmp_path: Path) -> None:
    proc = _start("render", LONG_CHAPTER, "--aspect", "1:1", "--out", str(tmp_path))
    _when_rendering(proc, tmp_path)
    os.killpg(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=600)  # hang guards, not speed checks
    assert proc.returncode == 130, out[-2000:]
    assert out.rstrip().splitlines()[-1] == "ae-explainer: interrupted"
    finals = [p for p in tmp_path.iterdir() if p.name.startswith("ch")]
    assert finals == [] and not list(tmp_path.rglob("*.part*"))
    assert not (tmp_path / WORK_NAME).exists()  # its work folder went with it


def test_a_killed_render_is_whole_after_a_rerun_and_leaves_no_work_folder(tmp_path: Path) -> None:
    args = ("render", LONG_CHAPTER, "--aspect", "1:1", "--out", str(tmp_path))
    temp = tmp_path / "temp"  # a killed process removes nothing: its temporary files stay in the test folder
    temp.mkdir()
    proc = _start(*args, env={**os.environ, "TMPDIR": str(temp)})
    _when_rendering(proc, tmp_path)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=600)
    assert list((tmp_path / WORK_NAME).iterdir())  # the killed run could not clean up
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("ch")]
    p = _cli(*args)
    assert p.returncode == 0, p.stderr[-2000:]
    (clip,) = tmp_path.glob("ch04-*.mp4")
    import av

    with av.open(str(clip)) as c:  # whole: every frame decodes, and there are as many as the scene plays
        frames = sum(1 for _ in c.decode(c.streams.video[0]))
    seconds = chapter_duration(_scene(LONG_CHAPTER))
    assert abs(frames - seconds * 15) <= 0.03 * seconds * 15
    assert clip.with_suffix(".srt").is_file() and clip.with_suffix(".vtt").is_file()
    assert not (tmp_path / WORK_NAME).exists()


def test_a_full_disk_mid_render_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """Writes past 64 KiB fail (``RLIMIT_FSIZE``, as a full disk does) once the render has begun."""
    import resource

    from aecore.cache import ensure_run

    for cfg in _scene(CHAPTERS[0]).run_configs():  # the runs are in the cache: only the render writes
        ensure_run(cfg, progress=lambda *_: None)

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "ae_explainer",
            "render",
            CHAPTERS[0],
            "--aspect",
            "1:1",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        timeout=600,
    )
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2 and len(lines) == 1 and "Traceback" not in p.stderr, p.stderr[-3000:]
    assert lines[0].startswith("ae-explainer: error: ch02: manim failed") and "too large" in lines[0], lines[
        0
    ]
    assert not [f for f in tmp_path.iterdir() if f.name.startswith("ch")]
    assert not (tmp_path / WORK_NAME).exists()


def test_two_renders_into_one_folder_keep_both_and_a_damaged_clip_is_rendered_again(tmp_path: Path) -> None:
    a = _start("render", CHAPTERS[0], "--aspect", "1:1", "--out", str(tmp_path))
    b = _start("render", CHAPTERS[1], "--aspect", "1:1", "--out", str(tmp_path))
    for proc in (a, b):
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out[-2000:]
    index = json.loads((tmp_path / INDEX_NAME).read_text())
    clips = sorted(tmp_path.glob("ch*.mp4"))
    assert len(clips) == 2 and sorted(index) == [c.name for c in clips]
    p = _cli("render", *CHAPTERS, "--aspect", "1:1", "--out", str(tmp_path))
    assert p.returncode == 0 and p.stdout.count("reusing") == 2, p.stdout
    # A subtitle file deleted, a clip truncated under its final name: both are rendered again.
    clips[0].with_suffix(".srt").unlink()
    whole = clips[1].read_bytes()
    clips[1].write_bytes(whole[: len(whole) // 2])
    p = _cli("render", *CHAPTERS, "--aspect", "1:1", "--out", str(tmp_path))
    assert p.returncode == 0 and "reusing" not in p.stdout, p.stdout
    assert clips[0].with_suffix(".srt").is_file()
    assert video_frames(clips[1]) > 0 and clips[1].stat().st_size >= 0.9 * len(whole)


def test_editing_the_data_renders_again_under_a_new_name(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    data = tmp_path / "mine.csv"
    talk = tmp_path / "talk.toml"
    talk.write_text('[run]\ndata = "mine.csv"\nsteps = 300\n')
    out = tmp_path / "out"

    def render(points: np.ndarray) -> str:
        np.savetxt(data, points, delimiter=",", header="x,y", comments="")
        p = _cli("render", "3", "--aspect", "1:1", "--config", str(talk), "--out", str(out))
        assert p.returncode == 0, p.stderr[-2000:]
        return p.stdout

    t = rng.uniform(0, np.pi, 200)
    line = np.stack([np.cos(t), np.sin(t)], axis=1) + 0.03 * rng.standard_normal((200, 2))
    render(line)
    (first,) = out.glob("ch03-*.mp4")
    render(line[:, ::-1] * [2.0, 0.5])  # other points in the same file
    (second,) = set(out.glob("ch03-*.mp4")) - {first}
    assert "-run-" in first.name and "-run-" in second.name
    assert second.read_bytes() != first.read_bytes()
    log = render(line)  # the first data again: its clip is reused, by content
    assert f"reusing {first}" in log and len(list(out.glob("ch03-*.mp4"))) == 2
