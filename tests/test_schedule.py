"""Render jobs: scheduled longest first, long chapters split, and a split chapter is the whole render."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ae_explainer.render.schedule import (
    SECONDS_PER_SECOND,
    STARTUP_SECONDS,
    TYPICAL_RATES,
    Piece,
    makespan,
    measured_rates,
    plan,
    record_rates,
)

ROOT = Path(__file__).resolve().parents[1]


def _timeline(seconds: float, animations: int) -> list[float]:
    return [seconds * (i + 1) / animations for i in range(animations)]


TIMELINES = {
    "A": _timeline(12.0, 6),
    "B": _timeline(40.0, 20),
    "C": _timeline(25.0, 10),
    "D": _timeline(20.0, 8),
}


def _covers(pieces: list[Piece], name: str, n: int) -> bool:
    """Whether the pieces of chapter ``name`` render each of its ``n`` animations exactly once."""
    ranges = sorted((p.first, n - 1 if p.last is None else p.last) for p in pieces if p.name == name)
    return (
        ranges[0][0] == 0
        and ranges[-1][1] == n - 1
        and all(b + 1 == c for (_, b), (c, _) in itertools.pairwise(ranges))
    )


def test_the_schedule_is_deterministic_longest_first_and_splits_to_keep_both_workers_busy() -> None:
    one = plan(TIMELINES, workers=1, fps=15, startup=2.0)
    assert [p.name for p in one] == ["B", "C", "D", "A"] and all(p.whole for p in one)
    two = plan(TIMELINES, workers=2, fps=15, startup=2.0)
    assert two == plan(dict(TIMELINES), workers=2, fps=15, startup=2.0)  # the same inputs, the same plan
    for name, ends in TIMELINES.items():
        assert _covers(two, name, len(ends))
        parts = [p for p in two if p.name == name]
        assert sorted(p.part for p in parts) == list(range(1, len(parts) + 1))
        assert all(p.parts == len(parts) for p in parts)
        assert sum(p.seconds for p in parts) == pytest.approx(ends[-1])
    assert any(not p.whole for p in two)  # the 40 s chapter is cut: alone it is a third of the work
    costs = [2.0 + p.first / 15 + p.seconds for p in two]
    assert costs == sorted(costs, reverse=True)  # longest first
    whole = [2.0 + t[-1] for t in sorted(TIMELINES.values(), key=lambda t: -t[-1])]
    assert makespan(costs, 2) < makespan(whole, 2)
    assert makespan(costs, 2) <= 1.05 * sum(costs) / 2  # both workers busy to the end
    assert min(p.seconds for p in two if not p.whole) >= 4.0
    # Without splitting, the chapters still start longest first.
    assert [p.name for p in plan(TIMELINES, workers=2, fps=15, startup=2.0, split=False)] == [
        "B",
        "C",
        "D",
        "A",
    ]


def test_a_chapter_measured_as_costly_starts_first_and_its_rate_is_kept(tmp_path: Path) -> None:
    # D plays 20 s of video but costs 3x the usual per second: 60 s of work, more than B's 40 s.
    rated = plan(TIMELINES, workers=1, fps=15, startup=2.0, rates={"D": 3.0})
    assert [p.name for p in rated] == ["D", "B", "C", "A"]
    split = plan(TIMELINES, workers=2, fps=15, startup=2.0, rates={"D": 3.0})
    costs = [2.0 + (3.0 if p.name == "D" else 1.0) * (p.first / 15 + p.seconds) for p in split]
    assert costs == sorted(costs, reverse=True)
    assert makespan(costs, 2) <= 1.05 * sum(costs) / 2
    # A render's wall times become rates: D took 3x the usual, its pieces pooled; C took the usual.
    usual = SECONDS_PER_SECOND["low"]
    start = STARTUP_SECONDS["low"] * usual  # the start-up every job pays, in wall seconds
    d1, d2 = Piece("D", 0, 3, 0.0, 10.0, 1, 2), Piece("D", 4, None, 10.0, 10.0, 2, 2)
    done = [(d1, start + 3 * usual * 10.0, 15.0), (d2, start + 3 * usual * (10.0 + 4 / 15), 15.0)]
    done.append((Piece("C", 0, None, 0.0, 25.0), start + usual * 25.0, 15.0))
    rates = record_rates(tmp_path, "low", done)
    assert rates == pytest.approx({"D": 3.0, "C": 1.0})
    assert measured_rates(tmp_path, "low") == pytest.approx({**TYPICAL_RATES, **rates}, abs=1e-4)
    assert measured_rates(tmp_path, "high") == TYPICAL_RATES  # nothing measured: the typical costly ones
    record_rates(tmp_path, "low", [(Piece("A", 0, None, 0.0, 12.0), start + 2 * usual * 12.0, 15.0)])
    found = measured_rates(tmp_path, "low")
    assert found == pytest.approx({**TYPICAL_RATES, "D": 3.0, "C": 1.0, "A": 2.0}, abs=1e-4)
    (tmp_path / "rates.json").write_text("{not json")
    assert measured_rates(tmp_path, "low") == TYPICAL_RATES  # a broken file is no measurement, not an error


def test_a_piece_is_a_manim_animation_range() -> None:
    assert Piece("A", 0, None, 0.0, 12.0).manim_range() == []
    assert Piece("A", 0, 4, 0.0, 6.0, part=1, parts=2).manim_range() == ["-n", "0,4"]
    assert Piece("A", 5, None, 6.0, 6.0, part=2, parts=2).manim_range() == ["-n", "5"]


def _render(out: Path, jobs: int) -> str:
    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "render", "2", "--quality", "low", "--aspect", "1:1",
         "--jobs", str(jobs), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout


@pytest.mark.slow
def test_a_split_chapter_joins_to_exactly_the_frames_and_subtitles_of_the_whole_render(
    tmp_path: Path,
) -> None:
    """Chapter 2 rendered whole (one job) and in two parts (two jobs, ``-n`` ranges) joined by packet copy."""
    import av

    from ae_explainer.media.clips import video_frames
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import chapter_runs
    from ae_explainer.render.timelines import chapter_timeline
    from aecore.cache import ensure_run
    from aecore.files import file_sha256
    from scenes.chapters import find_chapter

    log = _render(tmp_path / "whole", 1)
    assert "part" not in log
    log = _render(tmp_path / "split", 2)
    assert "part 1/2" in log and "part 2/2" in log, log
    name = "ch02-RoundTripView-1x1-low-dark"
    whole, split = tmp_path / "whole" / f"{name}.mp4", tmp_path / "split" / f"{name}.mp4"

    def frames(path: Path) -> list[np.ndarray]:
        with av.open(str(path)) as c:
            return [f.to_ndarray(format="rgb24") for f in c.decode(c.streams.video[0])]

    a, b = frames(whole), frames(split)
    assert len(a) == len(b) == video_frames(split)
    # Tolerance: the same frames go through the same encoder settings, one partial movie per
    # animation, so the pixels are equal; 2 levels of 255 would allow for a decoder's rounding.
    worst = max(int(np.abs(x.astype(np.int16) - y.astype(np.int16)).max()) for x, y in zip(a, b, strict=True))
    assert worst <= 2, worst
    for ext in (".srt", ".vtt"):
        assert split.with_suffix(ext).read_text() == whole.with_suffix(ext).read_text()
    assert b" me=dia subme=1 " in whole.read_bytes()  # a preview: encoded with x264's superfast preset
    # The dry run that schedules the jobs knows the video's length to the frame.
    opts = RenderOptions(quality="low", aspect="1:1")
    info = find_chapter("2")
    runs = [file_sha256(ensure_run(cfg)) for cfg in chapter_runs(info, opts)]
    assert round(chapter_timeline(info, opts, runs)[-1] * 15) == len(a)
    # A rerun of the split render reuses the joined clip.
    assert "reusing" in _render(tmp_path / "split", 2)


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_a_caption_edit_renders_that_chapter_again_and_only_it(
    renders: dict[str, Path], tmp_path: Path
) -> None:
    """The project copied, one caption of chapter 3 edited: ``video`` renders chapter 3 only, then joins."""
    from tests.conftest import RENDERED_CHAPTERS

    copy = tmp_path / "project"
    for layer in ("aecore", "scenes", "ae_explainer"):
        shutil.copytree(ROOT / layer, copy / layer, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    shutil.copytree(renders["jobs1"], out)
    chapter = next((copy / "scenes" / "chapters").glob("ch03_*.py"))
    source = chapter.read_text(encoding="utf-8")
    at = re.search(r'self\.(say|caption)\(\s*(_\(\s*)?"', source).end()  # type: ignore[union-attr]
    chapter.write_text(source[:at] + "Edited: " + source[at:], encoding="utf-8")
    clips = sorted(out.glob("ch*.mp4"))
    before = {c.name: c.stat().st_mtime_ns for c in clips}
    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "video", "--chapters", ",".join(RENDERED_CHAPTERS),
         "--aspect", "1:1", "--quality", "low", "--jobs", "1", "--out", str(out)],
        capture_output=True, text=True, cwd=copy, env={**_env(), "PYTHONPATH": str(copy)},
    )  # fmt: skip
    assert p.returncode == 0, p.stderr[-3000:]
    after = {c.name: c.stat().st_mtime_ns for c in clips}
    changed = sorted(n for n in before if before[n] != after[n])
    assert len(changed) == 1 and changed[0].startswith("ch03"), (changed, p.stdout)
    assert p.stdout.count("reusing") == len(RENDERED_CHAPTERS) - 1
    assert "Edited: " in next(out.glob("ch03-*.srt")).read_text(encoding="utf-8")
    assert "Edited: " in next(out.glob("ae-explainer-*.srt")).read_text(encoding="utf-8")


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_a_theme_change_renders_every_chapter_again_and_trains_nothing() -> None:
    """The theme is in every clip's key, and in no run's config (nor in the timelines' keys)."""
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.chapters import _key
    from ae_explainer.render.runs import chapter_runs
    from scenes.chapters import chapter_infos

    dark, light = RenderOptions(quality="low"), RenderOptions(quality="low", theme="light")
    for info in chapter_infos():
        runs = [cfg.to_dict() for cfg in chapter_runs(info, dark)]
        assert runs == [cfg.to_dict() for cfg in chapter_runs(info, light)], info.name
        keys = {_key("code", ["run"], info.name, o, "clip") for o in (dark, light)}
        assert len(keys) == 2


def test_the_runs_a_render_needs_train_two_at_a_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import threading

    import aecore.cache
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import chapter_runs, prepare_runs
    from scenes.chapters import find_chapter

    both = threading.Barrier(2, timeout=600)  # two trainings at once meet here; one at a time never does
    calls: list[str] = []

    def ensure_run(cfg: object, progress: object = None) -> Path:
        key = repr(cfg)
        calls.append(key)
        if len(calls) <= 2:
            both.wait()
        path = tmp_path / f"run{len(key)}-{abs(hash(key))}.npz"
        path.write_bytes(key.encode())
        return path

    monkeypatch.setattr(aecore.cache, "ensure_run", ensure_run)
    infos = [find_chapter("6"), find_chapter("7")]
    opts = RenderOptions(quality="low", narration="off")
    digests = prepare_runs(infos, opts, jobs=2)
    configs = {repr(c) for i in infos for c in chapter_runs(i, opts)}
    assert sorted(calls) == sorted(configs)  # each run once
    assert [len(digests[i.name]) for i in infos] == [len(chapter_runs(i, opts)) for i in infos]


def test_a_dry_run_draws_nothing_and_times_the_chapter_as_a_drawing_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from manim import tempconfig
    from manim.camera.camera import Camera
    from manim.renderer.cairo_renderer import CairoRenderer

    from scenes.chapters.ch03_morph import MorphToRepresentation
    from scenes.patches.skipping import dry_run

    settings = {"pixel_width": 480, "pixel_height": 270, "frame_rate": 15}
    drawn: list[int] = []
    capture = Camera.capture_mobjects

    def counted(self: Camera, *args: object, **kwargs: object) -> None:
        drawn.append(1)
        capture(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Camera, "capture_mobjects", counted)
    quiet = dry_run(MorphToRepresentation, settings)
    assert drawn == []
    with tempconfig({**settings, "dry_run": True, "disable_caching": True, "verbosity": "ERROR"}):
        drawing = MorphToRepresentation(renderer=CairoRenderer(skip_animations=True))
        drawing.render()
    assert drawn  # Manim's own skipped plays draw
    assert quiet.play_ends == drawing.play_ends and len(quiet.captions) == len(drawing.captions)
