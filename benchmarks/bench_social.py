"""Wall time of ``ae-explainer social`` for all five platforms against one render of the short (one run).

Usage::

    .venv/bin/python benchmarks/bench_social.py [--quality low]

Both sides start from a warm cache (the runs trained, the voice's cues
synthesized: a first, untimed ``social`` run fills them) and render from
scratch (``--force``, separate output folders):

- *one render*: ``social --platforms tiktok``: the 9:16 render of the
  short, and one folder filled from it;
- *five posts*: ``social`` (shorts, reels, tiktok, x, linkedin): the 9:16
  render shared by the three vertical feeds, the 1:1 render shared by X and
  LinkedIn, five folders, and X's GIF.

The target is at most 2.2x: the five posts pay for a second, smaller render
(1:1), not for five.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _social(out: Path, quality: str, *flags: str) -> float:
    cmd = [sys.executable, "-m", "ae_explainer", "social", "--quality", quality, "--out", str(out), *flags]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"social {' '.join(flags)} failed: {p.stderr.strip()[-500:]}")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quality", default="low", help="default low (high is what a poster makes)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-social-") as tmp:
        _social(Path(tmp) / "warm", a.quality)  # trains the runs and synthesizes the cues, untimed
        one = _social(Path(tmp) / "one", a.quality, "--platforms", "tiktok", "--force")
        five = _social(Path(tmp) / "five", a.quality, "--force")
        sizes = {p.parent.name: p.stat().st_size for p in (Path(tmp) / "five").glob("*/post.mp4")}
    print(f"the short at {a.quality}, warm cache, renders from scratch")
    print(f"  one render (tiktok):        {one:6.1f} s")
    print(f"  five posts (all platforms): {five:6.1f} s   ({len(sizes)} post.mp4 files)")
    print(f"  ratio (five / one): {five / one:.2f}x (target <= 2.2x)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _report import report_only

    report_only(main)
