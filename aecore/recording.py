"""One snapshot, as the trainer and :class:`aecore.recorder.SnapshotRecorder` both record it.

At a recorded step both have the latents z_j = f(x_j) and the
reconstructions x̂_j; :func:`snapshot_row` adds the rest the same way for
both: the latent grid (:func:`latent_grid`), M = g(grid), the density of
reconstructions on M and the reliability it gives
(:func:`aecore.manifold_density.density_with_stretch`), and the weights.
Only how g is evaluated and how its stretch is measured differ (the
trainer's own MLP, or the user's model), and each passes those in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np

from aecore.manifold_density import StretchFn, density_with_stretch

__all__ = ["GridSettings", "latent_grid", "snapshot_row"]


class GridSettings(Protocol):
    """The settings of M's grid and the reliability (:class:`aecore.config.TrainConfig` has them)."""

    @property
    def latent_dim(self) -> int: ...

    @property
    def grid_size(self) -> int: ...

    @property
    def grid_margin(self) -> float: ...

    @property
    def bandwidth_scale(self) -> float: ...

    @property
    def reliability_scale(self) -> float: ...


def latent_grid(z: np.ndarray, cfg: GridSettings) -> np.ndarray:
    """A grid over the latents' box widened by ``grid_margin`` of its extent on each side.

    ``cfg.grid_size`` points per axis (:attr:`aecore.config.TrainConfig.grid_shape`), ``ij``
    order: ``(G, 1)`` for k = 1, ``(G, G, 2)`` for k = 2. The trainer and
    :class:`aecore.recorder.SnapshotRecorder` both place M's grid by this rule.
    """
    lo, hi = z.min(axis=0), z.max(axis=0)
    pad = cfg.grid_margin * np.maximum(hi - lo, 1e-3)
    axes = [np.linspace(lo[i] - pad[i], hi[i] + pad[i], cfg.grid_size) for i in range(cfg.latent_dim)]
    if cfg.latent_dim == 1:
        return axes[0][:, None]
    u, v = np.meshgrid(axes[0], axes[1], indexing="ij")
    return np.stack([u, v], axis=-1)


def snapshot_row(
    step: int,
    loss: float,
    latents: np.ndarray,
    recon: np.ndarray,
    cfg: GridSettings,
    decode: Callable[[np.ndarray], np.ndarray],
    stretch: StretchFn,
    params: Mapping[str, np.ndarray] | None,
    logvar: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The arrays of one snapshot, named as the file names them (:mod:`aecore.snapshot`).

    Parameters
    ----------
    step, loss
        The training step and the loss there.
    latents, recon
        ``(N, k)`` float32 z_j = f(x_j) (the means mu for a VAE) and ``(N, n)`` x̂_j = g(z_j).
    cfg
        The grid's size and margin, and the reliability's scales.
    decode
        g: float32 latents ``(B, k)`` -> ``(B, n)`` in data units.
    stretch
        g's length or area element at latents ``(B, k)`` (:data:`aecore.manifold_density.StretchFn`).
    params
        The MLP's weights (``param/<name>`` arrays), or ``None`` for a model that is no MLP.
    logvar
        ``(N, k)`` a VAE's log-variances, else ``None``.

    Returns
    -------
    dict
        ``step``, ``loss``, ``latents``, ``recon``, ``latent_grid``, ``manifold``, ``density``,
        ``stretch``, ``density_on_m``, ``reliability``, ``latent_logvar`` (a VAE's) and
        ``param/<name>``, in the dtypes computed; :func:`aecore.snapshot.stored_array` gives the
        file's.
    """
    grid = latent_grid(latents.astype(np.float64), cfg)
    flat = grid.reshape(-1, cfg.latent_dim).astype(np.float32)  # g sees float32 latents
    manifold = decode(flat).reshape(*grid.shape[:-1], -1)
    on_m = density_with_stretch(stretch, latents, grid, cfg.bandwidth_scale, cfg.reliability_scale)
    row = {
        "step": np.array(step, dtype=np.int64),
        "loss": np.array(loss),
        "latents": latents,
        "recon": recon,
        "latent_grid": grid,
        "manifold": manifold,
        "density": on_m.latent_density,
        "stretch": on_m.stretch,
        "density_on_m": on_m.density_on_m,
        "reliability": on_m.reliability,
    }
    if logvar is not None:
        row["latent_logvar"] = logvar
    for name, value in (params or {}).items():
        row["param/" + name] = value
    return row
