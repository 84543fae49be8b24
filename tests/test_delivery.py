"""Delivery: frame shapes, themes, settings files, flags, joins, GIFs, lecture packs.

Fast checks first (geometry and validation, no rendering), then a few real
renders of two short chapters at 480 px: joined with ``--jobs 2`` and
``--jobs 1``, reused, interrupted, and packed into a lecture folder.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from manim import Dot, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer

from aecore.delivery import RenderOptions
from aecore.errors import AecoreError
from aecore.media import join_subtitles, to_gif, video_frames, vtt_from_srt
from aecore.outputs import INDEX_NAME, WORK_NAME
from aecore.userconfig import load_user_config
from scenes.base import caption_mobject
from scenes.chapters import SCENES_IN_ORDER, chapter_infos, find_chapter
from scenes.frame import frame_spec, outside_safe_area, platform_margins
from scenes.settings import ASPECTS, QUALITIES
from scenes.style import PALETTES

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aecore", *args], capture_output=True, text=True, cwd=cwd or ROOT
    )


# Frames --------------------------------------------------------------------


@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("quality", list(QUALITIES))
def test_frame_spec_matches_the_aspect_in_pixels_and_in_scene_units(aspect: str, quality: str) -> None:
    spec = frame_spec(aspect, quality)
    aw, ah = ASPECTS[aspect]
    short, fps = QUALITIES[quality]
    assert min(spec.pixel_width, spec.pixel_height) == short and spec.frame_rate == fps
    assert spec.pixel_width % 2 == 0 and spec.pixel_height % 2 == 0
    assert spec.pixel_width / spec.pixel_height == pytest.approx(aw / ah, rel=0.003)
    # The frame in scene units has the same shape as the pixels, with its shorter side 8 units.
    assert spec.frame_width / spec.frame_height == pytest.approx(aw / ah)
    assert min(spec.frame_width, spec.frame_height) == 8.0


def test_cfg_text_sets_the_frame_not_only_the_pixels() -> None:
    text = frame_spec("9:16", "high").cfg_text()
    assert "pixel_width = 1080" in text and "pixel_height = 1920" in text
    assert "frame_width = 8.0" in text and re.search(r"frame_height = 14\.22", text)


def test_safe_area_check_catches_a_dot_in_the_portrait_overlay_band() -> None:
    with tempconfig(frame_spec("9:16", "low").manim_config()):
        _, my = platform_margins()
        band_y = 0.5 * 14.222 - 0.5 * my * 14.222  # inside the top 10%, still inside the frame
        assert outside_safe_area([Dot(np.array([0.0, band_y, 0.0]), radius=0.05)])
        assert not outside_safe_area([Dot(np.array([0.0, 0.0, 0.0]), radius=0.05)])
        assert not outside_safe_area([Dot(np.array([0.0, band_y, 0.0])).set_opacity(0)])


def _key_frame_scene(cls: type, aspect: str) -> object:
    with tempconfig(
        {
            **frame_spec(aspect, "low").manim_config(),
            "dry_run": True,
            "disable_caching": True,
            "verbosity": "ERROR",
            "progress_bar": "none",
        }
    ):
        scene = cls(renderer=CairoRenderer(skip_animations=True))
        scene.stop_at_key_frame = True
        scene.render()
        scene.offenders = outside_safe_area(scene.mobjects)
    return scene


@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("cls", SCENES_IN_ORDER, ids=lambda c: f"ch{c.chapter:02d}")
def test_key_frame_lies_inside_the_frame_and_outside_platform_margins(cls: type, aspect: str) -> None:
    scene = _key_frame_scene(cls, aspect)
    assert scene.key_frame_time is not None and scene.key_frame_time > 0  # type: ignore[attr-defined]
    assert len(scene.mobjects) >= 3  # type: ignore[attr-defined]
    assert scene.offenders == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
def test_long_caption_wraps_inside_a_narrow_frame_above_the_overlay_band(aspect: str) -> None:
    s = "Each face of M takes the reliability at its centre: M fades where z are sparse"
    with tempconfig(frame_spec(aspect, "low").manim_config()):
        cap = caption_mobject(s)
        from manim import config

        assert 2 <= len(cap.submobjects) <= 3  # lines, not one squeezed line
        assert outside_safe_area([cap]) == []
        # Wrapped lines keep the caption's font size: as tall as a one-line caption's line.
        one_line = caption_mobject("M fades")
        assert cap.submobjects[0].height == pytest.approx(one_line.height, rel=0.35)
        assert cap.width <= config.frame_width


def test_theme_reaches_a_scene_through_the_environment() -> None:
    code = "from scenes.style import COLORS; print(COLORS['background'], COLORS['manifold'])"
    env = {**os.environ, "AE_EXPLAINER_THEME": "light"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.stdout.split() == [PALETTES["light"]["background"], PALETTES["light"]["manifold"]]
    bad = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "AE_EXPLAINER_THEME": "sepia"},
        cwd=ROOT,
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "sepia" in bad.stderr


# Settings files and flags ---------------------------------------------------


def test_config_file_loads_every_key(tmp_path: Path) -> None:
    f = tmp_path / "talk.toml"
    f.write_text(
        '[video]\naspect = "9:16"\nquality = "medium"\nformat = "webm"\ntheme = "light"\n'
        "transparent = true\ncaptions = false\npace = 0.75\nchapters = [4, 5]\njobs = 2\n"
        '[run]\ndata = "spiral"\nlatent_dim = 1\nseed = 3\nsteps = 500\n'
    )
    uc = load_user_config(f)
    assert uc.video == {
        "aspect": "9:16",
        "quality": "medium",
        "format": "webm",
        "theme": "light",
        "transparent": True,
        "captions": False,
        "pace": 0.75,
        "chapters": ["4", "5"],
        "jobs": 2,
    }
    assert uc.run == {"data": "spiral", "latent_dim": 1, "seed": 3, "steps": 500}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("[video]\naspct = '9:16'\n", "unknown key 'aspct'"),
        ("[video]\naspect = '4:3'\n", "[video] aspect: '4:3' is not one of"),
        ("[video]\npace = 'fast'\n", "[video] pace"),
        ("[video]\njobs = 0\n", "[video] jobs"),
        ("[video]\ncaptions = 'yes'\n", "[video] captions"),
        ("[video\naspect = '9:16'\n", "not valid TOML"),
        ("[audio]\nvolume = 3\n", "unknown section(s) audio"),
        ("[run]\ndata = 'moon'\n", "[run] data: no data set or file 'moon'"),
        ("[run]\ndata = 'helix'\n", "helix is 3-D"),
        ("[run]\nlatent_dim = 2\n", "[run] latent_dim"),
        ("[run]\nsteps = 0\n", "[run] steps"),
        ("[run]\nseed = 1.5\n", "[run] seed"),
    ],
)
def test_bad_config_files_name_the_key_and_the_fix(tmp_path: Path, body: str, needle: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(body)
    with pytest.raises(AecoreError) as e:
        load_user_config(f)
    msg = str(e.value)
    assert needle in msg and str(f) in msg and "\n" not in msg


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["render", "--aspect", "4:3"], "--aspect: invalid choice"),
        (["render", "--format", "avi"], "--format: invalid choice"),
        (["render", "--transparent"], "--transparent: mp4 has no alpha channel"),
        (["render", "--jobs", "0"], "--jobs: 0 must be at least 1"),
        (["render", "--chapters", "99"], "--chapters: no chapter '99'"),
        (["render", "--config", "missing.toml"], "--config missing.toml: no such file"),
        (["render", "--pace", "9"], "--pace: 9.0 must be"),
        (["lecture", "--theme", "sepia"], "--theme: invalid choice"),
    ],
)
def test_bad_flags_give_one_line_errors(args: list[str], needle: str, tmp_path: Path) -> None:
    p = _cli(*args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert p.returncode == 2
    assert needle in p.stderr and "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.startswith("ae-explainer") or "error" in ln]
    assert len(lines) >= 1 and not (tmp_path / "out").exists()


def test_bad_config_through_the_cli_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("[video]\ntheme = 'sepia'\n")
    p = _cli("render", "--config", str(f), "--out", str(tmp_path / "out"))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0 and "[video] theme: 'sepia'" in p.stderr


def test_output_names_tell_options_apart() -> None:
    info = find_chapter("4")
    base = RenderOptions()
    names = {
        f"ch04-ManifoldForms-{o.tag()}"
        for o in (
            base,
            replace(base, aspect="9:16"),
            replace(base, quality="high"),
            replace(base, theme="light"),
            replace(base, fmt="webm", transparent=True),
            replace(base, captions=False),
            replace(base, run=(("data", "spiral"),)),
        )
    }
    assert len(names) == 7 and "ch04-ManifoldForms-16x9-low-dark" in names
    assert info.name == "ManifoldForms"


# Subtitles and GIFs ---------------------------------------------------------


def test_joined_subtitles_shift_each_clip_by_the_clips_before_it() -> None:
    a = "1\n00:00:01,000 --> 00:00:02,000\nfirst\n"
    b = "1\n00:00:00,500 --> 00:00:01,500\nsecond\n"
    joined = join_subtitles([(a, 10.0), (b, 5.0)])
    assert "00:00:10,500 --> 00:00:11,500\nsecond" in joined and joined.startswith("1\n")
    vtt = vtt_from_srt(joined)
    assert vtt.startswith("WEBVTT\n\n") and "00:00:10.500 --> 00:00:11.500" in vtt


def _noise_video(path: Path, seconds: float, fps: int = 30, size: int = 480) -> None:
    import av

    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width = s.height = size
        s.pix_fmt = "yuv420p"
        for _ in range(int(seconds * fps)):
            img = rng.integers(0, 255, (size, size, 3), dtype=np.uint8)
            c.mux(s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(s.encode())


def test_gif_meets_its_size_budget_by_lowering_width_and_frame_rate(tmp_path: Path) -> None:
    from PIL import Image

    src = tmp_path / "noise.mp4"
    _noise_video(src, 1.0)
    budget = 1_000_000
    gif = tmp_path / "noise.gif"
    width, fps = to_gif(src, gif, budget=budget)
    assert gif.stat().st_size <= budget and (width, fps) != (480, 25)
    with Image.open(gif) as im:
        assert im.size[0] == width and im.n_frames == pytest.approx(1.0 * fps, abs=1)
    assert not list(tmp_path.glob("*.part*"))
    with pytest.raises(AecoreError, match="too long"):
        to_gif(src, tmp_path / "tiny.gif", budget=2_000)
    assert not (tmp_path / "tiny.gif").exists()


# Real renders -----------------------------------------------------------------

CHAPTERS = ("2", "3")  # the two shortest chapters that join seamlessly
OPTS = RenderOptions(aspect="1:1", quality="low")


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The same two chapters rendered with --jobs 2 and with --jobs 1, each joined into a video."""
    root = tmp_path_factory.mktemp("renders")
    out: dict[str, Path] = {"root": root}
    for jobs in (2, 1):
        folder = root / f"jobs{jobs}"
        p = _cli("video", "--chapters", ",".join(CHAPTERS), "--aspect", "1:1", "--quality", "low",
                 "--jobs", str(jobs), "--out", str(folder))  # fmt: skip
        assert p.returncode == 0, p.stderr[-3000:]
        out[f"jobs{jobs}"] = folder
        out[f"log{jobs}"] = folder / "log.txt"
        out[f"log{jobs}"].write_text(p.stdout)
    yield out


@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_jobs_2_joins_the_same_frames_as_jobs_1(renders: dict[str, Path]) -> None:
    name = f"ae-explainer-{OPTS.tag()}.mp4"
    v1, v2 = renders["jobs1"] / name, renders["jobs2"] / name
    n1, n2 = video_frames(v1), video_frames(v2)
    parts = sorted(renders["jobs2"].glob("ch*.mp4"))
    assert len(parts) == 2 and n1 == n2 == sum(video_frames(p) for p in parts)
    assert "2 job(s)" in renders["log2"].read_text()
    # Joined, not re-encoded: the joined file's packets are the clips' packets, byte for byte.
    import av

    def packets(path: Path) -> list[bytes]:
        with av.open(str(path)) as c:
            return [bytes(p) for p in c.demux(c.streams.video[0]) if p.size]

    assert packets(v2) == packets(parts[0]) + packets(parts[1])


@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_joined_subtitles_cover_both_chapters_within_the_video(renders: dict[str, Path]) -> None:
    import srt

    folder = renders["jobs2"]
    video = folder / f"ae-explainer-{OPTS.tag()}.mp4"
    cues = list(srt.parse(video.with_suffix(".srt").read_text(encoding="utf-8")))
    per_chapter = [
        len(list(srt.parse(p.with_suffix(".srt").read_text(encoding="utf-8"))))
        for p in sorted(folder.glob("ch*.mp4"))
    ]
    assert len(cues) == sum(per_chapter) >= 4
    assert cues[-1].end.total_seconds() <= (video_frames(video) + 1) / 15
    assert video.with_suffix(".vtt").read_text(encoding="utf-8").startswith("WEBVTT")


@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_a_rerun_reuses_what_is_rendered(renders: dict[str, Path]) -> None:
    folder = renders["jobs1"]
    clips = sorted(folder.glob("ch*.mp4"))
    before = [c.stat().st_mtime_ns for c in clips]
    p = _cli("render", "--chapters", ",".join(CHAPTERS), "--aspect", "1:1", "--out", str(folder))
    assert p.returncode == 0 and p.stdout.count("reusing") == 2
    assert [c.stat().st_mtime_ns for c in clips] == before


def _as_in_a_terminal() -> None:
    # A shell without job control starts background commands with SIGINT ignored, and a child
    # inherits that: restore the default, which Ctrl-C in a terminal relies on.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(*args: str) -> subprocess.Popen[str]:
    """``ae-explainer ARGS`` in its own process group (so a signal reaches it and its jobs)."""
    return subprocess.Popen(
        [sys.executable, "-m", "aecore", *args],
        cwd=ROOT,
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


LONG_CHAPTER = "4"  # about 26 s of video: far from done when its first animation is written


def test_an_interrupted_render_leaves_no_file_under_the_final_name(tmp_path: Path) -> None:
    proc = _start("render", LONG_CHAPTER, "--aspect", "1:1", "--out", str(tmp_path))
    _when_rendering(proc, tmp_path)
    os.killpg(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, out[-2000:]
    assert out.rstrip().splitlines()[-1] == "ae-explainer: interrupted"
    finals = [p for p in tmp_path.iterdir() if p.name.startswith("ch")]
    assert finals == [] and not list(tmp_path.rglob("*.part*"))
    assert not (tmp_path / WORK_NAME).exists()  # its work folder went with it


def test_a_killed_render_is_whole_after_a_rerun_and_leaves_no_work_folder(tmp_path: Path) -> None:
    args = ("render", LONG_CHAPTER, "--aspect", "1:1", "--out", str(tmp_path))
    proc = _start(*args)
    _when_rendering(proc, tmp_path)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert list((tmp_path / WORK_NAME).iterdir())  # the killed run could not clean up
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("ch")]
    p = _cli(*args)
    assert p.returncode == 0, p.stderr[-2000:]
    (clip,) = tmp_path.glob("ch04-*.mp4")
    import av

    with av.open(str(clip)) as c:  # whole: every frame decodes, and there are as many as the scene plays
        frames = sum(1 for _ in c.decode(c.streams.video[0]))
    from aecore._scene_cli import chapter_duration

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
        [sys.executable, "-m", "aecore", "render", CHAPTERS[0], "--aspect", "1:1", "--out", str(tmp_path)],
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


def _scene(key: str) -> type:
    name = find_chapter(key).name
    return next(c for c in SCENES_IN_ORDER if c.__name__ == name)


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


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and key in ("src", "href", "data-src", "data-background-video", "data-background-image"):
                self.links.append(value)


@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_lecture_pack_has_every_file_and_its_html_stays_inside_the_folder(renders: dict[str, Path]) -> None:
    from PIL import Image

    from aecore.lecture import build_lecture

    out = renders["root"] / "lecture"
    infos = [find_chapter(k) for k in CHAPTERS]
    build_lecture(infos, OPTS, out, jobs=2)
    for info in infos:
        stem = f"ch{info.number:02d}-{info.name}-{OPTS.tag()}"
        for ext in (".mp4", ".srt", ".vtt"):
            assert (out / "clips" / (stem + ext)).is_file()
        with Image.open(out / "stills" / f"{stem.replace('-low-', '-4k-')}.png") as im:
            assert im.size == (2160, 2160)
            assert np.asarray(im.convert("L")).std() > 5  # a picture, not a blank frame
    for name in ("README.md", "explainer.mp4", "explainer.srt", "explainer.vtt", "contact-sheet.png"):
        assert (out / name).is_file(), name
    html = out / "slides" / "index.html"
    parser = _Links()
    parser.feed(html.read_text(encoding="utf-8"))
    assert len([u for u in parser.links if u.endswith(".mp4")]) == len(infos)
    root = out.resolve()
    css: list[Path] = []
    for link in parser.links:
        assert not re.match(r"^([a-z]+:)?//", link), link
        target = (html.parent / link).resolve()
        assert target.is_file() and target.is_relative_to(root), link
        if target.suffix == ".css":
            css.append(target)
    for sheet in css:  # stylesheets pull fonts with url(): inline data or files in the folder
        for ref in re.findall(r"url\(['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            assert ref.startswith("data:") or (sheet.parent / ref).resolve().is_file(), ref


def test_every_chapter_is_listed_once() -> None:
    assert sorted(i.number for i in chapter_infos()) == list(range(1, len(SCENES_IN_ORDER) + 1))


def test_latent_tick_labels_never_overlap_on_a_short_axis() -> None:
    from manim import Text

    from scenes.layout import Rect
    from scenes.mobjects.panels import LatentAxis

    for width, z_range in ((2.4, (-45.0, 15.0)), (4.8, (-4.2, 3.6)), (1.6, (-0.8, 0.9))):
        axis = LatentAxis(Rect(0.0, 0.0, width, 1.2), z_range, "latent space ℝ¹")
        labels = sorted((m for m in axis.ticks if isinstance(m, Text)), key=lambda m: m.get_center()[0])
        assert len(labels) >= 2
        for a, b in itertools.pairwise(labels):
            assert a.get_right()[0] + 0.05 < b.get_left()[0], (width, a.original_text, b.original_text)
