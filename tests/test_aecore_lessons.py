"""Chapters 9 and 10 in aecore: the VAE variant, prior samples, the overfitting preset."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest

from aecore import (
    RELIABLE_THRESHOLD,
    AecoreError,
    Run,
    TrainConfig,
    cached_run,
    decode,
    draw_prior,
    encode,
    forward,
    load_run,
    prior_samples,
    reliable_fraction,
    write_run,
)
from aecore.config_fields import ConfigError
from aecore.residuals import residuals
from aecore.train import train, train_to_file
from scenes.runs import OVERFIT, PRIOR_AE, PRIOR_VAE, WELL_FIT
from tests.conftest import dist_to_polyline

FIXTURE = Path(__file__).parent / "fixtures" / "run_v1.npz"
SMALL_VAE = TrainConfig(n_points=60, hidden=(16,), steps=120, n_snapshots=5, grid_size=31, variant="vae")


@pytest.fixture(scope="module")
def small_vae() -> Run:
    return cached_run(SMALL_VAE, quiet=True)


# The VAE variant and the file format.


def test_vae_round_trips_with_latent_logvar(tmp_path: Path) -> None:
    data, meta, arrays = train(SMALL_VAE)
    run = load_run(write_run(tmp_path / "vae.npz", data, meta, arrays))
    assert (
        run.variant == "vae" and TrainConfig.from_dict(run.config.model_dump(exclude_unset=True)) == SMALL_VAE
    )
    assert arrays["latent_logvar"].shape == (len(run.snapshots), 60, 1)
    for i, s in enumerate(run.snapshots):
        assert s.latent_logvar is not None and s.latent_logvar.shape == s.latents.shape
        np.testing.assert_array_equal(s.latent_logvar, arrays["latent_logvar"][i].astype(np.float32))
    # The bottleneck is reported as the k means; the encoder's last layer holds mean and log-variance.
    assert run.layer_sizes == [2, 16, 1, 16, 2]
    assert run.final.params["encoder.2.weight"].shape == (2, 16)
    # Trained with a KL term, the posteriors are wider than a point but narrower than the prior.
    sd = np.exp(run.final.latent_logvar / 2)
    assert sd.min() > 0.0 and sd.max() < 1.0


def test_vae_file_is_byte_identical_across_runs(tmp_path: Path) -> None:
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    train_to_file(SMALL_VAE, a)
    train_to_file(SMALL_VAE, b)
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c.npz"
    train_to_file(SMALL_VAE.replace(kl_weight=0.3), c)
    assert c.read_bytes() != a.read_bytes()


@pytest.mark.slow  # trains runs to a fit
def test_numpy_forward_reproduces_the_vae(small_vae: Run) -> None:
    for s in (small_vae.snapshots[0], small_vae.final):
        values = forward(small_vae, small_vae.data, s)
        assert [v.shape[1] for v in values] == small_vae.layer_sizes
        np.testing.assert_allclose(values[2], s.latents, atol=1e-4)  # the bottleneck is the mean
        np.testing.assert_allclose(values[-1], s.recon, atol=1e-4)
        mu, logvar = encode(small_vae, small_vae.data, s)
        assert logvar is not None and s.latent_logvar is not None
        np.testing.assert_allclose(mu, s.latents, atol=1e-4)
        np.testing.assert_allclose(logvar, s.latent_logvar, atol=1e-4)
        np.testing.assert_allclose(decode(small_vae, s.latent_grid, s), s.manifold, atol=1e-4)


def test_plain_runs_and_the_committed_fixture_have_no_logvar(tmp_path: Path) -> None:
    fixture = load_run(FIXTURE)
    assert fixture.variant == "ae" and all(s.latent_logvar is None for s in fixture.snapshots)
    assert fixture.final.latents.shape == (len(fixture.data), 1)
    assert TrainConfig.from_dict(fixture.config.model_dump(exclude_unset=True)).variant == "ae"
    ae = load_run(train_to_file(SMALL_VAE.replace(variant="ae", steps=20), tmp_path / "ae.npz"))
    assert ae.variant == "ae" and ae.final.latent_logvar is None
    assert encode(ae, ae.data)[1] is None


def test_config_validates_variant_and_kl_weight() -> None:
    with pytest.raises(ConfigError, match=r"^variant: unknown 'gan'") as e:
        TrainConfig(variant="gan")
    assert e.value.line(lambda f: "--" + f.replace("_", "-")).startswith("--variant: ")  # how the CLI says it
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ConfigError, match=r"^kl_weight: "):
            TrainConfig(variant="vae", kl_weight=bad)
    assert TrainConfig(kl_weight=1) == TrainConfig(kl_weight=1.0)


# Chapter 11: new samples need a prior.


def test_prior_samples_are_seeded_and_shaped() -> None:
    z = np.array([[-1.0, 2.0], [3.0, 5.0], [0.0, 4.0]])
    u = prior_samples("uniform", 500, 1, z)
    assert u.shape == (500, 2) and np.all(u >= z.min(axis=0)) and np.all(u <= z.max(axis=0))
    n = prior_samples("normal", 500, 1, z)
    np.testing.assert_array_equal(n, prior_samples("normal", 500, 1, z))
    assert abs(n.mean()) < 0.15 and abs(n.std() - 1) < 0.1
    with pytest.raises(AecoreError, match="unknown kind"):
        prior_samples("cauchy", 10, 0, z)


@pytest.fixture(scope="module")
def prior_runs() -> tuple[Run, Run]:
    # The session's run cache: chapter 11, the explorer's tests and these share one training of each.
    return cached_run(PRIOR_AE, quiet=True), cached_run(PRIOR_VAE, quiet=True)


@pytest.mark.slow  # trains runs to a fit
def test_vae_prior_samples_land_where_m_is_reliable_more_often(prior_runs: tuple[Run, Run]) -> None:
    ae, vae = prior_runs
    # Chapter 11's pair: N(0, I) samples in the plain AE's latent space and the VAE's, at the one threshold.
    f_ae = reliable_fraction(ae, "normal", threshold=RELIABLE_THRESHOLD)
    f_vae = reliable_fraction(vae, "normal", threshold=RELIABLE_THRESHOLD)
    assert f_vae > f_ae + 0.15, (f_ae, f_vae)
    assert f_vae >= reliable_fraction(ae, "uniform", threshold=RELIABLE_THRESHOLD)  # and than a box prior
    # The VAE's M still follows the data.
    d = dist_to_polyline(vae.data, vae.final.manifold.astype(np.float64))
    assert np.median(d) < 2 * PRIOR_VAE.noise
    # The decoded samples are there to draw.
    draw = draw_prior(vae, "normal", n=300, seed=1)
    assert draw.x.shape == (300, 2) and np.all(np.isfinite(draw.x))
    assert np.all((draw.reliability >= 0) & (draw.reliability <= 1))
    np.testing.assert_allclose(draw.x, decode(vae, draw.z), atol=0)


# Chapter 10: approximate, don't interpolate.


@pytest.mark.slow  # trains runs to a fit
def test_overfit_interpolates_and_well_fit_approximates() -> None:
    over = residuals(cached_run(OVERFIT, quiet=True))  # the session's cache: chapter 10 plays the same runs
    well = residuals(cached_run(WELL_FIT, quiet=True))
    assert over.ratio < 0.2, over
    assert well.ratio > 0.6, well
    assert over.held_out_data.shape == (500, 2)


def test_held_out_needs_a_built_in_data_set(tmp_path: Path) -> None:
    x = np.random.default_rng(0).normal(size=(20, 2))
    np.save(tmp_path / "pts.npy", x)
    run = load_run(
        train_to_file(TrainConfig(data=str(tmp_path / "pts.npy"), hidden=(4,), steps=5), tmp_path / "r.npz")
    )
    with pytest.raises(AecoreError, match="not a built-in data set"):
        residuals(run)


# Bad input for the new flags: one line naming the flag, exit 2, no output file.

BAD_FLAGS = {
    "unknown variant": (["--variant", "gan"], "--variant"),
    "negative kl weight": (["--variant", "vae", "--kl-weight", "-1"], "--kl-weight"),
    "nan kl weight": (["--variant", "vae", "--kl-weight", "nan"], "--kl-weight"),
    "non-numeric kl weight": (["--kl-weight", "lots"], "--kl-weight"),
}


@pytest.mark.parametrize("case", sorted(BAD_FLAGS))
def test_bad_vae_flags_one_line_error(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ae_explainer.cli.app import main

    flags, expected = BAD_FLAGS[case]
    out = tmp_path / "out.npz"
    args = [
        "train",
        "--data",
        "arc",
        "--latent-dim",
        "1",
        "--steps",
        "5",
        "--quiet",
        *flags,
        "--out",
        str(out),
    ]
    code: int | None = None
    with pytest.raises(SystemExit) if case == "non-numeric kl weight" else contextlib.nullcontext() as exc:
        code = main(args)
    if exc is not None:
        code = exc.value.code  # type: ignore[union-attr]
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert expected in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))


def test_cli_trains_a_vae(tmp_path: Path) -> None:
    from ae_explainer.cli.app import main

    out = tmp_path / "v.npz"
    argv = [
        "train",
        "--data",
        "arc",
        "--latent-dim",
        "1",
        "--steps",
        "20",
        "--hidden",
        "8",
        "--snapshots",
        "3",
    ]
    assert main([*argv, "--variant", "vae", "--kl-weight", "0.1", "--quiet", "--out", str(out)]) == 0
    run = load_run(out)
    assert run.config.variant == "vae" and run.config.kl_weight == 0.1
    assert run.final.latent_logvar is not None
