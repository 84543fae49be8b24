"""The trainer, the snapshot format and the cache: real properties of real runs."""

from __future__ import annotations

import contextlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from aecore import AecoreError, TrainConfig, cached_run, load_run, make_dataset, write_run
from aecore.forward import forward
from aecore.snapshot import FORMAT_VERSION
from aecore.train import snapshot_steps, train, train_to_file
from tests.conftest import dist_to_polyline
from tests.kde_v1 import latent_reliability

FIXTURE = Path(__file__).parent / "fixtures" / "run_v1.npz"
SMALL = TrainConfig(n_points=120, hidden=(32, 32), steps=600, n_snapshots=12)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("runs") / "small.npz"
    train_to_file(SMALL, path)
    return load_run(path)


def test_loss_falls(small_run) -> None:
    losses = small_run.losses
    assert losses[-1] < 0.1 * losses[0]
    assert losses[-1] == min(losses)


def test_recon_lies_on_manifold_and_data_does_not(small_run) -> None:
    s = small_run.final
    scale = np.ptp(small_run.data, axis=0).max()
    d_recon = dist_to_polyline(s.recon.astype(np.float64), s.manifold.astype(np.float64))
    d_data = dist_to_polyline(small_run.data, s.manifold.astype(np.float64))
    assert d_recon.max() < 1e-3 * scale
    assert np.median(d_data) > 20 * d_recon.max()


def test_manifold_is_decoder_image_of_a_grid_wider_than_latents(small_run) -> None:
    for s in small_run.snapshots:
        assert s.latent_grid.shape == (SMALL.grid_size, 1)
        assert s.manifold.shape == (SMALL.grid_size, 2)
        assert s.latent_grid.min() < s.latents.min() and s.latent_grid.max() > s.latents.max()


def test_reliability_high_among_latents_low_far_away(small_run) -> None:
    s = small_run.final
    z = s.latents[:, 0]
    grid = s.latent_grid[:, 0]
    inside = (grid > np.quantile(z, 0.1)) & (grid < np.quantile(z, 0.9))
    assert s.reliability[inside].min() > 0.5 or np.median(s.reliability[inside]) > 0.8
    assert s.reliability[0] < 0.05 and s.reliability[-1] < 0.05
    assert np.all((s.reliability >= 0) & (s.reliability <= 1))


def test_reliability_is_smooth_no_hard_cutoff() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 1))
    grid = np.linspace(-6, 6, 2001)[:, None]
    _, rel = latent_reliability(grid, z)
    steps = np.abs(np.diff(rel))
    assert steps.max() < 0.01  # no jump between neighbouring grid points 0.006 apart
    assert np.all(rel > 0)  # positive everywhere: a fade, not a cut


def test_snapshot_schedule_dense_early_sparse_late() -> None:
    steps = snapshot_steps(3000, 48)
    assert steps[0] == 0 and steps[-1] == 3000 and len(steps) == 48
    gaps = np.diff(steps)
    assert np.all(gaps > 0) and gaps[-1] > 50 * gaps[0]


def test_same_config_gives_identical_bytes(tmp_path: Path) -> None:
    cfg = TrainConfig(n_points=40, hidden=(16,), steps=80, n_snapshots=6)
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    train_to_file(cfg, a)
    train_to_file(cfg, b)
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c.npz"
    train_to_file(TrainConfig(n_points=40, hidden=(16,), steps=80, n_snapshots=6, seed=1), c)
    assert c.read_bytes() != a.read_bytes()


def test_round_trip_and_metadata(tmp_path: Path) -> None:
    cfg = TrainConfig(
        data="sheet", latent_dim=2, n_points=60, hidden=(16,), steps=40, n_snapshots=4, grid_size=9
    )
    data, meta, arrays = train(cfg)
    path = write_run(tmp_path / "r.npz", data, meta, arrays)
    run = load_run(path)
    assert run.meta.format_version == FORMAT_VERSION
    assert TrainConfig.from_dict(run.config.model_dump(exclude_unset=True)) == cfg
    assert run.data.shape == (60, 3)
    np.testing.assert_array_equal(run.data, data)
    s = run.final
    assert (
        s.latent_grid.shape == (9, 9, 2) and s.manifold.shape == (9, 9, 3) and s.reliability.shape == (9, 9)
    )
    np.testing.assert_allclose(s.recon, arrays["recon"][-1], rtol=0, atol=1e-6)
    assert run.layer_sizes == [3, 16, 2, 16, 3]
    assert {k for k in s.params} == set(meta["param_names"])
    with zipfile.ZipFile(path) as zf:
        assert all(".npy" in n for n in zf.namelist())  # plain arrays, nothing pickled


def test_committed_fixture_keeps_loading() -> None:
    run = load_run(FIXTURE)
    assert run.meta.format_version == 1
    assert len(run.snapshots) >= 2 and run.snapshots[0].step == 0
    s = run.final
    n, k = run.data.shape[1], run.config.latent_dim
    assert s.latents.shape == (len(run.data), k) and s.recon.shape == run.data.shape
    assert s.manifold.shape[-1] == n and s.reliability.shape == s.manifold.shape[:-1]


def test_cache_trains_once(tmp_path: Path) -> None:
    cfg = TrainConfig(n_points=30, hidden=(8,), steps=30, n_snapshots=3, grid_size=11)
    run = cached_run(cfg, root=tmp_path, quiet=True)
    (path,) = tmp_path.glob("*.npz")
    mtime = path.stat().st_mtime_ns
    again = cached_run(cfg, root=tmp_path, quiet=True)
    assert path.stat().st_mtime_ns == mtime
    np.testing.assert_array_equal(run.final.manifold, again.final.manifold)


@pytest.mark.slow  # trains three runs, each in a new process
def test_a_kept_run_is_loaded_once_until_its_file_is_replaced(tmp_path: Path) -> None:
    from aecore.cache import keep_loaded

    cfg = TrainConfig(n_points=30, hidden=(8,), steps=30, n_snapshots=3, grid_size=11)
    first = cached_run(cfg, root=tmp_path, quiet=True)
    (path,) = tmp_path.glob("*.npz")
    untrained = TrainConfig(n_points=30, hidden=(8,), steps=31, n_snapshots=3, grid_size=11)
    assert keep_loaded([cfg, untrained], root=tmp_path) == [path]  # nothing is trained here
    assert list(tmp_path.glob("*.npz")) == [path]
    kept = cached_run(cfg, root=tmp_path, quiet=True)
    assert cached_run(cfg, root=tmp_path, quiet=True) is kept  # loaded once, not per call
    assert kept is not first
    other = tmp_path / "other.npz"
    cached_run(TrainConfig(n_points=30, hidden=(8,), steps=40, n_snapshots=3, grid_size=11), root=other)
    (replacement,) = other.glob("*.npz")
    replacement.replace(path)  # the cache file is replaced (by a rename, as the cache writes)
    fresh = cached_run(cfg, root=tmp_path, quiet=True)
    assert fresh is not kept and fresh.snapshots[-1].step == 40


def test_user_data_files(tmp_path: Path) -> None:
    x = make_dataset("spiral", 50, 0.0, 3)
    csv = tmp_path / "pts.csv"
    csv.write_text("x,y\n" + "\n".join(f"{a},{b}" for a, b in x))
    npy = tmp_path / "pts.npy"
    np.save(npy, x)
    from aecore import load_data

    np.testing.assert_allclose(load_data(str(csv), 0, 0, 0), x)
    np.testing.assert_array_equal(load_data(str(npy), 0, 0, 0), x)


# Bad input: one line naming what was wrong, exit 2, no output file.


def _bad_csv(tmp: Path, text: str) -> str:
    p = tmp / "bad.csv"
    p.write_text(text)
    return str(p)


BAD_INPUTS = {
    "missing file": (lambda t: ["--data", str(t / "nope.csv")], "nope.csv does not exist"),
    "nan in csv": (lambda t: ["--data", _bad_csv(t, "1,2\n" * 20 + "nan,1\n")], "NaN"),
    "one column": (lambda t: ["--data", _bad_csv(t, "1\n" * 20)], "N x 2 or N x 3"),
    "too few points": (lambda t: ["--data", _bad_csv(t, "1,2\n2,3\n")], "at least"),
    "k >= n": (lambda t: ["--data", "arc", "--latent-dim", "2"], "smaller than the data dimension"),
    "unknown name": (lambda t: ["--data", "banana"], "unknown data set"),
    "diverging": (lambda t: ["--data", "arc", "--lr", "1e30", "--steps", "5"], "diverged"),
    "bad hidden": (lambda t: ["--data", "arc", "--hidden", "64,x"], "--hidden"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_one_line_error(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ae_explainer.cli.app import main

    make_args, expected = BAD_INPUTS[case]
    args = make_args(tmp_path)
    if "--latent-dim" not in args:
        args += ["--latent-dim", "1"]
    out = tmp_path / "out.npz"
    with pytest.raises(SystemExit) if case == "bad hidden" else contextlib.nullcontext():
        code = main(["train", *args, "--steps", "20", "--quiet", "--out", str(out)])
        assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert expected in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))


def _write_meta_variant(src: Path, dst: Path, meta_update: dict) -> None:
    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays.pop("meta").tobytes())
    meta.update(meta_update)
    np.savez(dst, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)


def test_load_rejects_unknown_version_and_truncation(tmp_path: Path) -> None:
    future = tmp_path / "future.npz"
    _write_meta_variant(FIXTURE, future, {"format_version": 99})
    with pytest.raises(AecoreError, match="format_version 99"):
        load_run(future)
    trunc = tmp_path / "trunc.npz"
    trunc.write_bytes(FIXTURE.read_bytes()[: FIXTURE.stat().st_size // 2])
    with pytest.raises(AecoreError, match="truncated or corrupt"):
        load_run(trunc)
    with pytest.raises(AecoreError, match="does not exist"):
        load_run(tmp_path / "none.npz")


def test_cli_error_has_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "o.npz"
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "ae_explainer",
            "train",
            "--data",
            "banana",
            "--latent-dim",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "unknown data set 'banana'" in p.stderr
    assert not out.exists()


def test_numpy_forward_reproduces_the_trained_model(small_run) -> None:
    values = forward(small_run, small_run.data)
    assert [v.shape[1] for v in values] == small_run.layer_sizes
    for s in (small_run.snapshots[0], small_run.final):
        v = forward(small_run, small_run.data, s)
        np.testing.assert_allclose(v[len(SMALL.hidden) + 1], s.latents, atol=1e-4)
        np.testing.assert_allclose(v[-1], s.recon, atol=1e-4)


def test_the_run_cache_key_covers_every_module_the_trainer_runs() -> None:
    """A change to any aecore module the trainer imports (transitively) names new run files.

    ``errors`` (messages) and ``files`` (atomic writes) cannot change a run's bytes.
    """
    import ast

    import aecore.cache
    from aecore.cache import _TRAINER_MODULES

    root = Path(aecore.cache.__file__).parent
    seen: set[str] = set()
    todo = ["train"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("aecore."):
                todo.append(node.module.split(".")[1])
    assert seen - {"errors", "files"} <= set(_TRAINER_MODULES), sorted(seen - set(_TRAINER_MODULES))


def test_the_package_docstring_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``aecore``'s own example loads a real file and prints what it says (no ``+SKIP``)."""
    import doctest

    import aecore

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert "+SKIP" not in (aecore.__doc__ or "")
    result = doctest.testmod(aecore, verbose=False)
    assert result.attempted >= 3 and result.failed == 0
