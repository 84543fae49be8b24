"""Train an autoencoder and record snapshots. Reads top to bottom.

The run is deterministic: the same :class:`TrainConfig` (and data) gives the
same snapshot file, byte for byte. Training is full-batch Adam on the mean
squared reconstruction error, single-threaded (small networks run fastest
that way, and thread count cannot change the arithmetic).

With ``cfg.variant == "vae"`` the encoder gives a mean mu and a log-variance
per latent axis, and each step decodes a reparameterised sample
``z = mu + exp(logvar / 2) * eps`` with ``eps ~ N(0, I)`` drawn from a torch
generator seeded with ``cfg.seed`` (so the run stays deterministic). The loss
is the same reconstruction error as the plain autoencoder's plus
``cfg.kl_weight`` times KL(q(z|x) || N(0, I)), both averaged over points.
Snapshots record ``latents = mu``, ``recon = g(mu)`` and ``latent_logvar``;
the latent grid, M, density and reliability are computed from the mu's.
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
from aecore.datasets import data_hash, load_data
from aecore.errors import AecoreError
from aecore.model import Autoencoder
from aecore.reliability import latent_reliability
from aecore.snapshot import write_run

__all__ = ["ProgressFn", "snapshot_steps", "train", "train_to_file"]

ProgressFn = Callable[[int, int, float], None]
"""Called as ``progress(step, total_steps, loss)`` while training."""


def snapshot_steps(steps: int, n_snapshots: int) -> list[int]:
    """Steps at which to record: 0, then geometrically spaced up to ``steps``.

    Dense early (where M changes fastest) and sparse late; unique, sorted,
    starting at 0 (the untrained model) and ending at ``steps``.
    """
    if steps < n_snapshots:
        return list(range(steps + 1))
    m = n_snapshots - 1
    while True:
        s = np.unique(np.round(np.geomspace(1, steps, m)).astype(np.int64))
        if len(s) >= n_snapshots - 1:
            return [0, *(int(v) for v in s)]
        m += 1


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


def _latent_grid(z: np.ndarray, cfg: TrainConfig) -> np.ndarray:
    """A grid over the latents' box widened by ``grid_margin`` of its extent on each side."""
    lo, hi = z.min(axis=0), z.max(axis=0)
    pad = cfg.grid_margin * np.maximum(hi - lo, 1e-3)
    axes = [np.linspace(lo[i] - pad[i], hi[i] + pad[i], cfg.grid_size) for i in range(cfg.latent_dim)]
    if cfg.latent_dim == 1:
        return axes[0][:, None]
    u, v = np.meshgrid(axes[0], axes[1], indexing="ij")
    return np.stack([u, v], axis=-1)


def train(
    cfg: TrainConfig, progress: ProgressFn | None = None
) -> tuple[np.ndarray, dict, dict[str, np.ndarray]]:
    """Train per ``cfg`` and return ``(data, meta, arrays)`` for :func:`write_run`.

    Raises
    ------
    AecoreError
        On bad input or a diverging run (non-finite loss).
    """
    # Data.
    x_np = load_data(cfg.data, cfg.n_points, cfg.noise, cfg.data_seed)
    n = x_np.shape[1]
    cfg.validate(data_dim=n)

    # Model, seeded; single-threaded and deterministic.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(cfg.seed)
        x = torch.from_numpy(x_np).float()
        mean = x.mean(dim=0)
        scale = (x - mean).pow(2).sum(dim=1).mean().sqrt().clamp_min(1e-8)
        model = Autoencoder(n, cfg.latent_dim, cfg.hidden, cfg.activation, mean, scale, cfg.variant)
        vae = cfg.variant == "vae"
        eps_gen = torch.Generator().manual_seed(cfg.seed)  # the VAE's sampling noise, apart from the init
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        record_at = set(snapshot_steps(cfg.steps, cfg.n_snapshots))
        param_names = [name for name, _ in model.named_parameters()]
        rows: dict[str, list[np.ndarray]] = {}

        def record(step: int) -> float:
            with torch.no_grad():
                z, logvar = model.encode(x)  # z is the mean mu for a VAE
                xh = model.g(z)
                loss = float((x - xh).pow(2).sum(dim=1).mean())
                if not math.isfinite(loss):
                    raise AecoreError(
                        f"training diverged at step {step} (loss is not finite); lower --lr (now {cfg.lr})"
                    )
                z_np = z.double().numpy()
                grid = _latent_grid(z_np, cfg)
                flat = torch.from_numpy(grid.reshape(-1, cfg.latent_dim)).float()
                manifold = model.g(flat).numpy().reshape(*grid.shape[:-1], n)
            dens, rel = latent_reliability(grid, z_np, cfg.bandwidth_scale, cfg.reliability_scale)
            row = {
                "step": np.array(step),
                "loss": np.array(loss),
                "latents": z.numpy(),
                "recon": xh.numpy(),
                "latent_grid": grid,
                "manifold": manifold,
                "density": dens,
                "reliability": rel,
            }
            if logvar is not None:
                row["latent_logvar"] = logvar.numpy()
            for name, p in model.named_parameters():
                row["param/" + name] = p.detach().numpy().copy()
            for k, v in row.items():
                rows.setdefault(k, []).append(v)
            return loss

        # Training loop: full-batch Adam on the mean squared reconstruction error
        # (plus the KL term for a VAE). The normalised loss is optimised; the
        # recorded loss is in data units (for a VAE: of g(mu), no sampling).
        loss_val = record(0)
        for step in range(1, cfg.steps + 1):
            if vae:
                mu, lv = model.encode(x)
                assert lv is not None
                eps = torch.randn(mu.shape, generator=eps_gen)
                xh = model.g(mu + torch.exp(0.5 * lv) * eps)
                kl = 0.5 * (mu.pow(2) + lv.exp() - 1.0 - lv).sum(dim=1).mean()
                loss = ((x - xh) / model.scale).pow(2).sum(dim=1).mean() + cfg.kl_weight * kl
            else:
                xh = model(x)
                loss = ((x - xh) / model.scale).pow(2).sum(dim=1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if not math.isfinite(loss.item()):
                raise AecoreError(
                    f"training diverged at step {step} (loss is not finite); lower --lr (now {cfg.lr})"
                )
            if step in record_at:
                loss_val = record(step)
            if progress is not None:
                progress(step, cfg.steps, loss_val)
    finally:
        torch.set_num_threads(threads)

    # Metadata.
    meta = {
        "config": cfg.to_dict(),
        "data_sha256": data_hash(x_np),
        "versions": _versions(),
        "layer_sizes": model.layer_sizes(),
        "param_names": param_names,
        "normalization": {"mean": [float(v) for v in model.mean[0]], "scale": float(model.scale)},
    }
    arrays = {k: np.stack(v) for k, v in rows.items()}
    return x_np, meta, arrays


def train_to_file(cfg: TrainConfig, out: str | Path, progress: ProgressFn | None = None) -> Path:
    """Train per ``cfg`` and write the snapshot file ``out`` atomically."""
    data, meta, arrays = train(cfg, progress)
    return write_run(out, data, meta, arrays)
