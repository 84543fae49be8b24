"""Still frames for review: every chapter's key frame in each aspect and theme (``make stills``).

``python -m ae_explainer.stills --out renders/stills`` writes

* ``<aspect>-<theme>/chNN-<Scene>.png``: the chapter's key frame (the moment
  :meth:`scenes.base.ChapterScene.key_frame` marks), with its caption, at
  ``--quality`` (default medium: 720 pixels on the short side);
* ``chNN-<Scene>.png``: one contact sheet per chapter, its stills side by side
  (every aspect, then every theme), so the whole look can be reviewed in one
  sitting.

Each aspect and theme is drawn in its own process (the theme is read when
the scenes are imported), at most ``--jobs`` at once. Nothing is encoded: a
still is the frame Manim's Cairo camera draws when the chapter, its
animations skipped, reaches its key frame. Every file is written under a
temporary name and renamed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aecore.files import atomic_path

__all__ = ["contact_sheet", "main", "render_stills"]

ASPECTS = ("16:9", "9:16", "1:1")
THEMES = ("dark", "light")


def _variant(aspect: str, theme: str) -> str:
    return f"{aspect.replace(':', 'x')}-{theme}"


def _draw_one(aspect: str, theme: str, quality: str, out: Path, chapters: Sequence[str]) -> list[Path]:
    """In this process (whose theme is already set): each chapter's key frame as a PNG in ``out``."""
    import numpy as np
    from manim import tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer
    from PIL import Image

    from scenes.chapters import SCENES_IN_ORDER, find_chapter
    from scenes.frame import frame_spec

    wanted = {find_chapter(k).number for k in chapters} if chapters else None
    out.mkdir(parents=True, exist_ok=True)
    media = tempfile.mkdtemp(prefix="ae-explainer-stills-")  # Manim's text cache, this process's own
    written = []
    for cls in SCENES_IN_ORDER:
        if wanted is not None and cls.chapter not in wanted:
            continue
        spec = {**frame_spec(aspect, quality).manim_config(), "verbosity": "ERROR", "progress_bar": "none"}
        with tempconfig({**spec, "disable_caching": True, "media_dir": media}):
            renderer = CairoRenderer(skip_animations=True)
            scene = cls(renderer=renderer)
            scene.stop_at_key_frame = True
            scene.render()
            renderer.update_frame(scene, ignore_skipping=True)
            frame = np.asarray(renderer.get_frame())[..., :3]
        path = out / f"ch{cls.chapter:02d}-{cls.__name__}.png"
        with atomic_path(path, ".tmp.png") as tmp:
            Image.fromarray(frame).save(tmp, format="PNG")
        print(f"  {_variant(aspect, theme)}/{path.name}", flush=True)
        written.append(path)
    shutil.rmtree(media, ignore_errors=True)
    return written


def contact_sheet(stills: Sequence[Path], out: Path, height: int = 360) -> Path:
    """The ``stills`` side by side, each scaled to ``height`` pixels, with a gap between them."""
    from PIL import Image

    images = [Image.open(p).convert("RGB") for p in stills]
    scaled = [im.resize((round(im.width * height / im.height), height)) for im in images]
    gap = 12
    sheet = Image.new("RGB", (sum(im.width for im in scaled) + gap * (len(scaled) - 1), height), (60, 60, 60))
    x = 0
    for im in scaled:
        sheet.paste(im, (x, 0))
        x += im.width + gap
    with atomic_path(out, ".tmp.png") as tmp:
        sheet.save(tmp, format="PNG")
    return out


def render_stills(
    out: Path,
    aspects: Sequence[str] = ASPECTS,
    themes: Sequence[str] = THEMES,
    chapters: Sequence[str] = (),
    quality: str = "medium",
    jobs: int = 2,
) -> list[Path]:
    """Each chapter's key frame in each aspect and theme, and a contact sheet per chapter (returned)."""
    out.mkdir(parents=True, exist_ok=True)

    def variant(at: tuple[str, str]) -> None:
        aspect, theme = at
        env = {**os.environ, "AE_EXPLAINER_THEME": theme}
        cmd = [sys.executable, "-m", "ae_explainer.stills", "--one", aspect, theme, "--quality", quality]
        cmd += ["--out", str(out / _variant(aspect, theme))]
        cmd += ["--chapters", ",".join(chapters)] if chapters else []
        p = subprocess.run(cmd, env=env, text=True, capture_output=True)
        sys.stdout.write(p.stdout)
        if p.returncode != 0:
            tail = (p.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise RuntimeError(f"stills {_variant(aspect, theme)}: {tail}")

    pairs = [(a, t) for a in aspects for t in themes]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(variant, pairs))
    sheets = []
    names = sorted({p.name for a, t in pairs for p in (out / _variant(a, t)).glob("ch*.png")})
    for name in names:
        stills = [out / _variant(a, t) / name for a, t in pairs if (out / _variant(a, t) / name).is_file()]
        sheets.append(contact_sheet(stills, out / name))
    return sheets


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ae_explainer.stills``: see the module docstring."""
    p = argparse.ArgumentParser(prog="python -m ae_explainer.stills", description=__doc__.splitlines()[0])
    p.add_argument("--out", default="renders/stills", help="output folder (default renders/stills)")
    p.add_argument("--aspects", default=",".join(ASPECTS), help="comma-separated (default: all three)")
    p.add_argument("--themes", default=",".join(THEMES), help="comma-separated (default: dark,light)")
    p.add_argument("--chapters", default="", help="comma-separated chapter numbers or names (default: all)")
    p.add_argument("--quality", default="medium", choices=("low", "medium", "high"), help="default medium")
    p.add_argument("--jobs", type=int, default=2, help="aspects and themes drawn at once (default 2)")
    p.add_argument("--one", nargs=2, metavar=("ASPECT", "THEME"), help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    chapters = [c for c in a.chapters.split(",") if c.strip()]
    if a.one:
        _draw_one(a.one[0], a.one[1], a.quality, Path(a.out), chapters)
        return 0
    aspects = [x for x in a.aspects.split(",") if x]
    themes = [x for x in a.themes.split(",") if x]
    bad = [x for x in aspects if x not in ASPECTS] + [x for x in themes if x not in THEMES]
    if bad:
        p.exit(2, f"{p.prog}: error: unknown aspect or theme {bad[0]!r}; use {', '.join(ASPECTS + THEMES)}\n")
    try:
        sheets = render_stills(Path(a.out), aspects, themes, chapters, a.quality, a.jobs)
    except RuntimeError as e:
        p.exit(2, f"{p.prog}: error: {e}\n")
    print(f"{len(sheets)} contact sheet(s) in {a.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
