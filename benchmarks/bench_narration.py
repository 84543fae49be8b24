"""Narration's cost: cold synthesis of the whole script, and a narrated ``video`` against a silent one.

Usage::

    .venv/bin/python benchmarks/bench_narration.py [--chapters 1,...,11] [--quality low] [--jobs 2]

1. **Synthesis, cold.** Every cue of the chosen chapters is spoken into an
   empty voice cache (the cues' texts come from dry runs first, not timed,
   and are kept in the cache as ``video`` keeps them).
   Target: well under a minute for the whole script.
2. **Narrated against silent.** ``video --force`` renders and joins the same
   chapters with ``--narration voice`` (the voice cache now warm) and with
   ``--narration off``, side by side in one run, the training cache warm
   (a warm narration cache: the voice and each chapter's cue list).
   Target: narrated at most 1.10x the silent wall time. The narrated video is
   longer (captions wait for the voice), so the time per second of video is
   printed too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _video(narration: str, out: Path, a: argparse.Namespace, env: dict[str, str]) -> float:
    cmd = [sys.executable, "-m", "ae_explainer", "video", "--force", "--chapters", a.chapters]
    cmd += ["--quality", a.quality, "--jobs", str(a.jobs), "--narration", narration, "--out", str(out)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench_narration: --narration {narration} failed:\n{p.stderr[-2000:]}")
    return dt


def main() -> int:
    from scenes.chapters import SCENES_IN_ORDER

    every = ",".join(str(c.chapter) for c in SCENES_IN_ORDER)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapters", default=every, help="chapters (default: all)")
    ap.add_argument("--quality", default="low", help="default low")
    ap.add_argument("--jobs", type=int, default=2, help="default 2")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-narration-") as tmp:
        env = {**os.environ, "AE_EXPLAINER_VOICE_CACHE": str(Path(tmp) / "voice")}
        os.environ.update(env)
        from ae_explainer.media.clips import video_seconds
        from ae_explainer.media.narration import voice_cues
        from ae_explainer.options import RenderOptions
        from ae_explainer.render.runs import prepare_runs
        from ae_explainer.render.timelines import cached_cues
        from scenes.chapters import find_chapter

        # The cue lists (one dry run per chapter) go into the narration cache as `video` keeps them.
        infos = [find_chapter(k) for k in a.chapters.split(",")]
        opts = RenderOptions(quality=a.quality, narration="voice")
        runs = prepare_runs(infos, opts)
        cues = [c for info in infos for c in cached_cues(info, opts, runs[info.name])]
        t0 = time.perf_counter()
        paths = voice_cues(cues)
        cold = time.perf_counter() - t0
        speech = 0.0
        for p in paths.values():
            with wave.open(str(p)) as w:
                speech += w.getnframes() / w.getframerate()
        t0 = time.perf_counter()
        voice_cues(cues)
        warm = time.perf_counter() - t0
        print(f"synthesis of {len(cues)} cues ({speech:.0f} s of speech), cold: {cold:.1f} s "
              f"({speech / cold:.1f}x real time, one thread); cached: {warm * 1000:.0f} ms")  # fmt: skip
        walls, lengths = {}, {}
        for narration in ("off", "voice"):
            out = Path(tmp) / narration
            walls[narration] = _video(narration, out, a, env)
            (video,) = out.glob("ae-explainer-*.mp4")
            lengths[narration] = video_seconds(video)
    print(f"video --chapters {a.chapters} --quality {a.quality} --jobs {a.jobs} --force:")
    for n in ("off", "voice"):
        print(f"  --narration {n:5s}: {walls[n]:6.1f} s wall for {lengths[n]:6.1f} s of video "
              f"({walls[n] / lengths[n]:.3f} s per s)")  # fmt: skip
    ratio = walls["voice"] / walls["off"]
    per_second = ratio / (lengths["voice"] / lengths["off"])
    print(f"  narrated / silent: {ratio:.2f}x wall time; {per_second:.2f}x per second of video")
    return 0


if __name__ == "__main__":
    sys.exit(main())
