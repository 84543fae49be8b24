"""Reliability that sees gaps: the density of reconstructions per unit of M, and decoder ensembles.

M is trustworthy where the data taught g, that is where many reconstructions
x̂_j lie per unit of M (per unit length for k = 1, per unit area for k = 2).
The latent density alone does not say that: g can stretch a short latent
interval across a gap in the data, so a few latents at the clusters' ends
make a long bridge of M look "dense". Dividing by g's stretch gives the
density on M itself:

    density_on_M(u) = latent_density(u) / stretch(u)
    reliability(u)  = 1 - exp(-density_on_M(u) / (scale * typical))

where ``stretch`` is |g'(u)| (k = 1) or sqrt(det(J^T J)) (k = 2) with the
exact Jacobian J = dg/du (:mod:`aecore.stretch`; the pull-back metric of
Arvanitidis, Hansen & Hauberg, ICLR 2018), and ``typical`` is the median of
``density_on_M`` at the latents themselves: the density on M where the data
is. So reliability is near 1 along the data (at ``typical`` it is
1 - exp(-1/scale) = 0.98 for the default scale 0.25), and falls smoothly,
with no threshold, where M is stretched over empty space or the latents thin
out.

**Bandwidth.** Scott's rule sets the kernel width from the latents' global
spread, which assumes one Gaussian bump: over two clusters it is about as
wide as the gap between them and fills the gap in. Here the width follows the
latents' *local* spacing instead: it is the median, over the latents, of the
distance to their m-th nearest neighbour, with m = ceil(sqrt(N)). Each kernel
then covers about sqrt(N) latents wherever they are (the usual consistent
choice of k-nearest-neighbour density estimation: m grows with N while m / N
shrinks), so a gap wider than a few such widths stays a gap, however many
clusters there are, and the estimate still averages over enough latents to be
smooth. ``tests/test_manifold_density.py`` checks both on data with a gap.

**Decoder ensembles.** An independent signal: decoders trained from other
seeds agree where data pinned M down and disagree where g only guesses
(Syrota, Moreno-Muñoz & Hauberg, "Decoder ensembling for learned latent
geometries", 2024). :func:`ensemble_agreement` measures at each point of M
the mean distance to the other seeds' manifolds, in units of the run's own
median residual ||x - x̂|| (the scale below which M is not resolved anyway),
and maps it to [0, 1] with a Gaussian.

Numpy and scipy only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import cKDTree

from aecore.forward import decode
from aecore.reliability import MAX_CENTRES, kde_centres, latent_density, reliability_from_density
from aecore.stretch import decoder_jacobian, stretch_from_jacobian

if TYPE_CHECKING:
    from aecore.snapshot import Run, Snapshot

__all__ = ["ManifoldReliability", "ensemble_agreement", "local_bandwidth", "manifold_reliability"]


def local_bandwidth(latents: np.ndarray, bandwidth_scale: float = 1.0) -> float:
    """Kernel width from the latents' local spacing: the median distance to the ceil(sqrt(N))-th neighbour.

    Above :data:`aecore.reliability.MAX_CENTRES` latents the distances are
    measured among the KDE's centres (an even subsample), to the neighbour
    that stands for the same share sqrt(N) / N of the latents.
    """
    z = np.asarray(latents, dtype=np.float64)
    n = len(z)
    centres = kde_centres(z, MAX_CENTRES)
    m = max(1, min(len(centres) - 1, round(math.ceil(math.sqrt(n)) * len(centres) / n)))
    dist, _ = cKDTree(centres).query(centres, m + 1)
    return bandwidth_scale * max(float(np.median(dist[:, -1])), 1e-9)


@dataclass(frozen=True)
class ManifoldReliability:
    """How reliable M is at latent points, from the density of reconstructions on M.

    Attributes
    ----------
    points
        ``(..., k)`` latent points u.
    stretch
        ``(...)`` length or area element of g at u (data units per latent unit).
    latent_density
        ``(...)`` KDE of the latents at u (local bandwidth).
    density_on_m
        ``(...)`` ``latent_density / stretch``, divided by its median at the latents (1 = typical).
    reliability
        ``(...)`` in [0, 1]: ``1 - exp(-density_on_m / scale)``.
    """

    points: np.ndarray
    stretch: np.ndarray
    latent_density: np.ndarray
    density_on_m: np.ndarray
    reliability: np.ndarray


def _stretch(run: Run, s: Snapshot, u: np.ndarray) -> np.ndarray:
    scale = float(run.meta["normalization"]["scale"])
    _, jac = decoder_jacobian(s.params, run.config["activation"], u, scale)
    return stretch_from_jacobian(jac)


def manifold_reliability(
    run: Run,
    points: np.ndarray | None = None,
    snapshot: Snapshot | None = None,
    scale: float = 0.25,
    bandwidth_scale: float = 1.0,
) -> ManifoldReliability:
    """The density of reconstructions on M and the reliability it gives, at latent ``points``.

    Parameters
    ----------
    run
        A run with ``normalization`` metadata (every run the trainer writes).
    points
        ``(..., k)`` latent points (default: the snapshot's latent grid).
    snapshot
        Whose decoder and latents (default: the run's last snapshot).
    scale, bandwidth_scale
        As in :func:`aecore.reliability.latent_reliability`.
    """
    s = snapshot or run.final
    k = int(run.config["latent_dim"])
    u = np.asarray(s.latent_grid if points is None else points, dtype=np.float64)
    flat = u.reshape(-1, k)
    z = np.asarray(s.latents, dtype=np.float64)
    h = local_bandwidth(z, bandwidth_scale)
    centres = kde_centres(z, MAX_CENTRES)
    dens = latent_density(flat, centres, h)
    stretch = _stretch(run, s, flat)
    at_latents = latent_density(centres, centres, h) / np.maximum(_stretch(run, s, centres), 1e-12)
    typical = float(np.median(at_latents))
    on_m = dens / np.maximum(stretch, 1e-12) / typical
    shape = u.shape[:-1]
    return ManifoldReliability(
        points=u,
        stretch=stretch.reshape(shape),
        latent_density=dens.reshape(shape),
        density_on_m=on_m.reshape(shape),
        reliability=reliability_from_density(on_m, 1.0, scale).reshape(shape),
    )


def _dense_manifold(run: Run, per_axis: int) -> np.ndarray:
    """M of ``run``'s last snapshot decoded densely over its latent grid's range, ``(P, n)``."""
    g = np.asarray(run.final.latent_grid, dtype=np.float64)
    k = g.shape[-1]
    flat = g.reshape(-1, k)
    axes = [np.linspace(flat[:, d].min(), flat[:, d].max(), per_axis) for d in range(k)]
    u = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, k)
    return decode(run, u)


def ensemble_agreement(
    run: Run, others: Sequence[Run], points: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """How well decoders from other seeds agree with ``run``'s M at latent ``points``.

    For each point g(u) of ``run``'s M, the spread is the mean over ``others``
    of the distance to the nearest point of that run's M (decoded densely
    over its latent range). The agreement is ``exp(-(spread / sigma)^2 / 2)``
    with sigma the median residual ||x_j - x̂_j|| of ``run``: 1 where the
    decoders coincide to within the model's own error, near 0 where they part.

    Returns
    -------
    (agreement, spread)
        Both of the shape of ``points`` without its last axis (default points: the latent grid).
    """
    if not others:
        raise ValueError("ensemble agreement needs at least one other run")
    s = run.final
    k = int(run.config["latent_dim"])
    u = np.asarray(s.latent_grid if points is None else points, dtype=np.float64)
    m = decode(run, u.reshape(-1, k))
    per_axis = 4001 if k == 1 else 161
    spread = np.mean([cKDTree(_dense_manifold(o, per_axis)).query(m)[0] for o in others], axis=0)
    sigma = max(float(np.median(np.linalg.norm(run.data - s.recon, axis=1))), 1e-9)
    agreement = np.exp(-0.5 * (spread / sigma) ** 2)
    return agreement.reshape(u.shape[:-1]), spread.reshape(u.shape[:-1])
