"""Mastering and containers: loudness targets, true peaks, ``moov`` first, chapter lists, thumbnails.

Fast: the movies here are a few seconds of synthetic picture and sound
written with PyAV, passed through the same writers a render uses
(:func:`ae_explainer.media.clips.finish_clip`, :func:`ae_explainer.media.clips.join_videos`).
One end-to-end test (``slow``) renders chapter 2 narrated at low quality.
"""

from __future__ import annotations

import math
import os
import struct
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from ae_explainer.deliver.publish import (
    chapter_list_text,
    chapters_vtt_text,
    thumbnail,
    youtube_chapters,
)
from ae_explainer.media.beats import split_clip
from ae_explainer.media.clips import AUDIO_RATE, clip_audio, finish_clip, join_videos, video_seconds
from ae_explainer.media.loudness import (
    CEILING_DBTP,
    SOCIAL_LUFS,
    integrated_loudness,
    master,
    true_peak,
)
from ae_explainer.options import DEFAULT_LUFS, RenderOptions
from aecore.errors import AecoreError

ROOT = Path(__file__).resolve().parents[1]
RATE = 48_000


def _tone(seconds: float, lufs: float, hz: float = 1000.0) -> np.ndarray:
    x = np.sin(2 * np.pi * hz * np.arange(round(seconds * RATE)) / RATE)
    return x * 10 ** ((lufs - integrated_loudness(x, RATE)) / 20)


# Loudness ---------------------------------------------------------------------------------------


def test_a_quiet_tone_is_mastered_to_the_social_target() -> None:
    tone = _tone(5.0, -30.0)
    assert integrated_loudness(tone, RATE) == pytest.approx(-30.0, abs=0.01)
    out = master(tone, RATE, SOCIAL_LUFS)
    assert integrated_loudness(out, RATE) == pytest.approx(-14.0, abs=0.5)
    assert true_peak(out) <= CEILING_DBTP + 1e-9
    # a plain gain: the shape is the tone's
    assert np.corrcoef(out, tone)[0, 1] > 0.9999


def test_the_true_peak_sees_the_peak_between_samples() -> None:
    # a sine at a quarter of the rate, sampled at +-45 degrees: every sample is at 0.707 of its peak
    n = np.arange(4800)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4)
    assert 20 * math.log10(np.abs(x).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak(x) == pytest.approx(0.0, abs=0.3)


@pytest.mark.parametrize("kind", ["square", "noise"])
def test_a_loud_clipped_signal_is_limited_under_the_ceiling_and_never_clips(kind: str) -> None:
    t = np.arange(5 * RATE) / RATE
    if kind == "square":
        x = np.clip(4 * np.sin(2 * np.pi * 997 * t), -1, 1)  # clipped: a square wave at full scale
    else:
        x = np.clip(0.6 * np.random.default_rng(0).standard_normal(t.size), -1, 1)
    x[RATE : RATE + 480] *= 0.05  # a quiet dip the limiter must not disturb much
    assert true_peak(x) > 0.0
    out = master(x, RATE, SOCIAL_LUFS)
    assert true_peak(out) <= CEILING_DBTP + 1e-6
    assert np.abs(out).max() < 1.0
    assert integrated_loudness(out, RATE) == pytest.approx(SOCIAL_LUFS, abs=0.5)


def test_a_loud_burst_is_limited_only_around_itself() -> None:
    t = np.arange(6 * RATE) / RATE
    speech = 0.1 * np.sin(2 * np.pi * 220 * t)
    burst = slice(3 * RATE, 3 * RATE + 240)
    speech[burst] += 0.85 * np.sin(2 * np.pi * 3000 * t[burst])
    out = master(speech, RATE, DEFAULT_LUFS)
    assert true_peak(out) <= CEILING_DBTP + 1e-6
    far = np.abs(speech[: 2 * RATE]) > 0.01  # far from the burst: one gain, no limiting
    assert np.ptp(out[: 2 * RATE][far] / speech[: 2 * RATE][far]) < 1e-9
    assert integrated_loudness(out, RATE) == pytest.approx(DEFAULT_LUFS, abs=0.5)


@pytest.mark.parametrize("samples", [np.zeros(3 * RATE), np.zeros(100), 0.5 * np.ones(1000), np.zeros(0)])
def test_silence_and_too_short_sound_pass_unchanged(samples: np.ndarray) -> None:
    out = master(samples, RATE, SOCIAL_LUFS)
    assert out.shape == samples.shape and np.array_equal(out, samples)


def test_a_stereo_track_gets_one_gain_on_both_channels() -> None:
    left, right = _tone(4.0, -24.0), _tone(4.0, -30.0, hz=440.0)
    out = master(np.stack([left, right], axis=1), RATE, DEFAULT_LUFS)
    assert out.shape == (left.size, 2)
    ok = (np.abs(left) > 1e-3) & (np.abs(right) > 1e-3)
    assert out[ok, 0] / left[ok] == pytest.approx(out[ok, 1] / right[ok])


# Containers -------------------------------------------------------------------------------------


def _atoms(path: Path) -> list[str]:
    """The top-level atoms of an ISO BMFF file, in order."""
    names = []
    with path.open("rb") as f:
        while header := f.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0] - 8
            elif size == 0:
                names.append(kind.decode())
                break
            names.append(kind.decode())
            f.seek(size - 8, os.SEEK_CUR)
    return names


def _movie(path: Path, seconds: float, sound: np.ndarray | None, fps: int = 15) -> Path:
    """A small H.264 movie, ``moov`` last (a plain mux), with 16-bit ``sound`` in AAC if given."""
    import av

    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 160, 96, "yuv420p"
        a = c.add_stream("aac", rate=AUDIO_RATE, layout="mono") if sound is not None else None
        for i in range(round(seconds * fps)):
            img = np.full((96, 160, 3), (i * 7) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            c.mux(v.encode(frame))
        c.mux(v.encode(None))
        if a is not None and sound is not None:
            for start in range(0, sound.size, 1024):
                af = av.AudioFrame.from_ndarray(sound[start : start + 1024].reshape(1, -1), "s16", "mono")
                af.sample_rate, af.pts = AUDIO_RATE, start
                c.mux(a.encode(af))
            c.mux(a.encode(None))
    return path


def _s16(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, -1, 1) * 32767).astype(np.int16)


def test_every_mp4_writer_puts_moov_before_mdat(tmp_path: Path) -> None:
    loud = _s16(np.clip(3 * np.sin(2 * np.pi * 300 * np.arange(3 * AUDIO_RATE) / AUDIO_RATE), -1, 1))
    clip = _movie(tmp_path / "clip.mp4", 3.0, loud)
    silent = _movie(tmp_path / "silent.mp4", 2.0, None)
    assert _atoms(clip).index("mdat") < _atoms(clip).index("moov")  # a plain mux: the index last
    finished, joined = tmp_path / "finished.mp4", tmp_path / "joined.mp4"
    finish_clip(clip, finished, SOCIAL_LUFS)
    finish_clip(silent, tmp_path / "finished-silent.mp4", SOCIAL_LUFS)
    join_videos([finished, silent], joined, DEFAULT_LUFS)
    beat = tmp_path / "beat.mp4"
    split_clip(finished, [], [beat])  # a slide's beat: packets copied
    for path in (finished, tmp_path / "finished-silent.mp4", joined, beat):
        atoms = _atoms(path)
        assert atoms.index("moov") < atoms.index("mdat"), (path.name, atoms)
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_a_finished_clip_keeps_its_picture_and_timing_and_its_sound_is_mastered(tmp_path: Path) -> None:
    import av

    t = np.arange(4 * AUDIO_RATE) / AUDIO_RATE
    voice = 0.05 * np.sin(2 * np.pi * 200 * t) * (np.sin(2 * np.pi * 1.5 * t) > 0)  # quiet, with gaps
    voice[2 * AUDIO_RATE : 2 * AUDIO_RATE + 200] = 0.9  # a click far above the rest
    clip = _movie(tmp_path / "clip.mp4", 4.0, _s16(voice))
    out = tmp_path / "finished.mp4"
    finish_clip(clip, out, SOCIAL_LUFS)
    packets, frames = [], []
    for path in (clip, out):
        with av.open(str(path)) as c:
            packets.append([(p.pts, p.dts, p.is_keyframe, bytes(p)) for p in c.demux(c.streams.video[0])])
        with av.open(str(path)) as c:
            frames.append([f.to_ndarray().tobytes() for f in c.decode(c.streams.video[0])])
    # the video packets are copied: the same times, frames and bytes (a keyframe may gain its SPS/PPS)
    assert [p[:3] for p in packets[0]] == [p[:3] for p in packets[1]]
    assert all(a == b for a, b in zip(packets[0], packets[1], strict=True) if not a[2])
    assert frames[0] == frames[1]
    with av.open(str(out)) as c:
        v, s = c.streams.video[0], c.streams.audio[0]
        assert (v.codec_context.name, v.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert (s.codec_context.name, s.codec_context.profile, s.rate) == ("aac", "LC", AUDIO_RATE)
        assert v.average_rate == 15
    assert video_seconds(out) == video_seconds(clip)
    before, after = clip_audio(clip) / 32768, clip_audio(out, video_seconds(out)) / 32768
    assert integrated_loudness(after, AUDIO_RATE) == pytest.approx(SOCIAL_LUFS, abs=0.5)
    assert true_peak(after) <= CEILING_DBTP
    lag = int(np.argmax(np.abs(after)) - np.argmax(np.abs(before)))
    assert abs(lag) <= 48, lag  # the click where it was, within a millisecond
    again = tmp_path / "again.mp4"
    finish_clip(clip, again, SOCIAL_LUFS)
    assert again.read_bytes() == out.read_bytes()  # deterministic


def test_a_joined_video_is_mastered_as_a_whole(tmp_path: Path) -> None:
    t = np.arange(3 * AUDIO_RATE) / AUDIO_RATE
    quiet = _movie(tmp_path / "a.mp4", 3.0, _s16(0.02 * np.sin(2 * np.pi * 300 * t)))
    loud = _movie(tmp_path / "b.mp4", 3.0, _s16(0.5 * np.sin(2 * np.pi * 500 * t)))
    joined = tmp_path / "joined.mp4"
    join_videos([quiet, loud], joined, DEFAULT_LUFS)
    track = clip_audio(joined, video_seconds(joined)) / 32768
    assert integrated_loudness(track, AUDIO_RATE) == pytest.approx(DEFAULT_LUFS, abs=0.5)
    assert true_peak(track) <= CEILING_DBTP
    assert video_seconds(joined) == pytest.approx(6.0)


# Names and keys ---------------------------------------------------------------------------------


def test_the_loudness_target_names_and_keys_a_narrated_render_only() -> None:
    base = RenderOptions(quality="low")
    voice = base.replace(narration="voice")
    assert voice.tag() == "16x9-low-dark-voice"  # the default target keeps the name
    assert voice.replace(loudness=-14.0).tag() == "16x9-low-dark-voice-lufs-14"
    assert base.replace(loudness=-14.0).tag() == base.tag()  # a silent render has nothing to master
    assert base.replace(loudness=-14.0).index_text() == base.index_text()
    assert voice.replace(loudness=-14.0).index_text() != voice.index_text()
    assert "loudness" in voice.index_text() and "loudness" not in base.index_text()
    with pytest.raises(ValueError, match=r"-5.0 must be a loudness in LUFS from -30 to -9"):
        base.replace(loudness=-5.0)


def test_the_loudness_key_of_a_settings_file_is_checked(tmp_path: Path) -> None:
    from ae_explainer.cli.userconfig import load_user_config

    talk = tmp_path / "talk.toml"
    talk.write_text("[video]\nloudness = -14\n")
    assert load_user_config(talk).video == {"loudness": -14.0}
    talk.write_text('[video]\nloudness = "loud"\n')
    with pytest.raises(AecoreError, match=r"\[video\] loudness: 'loud' must be a loudness in LUFS"):
        load_user_config(talk)


# Chapters and thumbnail -------------------------------------------------------------------------


def _seconds(stamp: str) -> int:
    parts = [int(p) for p in stamp.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


@pytest.mark.parametrize(
    "durations",
    [
        [25.3, 4.0, 31.0, 60.2, 9.99, 12.0],  # short ones in the middle
        [3.0, 40.0, 20.5, 8.0],  # a short first chapter and a short last one
        [9.5, 9.5, 9.5, 9.5],  # every one short
        [70.0, 3700.0, 15.0],  # past an hour
    ],
)
def test_the_chapter_list_starts_at_zero_and_every_chapter_lasts_ten_seconds(durations: list[float]) -> None:
    chapters = [(f"Chapter {k}", d) for k, d in enumerate(durations, 1)]
    lines = chapter_list_text(chapters).splitlines()
    stamps = [_seconds(line.split(" ", 1)[0]) for line in lines]
    assert stamps[0] == 0 and lines[0].startswith("0:00 ")
    ends = [*stamps[1:], sum(durations)]
    assert all(b - a >= 10 for a, b in zip(stamps, ends, strict=True)), lines
    assert [line.split(" ", 1)[1] for line in lines] == [t for _, t in youtube_chapters(chapters)]


def test_a_short_chapter_is_merged_into_its_neighbour() -> None:
    assert youtube_chapters([("A", 5.0), ("B", 20.0)]) == [(0.0, "B")]
    assert youtube_chapters([("A", 20.0), ("B", 5.0), ("C", 30.0)]) == [(0.0, "A"), (25.0, "C")]


def test_the_chapters_track_is_webvtt_with_one_cue_per_chapter() -> None:
    text = chapters_vtt_text([("One", 12.5), ("Two --> three", 61.25)])
    assert text.startswith("WEBVTT\n\n")
    assert "00:00:00.000 --> 00:00:12.500\nOne\n" in text
    assert "00:00:12.500 --> 00:01:13.750\nTwo -> three\n" in text


def test_the_thumbnail_is_1280x720_the_frame_asked_for_and_the_title(tmp_path: Path) -> None:
    from PIL import Image

    clip = _movie(tmp_path / "clip.mp4", 2.0, None)  # frame i is grey level 7 i: frame 15 (1.0 s) is 105
    png = thumbnail(clip, 1.0, tmp_path / "thumb.png", title="A title")
    with Image.open(png) as img:
        assert img.size == (1280, 720) and img.mode == "RGB"
        arr = np.asarray(img).astype(int)
    assert np.abs(arr[400:700, 100:1180] - 105).max() <= 3  # the frame, scaled to the full height
    band = arr[:60, 300:980]
    assert band.max() >= 250 and band.min() <= 110  # light ink on the band over a dark picture
    plain = thumbnail(clip, 1.0, tmp_path / "plain.png", title="")
    with Image.open(plain) as img:
        assert np.abs(np.asarray(img).astype(int)[:60, 300:980] - band).max() > 100  # the title drew


# End to end --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_narrated_clip_is_mastered_to_the_loudness_asked_for_with_moov_first(tmp_path: Path) -> None:
    import av

    args = ["render", "2", "--narration", "voice", "--quality", "low", "--loudness", "-14", "--out"]
    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", *args, str(tmp_path)], capture_output=True, text=True, cwd=ROOT
    )
    assert p.returncode == 0, p.stderr[-2000:]
    clip = tmp_path / "ch02-RoundTripView-16x9-low-dark-voice-lufs-14.mp4"
    atoms = _atoms(clip)
    assert atoms.index("moov") < atoms.index("mdat"), atoms
    with av.open(str(clip)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert (v.codec_context.name, v.codec_context.pix_fmt, v.average_rate) == ("h264", "yuv420p", 15)
        assert (a.codec_context.name, a.codec_context.profile, a.rate) == ("aac", "LC", AUDIO_RATE)
    track = clip_audio(clip, video_seconds(clip)) / 32768
    assert integrated_loudness(track, AUDIO_RATE) == pytest.approx(SOCIAL_LUFS, abs=0.5)
    assert true_peak(track) <= CEILING_DBTP
    assert not list(tmp_path.glob(".*.part*"))
