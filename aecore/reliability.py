"""The latent density and the map from a density to a reliability: the pieces of M's fade.

The decoder g is trustworthy only where it was trained, that is near the
latents z_j = f(x_j). "Near" is a Gaussian kernel density estimate (KDE) of
the z_j, and a density becomes a reliability in [0, 1]:

    density(u)     = 1/M sum_j  N(u; c_j, h^2 I)          (Gaussian KDE)
    reliability    = 1 - exp(-density / (scale * reference))

:mod:`aecore.manifold_density` builds the stored reliability from these
pieces: the latent density divided by g's stretch (density per unit of M),
relative to its median at the data. Both functions are smooth and positive
everywhere; no threshold is applied anywhere.

Cost is linear in the number of latents N (up to one sort). The kernel
centres c_1..c_M are the latents themselves when N <= :data:`MAX_CENTRES`
(M = N: the exact KDE). For more latents they are an evenly strided
subsample of the latents in sorted order (see :func:`kde_centres`): the
latents are ordered along the latent axis (k=1) or along a Z-order curve
through their bounding box (k=2; 16 bits per axis), cut into M = MAX_CENTRES
runs of equal length, and the middle latent of each run is a centre. Each
centre stands for N / M latents that lie next to it, so the subsample
follows the latents' distribution far more closely than a random one (for
k=1 the density is within a fraction of a percent of the exact KDE's). The
choice uses no random numbers and depends on nothing but the latents (ties
in the order are broken by index), so runs stay deterministic. The density
is evaluated in blocks of points, so no array larger than about
:data:`_BLOCK` numbers is ever built.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist

__all__ = [
    "MAX_CENTRES",
    "kde_centres",
    "latent_density",
    "reliability_from_density",
]

MAX_CENTRES = 2000
"""Most kernel centres of the KDE (and points at which d_ref is evaluated)."""

_BLOCK = 2**21
"""Most entries of one block of squared distances (points x centres): 16 MiB of float64."""


def kde_centres(latents: np.ndarray, max_centres: int = MAX_CENTRES) -> np.ndarray:
    """The KDE's kernel centres: all ``latents`` ``(N, k)``, or ``max_centres`` of them.

    Above ``max_centres`` the latents are put in sorted order (:func:`_sort_order`),
    and the centres are the rows at positions ``((2 i + 1) N) // (2 M)`` of that
    order for ``i = 0..M-1``, ``M = max_centres``: the middle of M equal runs.
    Deterministic, and a function of the latents alone.
    """
    z = np.asarray(latents, dtype=np.float64)
    n = len(z)
    if n <= max_centres:
        return z
    picks = ((2 * np.arange(max_centres, dtype=np.int64) + 1) * n) // (2 * max_centres)
    return z[_sort_order(z)[picks]]


def _sort_order(z: np.ndarray) -> np.ndarray:
    """Indices of ``z`` ``(N, k)`` along the latent axis (k=1) or a Z-order curve (k=2), ties by index."""
    if z.shape[1] == 1:
        return np.argsort(z[:, 0], kind="stable")
    lo, hi = z.min(axis=0), z.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    q = np.clip(np.floor((z - lo) / span * 65536.0), 0, 65535).astype(np.uint64)
    code = np.zeros(len(z), dtype=np.uint64)
    for axis in range(z.shape[1]):
        code |= _spread_bits(q[:, axis], z.shape[1]) << np.uint64(axis)
    return np.argsort(code, kind="stable")


def _spread_bits(v: np.ndarray, k: int) -> np.ndarray:
    """The 16 bits of ``v`` moved to every k-th bit position (bit b goes to bit k * b)."""
    out = np.zeros_like(v)
    for b in range(16):
        out |= ((v >> np.uint64(b)) & np.uint64(1)) << np.uint64(k * b)
    return out


def latent_density(points: np.ndarray, latents: np.ndarray, bandwidth: float) -> np.ndarray:
    """Gaussian KDE of ``latents`` ``(N, k)`` evaluated at ``points`` ``(..., k)``.

    Exact (every latent is a kernel centre), evaluated in blocks of points so
    memory stays bounded; time is proportional to points x latents. Returns an
    array of the shape of ``points`` without its last axis.
    """
    z = np.asarray(latents, dtype=np.float64)
    p = np.asarray(points, dtype=np.float64)
    k = z.shape[1]
    flat = p.reshape(-1, k)
    norm = (2.0 * np.pi * bandwidth**2) ** (k / 2.0)
    rows = max(1, _BLOCK // max(len(z), 1))
    dens = np.empty(len(flat), dtype=np.float64)
    for a in range(0, len(flat), rows):
        d2 = cdist(flat[a : a + rows], z, "sqeuclidean")
        dens[a : a + rows] = np.exp(-0.5 * d2 / bandwidth**2).mean(axis=1) / norm
    return dens.reshape(p.shape[:-1])


def reliability_from_density(density: np.ndarray, reference: float, scale: float = 0.25) -> np.ndarray:
    """Map a density to [0, 1] with ``1 - exp(-density / (scale * reference))``."""
    return -np.expm1(-np.asarray(density, dtype=np.float64) / (scale * reference))
