"""Output folders, render jobs and the run cache: checks, locks, indexes, work folders, digests, progress.

No rendering: the jobs here are small Python processes that write what Manim
would (partial movie files), so progress and failures are checked in seconds.
"""

from __future__ import annotations

import errno
import io
import itertools
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ae_explainer.cli.console import ConsoleProgress
from ae_explainer.outputs import INDEX_NAME, WORK_NAME, Index, WorkDir, code_digest, prepare_out, sweep_stale
from ae_explainer.render.jobs import Job, partial_movies, run_jobs
from aecore import TrainConfig
from aecore.cache import cached_run, ensure_run, run_path, runs_dir
from aecore.errors import AecoreError

ROOT = Path(__file__).resolve().parents[1]
TINY = TrainConfig(data="circle", n_points=40, hidden=(8,), steps=40, n_snapshots=4)


@pytest.mark.parametrize(
    ("where", "needle"),
    [
        ("file", "is a file"),
        ("under-file", "Not a directory"),
        ("long", "File name too long"),
        ("proc", "cannot write there"),
        ("sys", "cannot write there"),
    ],
)
def test_an_unusable_out_folder_is_one_line_naming_it(tmp_path: Path, where: str, needle: str) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    out = {
        "file": a_file,
        "under-file": a_file / "sub",
        "long": tmp_path / ("x" * 300),
        "proc": Path("/proc/ae-explainer-test"),
        "sys": Path("/sys/ae-explainer-test"),
    }[where]
    with pytest.raises(AecoreError) as e:
        prepare_out(out)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"--out {out}") and needle in msg


def test_index_verifies_every_file_of_an_output(tmp_path: Path) -> None:
    clip, srt = tmp_path / "c.mp4", tmp_path / "c.srt"
    clip.write_bytes(b"movie" * 100)
    srt.write_text("1\n")
    index = Index(tmp_path)
    index.record(clip, "k1", [clip, srt])
    assert index.fresh(clip, "k1") and not index.fresh(clip, "k2")
    srt.unlink()
    assert not index.fresh(clip, "k1")  # a missing subtitle file makes the clip stale
    srt.write_text("1\n")
    clip.write_bytes(b"movie" * 50)  # truncated under its final name
    assert not index.fresh(clip, "k1")
    clip.write_bytes(b"MOVIE" * 100)  # same size, other bytes
    assert not index.fresh(clip, "k1")


@pytest.mark.parametrize("text", ["[1, 2]", '"a string"', "null", "{not json", '{"c.mp4": 3}'])
def test_a_damaged_index_is_rebuilt_not_a_crash(tmp_path: Path, text: str) -> None:
    (tmp_path / INDEX_NAME).write_text(text)
    clip = tmp_path / "c.mp4"
    clip.write_bytes(b"x")
    index = Index(tmp_path)
    assert not index.fresh(clip, "k")
    index.record(clip, "k", [clip])
    assert index.fresh(clip, "k")


def _record_many(folder: str, who: int) -> None:
    index = Index(Path(folder))
    for i in range(20):
        f = Path(folder) / f"w{who}-{i}.mp4"
        f.write_bytes(bytes([who, i]))
        index.record(f, f"k{who}", [f])


def test_concurrent_writers_keep_every_index_entry(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_record_many, args=(str(tmp_path), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    doc = json.loads((tmp_path / INDEX_NAME).read_text())
    assert len(doc) == 80
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def _hold_work_dir(out: str, ready: mp.synchronize.Event, release: mp.synchronize.Event) -> None:
    with WorkDir(Path(out)) as work:
        (work / "partial.mp4").write_bytes(b"half")
        ready.set()
        release.wait(60)


def test_work_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    live = ctx.Process(target=_hold_work_dir, args=(str(tmp_path), ready, release))
    live.start()
    assert ready.wait(60)
    dead_ready, never = ctx.Event(), ctx.Event()
    dead = ctx.Process(target=_hold_work_dir, args=(str(tmp_path), dead_ready, never))
    dead.start()
    assert dead_ready.wait(60)
    dead.kill()  # SIGKILL: no clean-up runs
    dead.join(60)
    assert len(list((tmp_path / WORK_NAME).iterdir())) == 2
    removed = sweep_stale(tmp_path)
    assert len(removed) == 1 and removed[0].name.startswith(f"{dead.pid}-")
    release.set()
    live.join(60)
    assert not (tmp_path / WORK_NAME).exists()  # the live one cleaned up after itself


def test_a_work_folder_is_removed_on_an_exception(tmp_path: Path) -> None:
    with pytest.raises(OSError), WorkDir(tmp_path) as work:
        (work / "x").write_text("partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert not (tmp_path / WORK_NAME).exists()


@pytest.mark.slow  # new processes: trainings, or imports of a copy of the code
def test_a_chapter_digest_follows_its_own_imports_only(tmp_path: Path) -> None:
    pkg = tmp_path / "copy"
    for layer in ("aecore", "scenes", "ae_explainer"):
        shutil.copytree(ROOT / layer, pkg / layer, ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "import sys; from pathlib import Path; import ae_explainer.outputs as o; "
        "print(o.code_digest([Path(sys.argv[1])]))"
    )

    def digest(rel: str) -> str:
        p = subprocess.run(
            [sys.executable, "-c", script, str(pkg / rel)],
            cwd=pkg,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(pkg)},
        )
        assert p.returncode == 0, p.stderr
        return p.stdout.strip()

    chapter = "scenes/chapters/ch02_round_trip.py"
    before = digest(chapter)
    (pkg / "ae_explainer" / "render" / "chapters.py").write_text("# edited\n", encoding="utf-8")
    (pkg / "aecore" / "train.py").write_text("# edited\n", encoding="utf-8")
    assert digest(chapter) == before  # the render pipeline and the trainer are not the chapter's code
    with open(pkg / "scenes" / "look" / "style.py", "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    assert digest(chapter) != before  # a module the chapter imports is
    ch02, ch06 = digest(chapter), digest("scenes/chapters/ch06_reliability.py")
    with open(pkg / "scenes" / "chapters" / "ch03_morph.py", "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    # Another chapter is not this one's code (chapters never import chapters).
    assert (digest(chapter), digest("scenes/chapters/ch06_reliability.py")) == (ch02, ch06)
    with open(pkg / "scenes" / "story.py", "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    # A module only some chapters import re-renders those chapters, not the others.
    assert digest(chapter) == ch02 and digest("scenes/chapters/ch06_reliability.py") != ch06
    assert code_digest([ROOT / chapter]) == code_digest([ROOT / chapter])


def test_the_index_remembers_how_many_animations_a_chapter_has(tmp_path: Path) -> None:
    clip = tmp_path / "c.mp4"
    clip.write_bytes(b"x")
    index = Index(tmp_path)
    index.record(clip, "k", [clip], count_key="chapter-at-this-pace", animations=24)
    assert index.animations("chapter-at-this-pace") == 24 and index.animations("other") is None
    index.record(clip, "k", [clip])  # a still: no count
    assert index.animations("chapter-at-this-pace") is None


# Jobs and their progress ----------------------------------------------------------------------

_FAKE_MANIM = """
import sys, time
from pathlib import Path
folder = Path(sys.argv[1]) / "videos" / "mod" / "480p15" / "partial_movie_files" / "Scene"
folder.mkdir(parents=True)
for i in range(int(sys.argv[2])):
    (folder / f"uncached_{i:05d}.mp4").write_bytes(b"movie")
    time.sleep(0.15)
print("Animation 0 : Partial movie file written")
if sys.argv[3] == "fail":
    print("ValueError: the scene broke")
    sys.exit(1)
"""


class _Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, object]] = []

    def job_started(self, label: str, total: int | None, unit: str = "animations") -> None:
        self.events.append(("started", label, total))

    def job_advanced(self, label: str, done: int) -> None:
        self.events.append(("advanced", label, done))

    def job_finished(self, label: str, seconds: float) -> None:
        self.events.append(("finished", label, round(seconds)))


def _job(tmp: Path, label: str, n: int, outcome: str, finished: list[str]) -> Job:
    media = tmp / label
    media.mkdir()
    cmd = [sys.executable, "-c", _FAKE_MANIM, str(media), str(n), outcome]
    return Job(label, cmd, dict(os.environ), media, lambda m: finished.append(label), total=n)


def test_jobs_report_the_animations_their_partial_movie_files_count(tmp_path: Path) -> None:
    finished: list[str] = []
    progress = _Recorder()
    jobs = [_job(tmp_path, "ch01", 8, "ok", finished), _job(tmp_path, "ch02", 4, "ok", finished)]
    run_jobs(jobs, 2, tmp_path / "logs", progress)
    assert sorted(finished) == ["ch01", "ch02"] and partial_movies(tmp_path / "ch01") == 8
    kinds = [(kind, label) for kind, label, _ in progress.events]
    assert ("started", "ch01") in kinds and kinds.count(("finished", "ch02")) == 1
    steps = [n for kind, label, n in progress.events if kind == "advanced" and label == "ch01"]
    assert steps and steps == sorted(steps) and max(steps) <= 7  # the file being written is not done
    assert not (tmp_path / "logs").exists()


def test_a_failed_job_is_one_line_with_its_log_kept_and_stops_the_others(tmp_path: Path) -> None:
    finished: list[str] = []
    jobs = [_job(tmp_path, "ch01", 1, "fail", finished), _job(tmp_path, "ch02", 4000, "ok", finished)]
    t0 = time.monotonic()
    with pytest.raises(AecoreError) as e:
        run_jobs(jobs, 2, tmp_path / "logs", _Recorder())
    assert time.monotonic() - t0 < 300  # ch02 was stopped, not waited for (4000 x 0.15 s = 600 s)
    msg = str(e.value)
    assert msg.startswith("ch01: manim failed (exit 1): ValueError: the scene broke") and "\n" not in msg
    assert (tmp_path / "logs" / "ch01.log").is_file() and finished == []


def _plain_progress(
    monkeypatch: pytest.MonkeyPatch, seconds_per_call: float
) -> tuple[ConsoleProgress, io.StringIO]:
    """A progress on a pipe whose clock advances ``seconds_per_call`` each time it is read."""
    import ae_explainer.cli.console

    clock = iter(itertools.count(0.0, seconds_per_call))
    monkeypatch.setattr(ae_explainer.cli.console.time, "monotonic", lambda: next(clock))
    out = io.StringIO()
    return ConsoleProgress(out), out


def _feed(progress: ConsoleProgress) -> None:
    for step in range(1, 3001):  # as the trainer reports it: from step 1
        progress.training("arc.npz", step, 3000, 0.01)
    progress.planned("clip", 2, 3, 2, Path("renders"))
    progress.reused(Path("renders/ch01.mp4"))
    progress.job_started("ch02", 40)
    progress.job_started("ch03", None)  # its number of animations is not known yet
    for n in range(41):
        progress.job_advanced("ch02", n)
        progress.job_advanced("ch03", n)
    progress.job_finished("ch02", 12.0)
    progress.job_finished("ch03", 13.0)


def test_progress_on_a_pipe_is_a_few_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    progress, out = _plain_progress(monkeypatch, 0.001)  # quick work: its start and its end only
    with progress:
        assert not progress.live
        _feed(progress)
    assert "\x1b" not in out.getvalue()
    assert out.getvalue().splitlines() == [
        "  training arc.npz: 3000 steps",
        "  trained arc.npz: 3000 steps, loss 0.01000, 3.0 s",
        "rendering 2 of 3 clip(s) with 2 job(s) -> renders/",
        "  reusing renders/ch01.mp4 (already rendered)",
        "  [    0 s] ch02 started (40 animations)",
        "  [    0 s] ch03 started",
        "  [   12 s] ch02 done",
        "  [   13 s] ch03 done",
    ]


def test_slow_work_on_a_pipe_reports_each_quarter(monkeypatch: pytest.MonkeyPatch) -> None:
    progress, out = _plain_progress(monkeypatch, 1.0)  # slow work: quarters, or every 30 s
    with progress:
        _feed(progress)
    lines = out.getvalue().splitlines()
    assert [ln.split("(")[1] for ln in lines if "training arc.npz: step" in ln] == ["25%, loss 0.01000)",
        "50%, loss 0.01000)", "75%, loss 0.01000)"]  # fmt: skip
    assert [ln.split(": ")[1] for ln in lines if "ch02:" in ln] == [
        "10/40 animations (25%)",
        "20/40 animations (50%)",
        "30/40 animations (75%)",
    ]
    assert len([ln for ln in lines if "ch03:" in ln]) == 2  # 80 s of unknown totals: two lines


def test_runs_live_in_the_checkout_or_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AE_EXPLAINER_RUNS")
    assert runs_dir() == ROOT / "assets" / "runs"
    import aecore.cache

    monkeypatch.setattr(aecore.cache, "_source_checkout", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert runs_dir() == Path("/somewhere/ae-explainer/runs")


@pytest.mark.slow  # new processes: trainings, or imports of a copy of the code
def test_a_corrupt_cached_run_is_trained_again(tmp_path: Path) -> None:
    path = ensure_run(TINY, root=tmp_path, progress=lambda *_: None)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 3])
    run = cached_run(TINY, root=tmp_path, quiet=True)
    assert path.read_bytes() == whole and len(run.snapshots) >= 2


def test_a_run_path_follows_the_data_content(tmp_path: Path) -> None:
    data = tmp_path / "mine.csv"
    data.write_text("\n".join(f"{i},{i * i % 7}" for i in range(20)))
    cfg = TrainConfig(data=str(data), steps=10)
    first = run_path(cfg, tmp_path)
    data.write_text("\n".join(f"{i},{i * i % 5}" for i in range(20)))
    assert run_path(cfg, tmp_path) != first


def _train_tiny(root: str, log: str) -> None:
    def progress(name: str, step: int, total: int, loss: float) -> None:
        if step == 0:
            with open(log, "a", encoding="utf-8") as fh:  # one line per training started
                fh.write(f"{os.getpid()} {name}\n")

    ensure_run(TINY, root=Path(root), progress=progress)


def test_two_processes_missing_the_cache_at_once_train_once(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    root, log = tmp_path / "runs", tmp_path / "trainings.log"
    procs = [ctx.Process(target=_train_tiny, args=(str(root), str(log))) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert len(log.read_text().splitlines()) == 1
    _train_tiny(str(root), str(log))  # and a third, later, only loads it
    assert len(log.read_text().splitlines()) == 1
    assert sorted(p.suffix for p in root.iterdir()) == [".lock", ".npz"]  # no temporary file left


def test_chapters_named_twice_render_once_and_positional_lists_split() -> None:
    from ae_explainer.cli.commands import chapters_of

    infos = chapters_of(["6", "ReliableWhereDense", "4", "6"], "--chapters")
    assert [i.number for i in infos] == [6, 4]  # once each, in the order first named
    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "render", "4,5", "99", "--out", "unused"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "no chapter '99'" in p.stderr, p.stderr  # 4 and 5 were found


@pytest.mark.parametrize("command", ["render", "video", "lecture", "stills"])
def test_every_chapter_command_takes_its_chapters_spaced_or_comma_separated(command: str) -> None:
    """``stills --chapters 3 5 12`` as ``render 3,5,12``: the same forms name the same chapters everywhere."""
    from ae_explainer.cli.app import _build_parser
    from ae_explainer.cli.commands import chapter_keys, chapters_of

    parser = _build_parser()
    forms = (
        ["3", "5", "12"],
        ["3,5,12"],
        ["3,", "5", ",12"],
        ["--chapters", "3", "5", "12"],
        ["--chapters", "3,5,12"],
        ["3", "--chapters", "5,12"],
        ["--chapters", "3", "--chapters", "5", "12"],
    )
    for words in forms:
        a = parser.parse_args([command, *words, "--out", "unused"])
        assert chapter_keys(a) == ["3", "5", "12"], words
        assert [i.number for i in chapters_of(chapter_keys(a), "--chapters")] == [3, 5, 12], words
    assert chapter_keys(parser.parse_args([command, "--out", "unused"])) == []  # none named: all chapters
