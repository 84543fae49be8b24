"""Shared helpers: a hermetic environment, low-resolution Manim config, frames without files.

Hermetic: every ``AE_EXPLAINER_*`` variable of the caller's shell is cleared
before any project code reads it, and the test run gets its own run cache
(``AE_EXPLAINER_RUNS``) and user cache folder (``XDG_CACHE_HOME``), shared by
its pytest-xdist workers and removed at the end. Subprocesses the tests start
inherit this environment. Nothing reaches the network: ``AE_EXPLAINER_OFFLINE=1``
makes the lecture pack use the reveal.js that ``make`` fetched during set-up.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

for _name in [n for n in os.environ if n.startswith("AE_EXPLAINER_")]:
    del os.environ[_name]

# The controller process makes the session folder; xdist workers inherit it through the environment.
_SESSION_VAR = "AE_TESTS_SESSION_DIR"
_OWNER = _SESSION_VAR not in os.environ
if _OWNER:
    os.environ[_SESSION_VAR] = tempfile.mkdtemp(prefix="ae-tests-session-")
SESSION_DIR = Path(os.environ[_SESSION_VAR])
os.environ["AE_EXPLAINER_RUNS"] = str(SESSION_DIR / "runs")
os.environ["AE_EXPLAINER_OFFLINE"] = "1"
os.environ["XDG_CACHE_HOME"] = str(SESSION_DIR / "xdg-cache")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWNER:
        shutil.rmtree(SESSION_DIR, ignore_errors=True)
        del os.environ[_SESSION_VAR]


from manim import config, tempconfig  # noqa: E402  (after the environment is set)

# Each test process gets its own Manim media folder: Manim keeps typeset texts
# there, and two pytest-xdist workers sharing one delete each other's files.
_MEDIA = tempfile.mkdtemp(prefix=f"ae-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
atexit.register(shutil.rmtree, _MEDIA, ignore_errors=True)
config.media_dir = _MEDIA

LOW_RES = {
    "pixel_width": 480,
    "pixel_height": 270,
    "frame_rate": 15,
    "disable_caching": True,
    "dry_run": True,
    "verbosity": "ERROR",
    "progress_bar": "none",
}


@pytest.fixture
def low_res() -> Iterator[None]:
    """Manim config of a 480x270 16:9 render that writes no files."""
    with tempconfig(LOW_RES):
        yield


def to_pixel(points: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scene points ``(N, 3)`` -> integer pixel (row, col) ``(N, 2)`` in the current frame."""
    from manim import config

    col = (points[:, 0] / config.frame_width + 0.5) * width
    row = (0.5 - points[:, 1] / config.frame_height) * height
    return np.stack([np.floor(row), np.floor(col)], axis=1).astype(int)


def dist_to_polyline(p: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Distance of each point ``(N, d)`` to the polyline through ``poly`` ``(G, d)``."""
    a, b = poly[:-1], poly[1:]
    ab = b - a
    t = np.clip(np.einsum("psd,sd->ps", p[:, None, :] - a[None], ab) / np.einsum("sd,sd->s", ab, ab), 0, 1)
    closest = a[None] + t[..., None] * ab[None]
    return np.linalg.norm(p[:, None, :] - closest, axis=-1).min(axis=1)
