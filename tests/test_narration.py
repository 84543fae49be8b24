"""Narration: the voice, the lecturer's recordings, captions that wait for them, sound in every clip.

Fastest first: WAV normalisation and recordings checked without a voice;
captions timed by known WAVs in a dry run; the settings; bad recordings
through the CLI; then the real voice (deterministic, cached) and, on the
two chapters that ``test_delivery.py`` renders and joins, the sound itself:
its length, when each cue is spoken, and sync at the chapter boundary.
The speech check (pocketsphinx on every cue) is in ``test_speech.py``.
"""

from __future__ import annotations

import math
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import srt
from scipy.signal import correlate

from ae_explainer.media.clips import AUDIO_RATE, clip_audio, has_audio, video_frames, video_seconds
from ae_explainer.media.cues import Cue
from ae_explainer.media.narration import normalized_wav, recordings, synthesize, voice_cues
from ae_explainer.options import RenderOptions
from aecore.errors import AecoreError
from scenes.patches.sound import BREATH_SECONDS

ROOT = Path(__file__).resolve().parents[1]


def _tone(seconds: float, rate: int = 22_050, channels: int = 1, width: int = 2, lead: float = 0.0) -> bytes:
    """A WAV of a 440 Hz tone, after ``lead`` seconds of silence."""
    import io

    t = np.arange(round(seconds * rate)) / rate
    x = 0.5 * np.sin(2 * np.pi * 440 * t)
    x = np.concatenate([np.zeros(round(lead * rate)), x, np.zeros(round(lead * rate))])
    pcm = np.round(x * 127 + 128).astype(np.uint8) if width == 1 else np.round(x * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(np.repeat(pcm, channels).tobytes())
    return buf.getvalue()


def _read(blob_or_path: bytes | Path) -> tuple[int, int, np.ndarray]:
    import io

    src = io.BytesIO(blob_or_path) if isinstance(blob_or_path, bytes) else str(blob_or_path)
    with wave.open(src, "rb") as w:
        rate, ch = w.getframerate(), w.getnchannels()
        return rate, ch, np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)


def _onsets(samples: np.ndarray, rate: int, window: float = 0.01) -> np.ndarray:
    """Which ``window``-second stretches of ``samples`` hold speech (RMS well above the silence floor)."""
    n = round(window * rate)
    k = samples.size // n
    rms = np.sqrt((samples[: k * n].astype(float).reshape(k, n) ** 2).mean(axis=1))
    return rms > max(30.0, 0.05 * rms.max())


# Without a voice ---------------------------------------------------------------------------------


def test_a_wav_is_normalized_to_48k_mono_with_its_edge_silence_trimmed_the_same_every_time() -> None:
    rate, x = 22_050, 0.5 * np.sin(2 * np.pi * 440 * np.arange(22_050) / 22_050)
    padded = np.concatenate([np.zeros(rate // 2), x, np.zeros(rate // 2)])
    blob = normalized_wav(padded, rate)
    assert blob == normalized_wav(padded, rate)
    out_rate, channels, y = _read(blob)
    assert (out_rate, channels) == (AUDIO_RATE, 1)
    assert y.size / AUDIO_RATE == pytest.approx(1.0 + 2 * 0.02, abs=2e-3)  # 1 s of tone, 20 ms either side
    assert np.abs(y).max() == pytest.approx(0.5 * 32767, rel=0.02)  # resampled, not rescaled


def test_recordings_are_checked_and_each_bad_file_names_its_cue(tmp_path: Path) -> None:
    cues = [Cue("ch02-a-111111", 2, 0.0, 1.0, "A", "A"), Cue("ch02-b-222222", 2, 1.0, 1.0, "B", "B")]
    (tmp_path / "ch02-a-111111.wav").write_bytes(_tone(1.0, rate=44_100, channels=2))
    with pytest.raises(AecoreError, match=r"cue ch02-b-222222: no recording; expected ch02-b-222222\.wav"):
        recordings(tmp_path, cues)
    (tmp_path / "ch02-b-222222.wav").write_bytes(b"")
    with pytest.raises(AecoreError, match=r"cue ch02-b-222222: ch02-b-222222\.wav is empty"):
        recordings(tmp_path, cues)
    (tmp_path / "ch02-b-222222.wav").write_bytes(_tone(1.0, width=1))
    with pytest.raises(AecoreError, match=r"cue ch02-b-222222: .* 8-bit samples; record 16-bit PCM"):
        recordings(tmp_path, cues)
    (tmp_path / "ch02-b-222222.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(AecoreError, match=r"cue ch02-b-222222: .* not a 16-bit PCM WAV"):
        recordings(tmp_path, cues)
    (tmp_path / "ch02-b-222222.wav").write_bytes(_tone(0.5, rate=16_000))
    found = recordings(tmp_path, cues)
    for blob, seconds in ((found["ch02-a-111111"], 1.0), (found["ch02-b-222222"], 0.5)):
        rate, channels, y = _read(blob)  # stereo 44.1 kHz and mono 16 kHz both become 48 kHz mono
        assert (rate, channels) == (AUDIO_RATE, 1) and y.size / rate == pytest.approx(seconds, abs=0.05)
    with pytest.raises(AecoreError, match="missing does not exist"):
        recordings(tmp_path / "missing", cues)


def _dry_run(cls: type, env: dict[str, str]) -> object:
    import os

    from manim import tempconfig

    from tests.conftest import LOW_RES, dry_renderer

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with tempconfig(LOW_RES):
            scene = cls(renderer=dry_renderer())
            scene.render()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return scene


def test_each_caption_stays_up_until_its_recording_is_spoken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recording longer than the caption's own time holds it; the animations keep their pacing."""
    from scenes.chapters.ch02_round_trip import RoundTripView

    silent = _dry_run(RoundTripView, {})
    long = 6.0  # longer than any caption of the chapter is up without a voice
    assert all(c.end - c.start < long for c in silent.captions)  # type: ignore[attr-defined]
    for c in silent.captions:  # type: ignore[attr-defined]
        (tmp_path / f"{c.cue}.wav").write_bytes(normalized_wav(_tone_samples(long), AUDIO_RATE))
    voiced = _dry_run(RoundTripView, {"AE_EXPLAINER_NARRATION_DIR": str(tmp_path)})
    assert [c.cue for c in voiced.captions] == [c.cue for c in silent.captions]  # type: ignore[attr-defined]
    for c in voiced.captions:  # type: ignore[attr-defined]
        assert c.end - c.start >= long + BREATH_SECONDS - 1e-6, c.text
    grown = voiced.renderer.time - silent.renderer.time  # type: ignore[attr-defined]
    assert grown > 0.5 * len(silent.captions)  # type: ignore[attr-defined]
    (tmp_path / f"{silent.captions[-1].cue}.wav").unlink()  # type: ignore[attr-defined]
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        _dry_run(RoundTripView, {"AE_EXPLAINER_NARRATION_DIR": str(tmp_path)})
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith("error: AE_EXPLAINER_NARRATION_DIR: no narration for cue ch02-"), err


def _tone_samples(seconds: float) -> np.ndarray:
    return 0.5 * np.sin(2 * np.pi * 440 * np.arange(round(seconds * AUDIO_RATE)) / AUDIO_RATE)


def test_narration_settings_name_their_files_and_a_gif_is_silent(tmp_path: Path) -> None:
    base = RenderOptions(quality="low")
    assert base.narration == "off" and base.tag() == "16x9-low-dark"  # silent renders keep their names
    assert base.replace(narration="voice").tag() == "16x9-low-dark-voice"
    assert base.replace(narration=str(tmp_path)).tag() == "16x9-low-dark-recorded"
    assert base.replace(format="gif", narration="voice").narration == "off"
    voice, recorded = base.replace(narration="voice"), base.replace(narration=str(tmp_path))
    assert voice.index_text() == recorded.index_text()  # the sound keys on its bytes, not on its source
    from ae_explainer.cli.userconfig import load_user_config

    talk = tmp_path / "talk.toml"
    talk.write_text('[video]\nnarration = "recordings"\n')
    assert load_user_config(talk).video["narration"] == str((tmp_path / "recordings").resolve())
    talk.write_text("[video]\nnarration = 3\n")
    with pytest.raises(AecoreError, match=r"\[video\] narration: 3 must be voice, off, or a folder"):
        load_user_config(talk)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ae_explainer", *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.mark.slow  # a dry run, then the CLI in new processes
def test_a_bad_recordings_folder_is_one_line_exit_2_and_no_output(tmp_path: Path) -> None:
    from ae_explainer.media.cues import chapter_cues
    from scenes.chapters.ch02_round_trip import RoundTripView

    cues = chapter_cues(RoundTripView)
    recs = tmp_path / "recs"
    p = _cli("render", "2", "--narration", str(recs), "--out", str(tmp_path / "out"))
    assert p.returncode == 2 and p.stderr.strip() == (
        f"ae-explainer: error: --narration: {recs} does not exist; give voice, off, "
        "or a folder of recordings (<cue id>.wav, see 'ae-explainer script')"
    )
    recs.mkdir()
    for c in cues:
        (recs / f"{c.cue}.wav").write_bytes(_tone(1.0))
    last = recs / f"{cues[-1].cue}.wav"
    for damage, needle in (
        (lambda: last.unlink(), "no recording"),
        (lambda: last.write_bytes(b""), "is empty"),
        (lambda: last.write_bytes(_tone(1.0, width=1)), "8-bit samples"),
    ):
        damage()
        out = tmp_path / "out"
        p = _cli("render", "2", "--narration", str(recs), "--out", str(out))
        assert p.returncode == 2, p.stderr[-2000:]
        (line,) = p.stderr.strip().splitlines()
        assert (
            f"--narration {recs}: cue {cues[-1].cue}" in line and needle in line and "Traceback" not in line
        )
        assert not list(out.glob("*.mp4")) and not list(out.glob("*.srt"))


# The voice ---------------------------------------------------------------------------------------


def test_the_voice_gives_the_same_bytes_for_the_same_text_and_caches_them() -> None:
    text = "x hat lies on M, the image of the decoder."
    blob = synthesize(text)
    assert blob == synthesize(text)
    rate, channels, y = _read(blob)
    assert (rate, channels) == (AUDIO_RATE, 1) and 1.5 < y.size / rate < 6.0
    speech = np.flatnonzero(_onsets(y, rate))
    assert speech[0] * 0.01 <= 0.05 and (len(_onsets(y, rate)) - speech[-1]) * 0.01 <= 0.06  # trimmed
    cues = [
        Cue("ch99-x-000001", 99, 0.0, 1.0, "x̂ on M", text),
        Cue("ch99-y-000002", 99, 1.0, 1.0, "y", "Why."),
    ]
    paths = voice_cues(cues, jobs=2)  # two cues spoken at once give the bytes of one spoken alone
    assert paths["ch99-x-000001"].read_bytes() == blob
    before = {k: p.stat().st_mtime_ns for k, p in paths.items()}
    assert voice_cues(cues) == paths and {k: p.stat().st_mtime_ns for k, p in paths.items()} == before
    paths["ch99-y-000002"].write_bytes(b"RIFF")  # a damaged cache file is spoken again
    assert _read(voice_cues(cues)["ch99-y-000002"])[2].size > AUDIO_RATE // 4


# The rendered sound (the clips and the video of test_delivery's `renders` fixture) ----------------


@pytest.fixture(scope="module")
def narrated(renders: dict[str, Path]) -> Iterator[tuple[list[Path], Path]]:
    folder = renders["jobs2"]
    yield sorted(folder.glob("ch*-voice.mp4")), next(folder.glob("ae-explainer-*-voice.mp4"))


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_every_clip_and_the_video_carry_sound_as_long_as_their_picture(narrated) -> None:
    import av

    clips, video = narrated
    assert len(clips) == 2
    for path in [*clips, video]:
        with av.open(str(path)) as c:
            (a,) = c.streams.audio
            assert a.codec_context.name == "aac" and a.rate == AUDIO_RATE
            fps = float(c.streams.video[0].average_rate)
        frame = 1.0 / round(fps)
        sound = clip_audio(path).size / AUDIO_RATE
        assert abs(sound - video_frames(path) * frame) <= frame, (
            path.name,
            sound,
            video_frames(path) * frame,
        )


def _cue_speech(path: Path) -> list[tuple[float, float, float, float]]:
    """Per subtitle cue of ``path``: (cue start, cue end, first speech, last speech) in seconds."""
    x = clip_audio(path)
    loud = _onsets(x, AUDIO_RATE)
    out = []
    for cue in srt.parse(path.with_suffix(".srt").read_text(encoding="utf-8")):
        t0, t1 = cue.start.total_seconds(), cue.end.total_seconds()
        lo, hi = max(0, math.floor((t0 - 0.3) / 0.01)), math.ceil(t1 / 0.01)
        idx = np.flatnonzero(loud[lo:hi])
        assert idx.size, (path.name, cue.content)
        out.append((t0, t1, (lo + idx[0]) * 0.01, (lo + idx[-1] + 1) * 0.01))
    return out


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_each_cue_is_spoken_from_its_caption_until_before_the_next(narrated) -> None:
    clips, video = narrated
    for path in [*clips, video]:
        spans = _cue_speech(path)
        assert len(spans) >= 3
        for i, (t0, t1, first, last) in enumerate(spans):
            assert abs(first - t0) <= 0.1, (path.name, i, t0, first)  # speech starts with its caption
            assert last <= t1, (path.name, i, t1, last)  # and ends while it is still up
            if i + 1 < len(spans):
                assert last < spans[i + 1][0]


@pytest.mark.slow
@pytest.mark.xdist_group("renders")  # one worker renders the fixture once
def test_the_joined_sound_is_each_clips_sound_in_step_at_every_chapter_boundary(narrated) -> None:
    clips, video = narrated
    joined = clip_audio(video)
    offset = 0.0
    for clip in clips:
        own = clip_audio(clip, video_seconds(clip))
        start, reach = round(offset * AUDIO_RATE), AUDIO_RATE // 10  # search 0.1 s either way
        head = own[: 4 * AUDIO_RATE].astype(float)  # its first seconds, its first cue among them
        part = np.pad(joined.astype(float), (reach, reach))[start : start + head.size + 2 * reach]
        # np.correlate through the FFT: the same lag, in a tenth of a second of CPU instead of 33 s
        lag = (int(np.argmax(correlate(part, head, mode="valid", method="fft"))) - reach) / AUDIO_RATE
        frame = video_seconds(clip) / video_frames(clip)
        assert abs(lag) <= frame, (clip.name, lag)  # sound and picture start together, within one frame
        offset += video_seconds(clip)
    assert has_audio(video)
