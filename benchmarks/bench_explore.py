"""Frame times of the explorer page while scrubbing and dragging, measured in headless Chromium.

Usage::

    .venv/bin/python benchmarks/bench_explore.py [--frames 240]

Two runs with 300 points and an M of about 1,000 points: the arc (k = 1) with
a 1,000-point latent grid, and the sheet in R^3 (k = 2, a 33 x 33 grid: 1,089
points, 1,024 depth-sorted faces). For each, the page's own benchmark
(``AE.bench``) runs ``--frames`` animation frames that each either scrub to the
next snapshot (its cached f, g and M dropped first, so every frame runs the
model: f on the 300 points, g on them and on the grid) or move the probe one
step and redraw all three panels. It prints the median and 95th percentile of
the work per frame (script time of the update and the redraw) and of the
interval between frames (``requestAnimationFrame`` timestamps; 16.7 ms is 60
fps). Target: a median under 16.7 ms for both.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ae_explainer.deliver.explore import write_page  # noqa: E402
from aecore import TrainConfig, cached_run  # noqa: E402
from scenes.runs import MAIN_3D  # noqa: E402
from tests.browser import chromium, set_viewport  # noqa: E402

RUNS = {
    "arc, k=1, 1000-point M": TrainConfig(data="arc", latent_dim=1, hidden=(16, 16), grid_size=1000),
    "sheet in R^3, k=2, 33x33 M": MAIN_3D,
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=240, help="animation frames per measurement")
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-explore-") as tmp, chromium() as driver:
        driver.set_script_timeout(300)
        set_viewport(driver, 1280, 720)
        print(f"{'run':28s} {'action':6s} {'points':>6s} {'M':>5s}  work median/p95   interval median/p95")
        for label, cfg in RUNS.items():
            run = cached_run(cfg)
            page = write_page(run, Path(tmp) / str(abs(hash(label))))
            driver.get(page.as_uri())
            for kind in ("scrub", "drag"):
                res = driver.execute_async_script(
                    "AE.bench(arguments[0], arguments[1], arguments[arguments.length - 1]);",
                    kind,
                    a.frames,
                )
                work, gap = np.array(res["work"]), np.array(res["interval"])
                print(
                    f"{label:28s} {kind:6s} {res['points']:6d} {res['grid']:5d}"
                    f"  {np.median(work):5.2f} / {np.percentile(work, 95):5.2f} ms"
                    f"   {np.median(gap):5.2f} / {np.percentile(gap, 95):5.2f} ms"
                )
            print(f"{'':28s} page {page.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
