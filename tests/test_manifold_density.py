"""Reliability from the density of reconstructions on M, and decoder ensembles, on data with a gap.

Every data set here is generated in the test; each lesson is checked on
several seeds. M is resampled densely (4001 latent points), not only at the
snapshot's grid nodes, so a bridge thrown across a gap between two nodes is
still seen.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree
from scipy.stats import spearmanr

from aecore import Run, TrainConfig, cached_run, decode
from aecore.ensemble import ensemble_agreement
from aecore.manifold_density import local_bandwidth, manifold_reliability
from aecore.stretch import decoder_jacobian, stretch_from_jacobian
from tests.kde_v1 import kde_bandwidth

SEEDS = (0, 1, 2)
GAP = 2.0
"""Width of the empty strip between the two clusters (data units; each arc is 2 wide)."""

FAR = GAP / 4
"""A point of M this far from every x_j lies on the bridge over the gap, not at a cluster's edge."""

pytestmark = pytest.mark.slow  # every test reads runs trained to a fit (two clusters, arcs)


def _two_arcs(n: int = 400, seed: int = 0) -> np.ndarray:
    """Two moon-shaped arcs side by side with an empty strip of width :data:`GAP` between them."""
    rng = np.random.default_rng(seed)
    t1, t2 = rng.uniform(0.0, np.pi, n // 2), rng.uniform(0.0, np.pi, n // 2)
    a = np.c_[np.cos(t1) - (1.0 + GAP / 2), np.sin(t1)]
    b = np.c_[np.cos(t2) + (1.0 + GAP / 2), 0.3 - np.sin(t2)]
    return np.r_[a, b] + 0.03 * rng.normal(size=(n, 2))


@pytest.fixture(scope="module")
def two_clusters(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    path: Path = tmp_path_factory.mktemp("gap") / "two_arcs.csv"
    np.savetxt(path, _two_arcs(), delimiter=",")
    base = TrainConfig(data=str(path), latent_dim=1, hidden=(16, 16))
    return [cached_run(base.replace(seed=s), quiet=True) for s in SEEDS]


@pytest.fixture(scope="module")
def arcs() -> list[Run]:
    base = TrainConfig(data="arc", latent_dim=1, hidden=(16, 16))  # the main 2-D run and its seeds
    return [cached_run(base.replace(seed=s), quiet=True) for s in SEEDS]


def _fine(run: Run, n: int = 4001) -> np.ndarray:
    g = run.final.latent_grid[:, 0]
    return np.linspace(g[0], g[-1], n)[:, None]


def _inside(run: Run, u: np.ndarray) -> np.ndarray:
    z = run.final.latents[:, 0]
    return (u[:, 0] >= z.min()) & (u[:, 0] <= z.max())


def test_stretch_by_the_analytic_jacobian_equals_finite_differences(two_clusters, arcs) -> None:
    for run in (*two_clusters[:2], *arcs[:2]):
        u = _fine(run, 20001)
        assert run.meta.normalization is not None
        scale = run.meta.normalization.scale
        _, jac = decoder_jacobian(run.final.params, run.config.activation, u, scale)
        exact = stretch_from_jacobian(jac)
        m = decode(run, u)
        du = float(u[1, 0] - u[0, 0])
        fd = np.linalg.norm(m[2:] - m[:-2], axis=1) / (2 * du)  # central differences on a fine grid
        np.testing.assert_allclose(exact[1:-1], fd, rtol=1e-3)


def test_the_bridge_over_a_gap_fades_and_the_clusters_stay_bright(two_clusters) -> None:
    for run in two_clusters:
        u = _fine(run)
        rel = manifold_reliability(run, u).reliability
        dist = cKDTree(run.data).query(decode(run, u))[0]
        bridge = _inside(run, u) & (dist > FAR)
        near = dist < 0.1
        assert bridge.sum() > 100, "M should cross the gap: the lesson needs a bridge"
        assert rel[bridge].max() <= 0.3, (run.config.seed, rel[bridge].max())
        assert np.median(rel[near]) >= 0.6


def test_the_local_bandwidth_keeps_the_gap_scott_fills_it(two_clusters) -> None:
    for run in two_clusters:
        z = np.sort(run.final.latents[:, 0])
        gap = float(np.diff(z).max())  # the widest empty stretch between latents
        h = local_bandwidth(run.final.latents)
        assert gap > 4 * h, (gap, h)  # the gap is several kernels wide: it stays a gap
        assert kde_bandwidth(run.final.latents) > gap / 4  # Scott's kernel spans a good part of it


def test_the_arcs_sparse_end_is_less_reliable_and_past_its_ends_reliability_falls(arcs) -> None:
    for run in arcs:
        x, z = run.data, run.final.latents
        dense_end, sparse_end = z[np.argmin(x[:, 0])], z[np.argmax(x[:, 0])]  # the arc thins out to the right
        rel_dense, rel_sparse = manifold_reliability(run, np.stack([dense_end, sparse_end])).reliability
        assert rel_sparse < rel_dense, (run.config.seed, rel_sparse, rel_dense)
        ends = manifold_reliability(run, _fine(run)[[0, -1]]).reliability
        assert (ends < 0.2).all(), ends


def test_density_and_ensemble_agreement_tell_the_same_story(two_clusters, arcs) -> None:
    for runs in (two_clusters, arcs):
        for i in (0, 1):
            run, others = runs[i], [r for j, r in enumerate(runs) if j != i]
            u = _fine(run, 2001)
            rel = manifold_reliability(run, u).reliability
            agreement, spread = ensemble_agreement(run, others, u)
            assert ((agreement >= 0) & (agreement <= 1)).all() and (spread >= 0).all()
            rho = spearmanr(rel, agreement).statistic
            assert rho >= 0.5, (run.config.data, i, rho)


def test_on_the_bridge_both_signals_say_unreliable(two_clusters) -> None:
    run, others = two_clusters[0], two_clusters[1:]
    u = _fine(run, 2001)
    dist = cKDTree(run.data).query(decode(run, u))[0]
    bridge = _inside(run, u) & (dist > FAR)
    agreement, _ = ensemble_agreement(run, others, u)
    near = dist < 0.1
    assert np.median(agreement[bridge]) < np.median(agreement[near])
