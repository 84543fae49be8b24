"""Render jobs side by side: a new process each, our render worker, multiprocessing's forkserver, a fork.

Usage::

    .venv/bin/python benchmarks/bench_startup.py [--chapters 1,4,7,8] [--quality low] [--repeats 2]
        [--noops 20] [--render 4] [--renders 2]

The same jobs run one at a time on each side:

* ``process``    -- ``python -m manim render ...`` in a new process each
  (how every job ran before render workers);
* ``worker``     -- through one :class:`ae_explainer.render.worker.WorkerPool`
  worker, started with the chapters' runs preloaded (how ``ae-explainer``
  runs jobs now): our fork server, a job per line on a pipe;
* ``forkserver`` -- a :mod:`multiprocessing` process per job, forked from a
  ``forkserver`` context's server that preloaded the same things
  (``benchmarks/_forkserver_worker.py``: Manim, the chapters, the runs, the
  frozen heap), running the very same job code;
* ``fork``       -- a fork of this very process (Manim and the chapters
  imported), as :func:`ae_explainer.render.forked.fill_in_forks` starts its
  processes (latency only).

Three measures, each fork server started once:

1. job latency: ``manim --version`` (no scene): a) the first job, which
   starts the server (its imports, the runs loaded); b) ``--noops`` more
   jobs on each side, servers warm: what dispatching one job costs;
2. first animation: each chapter of ``--chapters`` rendered up to its first
   animation only (``-n 0,0``), ``--repeats`` times: mostly start-up
   (importing, loading the runs, building the scene);
3. a chapter's render: chapter ``--render`` rendered whole, ``--renders``
   times, the two servers alternating.

Each measure prints its ratios ``forkserver / worker`` (above 1: ours is
faster). The runs are trained (and cached) before any timing. This is a
benchmark, not a test: it exits 0.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapters", default="1,4,7,8")
    ap.add_argument("--quality", default="low")
    ap.add_argument("--repeats", type=int, default=2, help="each side runs the chapters this many times")
    ap.add_argument("--noops", type=int, default=20, help="no-scene jobs per side for the latency")
    ap.add_argument("--render", default="4", help="the chapter rendered whole (empty: skip)")
    ap.add_argument("--renders", type=int, default=2, help="whole renders per side")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import train_runs
    from ae_explainer.render.worker import WorkerPool
    from scenes.chapters import find_chapter
    from scenes.look.frame import frame_spec

    infos = [find_chapter(k) for k in a.chapters.split(",")]
    whole = [find_chapter(a.render)] if a.render else []
    opts = RenderOptions(quality=a.quality, narration="off")
    _, run_configs = train_runs([*infos, *whole], opts)
    env = {**os.environ, **opts.env()}
    # The fork server starts with this process's environment: the jobs' own, and the runs to preload.
    # Python 3.11's fork server ignores the caller's sys.path and drops a preload that does not import
    # without a word: it must find this folder (and the project) on PYTHONPATH.
    path = os.pathsep.join(filter(None, [str(Path(__file__).parent), str(ROOT), env.get("PYTHONPATH")]))
    os.environ.update(env, PYTHONPATH=path, AE_BENCH_PRELOAD=json.dumps([c.to_dict() for c in run_configs]))
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["_forkserver_worker", "_forkserver_job"])
    from _forkserver_job import job

    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        cfg = Path(tmp) / "frame.cfg"
        cfg.write_text(frame_spec(opts.aspect, opts.quality).cfg_text())
        log = Path(tmp) / "job.log"

        def args(info: object, media: Path, first_only: bool = True) -> list[str]:
            return ["render", "--disable_caching", "--progress_bar", "none", "--config_file", str(cfg),
                    "--media_dir", str(media), *(["-n", "0,0"] if first_only else []),
                    str(info.file), info.name]  # type: ignore[attr-defined]  # fmt: skip

        def process(argv: list[str]) -> int:
            return subprocess.run(
                [sys.executable, "-m", "manim", *argv], env=env, capture_output=True
            ).returncode

        def forkserver(argv: list[str]) -> int:
            p = ctx.Process(target=job, args=(argv, str(log)))
            p.start()
            p.join()
            return p.exitcode or 0

        pools: list[WorkerPool] = []  # started at its first job, as the fork server is

        def worker(argv: list[str]) -> int:
            if not pools:
                pools.append(WorkerPool(1, env, Path(tmp), run_configs))
            return pools[0].run(argv, log)

        def fork(argv: list[str]) -> int:  # as fill_in_forks does: a fork of this very process
            from manim.__main__ import main as manim_main

            from ae_explainer.render.worker import _child

            pid = os.fork()
            if pid == 0:
                _child({"args": argv, "log": str(log)}, manim_main)
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

        sides: dict[str, Callable[[list[str]], int]] = {
            "fork": fork,
            "process": process,
            "worker": worker,
            "forkserver": forkserver,
        }

        def timed(side: str, argv: list[str], what: str) -> float:
            t0 = time.perf_counter()
            code = sides[side](argv)
            if code:
                sys.exit(
                    f"bench_startup: {what} failed on the {side} side (exit {code}): {log.read_text()[-800:]}"
                )
            return time.perf_counter() - t0

        try:
            cold: dict[str, list[float]] = {s: [] for s in ("fork", "worker", "forkserver")}
            noop: dict[str, list[float]] = {s: [] for s in ("fork", "worker", "forkserver")}
            for k in range(a.noops + 1):
                for side in noop:
                    (cold if k == 0 else noop)[side].append(timed(side, ["--version"], "manim --version"))
            first: dict[str, list[float]] = {s: [] for s in ("process", "worker", "forkserver")}
            for side in first:
                for i in range(a.repeats):
                    for info in infos:
                        media = Path(tmp) / f"{side}-{i}-{info.number}"
                        first[side].append(timed(side, args(info, media), f"ch{info.number}"))
            render: dict[str, list[float]] = {"worker": [], "forkserver": []}
            for i in range(a.renders if whole else 0):
                for side in render if i % 2 == 0 else reversed(render):
                    media = Path(tmp) / f"whole-{side}-{i}"
                    render[side].append(timed(side, args(whole[0], media, first_only=False), "the render"))
        finally:
            for pool in pools:
                pool.close()
    print(f"load average after: {os.getloadavg()}\n")
    _table("1a. a server's cold start and its first job, 'manim --version' (ms)", cold, 1000)
    _table(f"1b. job latency: {a.noops} x 'manim --version' per side, servers warm (ms per job)", noop, 1000)
    _table(f"2. first animation: chapters {a.chapters} x {a.repeats} at {a.quality} (s per job)", first, 1)
    if whole:
        _table(f"3. chapter {a.render} rendered whole at {a.quality}, {a.renders} x per side (s)", render, 1)
    return 0


def _table(title: str, times: dict[str, list[float]], scale: float) -> None:
    print(title)
    for side, ts in times.items():
        mean, med = statistics.fmean(ts) * scale, statistics.median(ts) * scale
        print(
            f"  {side:10s} mean {mean:8.2f}  median {med:8.2f}  min {min(ts) * scale:8.2f}  (n = {len(ts)})"
        )
    f, w = times["forkserver"], times["worker"]
    medians = statistics.median(f) / statistics.median(w)
    print(f"  forkserver / worker: {sum(f) / sum(w):.2f}x (means), {medians:.2f}x (medians)")
    for other in ("process", "fork"):
        if other in times:
            print(f"  {other} / worker: {sum(times[other]) / sum(w):.2f}x")
    print()


if __name__ == "__main__":
    from _report import report_only

    report_only(main)
