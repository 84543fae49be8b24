"""A second, independent reliability signal: do decoders trained from other seeds agree?

Train the same autoencoder from other initialisation seeds and each gets its
own M. Where data pinned M down, the manifolds coincide to within the
model's own error; where g only guesses (past the data's ends, or on a
bridge over a gap between clusters) each decoder guesses differently and
the manifolds part (Syrota, Moreno-Muñoz & Hauberg, "Decoder ensembling for
learned latent geometries", 2024).

At each point m = g(u) of the run's M the **spread** is the mean, over the
other decoders, of the distance from m to the nearest point of their M
(decoded densely over their own latent grid's range: 4001 points for
k = 1, 161 x 161 for k = 2), and the **agreement** is

    agreement(u) = exp(-(spread(u) / sigma)^2 / 2)

with sigma the run's median residual ||x_j - x̂_j||: the size below which M
is not resolved anyway. So agreement is 1 where the decoders coincide, about
0.6 at a spread of one typical residual, and near 0 where they part by
several. It uses nothing of :mod:`aecore.manifold_density` (no latent
density, no Jacobian): the two signals are computed independently, and
where both fall the lesson holds twice.

**Where the two signals disagree**, it is one way round: the decoders agree
while the density on M is low. Just past the end of the data the decoders
extrapolate alike for a while before they part (agreement is no proof: they
can share a guess), and where the data is sparse but still pins M down, the
decoders coincide while few reconstructions lie per unit of M. On the
video's arc they differ by more than 0.5 on about 12 % of the latent grid,
all of it there; on the two clusters nowhere. ``ae-explainer inspect RUN.npz``
reports the share for any run.

Nearest-point distances compare manifolds, not parametrisations: the other
seeds' latent spaces differ (flipped, shifted, rescaled), so "the same u"
means nothing across them, but the set M does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import cKDTree

from aecore.errors import AecoreError
from aecore.forward import decode, decoder_layers

if TYPE_CHECKING:
    from aecore.snapshot import Run

__all__ = [
    "DENSE_PER_AXIS",
    "agreement_from_manifolds",
    "dense_manifold",
    "ensemble_agreement",
    "median_residual",
]

DENSE_PER_AXIS = {1: 4001, 2: 161}
"""Latent points per axis at which another decoder's M is sampled, by latent dimension k."""


def dense_manifold(
    params: Mapping[str, np.ndarray], activation: str, mean: np.ndarray, scale: float, grid: np.ndarray
) -> np.ndarray:
    """g decoded densely over the box of the latent ``grid`` ``(*G, k)``: ``(P, n)`` data points."""
    g = np.asarray(grid, dtype=np.float64)
    k = g.shape[-1]
    flat = g.reshape(-1, k)
    per_axis = DENSE_PER_AXIS[k]
    axes = [np.linspace(flat[:, d].min(), flat[:, d].max(), per_axis) for d in range(k)]
    u = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, k)
    return decoder_layers(params, activation, u, mean, scale)[-1]


def agreement_from_manifolds(
    points: np.ndarray, others: Sequence[np.ndarray], sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """Agreement and spread at ``points`` ``(P, n)`` of M against other manifolds ``(Q_i, n)``.

    Returns ``(agreement, spread)``, each ``(P,)``; see the module docstring.
    """
    if not others:
        raise ValueError("ensemble agreement needs at least one other decoder")
    m = np.asarray(points, dtype=np.float64)
    spread = np.mean([cKDTree(np.asarray(o, dtype=np.float64)).query(m)[0] for o in others], axis=0)
    sigma = max(float(sigma), 1e-9)
    return np.exp(-0.5 * (spread / sigma) ** 2), spread


def median_residual(data: np.ndarray, recon: np.ndarray) -> float:
    """The median of ||x_j - x̂_j||: sigma of the agreement."""
    return float(np.median(np.linalg.norm(np.asarray(data) - np.asarray(recon), axis=1)))


def ensemble_agreement(
    run: Run, others: Sequence[Run], points: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """How well ``others``' final decoders agree with ``run``'s final M at latent ``points``.

    Returns ``(agreement, spread)``, both of the shape of ``points`` without
    its last axis (default points: the last snapshot's latent grid).
    """
    s = run.final
    k = run.config.latent_dim
    u = np.asarray(s.latent_grid if points is None else points, dtype=np.float64)
    dense = []
    for o in others:
        norm = o.meta.normalization
        if norm is None:
            raise AecoreError(f"{o.source}: this run has no 'normalization' metadata; re-train it")
        dense.append(
            dense_manifold(
                o.final.params, o.config.activation, np.array(norm.mean), norm.scale, o.final.latent_grid
            )
        )
    agreement, spread = agreement_from_manifolds(
        decode(run, u.reshape(-1, k)), dense, median_residual(run.data, s.recon)
    )
    return agreement.reshape(u.shape[:-1]), spread.reshape(u.shape[:-1])
