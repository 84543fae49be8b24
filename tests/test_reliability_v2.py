"""Snapshot format 2: what the trainer stores about M's reliability, and the 3-D sheet with a hole.

The trainer stores, for every snapshot, g's stretch and the density of
reconstructions on M, and the reliability made of them; with
``ensemble_seeds`` it also stores the other seeds' final manifolds and the
agreement with them. These tests check that the stored arrays are the
measures of :mod:`aecore.manifold_density` and :mod:`aecore.ensemble`
(recomputed from the loaded run), that the ensemble is exactly the runs from
those seeds, that version 1 and version 2 files load and version 2 files
round-trip byte for byte, and that on a sheet in R^3 with a hole cut out of
its data the faces over the hole fade while the faces over the data stay.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

from aecore import AecoreError, Run, TrainConfig, cached_run, decode, load_run, write_run
from aecore.config_fields import ConfigError
from aecore.ensemble import ensemble_agreement
from aecore.manifold_density import manifold_reliability
from aecore.snapshot_checks import read_checked
from aecore.stretch import decoder_jacobian, stretch_from_jacobian
from aecore.train import train_to_file

FIXTURES = Path(__file__).parent / "fixtures"

SMALL = TrainConfig(n_points=60, hidden=(8, 8), steps=200, n_snapshots=5, grid_size=41, ensemble_seeds=(3, 5))
"""A small run with an ensemble of two other seeds."""

HOLE_RADIUS = 0.75
"""Radius of the hole cut out of the sheet's data (data units; the sheet is 3 x 3)."""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(train_to_file(SMALL, tmp_path_factory.mktemp("v2") / "small.npz"))


def test_the_committed_v1_and_v2_fixtures_load() -> None:
    v1, v2 = load_run(FIXTURES / "run_v1.npz"), load_run(FIXTURES / "run_v2.npz")
    assert v1.meta.format_version == 1 and v2.meta.format_version == 2
    assert all(s.stretch is None and s.density_on_m is None for s in v1.snapshots) and v1.ensemble is None
    for s in v2.snapshots:
        assert s.stretch is not None and s.density_on_m is not None
        assert s.stretch.shape == s.density_on_m.shape == s.reliability.shape
    assert v2.ensemble is not None and v2.ensemble.seeds == (1,)
    assert v2.ensemble.manifolds.shape == (1, *v2.final.manifold.shape)
    assert TrainConfig.from_dict(v2.config.model_dump(exclude_unset=True)).ensemble_seeds == (1,)


def test_a_v2_file_round_trips_byte_for_byte(tmp_path: Path) -> None:
    src = FIXTURES / "run_v2.npz"
    _, meta, arrays = read_checked(src)
    assert meta.pop("format_version") == 2
    out = write_run(tmp_path / "again.npz", arrays.pop("data"), meta, arrays)
    assert out.read_bytes() == src.read_bytes()


@pytest.mark.slow  # trains runs to a fit
@pytest.mark.xdist_group("reliability_v2")  # one worker trains the module's runs once
def test_stored_reliability_is_the_density_on_m_recomputed(small: Run) -> None:
    for s in (small.snapshots[1], small.final):
        m = manifold_reliability(small, snapshot=s)
        np.testing.assert_allclose(s.stretch, m.stretch, rtol=1e-4)
        np.testing.assert_allclose(s.density_on_m, m.density_on_m, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(s.reliability, m.reliability, atol=1e-5)
        np.testing.assert_allclose(s.density, m.latent_density, rtol=1e-4, atol=1e-9)


@pytest.mark.slow  # trains runs to a fit
@pytest.mark.xdist_group("reliability_v2")  # one worker trains the module's runs once
def test_the_ensemble_is_the_runs_from_those_seeds(small: Run, tmp_path: Path) -> None:
    assert small.ensemble is not None and small.ensemble.seeds == SMALL.ensemble_seeds
    others = [cached_run(SMALL.replace(seed=s, ensemble_seeds=()), root=tmp_path, quiet=True) for s in (3, 5)]
    for stored, other in zip(small.ensemble.manifolds, others, strict=True):
        np.testing.assert_array_equal(stored, other.final.manifold)  # recording never changes training
    agreement, spread = ensemble_agreement(small, others)
    np.testing.assert_allclose(small.ensemble.agreement, agreement, atol=1e-5)
    np.testing.assert_allclose(small.ensemble.spread, spread, rtol=1e-5, atol=1e-7)


def test_ensemble_seeds_are_validated() -> None:
    for bad, match in [((0,), "differ from --seed"), ((1, 1), "distinct"), (tuple(range(1, 10)), "at most")]:
        with pytest.raises(ConfigError, match=r"^ensemble_seeds: ") as e:
            SMALL.replace(ensemble_seeds=bad)
        assert match in e.value.line(lambda f: "--" + f.replace("_", "-"))  # as the CLI names the fields


def test_ensemble_arrays_come_all_or_none(tmp_path: Path) -> None:
    _, meta, arrays = read_checked(FIXTURES / "run_v2.npz")
    data = arrays.pop("data")
    meta.pop("format_version")
    cases = {
        "without agreement": ({k: v for k, v in arrays.items() if k != "agreement"}, meta),
        "agreement above 1": ({**arrays, "agreement": arrays["agreement"] + 1.5}, meta),
        "two seeds, one manifold": (arrays, {**meta, "config": {**meta["config"], "ensemble_seeds": [1, 2]}}),
        "no stretch": ({k: v for k, v in arrays.items() if k != "stretch"}, meta),
    }
    for name, (a, m) in cases.items():
        path = write_run(tmp_path / "bad.npz", data, m, a)
        with pytest.raises(AecoreError) as e:
            load_run(path)
        assert "bad.npz" in str(e.value) and "\n" not in str(e.value), name


# The 3-D sheet with a hole.


def _sheet_with_hole(seed: int, n: int = 1500) -> np.ndarray:
    """A curved 3 x 3 sheet in R^3, sampled evenly, minus a disc of radius :data:`HOLE_RADIUS`."""
    rng = np.random.default_rng(seed)
    uv = rng.uniform(-1.5, 1.5, size=(4 * n, 2))
    uv = uv[np.linalg.norm(uv, axis=1) > HOLE_RADIUS][:n]
    return np.c_[uv, 0.6 * np.cos(1.1 * uv[:, 0])] + 0.01 * rng.normal(size=(len(uv), 3))


@pytest.fixture(scope="module")
def holed_sheets(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    root = tmp_path_factory.mktemp("hole")
    out = []
    for seed in (0, 1):
        path = root / f"sheet{seed}.csv"
        np.savetxt(path, _sheet_with_hole(seed), delimiter=",")
        cfg = TrainConfig(data=str(path), latent_dim=2, hidden=(32, 32), seed=seed)
        out.append(cached_run(cfg, root=root, quiet=True))
    return out


def _face_centres(run: Run) -> np.ndarray:
    g = np.asarray(run.final.latent_grid, dtype=np.float64)
    return (0.25 * (g[:-1, :-1] + g[1:, :-1] + g[:-1, 1:] + g[1:, 1:])).reshape(-1, 2)


@pytest.mark.slow  # trains runs to a fit
@pytest.mark.xdist_group("reliability_v2")  # one worker trains the module's runs once
def test_faces_over_the_hole_fade_and_faces_over_the_data_stay(holed_sheets: list[Run]) -> None:
    for run in holed_sheets:
        u = _face_centres(run)
        rel = manifold_reliability(run, u).reliability
        m = decode(run, u)
        on_sheet = np.linalg.norm(m[:, :2], axis=1)  # distance from the hole's centre, over the sheet
        dist = cKDTree(run.data).query(m)[0]
        over_hole = (on_sheet < HOLE_RADIUS) & (dist > HOLE_RADIUS / 2)  # the hole's middle half
        # Over the data: a kernel width (about 0.2) inside its edges, where a KDE sees data all round
        # (at the sheet's corners a quarter of the kernel sees data, so the density there is a quarter).
        inside = np.all(np.abs(m[:, :2]) < 1.5 - 0.2, axis=1)
        over_data = inside & (on_sheet > HOLE_RADIUS + 0.2) & (dist < 0.1)
        assert over_hole.sum() >= 4 and over_data.sum() >= 50, (over_hole.sum(), over_data.sum())
        assert rel[over_hole].max() <= 0.3, (run.config.seed, rel[over_hole].max())
        assert rel[over_data].min() >= 0.6, (run.config.seed, rel[over_data].min())


@pytest.mark.slow  # trains runs to a fit
@pytest.mark.xdist_group("reliability_v2")  # one worker trains the module's runs once
def test_the_area_element_equals_finite_differences(holed_sheets: list[Run]) -> None:
    run = holed_sheets[0]
    u = _face_centres(run)[::7]
    assert run.meta.normalization is not None
    scale = run.meta.normalization.scale
    exact = stretch_from_jacobian(decoder_jacobian(run.final.params, run.config.activation, u, scale)[1])
    h = 1e-5
    eu, ev = np.array([h, 0.0]), np.array([0.0, h])
    du = (decode(run, u + eu) - decode(run, u - eu)) / (2 * h)
    dv = (decode(run, u + ev) - decode(run, u - ev)) / (2 * h)
    np.testing.assert_allclose(exact, np.linalg.norm(np.cross(du, dv), axis=1), rtol=1e-3)
