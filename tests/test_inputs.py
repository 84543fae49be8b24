"""Inputs to ``ae-explainer train``: bad flags and data files, precision far from the origin, large N.

Every bad flag or data file is one line on stderr, exit status 2, no traceback,
no hang and no file in the output folder (checked in a child process with a
clean environment). Data far from the origin trains as well as centred data;
the KDE behind the reliability is linear in N and exact up to its cap; the
snapshot schedule is the old one, only fast.
"""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from aecore import AecoreError, TrainConfig, load_run, make_dataset, write_run
from aecore.datasets import load_user_data
from aecore.forward import forward_layers
from aecore.reliability import MAX_CENTRES, kde_bandwidth, kde_centres, latent_reliability
from aecore.train import snapshot_steps, train
from tests.test_bad_inputs import _csv, _npy_header_only

ROOT = Path(__file__).resolve().parents[1]

Setup = Callable[[Path], list[str]]
"""Given the folder for input files, the ``train`` flags of one case (without ``--out``)."""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    env["AE_EXPLAINER_RUNS"] = str(tmp / "runs")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _run_cli(args: list[str], tmp: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aecore.cli", "train", *args],
        cwd=tmp,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_a_config_file_cannot_set_steps_past_the_cap() -> None:
    with pytest.raises(AecoreError, match=r"--steps: 1000000000000 is out of range; use 1 to 1,000,000"):
        TrainConfig(steps=10**12).validate()
    with pytest.raises(AecoreError, match="--snapshots"):
        TrainConfig(n_snapshots=10**6).validate()


def test_validate_runs_before_any_data_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    import aecore.train

    def boom(*args: object) -> np.ndarray:
        raise AssertionError("data loaded before the config was validated")

    monkeypatch.setattr(aecore.train, "load_data", boom)
    for bad in (
        TrainConfig(n_points=10**9),
        TrainConfig(data="/nonexistent/huge.npy", hidden=(100_000, 100_000)),
        TrainConfig(seed=2**70),
    ):
        with pytest.raises(AecoreError):
            train(bad)


# Reading data files.


def test_bom_csv_without_header_keeps_its_first_point(tmp_path: Path) -> None:
    x = make_dataset("spiral", 30, 0.0, 1)
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + _csv(x, "\r\n").encode())
    y = load_user_data(p)
    assert y.shape == x.shape
    np.testing.assert_array_equal(y, x)
    p.write_bytes(b"\xef\xbb\xbfx,y\n\n" + _csv(x).encode() + b"\n\n")
    np.testing.assert_array_equal(load_user_data(p), x)


def test_huge_npy_header_is_refused_without_allocating(tmp_path: Path) -> None:
    p = tmp_path / "h.npy"
    p.write_bytes(_npy_header_only((10**12, 3)))
    tracemalloc.start()
    try:
        with pytest.raises(AecoreError, match="at most 50,000"):
            load_user_data(p)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10**6


# Precision: data far from the origin.


def test_data_far_from_the_origin_is_not_collapsed(tmp_path: Path) -> None:
    base = make_dataset("arc", 200, 0.05, 0)
    far = tmp_path / "far.npy"
    np.save(far, 1e8 + base)
    near = tmp_path / "near.npy"
    np.save(near, base)
    cfg = TrainConfig(data=str(far), latent_dim=1, hidden=(32, 32), steps=400, n_snapshots=4)
    data, meta, arrays = train(cfg)
    recon = arrays["recon"][-1]
    assert recon.dtype == np.float64 and arrays["manifold"].dtype == np.float64
    spread = float(np.sqrt(np.mean(np.sum((data - data.mean(axis=0)) ** 2, axis=1))))
    residual = np.linalg.norm(data - recon, axis=1)
    # Not collapsed: the reconstructions spread like the data and sit near it.
    assert np.all(np.std(recon, axis=0) > 0.5 * np.std(data, axis=0))
    assert residual.mean() < 0.2 * spread
    np.testing.assert_allclose(arrays["loss"][-1], np.mean(residual**2), rtol=1e-9)
    # It trains as well as the same points at the origin.
    _, _, near_arrays = train(
        TrainConfig(data=str(near), latent_dim=1, hidden=(32, 32), steps=400, n_snapshots=4)
    )
    assert 0.5 < arrays["loss"][-1] / near_arrays["loss"][-1] < 2.0
    # The numpy forward pass gives the trainer's x̂ (and so does Run.forward).
    norm = meta["normalization"]
    assert abs(norm["mean"][0] - 1e8) < 10 and 0.5 < norm["scale"] < 5
    params = {name: arrays["param/" + name][-1] for name in meta["param_names"]}
    xh = forward_layers(params, cfg.activation, data, np.array(norm["mean"]), norm["scale"])[-1]
    np.testing.assert_allclose(xh, recon, rtol=0, atol=1e-4 * spread)
    run = load_run(write_run(tmp_path / "far.npz", data, meta, arrays))
    np.testing.assert_allclose(run.forward(run.data)[-1], recon, rtol=0, atol=1e-4 * spread)
    # Deterministic: the same config gives the same arrays.
    _, _, again = train(cfg)
    for k, v in arrays.items():
        np.testing.assert_array_equal(v, again[k])


# Linear cost in N.


def _exact_reliability(points: np.ndarray, z: np.ndarray, bw: float = 1.0, scale: float = 0.25) -> tuple:
    """The reliability as it was computed before: one N x N matrix, every latent a centre."""
    h = kde_bandwidth(z, bw)
    k = z.shape[1]
    norm = (2.0 * np.pi * h**2) ** (k / 2.0)

    def dens(p: np.ndarray) -> np.ndarray:
        flat = p.reshape(-1, k)
        return (np.exp(-0.5 * cdist(flat, z, "sqeuclidean") / h**2).mean(axis=1) / norm).reshape(p.shape[:-1])

    d = dens(points)
    ref = float(np.median(dens(z)))
    return d, -np.expm1(-d / (scale * ref))


@pytest.mark.parametrize("k", [1, 2])
def test_density_equals_the_exact_kde_up_to_the_cap(k: int) -> None:
    rng = np.random.default_rng(k)
    z = rng.normal(size=(MAX_CENTRES, k))
    grid = rng.normal(size=(1500, k)) * 2 if k == 1 else rng.normal(size=(40, 40, k)) * 2
    dens, rel = latent_reliability(grid, z, 1.3, 0.25)
    exact_d, exact_r = _exact_reliability(grid, z, 1.3, 0.25)
    np.testing.assert_allclose(dens, exact_d, rtol=1e-12, atol=0)
    np.testing.assert_allclose(rel, exact_r, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("k", "tolerance"), [(1, 0.01), (2, 0.08)])
def test_density_above_the_cap_is_close_to_exact_in_bounded_memory(k: int, tolerance: float) -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(20_000, k))
    centres = kde_centres(z)
    # MAX_CENTRES of the latents themselves, chosen by the latents alone (not their order).
    assert centres.shape == (MAX_CENTRES, k)
    assert (cdist(centres, z).min(axis=1) == 0).all()
    np.testing.assert_array_equal(
        np.sort(kde_centres(z[rng.permutation(len(z))]), axis=0), np.sort(centres, axis=0)
    )
    axis = np.linspace(-4, 4, 33)
    grid = axis[:, None] if k == 1 else np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1)
    tracemalloc.start()
    try:
        dens, rel = latent_reliability(grid, z)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20  # one N x N float64 matrix would be 3.2 GB
    assert dens.shape == rel.shape == grid.shape[:-1]
    np.testing.assert_array_equal(latent_reliability(grid, z)[0], dens)  # deterministic
    # Close to the exact KDE of all 20,000 latents (same bandwidth).
    h = kde_bandwidth(z)
    d2 = cdist(grid.reshape(-1, k), z, "sqeuclidean")
    exact = np.exp(-0.5 * d2 / h**2).mean(axis=1) / (2 * np.pi * h**2) ** (k / 2)
    assert np.max(np.abs(dens.reshape(-1) - exact)) < tolerance * exact.max()


def test_a_20000_point_run_is_quick_and_small(tmp_path: Path) -> None:
    out = tmp_path / "big.npz"
    probe = (
        "import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)"
    )
    train_cmd = [sys.executable, "-m", "aecore.cli", "train", "--data", "arc", "--latent-dim", "1"]
    flags = ["--n-points", "20000", "--steps", "40", "--snapshots", "4", "--hidden", "16,16", "--quiet"]
    p = subprocess.run(
        [sys.executable, "-c", probe, *train_cmd, *flags, "--out", str(out)],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,  # a hang guard, not a timing: the old density step never finished here
    )
    assert p.returncode == 0, p.stderr[-2000:]
    max_rss_kib = int(p.stdout.split()[-1])
    assert max_rss_kib < 1_500_000, max_rss_kib  # the old N x N density needed about 10 GB here
    run = load_run(out)
    assert run.final.latents.shape == (20_000, 1) and run.final.recon.shape == (20_000, 2)


# The snapshot schedule.


def _old_snapshot_steps(steps: int, n_snapshots: int) -> list[int]:
    """The schedule as it was: the same list, found by trying m = n - 1, n, n + 1, ... in turn."""
    if steps < n_snapshots:
        return list(range(steps + 1))
    m = n_snapshots - 1
    while True:
        s = np.unique(np.round(np.geomspace(1, steps, m)).astype(np.int64))
        if len(s) >= n_snapshots - 1:
            return [0, *(int(v) for v in s)]
        m += 1


def test_snapshot_steps_are_the_old_schedule() -> None:
    for steps in range(1, 260):
        for n in range(2, 70):
            assert snapshot_steps(steps, n) == _old_snapshot_steps(steps, n), (steps, n)
    for steps, n in [(3000, 48), (6000, 32), (600, 12), (80, 6), (120, 5), (40, 4), (3000, 200), (1000, 999)]:
        assert snapshot_steps(steps, n) == _old_snapshot_steps(steps, n), (steps, n)


def test_snapshot_steps_are_fast_for_huge_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    import aecore.train

    calls = []
    real = aecore.train._distinct_steps

    def counted(steps: int, m: int) -> np.ndarray:
        calls.append(m)
        return real(steps, m)

    monkeypatch.setattr(aecore.train, "_distinct_steps", counted)
    for steps, n in [(200_000, 100_000), (1_000_000, 1000), (1000, 1000), (1001, 1000), (1500, 1000)]:
        calls.clear()
        s = snapshot_steps(steps, n)
        # Doubling then bisection: O(log steps) schedules tried (the old loop tried one schedule
        # per extra point, 100,000s of them here, each as long as the schedule).
        assert len(calls) <= 2 * math.ceil(math.log2(steps + 2)) + 3, (steps, n, len(calls))
        assert s[0] == 0 and s[-1] == steps and len(s) >= min(n, steps + 1)
        assert all(a < b for a, b in itertools.pairwise(s))
