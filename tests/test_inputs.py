"""Inputs: ``train`` flags and data files, settings files and render flags, the environment.

Every bad flag or data file is one line on stderr, exit status 2, no traceback,
no hang and no file in the output folder (checked in a child process with a
clean environment). Data far from the origin trains as well as centred data;
the KDE behind the reliability is linear in N and exact up to its cap; the
snapshot schedule is the old one, only fast. A settings file, the flags and
the environment are read by one model, so each value is judged and each
default written in one place.
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
from pydantic import ValidationError
from scipy.spatial.distance import cdist

from ae_explainer.cli.userconfig import VIDEO_KEYS, CommandSettings, load_user_config
from ae_explainer.options import FORMATS, RenderOptions
from aecore import AecoreError, TrainConfig, load_run, make_dataset, write_run
from aecore.config_fields import ConfigError
from aecore.datasets import load_user_data
from aecore.forward import forward, forward_layers
from aecore.reliability import MAX_CENTRES, kde_centres
from aecore.train import snapshot_steps, train
from scenes.chapters import SCENES_IN_ORDER
from scenes.settings import ASPECTS, QUALITIES, SceneSettings, default_of
from tests.kde_v1 import kde_bandwidth, latent_reliability
from tests.test_bad_inputs import _csv, _npy_header_only

ROOT = Path(__file__).resolve().parents[1]

Setup = Callable[[Path], list[str]]
"""Given the folder for input files, the ``train`` flags of one case (without ``--out``)."""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    env["AE_EXPLAINER_RUNS"] = str(tmp / "runs")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ae_explainer", *args], capture_output=True, text=True, cwd=cwd or ROOT
    )


def test_a_config_file_cannot_set_steps_past_the_cap() -> None:
    with pytest.raises(ConfigError, match=r"^steps: 1000000000000 is out of range; use 1 to 1,000,000"):
        TrainConfig(steps=10**12)
    with pytest.raises(ConfigError, match=r"^n_snapshots: "):
        TrainConfig(n_snapshots=10**6)


def test_validate_runs_before_any_data_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    import aecore.train

    def boom(*args: object) -> np.ndarray:
        raise AssertionError("data loaded before the config was validated")

    monkeypatch.setattr(aecore.train, "load_dataset", boom)
    for bad in (
        {"n_points": 10**9},
        {"data": "/nonexistent/huge.npy", "hidden": (100_000, 100_000)},
        {"seed": 2**70},
    ):
        with pytest.raises(AecoreError):
            train(TrainConfig(**bad))  # type: ignore[arg-type]


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
    # The numpy forward pass gives the trainer's x̂ (and so does aecore.forward of the loaded run).
    norm = meta["normalization"]
    assert abs(norm["mean"][0] - 1e8) < 10 and 0.5 < norm["scale"] < 5
    params = {name: arrays["param/" + name][-1] for name in meta["param_names"]}
    xh = forward_layers(params, cfg.activation, data, np.array(norm["mean"]), norm["scale"])[-1]
    np.testing.assert_allclose(xh, recon, rtol=0, atol=1e-4 * spread)
    run = load_run(write_run(tmp_path / "far.npz", data, meta, arrays))
    np.testing.assert_allclose(forward(run, run.data)[-1], recon, rtol=0, atol=1e-4 * spread)
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


@pytest.mark.slow  # trains 20,000 points in a new process
def test_a_20000_point_run_is_quick_and_small(tmp_path: Path) -> None:
    out = tmp_path / "big.npz"
    probe = (
        "import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)"
    )
    train_cmd = [sys.executable, "-m", "ae_explainer.cli.app", "train", "--data", "arc", "--latent-dim", "1"]
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
    """The schedule as it was: the same list, found by trying m = n - 1, n, n + 1, ... in turn.

    Except for two snapshots, where it ended at step 1 instead of the last step.
    """
    if steps < n_snapshots:
        return list(range(steps + 1))
    if n_snapshots == 2:
        return [0, steps]
    m = n_snapshots - 1
    while True:
        s = np.unique(np.round(np.geomspace(1, steps, m)).astype(np.int64))
        if len(s) >= n_snapshots - 1:
            return [0, *(int(v) for v in s)]
        m += 1


@pytest.mark.slow  # 17,000 schedules against the old one
def test_snapshot_steps_are_the_old_schedule() -> None:
    for steps in range(1, 260):
        for n in range(2, 70):
            assert snapshot_steps(steps, n) == _old_snapshot_steps(steps, n), (steps, n)
            assert snapshot_steps(steps, n)[-1] == steps, (steps, n)  # the trained model is always recorded
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


# Settings files and render flags ------------------------------------------------------------


def test_config_file_loads_every_key(tmp_path: Path) -> None:
    f = tmp_path / "talk.toml"
    f.write_text(
        '[video]\naspect = "9:16"\nquality = "medium"\nformat = "webm"\ntheme = "light"\n'
        "transparent = true\ncaptions = false\npace = 0.75\nchapters = [4, 5]\njobs = 2\n"
        '[run]\ndata = "spiral"\nlatent_dim = 1\nseed = 3\nsteps = 500\n'
    )
    uc = load_user_config(f)
    assert uc.video == {
        "aspect": "9:16",
        "quality": "medium",
        "format": "webm",
        "theme": "light",
        "transparent": True,
        "captions": False,
        "pace": 0.75,
        "chapters": ["4", "5"],
        "jobs": 2,
    }
    assert uc.run == {"data": "spiral", "latent_dim": 1, "seed": 3, "steps": 500}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("[video]\naspct = '9:16'\n", "unknown key 'aspct'"),
        ("[video]\naspect = '4:3'\n", "[video] aspect: '4:3' is not one of"),
        ("[video]\npace = 'fast'\n", "[video] pace"),
        ("[video]\njobs = 0\n", "[video] jobs"),
        ("[video]\ncaptions = 'yes'\n", "[video] captions"),
        ("[video\naspect = '9:16'\n", "not valid TOML"),
        ("[audio]\nvolume = 3\n", "unknown section(s) audio"),
        ("[run]\ndata = 'moon'\n", "[run] data: no data set or file 'moon'"),
        ("[run]\ndata = 'helix'\n", "helix is 3-D"),
        ("[run]\nlatent_dim = 2\n", "[run] latent_dim"),
        ("[run]\nsteps = 0\n", "[run] steps"),
        ("[run]\nseed = 1.5\n", "[run] seed"),
    ],
)
def test_bad_config_files_name_the_key_and_the_fix(tmp_path: Path, body: str, needle: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(body)
    with pytest.raises(AecoreError) as e:
        load_user_config(f)
    msg = str(e.value)
    assert needle in msg and str(f) in msg and "\n" not in msg


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["render", "--aspect", "4:3"], "--aspect: invalid choice"),
        (["render", "--format", "avi"], "--format: invalid choice"),
        (["render", "--transparent"], "--transparent: mp4 has no alpha channel"),
        (["render", "--jobs", "0"], "--jobs: 0 must be from 1 to 32"),
        (["render", "--chapters", "99"], "--chapters: no chapter '99'"),
        (["render", "--config", "missing.toml"], "--config: missing.toml does not exist; give a .toml file"),
        (["render", "--pace", "9"], "--pace: 9.0 must be"),
        (["lecture", "--theme", "sepia"], "--theme: invalid choice"),
    ],
)
def test_bad_flags_give_one_line_errors(args: list[str], needle: str, tmp_path: Path) -> None:
    p = _cli(*args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert p.returncode == 2
    assert needle in p.stderr and "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.startswith("ae-explainer") or "error" in ln]
    assert len(lines) >= 1 and not (tmp_path / "out").exists()


def test_list_of_an_unknown_chapter_is_one_line_naming_the_chapters(tmp_path: Path) -> None:
    p = _cli("list", "2", "99", cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stdout == ""
    assert p.stderr.strip().count("\n") == 0
    assert "--chapters: no chapter '99'; choose from 1 (ImplementationView)" in p.stderr


def test_bad_config_through_the_cli_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("[video]\ntheme = 'sepia'\n")
    p = _cli("render", "--config", str(f), "--out", str(tmp_path / "out"))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0 and "[video] theme: 'sepia'" in p.stderr


def test_output_names_tell_options_apart() -> None:
    base = RenderOptions(quality="low")
    names = {
        f"ch04-ManifoldForms-{o.tag()}"
        for o in (
            base,
            base.replace(aspect="9:16"),
            base.replace(quality="high"),
            base.replace(theme="light"),
            base.replace(format="webm", transparent=True),
            base.replace(captions=False),
            base.replace(pace=0.75),
            base.replace(run={"data": "spiral"}),
            base.replace(narration="voice"),
            base.replace(narration="talk/recordings"),
        )
    }
    assert len(names) == 10 and "ch04-ManifoldForms-16x9-low-dark" in names
    assert base.replace(pace=default_of(SceneSettings, "pace")).tag() == base.tag()  # the default, once
    with pytest.raises(ValidationError, match="no alpha channel"):
        base.replace(transparent=True)  # a copy is validated like the original


def test_flags_take_their_choices_and_defaults_from_the_models(tmp_path: Path) -> None:
    from ae_explainer.cli.app import _build_parser
    from ae_explainer.cli.commands import COMMANDS, settings_of

    parser = _build_parser()
    for name, command in COMMANDS.items():
        a = parser.parse_args([name, "--out", str(tmp_path / name)])
        assert all(getattr(a, k, None) is None for k in VIDEO_KEYS)  # unset: the model decides
        opts, infos, jobs, _ = settings_of(a, command, chapters=command.chapters)
        own = {} if command.loudness is None else {"loudness": command.loudness}  # social: -14 LUFS
        assert opts == RenderOptions(quality=command.quality, narration=command.narration, **own)
        assert len(infos) == (len(SCENES_IN_ORDER) if command.chapters else 0)
        assert jobs == default_of(CommandSettings, "jobs")
    actions = {a.dest: a for a in parser._subparsers._group_actions[0].choices["render"]._actions}  # type: ignore[union-attr]
    assert tuple(actions["aspect"].choices) == tuple(ASPECTS)
    assert tuple(actions["quality"].choices) == tuple(QUALITIES)
    assert tuple(actions["format"].choices) == FORMATS
    assert f"default {default_of(SceneSettings, 'pace')}" in actions["pace"].help


def test_flags_win_over_the_file_which_wins_over_the_defaults(tmp_path: Path) -> None:
    from ae_explainer.cli.app import _build_parser
    from ae_explainer.cli.commands import COMMANDS, settings_of

    talk = tmp_path / "talk.toml"
    talk.write_text('[video]\naspect = "9:16"\ntheme = "light"\nchapters = [4, 5]\njobs = 2\n')
    a = _build_parser().parse_args(
        ["video", "--config", str(talk), "--aspect", "1:1", "--chapters", "2", "--out", str(tmp_path / "o")]
    )
    opts, infos, jobs, _ = settings_of(a, COMMANDS["video"])
    assert (opts.aspect, opts.theme, opts.quality, jobs) == ("1:1", "light", "high", 2)
    assert [i.number for i in infos] == [2]


def test_the_environment_carries_the_scene_settings_and_names_a_bad_variable() -> None:
    s = SceneSettings(theme="light", captions=False, pace=0.75, run={"data": "spiral", "seed": 3})
    assert SceneSettings.from_env(s.env()) == s and SceneSettings.from_env({}) == SceneSettings()
    for env, needle in [
        ({"AE_EXPLAINER_THEME": "sepia"}, "AE_EXPLAINER_THEME: 'sepia' is not one of dark, light"),
        ({"AE_EXPLAINER_PACE": "fast"}, "AE_EXPLAINER_PACE: 'fast' must be a number from 0.1 to 4"),
        ({"AE_EXPLAINER_RUN": '{"seed": 1.5}'}, "AE_EXPLAINER_RUN seed: 1.5 must be a whole number"),
        ({"AE_EXPLAINER_RUN": '{"sed": 1}'}, "AE_EXPLAINER_RUN: unknown key 'sed'"),
        ({"AE_EXPLAINER_RUN": "{oops"}, "AE_EXPLAINER_RUN: not JSON"),
    ]:
        with pytest.raises(ValueError) as e:
            SceneSettings.from_env(env)
        assert needle in str(e.value) and "\n" not in str(e.value)
