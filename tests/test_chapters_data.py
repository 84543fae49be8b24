"""Every built-in 2-D data set, and a user's CSV, through every chapter that shows the main run.

The main run (``[run] data = ...`` of a settings file, ``AE_EXPLAINER_RUN``)
changes the data behind chapters 1-6 and 12; each data set has its own
geometry (open or closed curve, a spiral, a 2-D blob, separate clusters). Each
case dry-runs those chapters to their key frame and checks that the frame is
sound: every visible mobject inside the frame and outside the platform
margins, every point and every number on screen finite, and the magnified
view of chapter 5 around its x and x̂.

For speed the runs train for few steps (the test is about each data set's
geometry, not about a good fit), in this process (one torch import instead of
one per run), and the chapters run without captions (their layout does not
depend on the data).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from manim import Mobject, Text

from aecore import TrainConfig
from aecore.datasets import DATASETS
from scenes import runs
from scenes.base import ChapterScene
from scenes.chapters.ch01_implementation import ImplementationView
from scenes.chapters.ch02_round_trip import RoundTripView
from scenes.chapters.ch03_morph import MorphToRepresentation
from scenes.chapters.ch04_manifold_forms import ManifoldForms
from scenes.chapters.ch05_recon_on_manifold import ReconstructionsOnManifold
from scenes.chapters.ch06_reliability import ReliableWhereDense
from scenes.chapters.ch12_both_pictures import BothPictures
from scenes.look.frame import outside_safe_area
from scenes.mobjects.readout import Readout
from scenes.mobjects.zoom import ZoomView
from tests.conftest import dry_renderer

pytestmark = pytest.mark.usefixtures("low_res")

MAIN_RUN_CHAPTERS: list[type[ChapterScene]] = [
    ImplementationView,
    RoundTripView,
    MorphToRepresentation,
    ManifoldForms,
    ReconstructionsOnManifold,
    ReliableWhereDense,
    BothPictures,
]
"""The chapters that show the main run (:func:`scenes.runs.main_run_2d`)."""

STEPS = 400
"""Training steps of each run here (the default is 3000)."""

_BUILT_IN_2D = ["arc", "spiral", "circle", "blob", "clusters"]

_NUMBER = re.compile(r"[−+-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?")
_NOT_FINITE = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)


def _two_clusters(path: Path) -> Path:
    """A user's CSV with a header line: two noisy clusters of 100 points each, apart."""
    rng = np.random.default_rng(7)
    pts = np.vstack([rng.normal((-1.0, 0.0), 0.15, (100, 2)), rng.normal((1.0, 0.5), 0.15, (100, 2))])
    np.savetxt(path, pts, delimiter=",", header="x,y", comments="")
    return path


def _train_here(cfgs: list[TrainConfig]) -> None:
    """Fill the run cache with ``cfgs``, trained in this process.

    Only to save time: :func:`aecore.cached_run` would train each in a child
    process, which imports torch again for every run.
    """
    from aecore.cache import run_path
    from aecore.train import train_to_file

    for cfg in cfgs:
        path = run_path(cfg)
        if not path.exists():
            train_to_file(cfg, path)


@pytest.fixture
def main_run_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[str], None]]:
    """Set the main run to a data set (name or ``"csv"``), trained for :data:`STEPS`; undone after."""

    def use(data: str) -> None:
        if data == "csv":
            data = str(_two_clusters(tmp_path / "clusters.csv"))
        monkeypatch.setenv("AE_EXPLAINER_RUN", json.dumps({"data": data, "steps": STEPS}))
        monkeypatch.setenv("AE_EXPLAINER_CAPTIONS", "0")
        runs.main_run_2d.cache_clear()
        _train_here([runs.main_config_2d()])  # with its other-seed decoders (the ensemble)

    yield use
    runs.main_run_2d.cache_clear()


def _shown_strings(mobjects: list[Mobject]) -> list[str]:
    """Every text on screen: typeset texts and the current values of readouts."""
    out: list[str] = []

    def visit(m: Mobject) -> None:
        if isinstance(m, Readout):  # its one Text child is re-shaped in place, keeping its first string
            out.append(m.value)
        elif isinstance(m, Text):
            out.append(m.original_text)
        else:
            for sub in m.submobjects:
                visit(sub)

    for top in mobjects:
        visit(top)
    return out


def _key_frame_problems(scene: ChapterScene) -> list[str]:
    """What is wrong with the scene's key frame: the empty list if nothing."""
    problems = [f"outside the safe area: {o}" for o in outside_safe_area(scene.mobjects)]
    for top in scene.mobjects:
        for m in top.get_family():
            if m.has_points() and not np.all(np.isfinite(m.points)):
                problems.append(f"{type(m).__name__} has non-finite points")
    for s in _shown_strings(scene.mobjects):
        if _NOT_FINITE.search(s):
            problems.append(f"non-finite number on screen: {s!r}")
        for n in _NUMBER.findall(s):
            if not np.isfinite(float(n.replace("−", "-"))):
                problems.append(f"non-finite number on screen: {s!r}")
    return problems


def _zoom_problems(scene: ChapterScene) -> list[str]:
    """Chapter 5: the magnified view exists and its x and x̂ labels sit inside its square."""
    family = {id(m): m for top in scene.mobjects for m in top.get_family()}  # the view is in two groups
    zooms = [m for m in family.values() if isinstance(m, ZoomView)]
    if len(zooms) != 1:
        return [f"{len(zooms)} magnified views at the key frame"]
    zoom = zooms[0]
    frame = zoom.panel.frame
    lo, hi = frame.get_corner((-1, -1, 0)), frame.get_corner((1, 1, 0))
    out = []
    for label in (zoom.x_label, zoom.xhat_label):
        a, b = label.get_corner((-1, -1, 0)), label.get_corner((1, 1, 0))
        if np.any(a[:2] < lo[:2]) or np.any(b[:2] > hi[:2]):
            out.append(f"label {label.original_text!r} leaves the magnified view")
    return out


@pytest.mark.slow  # each case trains its run with the other seeds' decoders
@pytest.mark.parametrize("data", [*_BUILT_IN_2D, "csv"])
def test_every_main_run_chapter_shows_the_data_set(data: str, main_run_on: Callable[[str], None]) -> None:
    main_run_on(data)
    run = runs.main_run_2d()
    assert run.config.data.endswith("clusters.csv") if data == "csv" else run.config.data == data
    assert run.config.steps == STEPS
    assert run.ensemble is not None and len(run.ensemble.manifolds) == len(runs.SEEDS_2D)
    s = run.final
    for a in (s.latents, s.recon, s.manifold, s.density, s.reliability):
        assert np.all(np.isfinite(a))
    problems = []
    for cls in MAIN_RUN_CHAPTERS:
        scene = cls(renderer=dry_renderer())
        scene.stop_at_key_frame = True
        try:
            scene.render()
        except Exception as e:  # report every chapter, not only the first to fail
            problems.append(f"ch{cls.chapter:02d} {cls.__name__}: {type(e).__name__}: {e}")
            continue
        if scene.key_frame_time is None:
            problems.append(f"ch{cls.chapter:02d} {cls.__name__}: no key frame")
        found = _key_frame_problems(scene)
        if cls is ReconstructionsOnManifold:
            found += _zoom_problems(scene)
        problems += [f"ch{cls.chapter:02d} {cls.__name__}: {p}" for p in found]
    assert problems == [], f"{data}:\n" + "\n".join(problems)


def test_the_built_in_2d_data_sets_are_all_here() -> None:
    from aecore.datasets import make_dataset

    two_d = [name for name in DATASETS if make_dataset(name, 20, 0.0, 0).shape[1] == 2]
    assert sorted(two_d) == sorted(_BUILT_IN_2D)


def test_the_main_run_chapters_are_the_ones_that_read_it() -> None:
    """The chapters whose modules import the main run, or a picture made of it, are these."""
    import sys

    from scenes.chapters import SCENES_IN_ORDER

    readers = {
        cls
        for cls in SCENES_IN_ORDER
        if {"main_run_2d", "representation_start", "trained_picture", "snapped_picture"}
        & set(vars(sys.modules[cls.__module__]))
    }
    assert readers == set(MAIN_RUN_CHAPTERS)
