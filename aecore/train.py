"""Train an autoencoder and record snapshots. Reads top to bottom.

The run is deterministic: the same :class:`TrainConfig` (and data) gives the
same snapshot file, byte for byte. Training is full-batch Adam on the mean
squared reconstruction error, single-threaded (small networks run fastest
that way, and thread count cannot change the arithmetic).

Precision: the data is standardised in float64 (its mean and RMS distance
from the mean, :func:`aecore.datasets.standardization`); the network trains
in float32 on the standardised points, and its outputs are mapped back to
data units in float64. So ``recon``, ``manifold`` and ``loss`` are float64,
and data far from the origin (say 1e8 + N(0, 1)) trains exactly as the same
points centred at 0 would. ``meta["normalization"]`` holds that mean and
scale; :mod:`aecore.forward` applies them the same way.

With ``cfg.variant == "vae"`` the encoder gives a mean mu and a log-variance
per latent axis, and each step decodes a reparameterised sample
``z = mu + exp(logvar / 2) * eps`` with ``eps ~ N(0, I)`` drawn from a torch
generator seeded with ``cfg.seed`` (so the run stays deterministic). The loss
is the same reconstruction error as the plain autoencoder's plus
``cfg.kl_weight`` times KL(q(z|x) || N(0, I)), both averaged over points.
Snapshots record ``latents = mu``, ``recon = g(mu)`` and ``latent_logvar``;
the latent grid, M, density and reliability are computed from the mu's.

Vectors (D >= 4 features that are not images, :mod:`aecore.vectors`) are
standardised per feature in float64 first: the run's ``data`` is the
standardised data, ``meta["features"]`` keeps the names, the original means
and deviations and the near-constant columns, and the run stores the
picture's projection P, fitted on the data.

Every snapshot also records g's exact stretch on the latent grid and the
density of reconstructions on M, from which the reliability is computed
(:mod:`aecore.manifold_density`). With ``cfg.ensemble_seeds`` the same
config is then trained from each of those seeds, and the run stores their
final manifolds and its ensemble agreement (:mod:`aecore.ensemble`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import torch

from aecore.config import TrainConfig
from aecore.config_fields import ConfigError, Ref
from aecore.datasets import data_hash, load_dataset, standardization
from aecore.ensemble import agreement_from_manifolds, dense_manifold, median_residual
from aecore.errors import AecoreError
from aecore.manifold_density import mlp_stretch
from aecore.model import Autoencoder
from aecore.recording import latent_grid, snapshot_row
from aecore.snapshot import write_run
from aecore.vectors import fit_projection, standardize_features

__all__ = ["ProgressFn", "latent_grid", "model_snapshot", "snapshot_steps", "train", "train_to_file"]

ProgressFn = Callable[[int, int, float], None]
"""Called as ``progress(step, total_steps, loss)`` while training."""


def snapshot_steps(steps: int, n_snapshots: int) -> list[int]:
    """Steps at which to record: 0, then geometrically spaced up to ``steps``.

    Dense early (where M changes fastest) and sparse late; unique, sorted,
    starting at 0 (the untrained model) and ending at ``steps``.

    The steps after 0 are ``unique(round(geomspace(1, steps, m)))`` for the
    smallest ``m >= n_snapshots - 1`` that gives at least ``n_snapshots - 1``
    distinct steps. ``m`` is found by doubling and then bisection, so the cost
    is O(m log m) even when ``n_snapshots`` is close to ``steps``.
    """
    if steps < n_snapshots:
        return list(range(steps + 1))
    need = n_snapshots - 1
    lo = need
    if _distinct_steps(steps, lo).size >= need:
        return _with_zero(_distinct_steps(steps, lo))
    # Grow until enough distinct steps; geomspace(1, steps, m) covers every
    # integer 1..steps once its ratio is below 1 + 1/steps, so this stops.
    hi = 2 * lo
    while _distinct_steps(steps, hi).size < need:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:  # invariant: lo gives too few, hi enough
        mid = (lo + hi) // 2
        if _distinct_steps(steps, mid).size >= need:
            hi = mid
        else:
            lo = mid
    return _with_zero(_distinct_steps(steps, hi))


def _distinct_steps(steps: int, m: int) -> np.ndarray:
    if m == 1:  # geomspace(1, steps, 1) is [1]: the one step after 0 must be the last
        return np.array([steps], dtype=np.int64)
    return np.unique(np.round(np.geomspace(1, steps, m)).astype(np.int64))


def _with_zero(s: np.ndarray) -> list[int]:
    return [0, *(int(v) for v in s)]


def _versions() -> dict[str, str]:
    out = {
        "python": ".".join(map(str, sys.version_info[:3])),
        "numpy": np.__version__,
        "torch": torch.__version__,
    }
    try:
        out["ae-explainer"] = version("ae-explainer")
    except PackageNotFoundError:
        out["ae-explainer"] = "unknown"
    return out


def model_snapshot(
    model: Autoencoder, cfg: TrainConfig, x: np.ndarray, u: torch.Tensor, scale: float, step: int
) -> tuple[dict[str, np.ndarray], float]:
    """The trainer's snapshot of ``model`` now (:func:`aecore.recording.snapshot_row`) and its loss.

    ``x`` is the data, ``u`` the model's standardised input and ``scale`` its
    standardisation's scale. The loss is in data units (for a VAE: of g(mu),
    no sampling).

    Raises
    ------
    AecoreError
        If the loss is not finite (:func:`_diverged`).
    """
    with torch.no_grad():
        z, logvar = model.encode_std(u)  # z is the mean mu for a VAE
        xh = model.unstandardize(model.decode_std(z)).numpy()  # float64 data units
        loss = float(np.mean(np.sum((x - xh) ** 2, axis=1)))
        if not math.isfinite(loss):
            raise _diverged(cfg, step)
        params = {name: p.detach().numpy() for name, p in model.named_parameters()}
        row = snapshot_row(
            step,
            loss,
            z.numpy(),
            xh,
            cfg,
            decode=lambda v: model.g(torch.from_numpy(v)).numpy(),
            stretch=mlp_stretch(params, cfg.activation, scale),
            params=params,
            logvar=None if logvar is None else logvar.numpy(),
        )
    return row, loss


def train(
    cfg: TrainConfig, progress: ProgressFn | None = None
) -> tuple[np.ndarray, dict, dict[str, np.ndarray]]:
    """Train per ``cfg`` and return ``(data, meta, arrays)`` for :func:`write_run`.

    The config is checked (:meth:`TrainConfig.check_data`) before any data is made or read. The data is
    standardised in float64 (:func:`aecore.datasets.standardization`); the
    network trains in float32 on the standardised points, and its outputs
    are mapped back to data units in float64, so ``recon``, ``manifold`` and
    ``loss`` are float64 and exact to float64 precision for data far from
    the origin.

    Raises
    ------
    AecoreError
        On bad input or a diverging run (non-finite loss).
    """
    # Config, then data.
    cfg.check_data()
    dataset = load_dataset(cfg.data, cfg.n_points, cfg.noise, cfg.data_seed, cfg.image_shape)
    x_np = dataset.x
    n_data, n = x_np.shape
    cfg.check_data(data_dim=n, n_data=n_data)
    features: dict[str, object] = {}
    if dataset.feature_names is not None:  # vectors: the run's data is the per-feature standardised data
        x_np, f_mean, f_std, near = standardize_features(x_np, dataset.feature_names, f"--data: {cfg.data}")
        features = {
            "names": list(dataset.feature_names),
            "mean": [float(v) for v in f_mean],
            "std": [float(v) for v in f_std],
            "near_constant": list(near),
        }
    mean, scale = standardization(x_np)

    # Model, seeded; single-threaded and deterministic.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(cfg.seed)
        model = Autoencoder(n, cfg.latent_dim, cfg.hidden, cfg.activation, mean, scale, cfg.variant)
        u = model.standardize(torch.from_numpy(x_np))  # float32, zero mean and unit RMS norm
        vae = cfg.variant == "vae"
        eps_gen = torch.Generator().manual_seed(cfg.seed)  # the VAE's sampling noise, apart from the init
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        schedule = snapshot_steps(cfg.steps, cfg.n_snapshots)
        record_at = set(schedule)
        param_names = [name for name, _ in model.named_parameters()]
        # Each snapshot is copied into arrays allocated once, at the first snapshot:
        # small per-snapshot arrays kept between large freed temporaries would
        # fragment the heap (resident memory then grows with the snapshot count).
        arrays: dict[str, np.ndarray] = {}
        filled = 0

        def record(step: int) -> float:
            nonlocal filled
            row, loss = model_snapshot(model, cfg, x_np, u, scale, step)
            for k, v in row.items():
                if k not in arrays:
                    arrays[k] = np.empty((len(schedule), *np.shape(v)), dtype=np.asarray(v).dtype)
                arrays[k][filled] = v
            filled += 1
            return loss

        # Training loop: full-batch Adam on the mean squared reconstruction error
        # of the standardised data (plus the KL term for a VAE). The recorded loss
        # is in data units (for a VAE: of g(mu), no sampling).
        total = cfg.steps * (1 + len(cfg.ensemble_seeds))  # progress counts the ensemble's steps too
        loss_val = record(0)
        for step in range(1, cfg.steps + 1):
            if vae:
                mu, lv = model.encode_std(u)
                assert lv is not None
                eps = torch.randn(mu.shape, generator=eps_gen)
                uh = model.decode_std(mu + torch.exp(0.5 * lv) * eps)
                kl = 0.5 * (mu.pow(2) + lv.exp() - 1.0 - lv).sum(dim=1).mean()
                loss = (u - uh).pow(2).sum(dim=1).mean() + cfg.kl_weight * kl
            else:
                uh = model.decode_std(model.encode_std(u)[0])
                loss = (u - uh).pow(2).sum(dim=1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if not math.isfinite(loss.item()):
                raise _diverged(cfg, step)
            if step in record_at:
                loss_val = record(step)
            if progress is not None:
                progress(step, total, loss_val)
    finally:
        torch.set_num_threads(threads)
    assert filled == len(schedule)

    # The ensemble: the same config from other seeds, compared with the final M.
    if cfg.ensemble_seeds:
        arrays.update(_ensemble(cfg, x_np, arrays, mean, scale, progress))

    # Metadata.
    meta = {
        "config": cfg.to_dict(),
        "data_sha256": data_hash(x_np),
        "versions": _versions(),
        "layer_sizes": model.layer_sizes(),
        "param_names": param_names,
        "normalization": {"mean": [float(v) for v in mean], "scale": float(scale)},
    }
    if dataset.image_shape is not None:
        meta["image_shape"] = list(dataset.image_shape)
    if dataset.labels is not None:  # for colouring only: training never saw them
        arrays["labels"] = dataset.labels
    if features:  # the picture's projection P, fitted once on the (standardised) data, never on M
        meta["features"] = features
        arrays.update(fit_projection(x_np, cfg.latent_dim).arrays())
    return x_np, meta, arrays


def _ensemble(
    cfg: TrainConfig,
    x_np: np.ndarray,
    arrays: dict[str, np.ndarray],
    mean: np.ndarray,
    scale: float,
    progress: ProgressFn | None,
) -> dict[str, np.ndarray]:
    """Train ``cfg`` from each of its ``ensemble_seeds``; their final M and the run's agreement with them.

    Each member is the same config from another seed (recorded at its first
    and last step only; recording never changes the training), so its
    decoder is exactly that of the run ``cfg.replace(seed=s)``.
    """
    finals, dense = [], []
    for i, seed in enumerate(cfg.ensemble_seeds, start=1):
        member = cfg.replace(seed=seed, ensemble_seeds=(), n_snapshots=2)
        shown = (
            None
            if progress is None
            else _shifted(progress, i * cfg.steps, cfg.steps * (1 + len(cfg.ensemble_seeds)))
        )
        _, _, a = train(member, shown)
        params = {name[len("param/") :]: v[-1] for name, v in a.items() if name.startswith("param/")}
        finals.append(a["manifold"][-1])
        dense.append(dense_manifold(params, cfg.activation, mean, scale, a["latent_grid"][-1]))
    final = arrays["manifold"][-1]
    sigma = median_residual(x_np, arrays["recon"][-1])
    agreement, spread = agreement_from_manifolds(final.reshape(-1, final.shape[-1]), dense, sigma)
    return {
        "ensemble_manifold": np.stack(finals),
        "agreement": agreement.reshape(final.shape[:-1]),
        "ensemble_spread": spread.reshape(final.shape[:-1]),
    }


def _shifted(progress: ProgressFn, offset: int, total: int) -> ProgressFn:
    """``progress`` for a member whose steps come after ``offset`` steps of ``total``."""
    return lambda step, _, loss: progress(offset + step, total, loss)


def _diverged(cfg: TrainConfig, step: int) -> ConfigError:
    """The error for a non-finite loss: the data at step 0 (nothing trained yet), else the learning rate."""
    if step == 0:
        return ConfigError(
            "data",
            f"{cfg.data}: the untrained model's loss is not finite; the data's values are too large"
            " for float arithmetic (rescale them)",
        )
    return ConfigError(
        "lr",
        f"training diverged at step {step} (loss is not finite) with learning rate {cfg.lr:g};"
        " use a smaller ",
        Ref("lr"),
        f", e.g. {cfg.lr / 10:g}",
    )


def train_to_file(cfg: TrainConfig, out: str | Path, progress: ProgressFn | None = None) -> Path:
    """Train per ``cfg`` and write the snapshot file ``out`` atomically.

    Raises
    ------
    AecoreError
        On bad input, a diverging run, or when ``out`` cannot be written.
    """
    data, meta, arrays = train(cfg, progress)
    try:
        return write_run(out, data, meta, arrays)
    except OSError as e:
        raise AecoreError(f"--out: cannot write {out} ({e.strerror or e})") from None
