"""The second trust round, beyond the command-line catalogue: recordings, the recorder, image labels,
the explorer's size, escaped output, the manim CLI's variables, and faults (SIGTERM, a full disk).

The command-line cases of the round are in :mod:`tests.catalogue_round2`
(run by :mod:`tests.test_bad_inputs`); these are the cases that need the
library in-process, the ``manim`` CLI, or a fault injected mid-run.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from aecore import AecoreError, SnapshotRecorder, load_run
from tests.catalogue_round2 import digits, image_run, k2_run_in_r3, loop, raw_wav, wav

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "run_v1.npz"
HANG_GUARD = 900.0
"""Seconds before a child process counts as hung (each case takes seconds when quiet)."""


def _cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ae_explainer", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        stdin=subprocess.DEVNULL,
    )


def _one_line(p: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2, (p.returncode, p.stderr[-3000:])
    assert "Traceback" not in p.stderr and len(lines) == 1, p.stderr[-3000:]
    return lines[0]


# Recordings ---------------------------------------------------------------------------------------


def test_a_16_bit_wav_in_extensible_form_reads_as_its_plain_twin(tmp_path: Path) -> None:
    from ae_explainer.media.narration import read_recording
    from scenes.patches.sound import read_wav

    plain, extensible = tmp_path / "plain.wav", tmp_path / "ext.wav"
    plain.write_bytes(raw_wav(16_000, 2))
    extensible.write_bytes(raw_wav(16_000, 2, extensible=True))
    rate, frames = read_wav(extensible)
    assert rate == 16_000 and frames.shape == (1600, 2) and frames.dtype == np.int16
    assert np.array_equal(frames, read_wav(plain)[1])
    assert read_recording(extensible, "ch02-x") == read_recording(plain, "ch02-x")


@pytest.mark.parametrize(
    ("blob", "needle"),
    [
        (wav()[:-1001], "is cut short"),
        (wav(channels=2)[:-1002], "is cut short"),
        (wav()[:-1000], "is cut short"),
        (wav()[:30], "header is cut short or damaged"),
        (wav(seconds=0.0), "holds no sound (0 samples)"),
        (raw_wav(0), "is sampled at 0 Hz; use 8,000 to 192,000 Hz"),
        (raw_wav(7999), "is sampled at 7,999 Hz"),
        (raw_wav(16_000, 6), "has 6 channels; use mono or stereo"),
    ],
)
def test_a_damaged_recording_says_what_is_wrong_in_words(tmp_path: Path, blob: bytes, needle: str) -> None:
    from ae_explainer.media.narration import read_recording

    path = tmp_path / "ch02-a.wav"
    path.write_bytes(blob)
    with pytest.raises(AecoreError) as e:
        read_recording(path, "ch02-a")
    msg = str(e.value)
    assert needle in msg and "()" not in msg and "\n" not in msg, msg
    assert "lasts 0.0 s" not in msg and "give 0-120" not in msg


def test_a_full_disk_while_the_cues_are_staged_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ae_explainer.media.narration import stage

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(AecoreError, match=r"^narration: cannot stage the cues in .*: the disk is full"):
        stage({"ch02-a": wav()}, tmp_path / "staged")


# The recorder -------------------------------------------------------------------------------------


def _tiny_recorder(path: Path) -> SnapshotRecorder:
    import torch

    torch.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((40, 2))
    return SnapshotRecorder(torch.nn.Linear(2, 1), torch.nn.Linear(1, 2), x, path)


@pytest.mark.parametrize(
    ("loss", "needle"),
    [
        (1e300, "too large for the snapshot file"),
        (3.5e38, "too large for the snapshot file"),
        ("1.5", "is a str"),
        (True, "is a bool"),
        (float("nan"), "finite number"),
    ],
)
def test_the_recorder_refuses_a_loss_the_file_cannot_hold(tmp_path: Path, loss: object, needle: str) -> None:
    path = tmp_path / "run.npz"
    rec = _tiny_recorder(path)
    rec.record(0, 1.0)
    with pytest.raises(AecoreError) as e:
        rec.record(1, loss)
    assert needle in str(e.value) and "\n" not in str(e.value)
    assert not path.exists()  # nothing written under the final name
    rec.record(1, 0.5)  # the refused call changed nothing: recording goes on
    rec.close()
    assert list(load_run(path).steps) == [0, 1]


# Image runs with labels other than the digits --------------------------------------------------------


@pytest.mark.parametrize("relabel", ["parity", "hundreds"])
def test_an_image_run_with_any_labels_picks_its_examples_and_walk_from_them(
    tmp_path: Path, relabel: str
) -> None:
    from scenes.pictures.image_run import example_indices, sample_indices, walk_ends

    y = np.asarray(digits().labels)[:300]
    labels = y % 2 if relabel == "parity" else y + 100
    run = load_run(image_run(tmp_path / "img.npz", labels))
    present = set(labels.tolist())
    idx = example_indices(run)
    assert len(idx) == 3 and len(set(idx)) == 3 and {int(labels[i]) for i in idx} <= present
    a, b = walk_ends(run)
    assert a != b and {a, b} <= present
    assert [int(labels[i]) for i in sample_indices(run)] == sorted(present)[:10]


def test_an_image_run_of_one_label_is_refused_up_front(tmp_path: Path) -> None:
    from scenes.runs import run_file_kind

    path = image_run(tmp_path / "one.npz", np.full(300, 5))
    with pytest.raises(AecoreError, match=r"one label \(5\).*at least two classes"):
        run_file_kind(path)


@pytest.mark.slow
def test_chapter_8_plays_an_image_run_labelled_100_to_109(tmp_path: Path) -> None:
    from scenes.chapters import find_chapter
    from tests.test_narration import _dry_run

    y = np.asarray(digits().labels)[:300]
    path = image_run(tmp_path / "img.npz", y + 100)
    cls = __import__("ae_explainer.render.runs", fromlist=["scene_class"]).scene_class(find_chapter("8"))
    scene = _dry_run(cls, {"AE_EXPLAINER_RUN": json.dumps({"file": str(path)})})
    assert scene.key_frame_time is not None  # type: ignore[attr-defined]


# The explorer's size -------------------------------------------------------------------------------


def _bigimage_run(path: Path, count: int) -> Path:
    import torch

    rng = np.random.default_rng(0)
    data = rng.random((count, 64 * 64))
    torch.manual_seed(0)
    enc = torch.nn.Sequential(torch.nn.Linear(64 * 64, 2))
    dec = torch.nn.Sequential(torch.nn.Linear(2, 64 * 64))
    labels = np.arange(count) % 4
    with SnapshotRecorder(enc, dec, data, path, labels=labels, image_shape=(64, 64)) as rec:
        for step in range(4):
            rec.record(step, 1.0 / (step + 1))
    return path


@pytest.mark.slow  # writes a 500-image run and starts the CLI
def test_an_explorer_page_keeps_to_5_mb_or_is_refused_in_one_line(tmp_path: Path) -> None:
    from ae_explainer.deliver.explore import build_page
    from ae_explainer.deliver.explore_data import PAGE_BYTES

    big = load_run(_bigimage_run(tmp_path / "big.npz", 500))
    with pytest.raises(AecoreError, match=r"would be \d+\.\d MB .* at most 5 MB"):
        build_page(big)
    p = _cli("explore", str(tmp_path / "big.npz"), "--out", str(tmp_path / "page"), cwd=tmp_path)
    assert "big.npz" in _one_line(p) and not (tmp_path / "page" / "index.html").exists()
    fits = load_run(_bigimage_run(tmp_path / "fits.npz", 60))
    assert len(build_page(fits).encode("utf-8")) <= PAGE_BYTES


# What is printed from a file ------------------------------------------------------------------------


def test_inspect_escapes_the_control_codes_a_file_holds(tmp_path: Path) -> None:
    with np.load(FIXTURE, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta["config"]["data"] = "\x1b[2J\x1b]0;PWNED\x07"
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    path = tmp_path / "evil.npz"
    with zipfile.ZipFile(path, "w") as zf:
        for key, a in arrays.items():
            buf = io.BytesIO()
            np.save(buf, a, allow_pickle=False)
            zf.writestr(key + ".npy", buf.getvalue())
    p = _cli("inspect", str(path))
    assert p.returncode == 0, p.stderr[-2000:]
    assert "\x1b" not in p.stdout and "\x07" not in p.stdout
    assert "\\x1b[2J\\x1b]0;PWNED\\x07" in p.stdout


# The manim CLI's variables ----------------------------------------------------------------------------


def _manim(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    clean |= {"AE_EXPLAINER_RUNS": os.environ["AE_EXPLAINER_RUNS"], **env}
    chapter = ROOT / "scenes" / "chapters" / "ch04_manifold_forms.py"
    cmd = [sys.executable, "-m", "manim", "-ql", "--dry_run", "--media_dir", str(tmp_path / "media")]
    return subprocess.run(
        [*cmd, str(chapter), "ManifoldForms"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("name", "needles"),
    [
        ("data-missing", ("AE_EXPLAINER_RUN data:", "missing.csv does not exist")),
        ("file-loop", ("AE_EXPLAINER_RUN file:", "symbolic link loop")),
        ("file-k2-in-r3", ("AE_EXPLAINER_RUN file:", "points in R^3 with k = 2")),
        ("run-nested", ("AE_EXPLAINER_RUN:", "nested too deeply")),
        ("captions-maybe", ("AE_EXPLAINER_CAPTIONS:", "'maybe'")),
        ("narration-cut-short", ("AE_EXPLAINER_NARRATION_DIR:", "is cut short")),
    ],
)
def test_a_bad_variable_under_the_manim_cli_is_one_line_naming_it(
    tmp_path: Path, name: str, needles: tuple[str, ...]
) -> None:
    env = {
        "data-missing": lambda: {"AE_EXPLAINER_RUN": json.dumps({"data": str(tmp_path / "missing.csv")})},
        "file-loop": lambda: {"AE_EXPLAINER_RUN": json.dumps({"file": str(loop(tmp_path, "loop.npz"))})},
        "file-k2-in-r3": lambda: {
            "AE_EXPLAINER_RUN": json.dumps({"file": str(k2_run_in_r3(tmp_path / "s.npz"))})
        },
        "run-nested": lambda: {"AE_EXPLAINER_RUN": "[" * 30_000 + "]" * 30_000},
        "captions-maybe": lambda: {"AE_EXPLAINER_CAPTIONS": "maybe"},
        "narration-cut-short": lambda: {"AE_EXPLAINER_NARRATION_DIR": str(_cut_recordings(tmp_path))},
    }[name]()
    p = _manim(env, tmp_path)
    assert p.returncode == 2, (p.returncode, p.stderr[-3000:])
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout, p.stderr[-3000:]
    errors = [ln for ln in p.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and all(n in errors[0] for n in needles), p.stderr[-3000:]
    assert "--data" not in errors[0]


def _cut_recordings(tmp_path: Path) -> Path:
    """A folder in which chapter 4's every cue is a WAV cut short (a recorder that died mid-write)."""
    from ae_explainer.media.cues import chapter_cues
    from scenes.chapters.ch04_manifold_forms import ManifoldForms

    folder = tmp_path / "recs"
    folder.mkdir()
    for c in chapter_cues(ManifoldForms):
        (folder / f"{c.cue}.wav").write_bytes(wav()[:-1001])
    return folder


# Faults -----------------------------------------------------------------------------------------------


def _stale(out: Path) -> list[Path]:
    """Anything a run leaves that is not a whole output: part files, work folders."""
    return [p for p in out.rglob("*") if ".part" in p.name or p.name == ".ae-explainer-tmp"]


@pytest.mark.slow
def test_sigterm_during_the_join_leaves_nothing_and_a_rerun_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGTERM arrives once the joined file has been opened for writing (a signal to this process,
    sent from inside ``av.open``: no race with a join that takes a fraction of a second)."""
    import av

    from ae_explainer.cli.app import main

    out = tmp_path / "out"
    args = ["video", "--chapters", "2,3", "--quality", "low", "--narration", "off", "--out", str(out)]
    real_open = av.open
    signalled: list[str] = []

    def open_then_term(file: object, mode: str = "r", *a: object, **kw: object) -> object:
        container = real_open(file, mode, *a, **kw)  # type: ignore[call-overload]
        if mode == "w" and ".part" in str(file) and not signalled:
            signalled.append(str(file))
            os.kill(os.getpid(), signal.SIGTERM)  # handled between two bytecodes, inside the join
        return container

    monkeypatch.setattr(av, "open", open_then_term)
    code = main(args)
    err = capsys.readouterr().err
    assert signalled and Path(signalled[0]).parent.parent.name == ".ae-explainer-tmp"  # in a work folder
    assert code == 143 and err.rstrip().splitlines()[-1] == "ae-explainer: terminated", err[-2000:]
    assert not list(out.glob("ae-explainer-*.mp4")) and _stale(out) == [], _stale(out)
    monkeypatch.undo()
    p = _cli(*args)
    assert p.returncode == 0, p.stderr[-2000:]
    assert len(list(out.glob("ae-explainer-*.mp4"))) == 1 and _stale(out) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system (tmpfs, mounted as root), removed afterwards: a disk that fills mid-render."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.slow
def test_a_disk_that_fills_during_a_chapter_render_says_so_in_one_line(small_disk: Path) -> None:
    from aecore.cache import ensure_run
    from scenes.chapters.ch02_round_trip import RoundTripView

    for cfg in RoundTripView.run_configs():  # the runs are in the cache: only the render writes
        ensure_run(cfg, progress=lambda *_: None)
    out = small_disk / "renders"
    line = _one_line(_cli("render", "2", "--aspect", "1:1", "--out", str(out)))
    assert line.startswith("ae-explainer: error: ch02: the disk is full: --out ") and str(out) in line, line
    assert not [p for p in out.iterdir() if p.name.startswith("ch")] and _stale(out) == []
