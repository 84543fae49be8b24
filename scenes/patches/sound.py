"""A chapter's narration as Manim sound: one WAV per caption, placed where the caption appears.

The application synthesizes or collects the narration (:mod:`ae_explainer.media.narration`)
and hands the scenes a folder of WAVs named by cue id
(:attr:`scenes.settings.SceneSettings.narration_dir`). A chapter adds each
caption's WAV with the ``add_sound`` of Manim's file writer (which mixes the
sounds with pydub and muxes them into the movie with PyAV); this module finds
the files, reads their length, places them on whole frames, keeps the track
as long as the video, and makes Manim's WebM audio Opus.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from aecore.files import os_reason

__all__ = [
    "BREATH_SECONDS",
    "MAX_CUE_SECONDS",
    "RATE_RANGE",
    "SAMPLE_RATE",
    "cue_wav",
    "pad_track",
    "read_wav",
    "sound_time",
    "start_track",
    "track_lead",
    "use_opus_for_webm",
    "wav_seconds",
]

SAMPLE_RATE = 48_000
"""Every narration WAV and every clip's audio track: 48 kHz mono, 16-bit (what Opus and AAC expect)."""

BREATH_SECONDS = 0.3
"""How long a caption stays up after its narration ends, before the next one."""


MAX_CUE_SECONDS = 120.0
"""A recording longer than this for one caption is refused (a wrong file, not a caption)."""

RATE_RANGE = (8_000, 192_000)
"""The sample rates (Hz) a narration WAV may have."""

_MAX_WAV_BYTES = int(MAX_CUE_SECONDS * RATE_RANGE[1] * 2 * 2) + (1 << 20)
"""A bigger file cannot be a cue of at most :data:`MAX_CUE_SECONDS` (stereo at the top rate): not read."""

_KINDS = {"u": "8-bit", "f": "floating-point"}


def read_wav(path: Path) -> tuple[int, np.ndarray]:
    """A narration WAV, read and checked: ``(rate, samples)``, ``samples`` int16 of shape ``(n, channels)``.

    Reads 16-bit PCM in either form recorders write (``WAVE_FORMAT_PCM`` and
    ``WAVE_FORMAT_EXTENSIBLE``), mono or stereo, at :data:`RATE_RANGE`, with
    at least one sample and at most :data:`MAX_CUE_SECONDS`. A file cut
    short (a recorder that died mid-write: its header promises more than
    it holds, or it ends inside a sample or a frame) is refused, never
    read in part. Nothing is allocated beyond the file's own size.

    Raises
    ------
    ValueError
        One line saying what is wrong, to follow the file's name
        (e.g. ``"is cut short: ..."``).
    """
    from scipy.io import wavfile

    try:
        size = path.stat().st_size
    except OSError as e:
        raise ValueError(os_reason(e)) from None
    if size == 0:
        raise ValueError("is empty")
    if size > _MAX_WAV_BYTES:
        raise ValueError(f"is {size / 1e6:.0f} MB, longer than a cue's {MAX_CUE_SECONDS:.0f} s can be")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", wavfile.WavFileWarning)  # "reached EOF prematurely": cut short
            rate, data = wavfile.read(str(path))
    except wavfile.WavFileWarning:
        raise ValueError(
            "is cut short: its header promises more sound than the file holds (record it again)"
        ) from None
    except OSError as e:
        raise ValueError(os_reason(e)) from None
    except (ValueError, EOFError, struct.error, UnboundLocalError, KeyError, IndexError, TypeError) as e:
        # scipy reports a damaged header in many ways (an UnboundLocalError when there is no fmt chunk)
        if "reshape" in str(e):  # the sound ends inside a frame of a stereo file
            raise ValueError("is cut short: it ends inside a frame (record it again)") from None
        raise ValueError(f"is not a 16-bit PCM WAV file ({_reason(e)})") from None
    if data.dtype != np.int16:
        kind = _KINDS.get(data.dtype.kind, "wider than 16-bit")
        raise ValueError(f"has {kind} samples; record 16-bit PCM WAV")
    frames = data if data.ndim == 2 else data[:, None]
    channels = frames.shape[1]
    if channels not in (1, 2):
        raise ValueError(f"has {channels} channels; use mono or stereo")
    if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
        raise ValueError(f"is sampled at {rate:,} Hz; use {RATE_RANGE[0]:,} to {RATE_RANGE[1]:,} Hz")
    if len(frames) == 0:
        raise ValueError("holds no sound (0 samples); record the cue's words")
    if len(frames) / rate > MAX_CUE_SECONDS:
        raise ValueError(
            f"lasts {len(frames) / rate:.1f} s; a cue's recording lasts at most {MAX_CUE_SECONDS:.0f} s"
        )
    return int(rate), frames


def _reason(e: Exception) -> str:
    text = str(e).strip()
    if not isinstance(e, ValueError) or not text:
        return "its header is cut short or damaged"
    return text.rstrip(".")


def wav_seconds(path: Path) -> float:
    """The length of the WAV file ``path`` in seconds (read and checked by :func:`read_wav`).

    Raises
    ------
    ValueError
        One line naming the file, when it is not a whole, readable narration WAV.
    """
    rate, frames = read_wav(path)
    return len(frames) / float(rate)


def cue_wav(folder: Path, cue: str) -> tuple[Path, float]:
    """The WAV of caption ``cue`` in ``folder`` and its length in seconds.

    Raises
    ------
    ValueError
        One line naming the cue, when its file is missing or unreadable.
    """
    path = folder / f"{cue}.wav"
    if not path.is_file():
        raise ValueError(f"no narration for cue {cue}: expected {path}")
    try:
        return path, wav_seconds(path)
    except ValueError as e:
        raise ValueError(f"cue {cue}: {path} {e}") from None


_AAC_FRAME = 1024
"""Samples per AAC frame; Manim's AAC track also starts with one frame of encoder delay."""


def track_lead() -> float:
    """Seconds by which sounds go in early so they play on time (one AAC frame in an mp4, else 0).

    Manim muxes an mp4's AAC from a raw ADTS stream, which cannot say that its
    first frame is the encoder's delay, so players play that frame too.
    """
    from manim import config

    return _AAC_FRAME / SAMPLE_RATE if config.movie_file_extension == ".mp4" else 0.0


def sound_time(now: float) -> float:
    """Where in the track (seconds) a sound goes that is heard from ``now`` (seconds of video).

    ``now`` is on a frame, and is rounded to that whole frame first: a
    render and a range render of the same chapter, whose clocks may differ
    in their last bits, then place every sound at the same millisecond
    (pydub's unit). The sound goes in :func:`track_lead` early, but not
    before 0.
    """
    from manim import config

    fps = config.frame_rate
    return max(0.0, round(now * fps) / fps - track_lead())


def pad_track(file_writer: Any, seconds: float) -> None:
    """Extend the file writer's sound track with silence so it lasts ``seconds`` (the video's length).

    Manim's track ends where the last sound ends; a player would then show
    the movie's last seconds without sound, and joined clips would drift. In
    an mp4 the AAC frames round the track's length: it is padded so that
    it lands within half a frame of the video's.
    """
    from pydub import AudioSegment

    if getattr(file_writer, "includes_sound", False):
        lead = track_lead()
        end = seconds - lead - (_AAC_FRAME / 2 / SAMPLE_RATE if lead else 0.0)
        file_writer.add_audio_segment(AudioSegment.silent(0, frame_rate=SAMPLE_RATE), time=end)


def start_track(file_writer: Any) -> None:
    """Start the file writer's track at :data:`SAMPLE_RATE` (Manim's silent base is 11,025 Hz)."""
    from pydub import AudioSegment

    if not getattr(file_writer, "includes_sound", False):
        file_writer.add_audio_segment(AudioSegment.silent(0, frame_rate=SAMPLE_RATE), time=0.0)


def use_opus_for_webm() -> None:
    """Make Manim encode a WebM movie's sound as Opus instead of Vorbis.

    Manim 0.21 converts WebM audio with ``libvorbis``, which the ffmpeg that
    PyAV bundles lacks; WebM's other audio codec, Opus, is there. The
    conversion keeps Manim's ``.ogg`` name (Ogg carries Opus too).
    """
    from manim.scene import scene_file_writer as sfw

    if getattr(sfw.convert_audio, "_opus", False):
        return
    original = sfw.convert_audio

    def convert_audio(input_path: Any, output_path: Any, codec_name: str) -> None:
        original(input_path, output_path, "libopus" if codec_name == "libvorbis" else codec_name)

    convert_audio._opus = True  # type: ignore[attr-defined]
    sfw.convert_audio = convert_audio
