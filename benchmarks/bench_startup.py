"""A job's start-up: a new ``manim`` process per job against a render worker's forked child (one run).

Usage::

    .venv/bin/python benchmarks/bench_startup.py [--chapters 1,4,7,8] [--quality low] [--repeats 2]

Each job renders only the first animation of a chapter (``-n 0,0``), so its
wall time is mostly start-up: importing Manim and the project, loading the
chapter's runs, building the scene. Side by side, the same jobs run one at
a time

* ``process`` -- as ``python -m manim render ...`` in a new process each
  (how every job ran before render workers), and
* ``worker``  -- through one :class:`ae_explainer.render.worker.WorkerPool` worker,
  started with the chapters' runs preloaded (how ``ae-explainer`` runs
  jobs now); the worker's own start-up is counted once, in its first job.

The ratio ``process / worker`` is what a render of that many jobs saves per
job. The runs are trained (and cached) before any timing. This is a
benchmark, not a test: it exits 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapters", default="1,4,7,8")
    ap.add_argument("--quality", default="low")
    ap.add_argument("--repeats", type=int, default=2, help="each side runs the chapters this many times")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import train_runs
    from ae_explainer.render.worker import WorkerPool
    from scenes.chapters import find_chapter
    from scenes.look.frame import frame_spec

    infos = [find_chapter(k) for k in a.chapters.split(",")]
    opts = RenderOptions(quality=a.quality, narration="off")
    _, run_configs = train_runs(infos, opts)
    env = {**os.environ, **opts.env()}
    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        cfg = Path(tmp) / "frame.cfg"
        cfg.write_text(frame_spec(opts.aspect, opts.quality).cfg_text())

        def args(info: object, media: Path) -> list[str]:
            return ["render", "--disable_caching", "--progress_bar", "none", "--config_file", str(cfg),
                    "--media_dir", str(media), "-n", "0,0", str(info.file), info.name]  # type: ignore[attr-defined]  # fmt: skip

        times: dict[str, list[float]] = {"process": [], "worker": []}
        for i in range(a.repeats):
            for info in infos:
                media = Path(tmp) / f"p{i}-{info.number}"
                t0 = time.perf_counter()
                p = subprocess.run([sys.executable, "-m", "manim", *args(info, media)], env=env,
                                   capture_output=True, text=True)  # fmt: skip
                times["process"].append(time.perf_counter() - t0)
                if p.returncode:
                    sys.exit(f"bench_startup: ch{info.number} failed: {p.stderr[-1000:]}")
        t_pool = time.perf_counter()
        pool = WorkerPool(1, env, Path(tmp), run_configs)
        try:
            for i in range(a.repeats):
                for info in infos:
                    media = Path(tmp) / f"w{i}-{info.number}"
                    t0 = t_pool if not times["worker"] else time.perf_counter()
                    code = pool.run(args(info, media), Path(tmp) / "job.log")
                    times["worker"].append(time.perf_counter() - t0)
                    if code:
                        sys.exit(f"bench_startup: ch{info.number} failed in the worker (exit {code})")
        finally:
            pool.close()
    print(f"load average after: {os.getloadavg()}")
    n = len(times["process"])
    print(f"\n{n} jobs (chapters {a.chapters} x {a.repeats}, first animation only) at {a.quality}:")
    for side, ts in times.items():
        print(f"  {side:8s} {sum(ts):7.1f} s in all, {sum(ts) / n:5.2f} s per job")
    print(f"  process / worker: {sum(times['process']) / sum(times['worker']):.2f}x")
    return 0


if __name__ == "__main__":
    from _report import report_only

    report_only(main)
