"""The bad-input catalogue's second round: recordings, run files, paths, sizes and nesting.

Cases in the form of :mod:`tests.test_bad_inputs` (``(name, setup, culprits)``),
which runs them with the first round's: exit status 2, one stderr line naming
every culprit, no traceback, no file written. A setup whose command line
starts with :data:`UNPRIVILEGED` runs without the capabilities that let root
read any file (``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH``), so a mode-000
file is unreadable as it would be for a user. Cases named in :data:`CACHED`
share the test session's run and voice caches (they train the main run and
dry-run chapter 2 once, not once each).
"""

from __future__ import annotations

import io
import struct
import wave
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

Setup = Callable[[Path], list[str]]

UNPRIVILEGED = "@unprivileged"
"""The first word of a command line to run without root's power to read every file."""

SETPRIV = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
    "--",
]
"""How :data:`UNPRIVILEGED` runs a command (util-linux's ``setpriv``, in every Debian)."""

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "run_v1.npz"


# WAV files ---------------------------------------------------------------------------------------


def wav(seconds: float = 1.0, rate: int = 16_000, channels: int = 1) -> bytes:
    """A whole 16-bit PCM WAV of a quiet tone (the standard ``WAVE_FORMAT_PCM`` header)."""
    n = round(seconds * rate)
    tone = (8000 * np.sin(2 * np.pi * 220 * np.arange(n) / max(rate, 1))).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.repeat(tone, channels).tobytes())
    return buf.getvalue()


def raw_wav(rate: int, channels: int = 1, frames: int = 1600, extensible: bool = False) -> bytes:
    """A 16-bit WAV written field by field, so its header may say anything (0 Hz, 6 channels)."""
    pcm = (np.arange(frames * channels) % 200 - 100).astype("<i2").tobytes()
    align = 2 * channels
    if extensible:  # WAVE_FORMAT_EXTENSIBLE with the PCM sub-format GUID, as many recorders write
        guid = b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * align, align, 16, 22, 16, 0) + guid
    else:
        fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * align, align, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", len(body)) + body


@cache
def ch02_first_cue() -> str:
    """The cue id of chapter 2's first caption (a dry run of the chapter, once per test process)."""
    from ae_explainer.media.cues import chapter_cues
    from scenes.chapters.ch02_round_trip import RoundTripView

    return chapter_cues(RoundTripView)[0].cue


def _recording(make: Callable[[], bytes]) -> Setup:
    """``render 2 --narration recs`` with chapter 2's first cue recorded as ``make()``."""

    def setup(d: Path) -> list[str]:
        recs = d / "recs"
        recs.mkdir()
        (recs / f"{ch02_first_cue()}.wav").write_bytes(make())
        return ["render", "2", "--narration", str(recs), "--out", str(d / "out")]

    return setup


def _unreadable_recording(d: Path) -> list[str]:
    args = _recording(wav)(d)
    (d / "recs" / f"{ch02_first_cue()}.wav").chmod(0)
    return [UNPRIVILEGED, *args]


def _unreadable_recordings_folder(d: Path) -> list[str]:
    args = _recording(wav)(d)
    (d / "recs").chmod(0)
    return [UNPRIVILEGED, *args]


# Paths -------------------------------------------------------------------------------------------


def _digits_run(d: Path) -> Path:
    return image_run(d / "digits.npz", np.asarray(digits().labels)[:300])


def loop(d: Path, name: str) -> Path:
    """A symbolic link that points at itself: ``ln -s NAME NAME``."""
    link = d / name
    link.symlink_to(name)
    return link


LONG = "r" * 300
"""A file name over the 255 bytes a name may have."""


def _toml(body: str | Callable[[Path], str], *flags: str) -> Setup:
    def setup(d: Path) -> list[str]:
        text = body(d) if callable(body) else body
        (d / "talk.toml").write_text(text, encoding="utf-8")
        return ["render", "2", "--config", str(d / "talk.toml"), *flags, "--out", str(d / "out")]

    return setup


def _unreadable_config(d: Path) -> list[str]:
    args = _toml('[video]\naspect = "1:1"\n')(d)
    (d / "talk.toml").chmod(0)
    return [UNPRIVILEGED, *args]


def k2_run_in_r3(path: Path) -> Path:
    """A 3-D run with k = 2 at ``path``: a kind no chapter (nor the short) takes as the viewer's own run."""
    import torch

    from aecore import SnapshotRecorder

    torch.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((40, 3))
    with SnapshotRecorder(torch.nn.Linear(3, 2), torch.nn.Linear(2, 3), x, path) as rec:
        rec.record(0, 1.0)
        rec.record(1, 0.5)
    return path


def digits() -> Any:
    """The 1,797 8 x 8 digit images and their labels (aecore's built-in data set)."""
    from aecore.datasets import DIGITS_COUNT, load_dataset

    return load_dataset("digits", DIGITS_COUNT, 0.0, 0)


def image_run(path: Path, labels: np.ndarray | None, count: int = 300) -> Path:
    """An image run at ``path``: the first ``count`` digits with ``labels``, k = 2, a small MLP."""
    import torch

    from aecore import SnapshotRecorder

    torch.manual_seed(0)
    enc = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    dec = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 64))
    with SnapshotRecorder(enc, dec, digits().x[:count], path, labels=labels, image_shape=(8, 8)) as rec:
        rec.record(0, 1.0)
        rec.record(1, 0.5)
    return path


CASES: list[tuple[str, Setup, tuple[str, ...]]] = [
    # Recordings (--narration DIR) ------------------------------------------------------------------
    ("narration-cut-mid-sample", _recording(lambda: wav()[:-1001]), ("--narration", "cut short")),
    ("narration-cut-mid-frame", _recording(lambda: wav(channels=2)[:-1002]), ("--narration", "cut short")),
    ("narration-cut-on-a-frame", _recording(lambda: wav()[:-1000]), ("--narration", "cut short")),
    ("narration-header-cut", _recording(lambda: wav()[:30]), ("--narration", "header is cut short")),
    ("narration-no-samples", _recording(lambda: wav(seconds=0.0)), ("--narration", "no sound")),
    ("narration-0-hz", _recording(lambda: raw_wav(0)), ("--narration", "0 Hz", "8,000")),
    ("narration-7999-hz", _recording(lambda: raw_wav(7999)), ("--narration", "7,999 Hz")),
    ("narration-6-channels", _recording(lambda: raw_wav(16_000, 6)), ("--narration", "6 channels")),
    ("narration-unreadable-file", _unreadable_recording, ("--narration", "permission denied")),
    ("narration-unreadable-folder", _unreadable_recordings_folder, ("--narration", "permission denied")),
    (
        "narration-loop",
        lambda d: ["render", "2", "--narration", str(loop(d, "recs")), "--out", str(d / "out")],
        ("--narration", "symbolic link loop"),
    ),
    (
        "narration-name-too-long",
        lambda d: ["render", "2", "--narration", str(d / LONG), "--out", str(d / "out")],
        ("--narration", "too long"),
    ),
    (
        "config-narration-loop",
        _toml(lambda d: f'[video]\nnarration = "{loop(d, "recs").name}"\n'),
        ("talk.toml [video] narration", "symbolic link loop"),
    ),
    (
        "config-narration-too-long",
        _toml(f'[video]\nnarration = "{LONG}"\n'),
        ("talk.toml [video] narration", "too long"),
    ),
    ("config-narration-10-mb", _toml(f'[video]\nnarration = "{"n" * 10_000_000}"\n'), ("talk.toml",)),
    ("config-unreadable", _unreadable_config, ("--config", "permission denied")),
    # Run files and data files ---------------------------------------------------------------------
    (
        "run-file-loop",
        lambda d: ["render", "4", "--run-file", str(loop(d, "loop.npz")), "--out", str(d / "out")],
        ("--run-file", "symbolic link loop"),
    ),
    (
        "run-file-name-too-long",
        lambda d: ["render", "4", "--run-file", str(d / f"{LONG}.npz"), "--out", str(d / "out")],
        ("--run-file", "too long"),
    ),
    (
        "config-run-file-loop",
        _toml(lambda d: f'[run]\nfile = "{loop(d, "loop.npz").name}"\n'),
        ("talk.toml [run] file", "symbolic link loop"),
    ),
    (
        "config-run-data-loop",
        _toml(lambda d: f'[run]\ndata = "{loop(d, "loop.csv").name}"\n'),
        ("talk.toml [run] data", "symbolic link loop"),
    ),
    ("inspect-loop", lambda d: ["inspect", str(loop(d, "loop.npz"))], ("loop.npz", "symbolic link loop")),
    ("inspect-name-too-long", lambda d: ["inspect", str(d / f"{LONG}.npz")], ("snapshot file", "too long")),
    (
        "train-data-name-too-long",
        lambda d: ["train", "--data", str(d / f"{LONG}.csv"), "--latent-dim", "1", "--out", str(d / "r.npz")],
        ("--data", "too long"),
    ),
    (
        "train-data-loop",
        lambda d: ["train", "--data", str(loop(d, "x.csv")), "--latent-dim", "1", "--out", str(d / "r.npz")],
        ("--data", "symbolic link loop"),
    ),
    (
        "train-data-5000-d",
        lambda d: [
            "train",
            "--data",
            _npy_file(d, "wide.npy", np.random.default_rng(0).standard_normal((40, 5000))),
            "--latent-dim",
            "1",
            "--out",
            str(d / "r.npz"),
        ],
        ("wide.npy", "R^5,000", "R^2 or R^3", "--image-shape"),
    ),
    # Numbers and nesting --------------------------------------------------------------------------
    ("jobs-huge", lambda d: ["render", "2", "--jobs", "1" + "0" * 30, "--out", str(d / "out")], ("--jobs",)),
    (
        "config-jobs-huge",
        _toml("[video]\njobs = 1000000000000000000\n"),
        ("talk.toml [video] jobs", "1 to 32"),
    ),
    # The short for social media (ae-explainer social) -----------------------------------------------
    (
        "social-platform-unknown",
        lambda d: ["social", "--platforms", "tiktok,snapchat", "--out", str(d / "out")],
        ("--platforms", "'snapchat'", "shorts, reels, tiktok, x, linkedin"),
    ),
    ("social-loudness", lambda d: ["social", "--loudness", "-40", "--out", str(d / "out")], ("--loudness",)),
    (
        "social-out-proc",
        lambda d: ["social", "--out", "/proc/ae-explainer-out"],
        ("--out /proc/ae-explainer-out",),
    ),
    (
        "social-run-file-3d",
        lambda d: ["social", "--run-file", str(k2_run_in_r3(d / "sheet_k2.npz")), "--out", str(d / "out")],
        ("--run-file", "sheet_k2.npz", "R^3"),
    ),
    (
        "social-run-file-images",
        lambda d: ["social", "--run-file", str(_digits_run(d)), "--out", str(d / "out")],
        ("digits.npz", "holds images", "the short shows points in R^2 or vectors in R^D"),
    ),
    (
        "config-chapters-nested",
        _toml("[video]\nchapters = " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ("talk.toml", "nested too deeply"),
    ),
]


def _npy_file(d: Path, name: str, a: np.ndarray) -> str:
    np.save(d / name, a)
    return str(d / name)


CACHED = {name for name, _, _ in CASES if name.startswith("narration-") and "loop" not in name}
"""Cases that share the session's run and voice caches (chapter 2's runs and cues)."""

__all__ = [
    "CACHED",
    "CASES",
    "SETPRIV",
    "UNPRIVILEGED",
    "ch02_first_cue",
    "digits",
    "image_run",
    "k2_run_in_r3",
    "loop",
    "raw_wav",
    "wav",
]
