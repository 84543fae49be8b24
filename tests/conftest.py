"""Shared helpers: a hermetic environment, low-resolution Manim config, frames without files.

Hermetic: every ``AE_EXPLAINER_*`` variable of the caller's shell is cleared
before any project code reads it, and the test run gets its own run cache
(``AE_EXPLAINER_RUNS``), narration cache (``AE_EXPLAINER_VOICE_CACHE``) and
user cache folder (``XDG_CACHE_HOME``), shared by its pytest-xdist workers
and removed at the end; ``AE_TESTS_CACHE=DIR`` keeps the first two in ``DIR``
for the next session instead (the fast loop, see the README). Subprocesses the tests start inherit this
environment. Nothing reaches the network: ``AE_EXPLAINER_OFFLINE=1``
makes the lecture pack use the reveal.js that ``make`` fetched during set-up.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

if TYPE_CHECKING:
    from aecore import Run

for _name in [n for n in os.environ if n.startswith("AE_EXPLAINER_")]:
    del os.environ[_name]

# The controller process makes the session folder; xdist workers inherit it through the environment.
_SESSION_VAR = "AE_TESTS_SESSION_DIR"
_OWNER = _SESSION_VAR not in os.environ
if _OWNER:
    os.environ[_SESSION_VAR] = tempfile.mkdtemp(prefix="ae-tests-session-")
SESSION_DIR = Path(os.environ[_SESSION_VAR])
# AE_TESTS_CACHE=DIR keeps the trained runs and the spoken cues in DIR from one session to the next, so
# a second fast loop trains nothing. Both caches are keyed on content (a run on its config, its data and
# the trainer's source; a cue on its text and the voice), so an edit that changes a run trains it again.
_KEPT_CACHE = os.environ.get("AE_TESTS_CACHE")
_CACHES = Path(_KEPT_CACHE).expanduser().resolve() if _KEPT_CACHE else SESSION_DIR
os.environ["AE_EXPLAINER_RUNS"] = str(_CACHES / "runs")
os.environ["AE_EXPLAINER_VOICE_CACHE"] = str(_CACHES / "voice")
os.environ["AE_EXPLAINER_OFFLINE"] = "1"
os.environ["XDG_CACHE_HOME"] = str(SESSION_DIR / "xdg-cache")


# ``slow`` marks what the fast loop leaves out (CI runs everything): a test that renders frames or
# clips, trains a run to a fit or starts the browser, and all but a sample of a family of checks
# over chapters, aspects, themes or data sets (:func:`fast_sample`).
SLOW_FIXTURES = frozenset({"renders", "browser", "chapters", "digits"})
"""Fixtures that render videos, start a browser or need every chapter's runs (the digits among them):
a test using one must be marked ``slow``."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a test that uses a slow fixture without the ``slow`` mark: ``-m "not slow"`` must stay fast."""
    unmarked = [
        item.nodeid
        for item in items
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError("mark these tests slow (they use a slow fixture): " + ", ".join(unmarked))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWNER:
        shutil.rmtree(SESSION_DIR, ignore_errors=True)
        del os.environ[_SESSION_VAR]


from manim import config, tempconfig  # noqa: E402  (after the environment is set)

from scenes.patches.skipping import dry_renderer  # noqa: E402  (re-exported: the tests' dry runs are the CLI's)

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


ROOT = Path(__file__).resolve().parents[1]
RENDERED_CHAPTERS = ("2", "3")  # the two shortest chapters that join seamlessly


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ae_explainer", *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture(scope="session")  # session: kept across modules, so its one worker renders it once
def renders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The same two chapters rendered with --jobs 2 and with --jobs 1, each joined into a narrated video.

    Tests that use it share one worker (``xdist_group("renders")``), so it is rendered once.
    """
    root = tmp_path_factory.mktemp("renders")
    out: dict[str, Path] = {"root": root}
    for jobs in (2, 1):
        folder = root / f"jobs{jobs}"
        p = _cli("video", "--chapters", ",".join(RENDERED_CHAPTERS), "--aspect", "1:1", "--quality", "low",
                 "--jobs", str(jobs), "--out", str(folder))  # fmt: skip
        assert p.returncode == 0, p.stderr[-3000:]
        out[f"jobs{jobs}"] = folder
        out[f"log{jobs}"] = folder / "log.txt"
        out[f"log{jobs}"].write_text(p.stdout)
    yield out


def record_runs(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The configs of the runs the scenes load from now on (sorted JSON), until ``monkeypatch`` undoes it.

    Every run is loaded afresh (:func:`forget_loaded_runs`), so a scene's runs are
    recorded even where an earlier scene loaded them; clear the set and forget the
    runs again to record another scene's.
    """
    import json

    from aecore import cached_run

    asked: set[str] = set()

    def record(cfg: Any, *args: Any, **kwargs: Any) -> Any:
        asked.add(json.dumps(cfg.to_dict(), sort_keys=True))
        return cached_run(cfg, *args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("scenes.") and getattr(module, "cached_run", None) is cached_run:
            monkeypatch.setattr(module, "cached_run", record)
    forget_loaded_runs()
    return asked


def forget_loaded_runs() -> None:
    """Empty the scenes' run loaders' caches, so the next scene loads its runs (from the run cache) again."""
    from scenes import runs

    for loaded in (
        runs.main_run_2d,
        runs.gap_run_2d,
        runs.main_run_3d,
        runs.sheet_k1_run,
        runs.helix_k2_run,
        runs.digits_run,
    ):
        loaded.cache_clear()


@pytest.fixture(scope="session")  # session: kept across modules, so its one worker renders it once
def chapters() -> list:
    """Every chapter rendered in dry run, in play order: their clips, joined, are the explainer.

    Each scene's ``runs_loaded`` is the set of the configs (sorted JSON) of the
    runs it loaded (:func:`record_runs`).
    """
    from scenes.chapters import SCENES_IN_ORDER

    scenes = []
    with tempconfig(LOW_RES), pytest.MonkeyPatch.context() as monkeypatch:
        asked = record_runs(monkeypatch)
        for cls in SCENES_IN_ORDER:
            asked.clear()
            forget_loaded_runs()
            scene = cls(renderer=dry_renderer())
            scene.render()
            scene.runs_loaded = set(asked)
            scenes.append(scene)
    return scenes


@pytest.fixture(scope="session")
def digits() -> Run:
    """The images chapter's run: 1,797 digit images in R^64, trained for 3,000 steps (slow)."""
    from scenes.runs import digits_run

    return digits_run()


def fast_sample(
    params: Sequence[Any], fast: Iterable[Any], ids: Callable[[Any], str] | None = None
) -> list[Any]:
    """``params`` with every one not in ``fast`` marked ``slow``: the fast loop keeps a sample of a family.

    For families of the same check over chapters, aspects, themes or data
    sets: the sample keeps the check in the fast loop, and CI runs them all. A
    tuple is the values of several argument names; ``ids`` names each case.
    """
    keep = list(fast)
    if missing := [f for f in keep if f not in params]:
        raise ValueError(f"fast_sample: {missing!r} are not among the parameters")
    return [
        pytest.param(
            *(p if isinstance(p, tuple) else (p,)),
            marks=() if p in keep else (pytest.mark.slow,),
            id=ids(p) if ids else None,
        )
        for p in params
    ]
