"""Vectors in R^D: reading a table, per-feature standardisation, the projection P, the file and the recorder.

Known geometry: a curve in R^12 (a random rotation of a curve in R^3) whose
reconstructions lie on M in R^12 and whose shadows lie on M's shadow; two
clusters with a gap in R^12 whose bridge fades (slow: it trains 3,000 steps).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.spatial import cKDTree
from torch import nn

from aecore.config import TrainConfig
from aecore.errors import AecoreError
from aecore.forward import decode
from aecore.manifold_density import manifold_reliability
from aecore.snapshot import load_run, write_run
from aecore.snapshot_checks import read_checked
from aecore.train import train_to_file
from aecore.vectors import fit_projection, standardize_features

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def _rotation(d: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, d)))
    return np.asarray(q * np.sign(np.diag(r)))


def _curve_in_r12(n: int = 160, seed: int = 0) -> np.ndarray:
    """A curve in R^3 (with a little noise), turned into R^12 by a random rotation."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(-1.0, 1.0, n))
    curve = np.c_[t, 0.8 * t**2, 0.3 * np.sin(3 * t), np.zeros((n, 9))]
    return (curve + 0.01 * rng.standard_normal(curve.shape)) @ _rotation(12, seed).T


def _csv(path: Path, x: np.ndarray, names: list[str] | None = None) -> Path:
    header = ",".join(names or [f"feature {i}" for i in range(1, x.shape[1] + 1)])
    path.write_text(header + "\n" + "\n".join(",".join(repr(float(v)) for v in row) for row in x) + "\n")
    return path


def _segment_distance(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """Each point's distance to the polyline (any dimension)."""
    a, b = polyline[:-1], polyline[1:]
    ab = b - a
    t = np.clip(np.einsum("pnd,nd->pn", points[:, None, :] - a[None], ab) / np.sum(ab * ab, axis=1), 0.0, 1.0)
    nearest = a[None] + t[..., None] * ab[None]
    return np.asarray(np.min(np.linalg.norm(points[:, None, :] - nearest, axis=2), axis=1))


@pytest.fixture(scope="module")
def curve_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("curve12")
    path = _csv(d / "curve12.csv", _curve_in_r12())
    cfg = TrainConfig(data=str(path), latent_dim=1, hidden=(16,), steps=150, n_snapshots=3, grid_size=121)
    return train_to_file(cfg, d / "curve12.npz")


def test_a_table_keeps_its_names_and_is_standardised_per_feature(curve_run: Path) -> None:
    run = load_run(curve_run)
    assert run.meta.format_version == 3 and run.data.shape == (160, 12)
    assert run.feature_names == tuple(f"feature {i}" for i in range(1, 13))
    np.testing.assert_allclose(run.data.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(run.data.std(axis=0), 1.0, rtol=1e-12)
    assert run.meta.features is not None and len(run.meta.features.std) == 12
    raw = _curve_in_r12()
    back = run.data * np.array(run.meta.features.std) + np.array(run.meta.features.mean)
    np.testing.assert_allclose(back, raw, atol=1e-12)


def test_recon_lies_on_m_in_r12_and_its_shadow_on_ms_shadow(curve_run: Path) -> None:
    run = load_run(curve_run)
    p = run.projection
    assert p is not None and p.dim == 2
    m, xh = run.final.manifold, run.final.recon
    spread = float(np.sqrt(np.mean(np.sum(run.data**2, axis=1))))
    on_m = _segment_distance(xh, m)
    assert on_m.max() < 1e-2 * spread, on_m.max()  # x̂ = g(f(x)) lies on M = g(grid), up to the grid's chords
    off_m = _segment_distance(run.data, m)
    assert np.median(off_m) > 10 * np.median(on_m)  # x is off M in general
    shadow = _segment_distance(p.apply(xh), p.apply(m))
    assert shadow.max() <= on_m.max() / p.scale.min() + 1e-12  # P is a contraction in standardised units
    assert shadow.max() < 1e-2 * spread


def test_the_projection_is_pca_deterministic_and_its_lift_inverts_it() -> None:
    x = _curve_in_r12() * np.linspace(1.0, 50.0, 12) + 7.0  # features in different units
    a, b = fit_projection(x, 1), fit_projection(x.copy(), 1)
    for key, value in a.arrays().items():
        assert value.tobytes() == b.arrays()[key].tobytes(), key
    w = a.components
    np.testing.assert_allclose(w @ w.T, np.eye(2), atol=1e-12)
    for row in w:  # the sign convention: each direction's largest entry is positive
        assert row[np.argmax(np.abs(row))] > 0
    z, _, _, _ = standardize_features(x, [str(i) for i in range(12)], "x")
    vals = np.linalg.eigvalsh(z.T @ z / len(z))[::-1]
    np.testing.assert_allclose(a.variance, vals[:2] / vals.sum(), rtol=1e-10)
    np.testing.assert_allclose(fit_projection(-x, 1).components, w, atol=1e-12)  # signs fixed, not inherited
    pts = np.random.default_rng(3).standard_normal((20, 2))
    np.testing.assert_allclose(a.apply(a.lift(pts)), pts, atol=1e-10)
    np.testing.assert_allclose(a.lift(np.zeros(2)), a.mean, atol=1e-12)  # around the data mean
    assert fit_projection(x, 2).dim == 3


def test_the_same_table_gives_the_same_run_bytes(tmp_path: Path) -> None:
    path = _csv(tmp_path / "t.csv", _curve_in_r12(40))
    cfg = TrainConfig(data=str(path), latent_dim=2, hidden=(8,), steps=20, n_snapshots=2, grid_size=9)
    a = train_to_file(cfg, tmp_path / "a.npz").read_bytes()
    assert train_to_file(cfg, tmp_path / "b.npz").read_bytes() == a
    run = load_run(tmp_path / "a.npz")
    assert run.projection is not None and run.projection.dim == 3 and run.final.manifold.shape == (9, 9, 12)


def test_a_near_constant_feature_is_kept_and_flagged_by_inspect(tmp_path: Path) -> None:
    x = _curve_in_r12(40)
    x[:, 5] = 1e3 + 1e-4 * np.random.default_rng(0).standard_normal(40)  # spread 1e-7 of its size
    path = _csv(tmp_path / "near.csv", x, [f"c{i}" for i in range(12)])
    cfg = TrainConfig(data=str(path), latent_dim=1, hidden=(8,), steps=10, n_snapshots=2, grid_size=9)
    out = train_to_file(cfg, tmp_path / "near.npz")
    run = load_run(out)
    assert run.meta.features is not None and run.meta.features.near_constant == (5,)
    shown = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "inspect", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "near-constant  1 feature(s) barely vary: c5" in shown
    assert "PCA to R^2" in shown


def test_the_committed_fixtures_load_and_a_v3_file_round_trips(tmp_path: Path) -> None:
    for name, version in (("run_v1.npz", 1), ("run_v2.npz", 2), ("run_v3_vectors.npz", 3)):
        run = load_run(FIXTURES / name)
        assert run.meta.format_version == version
        assert (run.projection is not None) == (version == 3)
    _, meta, arrays = read_checked(FIXTURES / "run_v3_vectors.npz")
    assert meta.pop("format_version") == 3
    out = write_run(tmp_path / "again.npz", arrays.pop("data"), meta, arrays)
    assert out.read_bytes() == (FIXTURES / "run_v3_vectors.npz").read_bytes()


def test_the_loader_refuses_a_missing_or_inconsistent_projection(tmp_path: Path) -> None:
    _, meta, arrays = read_checked(FIXTURES / "run_v3_vectors.npz")
    data = arrays.pop("data")
    meta.pop("format_version")
    flipped = arrays["projection"].copy()
    flipped[0] *= 3.0
    cases = {
        "no mean": ({k: v for k, v in arrays.items() if k != "projection_mean"}, "projection is missing"),
        "not orthonormal": ({**arrays, "projection": flipped}, "not orthonormal"),
        "wrong shape": ({**arrays, "projection": arrays["projection"][:1]}, r"expected \(2, 6\)"),
        "variance over 1": ({**arrays, "projection_variance": np.array([0.9, 0.9])}, "fractions"),
        "scale zero": ({**arrays, "projection_scale": np.zeros(6)}, "<= 0"),
        "none at all": ({k: v for k, v in arrays.items() if not k.startswith("projection")}, "version 2"),
    }
    for name, (a, needle) in cases.items():
        path = write_run(tmp_path / f"{name}.npz", data, meta, a)
        if "projection" not in a:  # written as version 2 then: vectors without P load, as before P existed
            assert load_run(path).projection is None
            continue
        with pytest.raises(AecoreError, match=needle) as e:
            load_run(path)
        assert "\n" not in str(e.value), name
    bad_names = {**meta, "features": {**meta["features"], "names": ["a", "a", "b", "c", "d", "e"]}}
    with pytest.raises(AecoreError, match="meta 'features'"):
        load_run(write_run(tmp_path / "names.npz", data, bad_names, arrays))


class _Net20(nn.Module):  # not an nn.Sequential: the recorder uses autograd
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.enc = torch.nn.Sequential(torch.nn.Linear(20, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
        self.dec = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 20))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(self.enc(x))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(self.dec(z))


def recorded_20d_run(out: Path, steps: int = 30) -> Path:
    """Train a small 20-D model of the user's own (two clusters) and record it with SnapshotRecorder."""
    from aecore.recorder import SnapshotRecorder

    rng = np.random.default_rng(4)
    centres = rng.standard_normal((2, 20)) * 3
    x = np.concatenate([c + 0.3 * rng.standard_normal((60, 20)) for c in centres]).astype(np.float32)
    net = _Net20()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    names = [f"sensor_{i:02d}" for i in range(20)]
    rec = SnapshotRecorder(
        net.encode, net.decode, x, out=out, grid_size=9, feature_names=names, max_snapshots=4
    )
    t = torch.from_numpy(x)
    for step in range(steps + 1):
        loss = ((net.decode(net.encode(t)) - t) ** 2).sum(dim=1).mean()
        if step in (0, steps // 2, steps):
            rec.record(step, loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return rec.close()


def test_the_recorder_takes_your_own_20d_model(tmp_path: Path) -> None:
    run = load_run(recorded_20d_run(tmp_path / "mine.npz"))
    assert run.meta.format_version == 3 and run.data.shape == (120, 20) and run.config.latent_dim == 2
    assert run.feature_names is not None and run.feature_names[3] == "sensor_03"
    assert run.projection is not None and run.projection.dim == 3
    assert not run.has_weights and run.final.manifold.shape == (9, 9, 20)
    assert run.final.stretch is not None and (run.final.stretch > 0).all()
    np.testing.assert_array_equal(run.projection.components, fit_projection(run.data, 2).components)
    assert load_run(recorded_20d_run(tmp_path / "again.npz")).data.tobytes() == run.data.tobytes()
    assert (tmp_path / "again.npz").read_bytes() == (tmp_path / "mine.npz").read_bytes()


def test_the_recorder_flags_constant_features_and_refuses_bad_vectors_in_one_line(tmp_path: Path) -> None:
    from aecore.recorder import SnapshotRecorder

    x = np.random.default_rng(0).standard_normal((30, 6)).astype(np.float32)
    enc, dec = torch.nn.Linear(6, 1), torch.nn.Linear(1, 6)
    const = x.copy()
    const[:, 2] = 1.0
    wide = np.random.default_rng(0).standard_normal((30, 1100)).astype(np.float32)
    cases = [
        (dict(data=x, feature_names=["a"] * 6), "column 2 is named 'a'"),
        (dict(data=x, feature_names=["a", "b"]), "header names 2 columns"),
        (dict(data=wide), "at most 1,024 features"),
    ]
    rec = SnapshotRecorder(enc, dec, const, out=tmp_path / "c.npz", grid_size=5)
    rec.record(0, 1.0)
    run = load_run(rec.close())  # the model exists already: a constant feature is kept, and flagged
    assert run.meta.features is not None and run.meta.features.near_constant == (2,)
    assert run.projection is not None and run.projection.scale[2] == 1.0
    for kwargs, needle in cases:
        with pytest.raises(AecoreError, match=needle) as e:
            SnapshotRecorder(enc, dec, out=tmp_path / "r.npz", **kwargs)  # type: ignore[arg-type]
        assert "\n" not in str(e.value)


def _two_clusters_in_r12(n: int = 400, gap: float = 2.0) -> np.ndarray:
    """Two arcs with an empty strip of width ``gap`` between them (as ``test_manifold_density``), in R^12."""
    rng = np.random.default_rng(0)
    t1, t2 = rng.uniform(0.0, np.pi, n // 2), rng.uniform(0.0, np.pi, n // 2)
    a = np.c_[np.cos(t1) - (1.0 + gap / 2), np.sin(t1)]
    b = np.c_[np.cos(t2) + (1.0 + gap / 2), 0.3 - np.sin(t2)]
    flat = np.r_[a, b] + 0.03 * rng.normal(size=(n, 2))
    return np.c_[flat, 0.03 * rng.normal(size=(n, 10))] @ _rotation(12, 1).T


@pytest.mark.slow
def test_the_bridge_over_a_gap_in_r12_fades(tmp_path: Path) -> None:
    path = _csv(tmp_path / "gap12.csv", _two_clusters_in_r12())
    run = load_run(
        train_to_file(TrainConfig(data=str(path), latent_dim=1, hidden=(16, 16)), tmp_path / "g.npz")
    )
    g = run.final.latent_grid[:, 0]
    u = np.linspace(g[0], g[-1], 4001)[:, None]
    rel = manifold_reliability(run, u).reliability
    dist = cKDTree(run.data).query(decode(run, u))[0]
    z = run.final.latents[:, 0]
    inside = (u[:, 0] >= z.min()) & (u[:, 0] <= z.max())
    nn = cKDTree(run.data).query(run.data, 2)[0][:, 1]
    gap = float(cKDTree(run.data[:200]).query(run.data[200:])[0].min())  # the empty strip, standardised
    far = gap / 4
    bridge = inside & (dist > far)
    assert bridge.sum() > 100, "M should cross the gap"
    # The bridge: the longest run of M inside the latents' range and away from the data; its middle half.
    edges = np.flatnonzero(np.diff(np.r_[0, bridge.astype(int), 0]))
    start, stop = max(zip(edges[::2], edges[1::2], strict=True), key=lambda ab: ab[1] - ab[0])
    quarter = (stop - start) // 4
    middle = rel[start + quarter : stop - quarter]
    assert rel[(start + stop) // 2] <= 0.3 and middle.max() <= 0.3, middle.max()
    near = dist < 3 * np.median(nn)
    assert np.median(rel[near]) >= 0.6
