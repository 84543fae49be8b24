"""What x264 costs per frame, by preset, at Manim's CRF 23 (side by side, one run).

Usage::

    .venv/bin/python benchmarks/bench_encoder.py [--chapter 4] [--quality high] [--presets medium,veryfast]

Renders the chapter once (``ae-explainer render``, warm run cache), decodes
its frames, then encodes them again with each preset exactly as Manim encodes
a partial movie (libx264, yuv420p, ``crf=23``, Manim's default ``medium``
preset). For each preset it prints the encode time per frame, the ratio to
``medium``, the file size and the PSNR of the decoded result against the
frames given to it (the same frames for every preset, so the numbers compare);
``--stills DIR`` keeps each preset's middle frame as a PNG, to look at.
It also prints the time Manim's whole render took per frame, so the encoder's
share of a render is visible. This is a benchmark, not a test: it exits 0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _encode(frames: list[np.ndarray], fps: int, preset: str, dest: Path) -> float:
    import av

    t0 = time.perf_counter()
    with av.open(str(dest), "w") as c:
        s = c.add_stream("libx264", rate=fps, options={"crf": "23", "preset": preset})
        s.pix_fmt = "yuv420p"
        s.height, s.width = frames[0].shape[:2]
        for f in frames:
            c.mux(s.encode(av.VideoFrame.from_ndarray(f, format="rgb24")))
        c.mux(s.encode())
    return time.perf_counter() - t0


def _decode(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(c.streams.video[0])]


def _psnr(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    mse = np.mean(
        [np.mean((x.astype(np.float64) - y.astype(np.float64)) ** 2) for x, y in zip(a, b, strict=True)]
    )
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", default="4")
    ap.add_argument("--quality", default="high")
    ap.add_argument("--presets", default="medium,fast,veryfast,superfast,ultrafast")
    ap.add_argument("--max-frames", type=int, default=600, help="frames encoded per preset (default 600)")
    ap.add_argument("--stills", type=Path, help="write the middle frame of each preset's encode here (PNG)")
    a = ap.parse_args()
    from scenes.settings import QUALITIES

    fps = QUALITIES[a.quality].fps
    with tempfile.TemporaryDirectory(prefix="bench-encoder-") as tmp:
        out = Path(tmp)
        cmd = [
            sys.executable,
            "-m",
            "ae_explainer",
            "render",
            a.chapter,
            "--quality",
            a.quality,
            "--out",
            tmp,
        ]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        render_s = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(f"bench_encoder: render failed:\n{p.stderr[-2000:]}")
        (clip,) = out.glob("ch*.mp4")
        frames = _decode(clip)
        n_render = len(frames)
        frames = frames[: a.max_frames]
        print(
            f"chapter {a.chapter} at {a.quality}: {n_render} frames, "
            f"whole render {render_s / n_render * 1000:.1f} ms/frame"
        )
        base = None
        print(f"  {'preset':10s} {'ms/frame':>9s} {'ratio':>6s} {'MB':>6s} {'PSNR dB':>8s}")
        for preset in a.presets.split(","):
            dest = out / f"{preset}.mp4"
            dt = _encode(frames, fps, preset, dest)
            per = dt / len(frames) * 1000
            base = base or per
            decoded = _decode(dest)
            psnr = _psnr(frames, decoded)
            if a.stills:
                from PIL import Image

                a.stills.mkdir(parents=True, exist_ok=True)
                Image.fromarray(decoded[len(decoded) // 2]).save(a.stills / f"{a.quality}-{preset}.png")
            print(f"  {preset:10s} {per:9.2f} {per / base:6.2f} {dest.stat().st_size / 1e6:6.2f} {psnr:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
