"""The first reliability (version 1), rebuilt from aecore's KDE pieces: what the KDE tests measure against.

aecore stores the reliability of version 2 (:mod:`aecore.manifold_density`:
the latent density per unit of M). The latent density alone, with Scott's
bandwidth and the median density at the centres as its reference, is what
these tests use to check :func:`aecore.reliability.kde_centres` and
:func:`aecore.reliability.latent_density` against an exact KDE.
"""

from __future__ import annotations

import numpy as np

from aecore.reliability import kde_centres, latent_density, reliability_from_density

__all__ = ["kde_bandwidth", "latent_reliability"]


def kde_bandwidth(latents: np.ndarray, bandwidth_scale: float = 1.0) -> float:
    """Scott's-rule bandwidth of a Gaussian KDE of ``latents`` ``(N, k)``."""
    z = np.asarray(latents, dtype=np.float64)
    n, k = z.shape
    sigma = float(np.mean(np.std(z, axis=0)))
    sigma = max(sigma, 1e-6)
    return bandwidth_scale * sigma * n ** (-1.0 / (k + 4))


def latent_reliability(
    points: np.ndarray,
    latents: np.ndarray,
    bandwidth_scale: float = 1.0,
    scale: float = 0.25,
) -> tuple[np.ndarray, np.ndarray]:
    """Density and reliability of the decoder at latent ``points``.

    Linear in the number of latents (up to one sort): the KDE has at most
    :data:`MAX_CENTRES` kernel centres (:func:`kde_centres`), and d_ref is the
    median density at those centres.

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
    centres = kde_centres(latents)
    dens = latent_density(points, centres, h)
    ref = float(np.median(latent_density(centres, centres, h)))
    return dens, reliability_from_density(dens, ref, scale)
