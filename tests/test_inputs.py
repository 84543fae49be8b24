"""Inputs to ``ae-explainer train``: bad flags and data files, precision far from the origin, large N.

Every bad flag or data file is one line on stderr, exit status 2, no traceback,
no hang and no file in the output folder (checked in a child process with a
clean environment). Data far from the origin trains as well as centred data;
the KDE behind the reliability is linear in N and exact up to its cap; the
snapshot schedule is the old one, only fast.
"""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from aecore import AecoreError, TrainConfig, load_run, make_dataset, write_run
from aecore.datasets import MAX_POINTS, load_user_data
from aecore.forward import forward_layers
from aecore.reliability import MAX_CENTRES, kde_bandwidth, kde_centres, latent_reliability
from aecore.train import snapshot_steps, train

ROOT = Path(__file__).resolve().parents[1]

Setup = Callable[[Path], list[str]]
"""Given the folder for input files, the ``train`` flags of one case (without ``--out``)."""


# Input files.


def _file(name: str, content: str | bytes) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return str(p)

    return make


def _npy(a: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=allow_pickle)
    return buf.getvalue()


def _npy_header_only(shape: tuple[int, ...]) -> bytes:
    """A ``.npy`` header declaring ``shape`` of float64, followed by only 64 bytes."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue() + b"\0" * 64


def _rows(n: int = 40, scale: float = 1.0, offset: float = 0.0) -> str:
    x = np.random.default_rng(0).standard_normal((n, 2)) * scale + offset
    return _csv(x) + "\n"


def _csv(x: np.ndarray, newline: str = "\n") -> str:
    """Rows of ``x`` as CSV lines, every float written exactly (``repr``)."""
    return newline.join(",".join(repr(float(v)) for v in row) for row in x)


def _nan_npy() -> bytes:
    x = np.random.default_rng(0).standard_normal((30, 2))
    x[4, 1] = np.nan
    return _npy(x)


def _tiny_spread_npy() -> bytes:
    # 1e12 + N(0, 1e-3): float64 resolves only ~10 steps across the spread.
    return _npy(1e12 + 1e-3 * np.random.default_rng(0).standard_normal((40, 2)))


def _flags(*flags: str, data: str = "arc", k: str = "1") -> Setup:
    return lambda d: ["--data", data, "--latent-dim", k, *flags]


def _data(make: Callable[[Path], str], *flags: str) -> Setup:
    return lambda d: ["--data", make(d), "--latent-dim", "1", *flags]


# (name, setup, substrings the one stderr line must contain)
CASES: list[tuple[str, Setup, tuple[str, ...]]] = [
    # Flags.
    ("seed-2**70", _flags("--seed", str(2**70)), ("--seed", "2**32")),
    ("seed-negative", _flags("--seed", "-1"), ("--seed", "2**32")),
    ("data-seed-negative", _flags("--data-seed", "-1"), ("--data-seed", "2**32")),
    ("data-seed-2**32", _flags("--data-seed", str(2**32)), ("--data-seed",)),
    ("steps-huge", _flags("--steps", "99999999999999999999"), ("--steps", "1,000,000")),
    ("steps-zero", _flags("--steps", "0"), ("--steps",)),
    ("steps-not-int", _flags("--steps", "1e6"), ("--steps",)),
    ("hidden-huge", _flags("--hidden", "100000,100000"), ("--hidden", "parameters", "2,000,000")),
    ("hidden-wide", _flags("--hidden", "5000"), ("--hidden", "1,024")),
    ("hidden-deep", _flags("--hidden", ",".join(["4"] * 9)), ("--hidden", "layers")),
    ("hidden-words", _flags("--hidden", "64,x"), ("--hidden",)),
    ("n-points-huge", _flags("--n-points", "1000000000"), ("--n-points", "50,000")),
    ("n-points-few", _flags("--n-points", "3"), ("--n-points",)),
    ("snapshots-many", _flags("--snapshots", "100000", "--steps", "200000"), ("--snapshots", "1,000")),
    ("snapshots-one", _flags("--snapshots", "1"), ("--snapshots",)),
    ("snapshots-memory", _flags("--snapshots", "1000", "--n-points", "50000"), ("--snapshots", "GB")),
    ("lr-nan", _flags("--lr", "nan"), ("--lr",)),
    ("lr-inf", _flags("--lr", "inf"), ("--lr",)),
    ("lr-negative", _flags("--lr", "-0.1"), ("--lr",)),
    ("lr-zero", _flags("--lr", "0"), ("--lr",)),
    ("noise-nan", _flags("--noise", "nan"), ("--noise",)),
    ("noise-negative", _flags("--noise", "-1"), ("--noise",)),
    ("noise-huge", _flags("--noise", "1e300"), ("--noise",)),
    ("kl-weight-nan", _flags("--kl-weight", "nan"), ("--kl-weight",)),
    ("activation-bogus", _flags("--activation", "bogus"), ("--activation", "silu")),
    ("latent-dim-5", _flags(k="5"), ("--latent-dim", "1 or 2")),
    ("latent-dim-k-not-below-n", _flags(k="2"), ("--latent-dim", "n=2")),
    ("variant-bogus", _flags("--variant", "gan"), ("--variant",)),
    ("data-unknown-name", _flags(data="banana"), ("--data", "banana")),
    # CSV files.
    ("csv-missing", lambda d: ["--data", str(d / "nope.csv"), "--latent-dim", "1"], ("nope.csv",)),
    ("csv-wrong-suffix", _data(_file("pts.txt", _rows())), ("pts.txt", ".csv")),
    ("csv-empty", _data(_file("empty.csv", "")), ("empty.csv", "no rows")),
    ("csv-header-only", _data(_file("head.csv", "x,y\n\n")), ("head.csv", "no rows")),
    ("csv-bom-bad-line", _data(_file("bom.csv", "\ufeff1,2\n3,4\n5,six\n" + _rows())), ("bom.csv", "line 3")),
    ("csv-words", _data(_file("w.csv", "x,y\n\n1,2\n3,4\nfive,6\n" + _rows())), ("w.csv", "line 5")),
    ("csv-ragged", _data(_file("r.csv", "x,y\n1,2\n\n3,4,5\n" + _rows())), ("r.csv", "line 4", "line 2")),
    ("csv-nan-line", _data(_file("n.csv", "x,y\n\n1,2\n\n3,4\nnan,5\n" + _rows())), ("n.csv", "line 6")),
    ("csv-crlf-nan-line", _data(_file("c.csv", "x,y\r\n1,2\r\n3,inf\r\n" + _rows())), ("c.csv", "line 3")),
    ("csv-one-column", _data(_file("one.csv", "\n".join(map(str, range(30))))), ("one.csv", "N x 2")),
    ("csv-four-columns", _data(_file("four.csv", "1,2,3,4\n" * 30)), ("four.csv", "N x 2")),
    ("csv-too-few", _data(_file("few.csv", "1,2\n3,4\n5,7\n")), ("few.csv", "at least")),
    ("csv-too-many", _data(_file("many.csv", "1,2\n3,4\n" * (MAX_POINTS // 2 + 1))), ("many.csv", "50,000")),
    ("csv-not-utf8", _data(_file("bin.csv", bytes(range(256)) * 4)), ("bin.csv", "UTF-8")),
    ("csv-zero-variance", _data(_file("z.csv", "3,4\n" * 30)), ("z.csv", "zero variance")),
    ("csv-overflows-float32", _data(_file("big.csv", _rows(scale=1e39))), ("big.csv", "float32")),
    # .npy files.
    ("npy-1d", _data(_file("a.npy", _npy(np.arange(40.0)))), ("a.npy", "N x 2")),
    ("npy-3d", _data(_file("b.npy", _npy(np.zeros((10, 2, 2))))), ("b.npy", "N x 2")),
    ("npy-object", _data(_file("o.npy", _npy(np.array([{}] * 20), True))), ("o.npy", "objects")),
    ("npy-strings", _data(_file("s.npy", _npy(np.array([["a", "b"]] * 20)))), ("s.npy", "numbers")),
    ("npy-bool", _data(_file("t.npy", _npy(np.ones((20, 2), bool)))), ("t.npy", "numbers")),
    ("npy-complex", _data(_file("c.npy", _npy(np.ones((20, 2), complex)))), ("c.npy", "numbers")),
    ("npy-huge-header", _data(_file("h.npy", _npy_header_only((10**12, 2)))), ("h.npy", "50,000")),
    (
        "npy-header-bigger-than-file",
        _data(_file("g.npy", _npy_header_only((40_000, 2)))),
        ("g.npy", "truncated"),
    ),
    ("npy-truncated", _data(_file("tr.npy", _npy(np.ones((100, 2)))[:200])), ("tr.npy",)),
    ("npy-not-npy", _data(_file("junk.npy", b"hello, not an array")), ("junk.npy",)),
    ("npy-too-many", _data(_file("m.npy", _npy(np.zeros((MAX_POINTS + 1, 2))))), ("m.npy", "50,000")),
    ("npy-nan-row", _data(_file("nan.npy", _nan_npy())), ("nan.npy", "row 5")),
    ("npy-zero-variance", _data(_file("zv.npy", _npy(np.full((30, 3), 7.0)))), ("zv.npy", "zero variance")),
    ("npy-tiny-spread", _data(_file("ts.npy", _tiny_spread_npy())), ("ts.npy", "precision")),
    ("npy-overflows-float32", _data(_file("of.npy", _npy(np.full((30, 2), 1e300)))), ("of.npy", "float32")),
    ("data-is-a-folder", lambda d: ["--data", str(d), "--latent-dim", "1"], ("--data", "folder")),
    # --out (these cases give their own).
    ("out-suffix", _flags("--out", "run.txt"), ("--out", ".npz")),
    ("out-under-a-file", lambda d: _flags("--out", _file("f", "x")(d) + "/run.npz")(d), ("--out", "folder")),
    ("out-name-too-long", lambda d: _flags("--out", str(d / ("r" * 300 + ".npz")))(d), ("--out",)),
]


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


def test_the_table_is_large_and_names_are_unique() -> None:
    assert len(CASES) >= 20 and len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "setup", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, name: str, setup: Setup, expected: tuple[str, ...]
) -> None:
    inputs, out_dir = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out_dir.mkdir()
    out = out_dir / "run.npz"
    args = setup(inputs)
    made = sorted(inputs.rglob("*"))
    if "--out" not in args:
        args += ["--out", str(out)]
    t0 = time.monotonic()
    p = _run_cli([*args, "--quiet"], tmp_path)
    lines = p.stderr.splitlines()
    assert p.returncode == 2, (p.returncode, p.stderr[-2000:])
    assert "Traceback" not in p.stderr
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("ae-explainer") and ": error: " in lines[0], lines[0]
    for s in expected:
        assert s in lines[0], (s, lines[0])
    assert not out.exists() and list(out_dir.iterdir()) == []
    assert sorted(inputs.rglob("*")) == made and not list(tmp_path.glob("*.npz"))
    assert time.monotonic() - t0 < 60


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
    t0 = time.monotonic()
    try:
        dens, rel = latent_reliability(grid, z)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - t0 < 10
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
    t0 = time.monotonic()
    p = subprocess.run(
        [sys.executable, "-c", probe, *train_cmd, *flags, "--out", str(out)],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - t0
    assert p.returncode == 0, p.stderr[-2000:]
    max_rss_kib = int(p.stdout.split()[-1])
    assert max_rss_kib < 1_500_000, max_rss_kib  # the old N x N density needed about 10 GB here
    assert elapsed < 60, elapsed
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


def test_snapshot_steps_are_fast_for_huge_inputs() -> None:
    for steps, n in [(200_000, 100_000), (1_000_000, 1000), (1000, 1000), (1001, 1000), (1500, 1000)]:
        t0 = time.monotonic()
        s = snapshot_steps(steps, n)
        assert time.monotonic() - t0 < 2.0, (steps, n)
        assert s[0] == 0 and s[-1] == steps and len(s) >= min(n, steps + 1)
        assert all(a < b for a, b in itertools.pairwise(s))
