"""Delivery: frame shapes, themes, qualities, joins, GIFs, lecture packs.

Fast checks first (geometry, no rendering), then a few real renders of two
short chapters at 480 px: joined with ``--jobs 2`` and ``--jobs 1``, reused,
and packed into a lecture folder. Settings files and flags are checked in
``test_inputs.py``; interrupted, killed and concurrent renders in
``test_render_e2e.py``.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from manim import Dot, ManimColor, tempconfig

from ae_explainer.media.clips import to_gif, video_frames
from ae_explainer.options import RenderOptions
from aecore.errors import AecoreError
from scenes.base import caption_mobject
from scenes.captions import join_srt, vtt_text
from scenes.chapters import SCENES_IN_ORDER, ChapterInfo, chapter_infos, find_chapter
from scenes.look.frame import frame_spec, outside_safe_area, platform_margins
from scenes.look.style import PALETTES
from scenes.settings import ASPECTS, QUALITIES
from tests.conftest import RENDERED_CHAPTERS

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ae_explainer", *args], capture_output=True, text=True, cwd=cwd or ROOT
    )


# Frames --------------------------------------------------------------------


@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("quality", list(QUALITIES))
def test_frame_spec_matches_the_aspect_in_pixels_and_in_scene_units(aspect: str, quality: str) -> None:
    spec = frame_spec(aspect, quality)
    aw, ah = ASPECTS[aspect]
    q = QUALITIES[quality]
    assert min(spec.pixel_width, spec.pixel_height) == q.short_side and spec.frame_rate == q.fps
    assert spec.pixel_width % 2 == 0 and spec.pixel_height % 2 == 0
    assert spec.pixel_width / spec.pixel_height == pytest.approx(aw / ah, rel=0.003)
    # The frame in scene units has the same shape as the pixels, with its shorter side 8 units.
    assert spec.frame_width / spec.frame_height == pytest.approx(aw / ah)
    assert min(spec.frame_width, spec.frame_height) == 8.0


def test_each_quality_is_the_manim_preset_of_its_flag() -> None:
    from manim.constants import QUALITIES as MANIM_PRESETS

    presets = {p["flag"]: p for p in MANIM_PRESETS.values()}
    for q in QUALITIES.values():
        preset = presets[q.manim_flag]  # manim -q<flag> renders the same 16:9 frame
        assert (preset["pixel_height"], preset["frame_rate"]) == (q.short_side, q.fps), q.name
        spec = frame_spec("16:9", q.name)
        assert (spec.pixel_width, spec.pixel_height) == (preset["pixel_width"], preset["pixel_height"])


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


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
def test_a_wrapped_caption_never_ends_on_a_lone_word(aspect: str) -> None:
    """Captions that packed greedily left one word on their last line (the video's own captions)."""
    for s in (
        "Look closely at a few data points x",
        "M fades where few reconstructions lie per unit of its length",
        "The output is compared with the input itself: the line closes into a loop",
    ):
        with tempconfig(frame_spec(aspect, "low").manim_config()):
            lines = caption_mobject(s).submobjects
        assert len(lines) >= 2 and all(len(line.original_text.split()) >= 2 for line in lines), s


def test_theme_reaches_a_scene_through_the_environment() -> None:
    code = "from scenes.look.style import COLORS; print(COLORS['background'], COLORS['manifold'])"
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


# Subtitles and GIFs ---------------------------------------------------------


def test_joined_subtitles_shift_each_clip_by_the_clips_before_it() -> None:
    a = "1\n00:00:01,000 --> 00:00:02,000\nfirst\n"
    b = "1\n00:00:00,500 --> 00:00:01,500\nsecond\n"
    joined = join_srt([(a, 10.0), (b, 5.0)])
    assert "00:00:10,500 --> 00:00:11,500\nsecond" in joined and joined.startswith("1\n")
    vtt = vtt_text(joined)
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


@pytest.mark.slow  # renders frames and encodes GIFs
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

CHAPTERS = RENDERED_CHAPTERS
OPTS = RenderOptions(aspect="1:1", quality="low", narration="voice")  # what `video` makes by default


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_progress_in_a_log_is_a_few_plain_lines(renders: dict[str, Path]) -> None:
    for jobs in (1, 2):
        lines = renders[f"log{jobs}"].read_text().splitlines()
        assert "\x1b" not in "\n".join(lines)  # no colours or cursor moves on a pipe
        # Per chapter (and the voice, on the first run): started, at most three quarters and done;
        # plus the plan, the join, the result.
        assert len(lines) <= 3 + 5 * (len(CHAPTERS) + 1), lines
        done = [ln.split()[-2] for ln in lines if ln.endswith(" done")]
        assert sorted(d for d in done if d != "voice") == [f"ch{int(c):02d}" for c in CHAPTERS]
        result = r"done in \d+ s: .*ae-explainer-1x1-low-dark-voice\.mp4 \(subtitles: .*\)"
        assert re.fullmatch(result, lines[-1])


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_a_rerun_reuses_what_is_rendered(renders: dict[str, Path]) -> None:
    folder = renders["jobs1"]
    clips = sorted(folder.glob("ch*.mp4"))
    before = [c.stat().st_mtime_ns for c in clips]
    p = _cli("render", "--chapters", ",".join(CHAPTERS), "--aspect", "1:1", "--narration", "voice",
             "--out", str(folder))  # fmt: skip
    assert p.returncode == 0 and p.stdout.count("reusing") == 2
    assert [c.stat().st_mtime_ns for c in clips] == before


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and key in ("src", "href", "data-src", "data-background-video", "data-background-image"):
                self.links.append(value)


def _stem(info: ChapterInfo) -> str:
    return f"ch{info.number:02d}-{info.name}-{OPTS.tag()}"


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_beats_of_a_real_clip_are_its_frames_cut_where_its_captions_end(
    renders: dict[str, Path], tmp_path: Path
) -> None:
    """Packets copied at the keyframe where each caption's fade-out begins: the same pixels, exactly."""
    import av
    import srt

    from ae_explainer.media.beats import split_beats

    clip = renders["jobs2"] / f"{_stem(find_chapter('2'))}.mp4"
    ends = [c.end.total_seconds() for c in srt.parse(clip.with_suffix(".srt").read_text(encoding="utf-8"))]
    beats = split_beats(clip, tmp_path)
    assert len(beats) == len(ends) + 1 and beats[-1].end == pytest.approx(video_frames(clip) / 15)
    for beat, end in zip(beats, ends, strict=False):  # each beat ends at its caption's end, to half a frame
        assert abs(beat.end - end) <= 0.5 / 15 and beat.caption

    def frames(path: Path) -> list[np.ndarray]:
        with av.open(str(path)) as c:
            assert c.streams.audio  # the narrated clip gives beats that speak
            return [f.to_ndarray(format="rgb24") for f in c.decode(c.streams.video[0])]

    whole = frames(clip)
    counts = [video_frames(b.path) for b in beats]
    assert sum(counts) == len(whole) and min(counts) >= 4
    start = 0
    for beat, n in zip(beats, counts, strict=True):
        part = frames(beat.path)
        assert len(part) == n and round(beat.start * 15) == start
        # Tolerance 0: the same packets of a closed group of pictures decode to the same pixels.
        for k in (0, n // 2, n - 1):
            assert np.array_equal(part[k], whole[start + k]), (beat.path.name, k)
        start += n


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_lecture_pack_has_every_file_and_its_html_stays_inside_the_folder(renders: dict[str, Path]) -> None:
    import srt
    from PIL import Image

    from ae_explainer.deliver.lecture import build_lecture

    out = renders["root"] / "lecture"
    infos = [find_chapter(k) for k in CHAPTERS]
    build_lecture(infos, OPTS, out, jobs=2)
    for info in infos:
        stem = _stem(info)
        for ext in (".mp4", ".srt", ".vtt"):
            assert (out / "clips" / (stem + ext)).is_file()
        with Image.open(out / "stills" / f"{stem.replace('-low-', '-4k-')}.png") as im:
            assert im.size == (2160, 2160)
            assert np.asarray(im.convert("L")).std() > 5  # a picture, not a blank frame
    for name in (
        "README.md",
        "explainer.mp4",
        "explainer.srt",
        "explainer.vtt",
        "contact-sheet.png",
        "explore/index.html",
    ):
        assert (out / name).is_file(), name
    html = out / "slides" / "index.html"
    parser = _Links()
    text = html.read_text(encoding="utf-8")
    parser.feed(text)
    # One slide per caption beat: each chapter's captions, and its closing fade.
    cues = {
        i.number: list(srt.parse((out / "clips" / f"{_stem(i)}.srt").read_text(encoding="utf-8")))
        for i in infos
    }
    videos = [u for u in parser.links if u.endswith(".mp4")]
    assert len(videos) == len(set(videos)) == sum(len(c) + 1 for c in cues.values()) >= 2 * len(infos) + 4
    notes = re.findall(r'<aside class="notes" data-markdown>(.*?)</aside>', text, flags=re.S)
    expected = []
    for info in infos:
        captions = [c.content for c in cues[info.number]]
        title = f"{info.number}. {info.title}"
        expected += [f"**{title}**\n\n{captions[0]}", *captions[1:], f"(the end of {title})"]
    assert notes == expected
    # Narrated beats are never muted (silent ones are, so that they autoplay without a click).
    assert text.count("data-background-video-muted") == 0
    # The beats live once, in the deck's assets folder (the converter copies nothing twice).
    assert sorted(p.name for p in (out / "slides").rglob("*.mp4")) == sorted(Path(u).name for u in videos)
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

    from scenes.look.layout import Rect
    from scenes.mobjects.panels import LatentAxis

    for width, z_range in ((2.4, (-45.0, 15.0)), (4.8, (-4.2, 3.6)), (1.6, (-0.8, 0.9))):
        axis = LatentAxis(Rect(0.0, 0.0, width, 1.2), z_range, "latent space ℝ¹")
        labels = sorted((m for m in axis.ticks if isinstance(m, Text)), key=lambda m: m.get_center()[0])
        assert len(labels) >= 2
        for a, b in itertools.pairwise(labels):
            assert a.get_right()[0] + 0.05 < b.get_left()[0], (width, a.original_text, b.original_text)


@pytest.mark.slow
def test_stills_draw_key_frames_and_a_contact_sheet(tmp_path: Path) -> None:
    """``make stills``: one chapter, two aspects, the light theme; the sheet puts the stills side by side."""
    from PIL import Image

    out = tmp_path / "stills"
    cmd = [sys.executable, "-m", "ae_explainer", "stills", "--out", str(out), "--aspects", "1:1,9:16"]
    cmd += ["--themes", "light", "--chapters", "2", "--quality", "low"]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr[-2000:]
    square = Image.open(out / "1x1-light" / "ch02-RoundTripView.png")
    tall = Image.open(out / "9x16-light" / "ch02-RoundTripView.png")
    assert square.width == square.height and tall.height > tall.width
    pixels = np.asarray(square.convert("RGB"), dtype=float)
    background = np.array(ManimColor(PALETTES["light"]["background"]).to_int_rgb(), dtype=float)
    assert (np.abs(pixels - background).max(axis=-1) > 60).mean() > 0.01  # the chapter is drawn, not blank
    sheet = Image.open(out / "ch02-RoundTripView.png")
    assert sheet.height == 360 and sheet.width > 360 + 12  # both stills, side by side
    assert not list(out.rglob("*.tmp.png"))
    bad = subprocess.run([*cmd[:4], "--themes", "sepia"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "sepia" in bad.stderr and "Traceback" not in bad.stderr
