"""Wall time of ``ae-explainer video --jobs 2`` against ``--jobs 1`` (same chapters, one run).

Usage::

    .venv/bin/python benchmarks/bench_jobs.py [--chapters 1,2,3,4] [--quality low] [--aspect 16:9]

Both renders start from scratch (``--force``, separate output folders) with
the training cache warm, and both join their clips; the ratio is
``jobs 1 / jobs 2`` (above 1: parallel is faster). On 2 cores the target is a
clear gain, 1.3x or more (each job also pays Manim's start-up, and chapters of
unequal length leave a core idle at the end). The joined videos' frame counts are printed
too: they must be equal.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _render(jobs: int, out: Path, a: argparse.Namespace) -> float:
    cmd = [sys.executable, "-m", "ae_explainer", "video", "--force", "--chapters", a.chapters]
    cmd += ["--quality", a.quality, "--aspect", a.aspect, "--jobs", str(jobs), "--out", str(out)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench_jobs: --jobs {jobs} failed:\n{p.stderr[-2000:]}")
    return dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapters", default="1,2,3,4", help="chapters to render (default 1,2,3,4)")
    from ae_explainer.cli.commands import COMMANDS
    from ae_explainer.options import RenderOptions
    from scenes.settings import ASPECTS, QUALITIES, default_of

    quality, aspect = COMMANDS["render"].quality, default_of(RenderOptions, "aspect")
    ap.add_argument("--quality", default=quality, choices=list(QUALITIES), help=f"default {quality}")
    ap.add_argument("--aspect", default=aspect, choices=list(ASPECTS), help=f"default {aspect}")
    a = ap.parse_args()
    from ae_explainer.media.clips import video_frames

    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        # Warm the training cache so neither side pays for training.
        _render(2, Path(tmp) / "warm", a)
        times, frames = {}, {}
        for jobs in (1, 2):
            out = Path(tmp) / f"jobs{jobs}"
            times[jobs] = _render(jobs, out, a)
            (video,) = out.glob("ae-explainer-*.mp4")
            frames[jobs] = video_frames(video)
    print(f"chapters {a.chapters} at {a.quality} {a.aspect}")
    print(f"  --jobs 1: {times[1]:6.1f} s   frames {frames[1]}")
    print(f"  --jobs 2: {times[2]:6.1f} s   frames {frames[2]}")
    print(f"  speed-up (jobs 1 / jobs 2): {times[1] / times[2]:.2f}x")
    return 0 if frames[1] == frames[2] else 1


if __name__ == "__main__":
    sys.exit(main())
