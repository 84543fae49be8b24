"""Latent density and the reliability of the decoder, as smooth functions.

The decoder g is trustworthy only where it was trained, that is near the
latents z_j = f(x_j). We measure "near" with a Gaussian kernel density
estimate (KDE) of the z_j and turn it into a reliability in [0, 1]:

    density(u)     = 1/N sum_j  N(u; z_j, h^2 I)          (Gaussian KDE)
    h              = bandwidth_scale * sigma * N^(-1/(k+4))  (Scott's rule)
    reliability(u) = 1 - exp(-density(u) / (scale * d_ref))

where sigma is the mean standard deviation of the latents per axis and
d_ref is the median of the density at the latents themselves (the typical
density where the data lives). Both functions are smooth and positive
everywhere; no threshold is applied anywhere. Reliability is close to 1 among
the latents (at d_ref it is 1 - exp(-1/scale)) and decays to 0 far from them.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist

__all__ = ["kde_bandwidth", "latent_density", "latent_reliability", "reliability_from_density"]


def kde_bandwidth(latents: np.ndarray, bandwidth_scale: float = 1.0) -> float:
    """Scott's-rule bandwidth of a Gaussian KDE of ``latents`` ``(N, k)``."""
    z = np.asarray(latents, dtype=np.float64)
    n, k = z.shape
    sigma = float(np.mean(np.std(z, axis=0)))
    sigma = max(sigma, 1e-6)
    return bandwidth_scale * sigma * n ** (-1.0 / (k + 4))


def latent_density(points: np.ndarray, latents: np.ndarray, bandwidth: float) -> np.ndarray:
    """Gaussian KDE of ``latents`` ``(N, k)`` evaluated at ``points`` ``(..., k)``.

    Returns an array of the shape of ``points`` without its last axis.
    """
    z = np.asarray(latents, dtype=np.float64)
    p = np.asarray(points, dtype=np.float64)
    k = z.shape[1]
    flat = p.reshape(-1, k)
    d2 = cdist(flat, z, "sqeuclidean")
    norm = (2.0 * np.pi * bandwidth**2) ** (k / 2.0)
    dens = np.exp(-0.5 * d2 / bandwidth**2).mean(axis=1) / norm
    return dens.reshape(p.shape[:-1])


def reliability_from_density(density: np.ndarray, reference: float, scale: float = 0.25) -> np.ndarray:
    """Map a density to [0, 1] with ``1 - exp(-density / (scale * reference))``."""
    return -np.expm1(-np.asarray(density, dtype=np.float64) / (scale * reference))


def latent_reliability(
    points: np.ndarray,
    latents: np.ndarray,
    bandwidth_scale: float = 1.0,
    scale: float = 0.25,
) -> tuple[np.ndarray, np.ndarray]:
    """Density and reliability of the decoder at latent ``points``.

    Parameters
    ----------
    points
        ``(..., k)`` latent points (for example a grid).
    latents
        ``(N, k)`` encoder outputs of the data.
    bandwidth_scale
        Multiplies Scott's bandwidth.
    scale
        Reliability is ``1 - exp(-density / (scale * d_ref))``.

    Returns
    -------
    (density, reliability)
        Both of the shape of ``points`` without its last axis.
    """
    h = kde_bandwidth(latents, bandwidth_scale)
    dens = latent_density(points, latents, h)
    ref = float(np.median(latent_density(latents, latents, h)))
    return dens, reliability_from_density(dens, ref, scale)
