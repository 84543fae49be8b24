"""``examples/my_scene.py`` renders with the plain ``manim`` CLI from any folder, against the built wheel.

The project is built into a wheel and installed (``--no-deps``) into a folder
of its own; the example is copied to a folder outside the repository and
rendered there with ``manim -ql -s``, the installed package first on the path.
Its last frame is not blank, and M lies where ``aecore.decode`` puts it
(slow: a wheel, one small training and one still, about a minute).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import aecore

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "my_scene.py"
M_STROKE_WIDTH = 6.0
"""M's stroke width in Manim's units (:class:`scenes.views.manifold.CurveView`): 0.01 scene units each."""


def _installed_wheel(tmp_path: Path) -> Path:
    """The project built into a wheel and installed with pip into a folder of its own."""
    src, wheels, site = tmp_path / "src", tmp_path / "wheels", tmp_path / "site"
    junk = shutil.ignore_patterns(
        ".*", "assets", "renders", "media", "build", "*.egg-info", "__pycache__", "node_modules"
    )
    shutil.copytree(ROOT, src, ignore=junk)  # setuptools builds inside the source folder: a copy's
    pip = [sys.executable, "-m", "pip", "-q"]
    p = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(src)],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    (wheel,) = wheels.glob("ae_explainer-*.whl")
    p = subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stderr[-2000:]
    return site


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("my_scene", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _distance_to_polyline(p: np.ndarray, poly: np.ndarray) -> np.ndarray:
    a, b = poly[:-1], poly[1:]
    ab = b - a
    t = np.clip(np.einsum("psd,sd->ps", p[:, None, :] - a[None], ab) / np.einsum("sd,sd->s", ab, ab), 0, 1)
    return np.linalg.norm(p[:, None, :] - (a[None] + t[..., None] * ab[None]), axis=-1).min(axis=1)


def test_the_example_scene_renders_from_any_folder_with_the_installed_wheel(tmp_path: Path) -> None:
    from PIL import Image

    from scenes import ManifoldView, Theme

    site = _installed_wheel(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(EXAMPLE, elsewhere / "my_scene.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    env.update(PYTHONPATH=str(site), AE_EXPLAINER_RUNS=os.environ["AE_EXPLAINER_RUNS"])
    where = subprocess.run(
        [sys.executable, "-c", "import scenes, aecore; print(scenes.__file__); print(aecore.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.split() == [
        str(site / "scenes" / "__init__.py"),
        str(site / "aecore" / "__init__.py"),
    ]
    p = subprocess.run(
        [sys.executable, "-m", "manim", "-ql", "-s", "--media_dir", "media", "my_scene.py", "MyScene"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, (p.stdout + p.stderr)[-3000:]
    (png,) = (elsewhere / "media" / "images").rglob("MyScene*.png")
    img = np.asarray(Image.open(png).convert("RGB")).astype(np.float64)
    theme = Theme.named("dark")
    bg = theme.rgb("background") * 255
    assert (np.abs(img - bg).max(axis=-1) > 40).mean() > 0.02  # not blank: the picture is there

    # M's ink: pixels of M's colour over the background (at any opacity from 0.3 on; the x̂ dots
    # cover much of it) lie within half M's stroke and 1 px of the polyline through aecore.decode.
    example = _example()
    run = example.RUN
    view = ManifoldView.from_run(run, rect=example.M_RECT)
    expected = view.placement.to_scene(
        aecore.decode(run, np.asarray(run.final.latent_grid, dtype=np.float64))
    )
    h, w = img.shape[:2]
    frame_h = 8.0
    frame_w = frame_h * w / h
    poly = np.stack([(expected[:, 0] / frame_w + 0.5) * w, (0.5 - expected[:, 1] / frame_h) * h], axis=1)
    hue = theme.rgb("manifold") * 255 - bg
    alpha = np.einsum("hwc,c->hw", img - bg, hue) / (hue @ hue)
    off_hue = np.linalg.norm(img - bg - alpha[..., None] * hue, axis=-1)
    rows, cols = np.nonzero((alpha > 0.3) & (off_hue < 12))
    assert len(rows) > 100, len(rows)
    ink = np.stack([cols + 0.5, rows + 0.5], axis=1)
    half_stroke = 0.5 * M_STROKE_WIDTH * 0.01 * w / frame_w
    dist = _distance_to_polyline(ink, poly)
    assert dist.max() <= half_stroke + 1.0, (dist.max(), half_stroke)
