"""Reliability that sees gaps: the density of reconstructions per unit of M.

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
latents' *local* spacing instead. Let d_m be the median, over the latents, of
the distance to their m-th nearest neighbour, with m = ceil(sqrt(N)): a ball
of radius d_m around a typical latent holds m latents. The Gaussian's width
h is chosen so that its effective volume (2 pi)^(k/2) h^k equals that ball's
volume V_k d_m^k (V_1 = 2, V_2 = pi), that is h = 0.80 d_m for k = 1 and
h = 0.71 d_m for k = 2. Each kernel then covers about sqrt(N) latents
wherever they are (the usual consistent choice of k-nearest-neighbour
density estimation: m grows with N while m / N shrinks), so a gap wider than
a few such widths stays a gap, however many clusters there are, and the
estimate still averages over enough latents to be smooth.
``tests/test_manifold_density.py`` checks both on data with a gap, and
``tests/test_reliability_v2.py`` checks a hole in a sheet.

An independent signal, the agreement of decoders trained from other seeds,
is :mod:`aecore.ensemble`.

Numpy and scipy only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import cKDTree

from aecore.errors import AecoreError
from aecore.reliability import MAX_CENTRES, kde_centres, latent_density, reliability_from_density
from aecore.stretch import decoder_jacobian, stretch_from_jacobian

if TYPE_CHECKING:
    from aecore.snapshot import Run, Snapshot

__all__ = [
    "ManifoldReliability",
    "StretchFn",
    "density_on_manifold",
    "density_with_stretch",
    "local_bandwidth",
    "manifold_reliability",
    "mlp_stretch",
]

StretchFn = Callable[[np.ndarray], np.ndarray]
"""``stretch(u)``: g's length or area element ``(B,)`` at latent points ``u`` ``(B, k)``, float64."""


def local_bandwidth(latents: np.ndarray, bandwidth_scale: float = 1.0) -> float:
    """Kernel width from the latents' local spacing (see the module docstring).

    The median distance d_m to the m = ceil(sqrt(N))-th neighbour, times
    ``(V_k / (2 pi)^(k/2))^(1/k)`` (0.80 for k = 1, 0.71 for k = 2) so that
    the kernel's effective volume is the ball's, times ``bandwidth_scale``.
    Above :data:`aecore.reliability.MAX_CENTRES` latents the distances are
    measured among the KDE's centres (an even subsample), to the neighbour
    that stands for the same share sqrt(N) / N of the latents.
    """
    z = np.asarray(latents, dtype=np.float64)
    n = len(z)
    centres = kde_centres(z, MAX_CENTRES)
    m = max(1, min(len(centres) - 1, round(math.ceil(math.sqrt(n)) * len(centres) / n)))
    dist, _ = cKDTree(centres).query(centres, m + 1)
    k = z.shape[1]
    ball = math.pi ** (k / 2) / math.gamma(k / 2 + 1)  # volume of the unit ball in R^k
    same_volume = (ball / (2 * math.pi) ** (k / 2)) ** (1 / k)
    return bandwidth_scale * same_volume * max(float(np.median(dist[:, -1])), 1e-9)


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


def density_on_manifold(
    params: Mapping[str, np.ndarray],
    activation: str,
    data_scale: float,
    latents: np.ndarray,
    points: np.ndarray,
    bandwidth_scale: float = 1.0,
    scale: float = 0.25,
) -> ManifoldReliability:
    """The density of reconstructions on M and the reliability it gives, at latent ``points``.

    Parameters
    ----------
    params
        The model's weights (``decoder.<i>.weight`` and ``.bias`` are used).
    activation
        The activation's name (:data:`aecore.forward.ACTIVATIONS_NP`).
    data_scale
        The run's ``normalization["scale"]``: g's outputs are multiplied by it.
    latents
        ``(N, k)`` the latents z_j = f(x_j).
    points
        ``(..., k)`` latent points at which to evaluate.
    bandwidth_scale
        Multiplies the local bandwidth (:func:`local_bandwidth`).
    scale
        Reliability is ``1 - exp(-density_on_m / scale)``.
    """

    return density_with_stretch(
        mlp_stretch(params, activation, data_scale), latents, points, bandwidth_scale, scale
    )


def mlp_stretch(params: Mapping[str, np.ndarray], activation: str, data_scale: float) -> StretchFn:
    """The exact stretch of an MLP decoder g (weights ``params``, outputs times ``data_scale``)."""

    def stretch_at(v: np.ndarray) -> np.ndarray:
        _, jac = decoder_jacobian(params, activation, v, data_scale)
        return stretch_from_jacobian(jac)

    return stretch_at


def density_with_stretch(
    stretch: StretchFn,
    latents: np.ndarray,
    points: np.ndarray,
    bandwidth_scale: float = 1.0,
    scale: float = 0.25,
) -> ManifoldReliability:
    """:func:`density_on_manifold` with g's stretch given as a function, whatever g is.

    The one computation of the density on M and the reliability: the trainer
    passes the exact stretch of its MLP (:func:`density_on_manifold`),
    :class:`aecore.recorder.SnapshotRecorder` that of any torch decoder
    (autograd).

    Parameters
    ----------
    stretch
        g's length (k = 1) or area (k = 2) element at latent points ``(B, k)``
        -> ``(B,)``, in data units per latent unit (:data:`StretchFn`).
    latents, points, bandwidth_scale, scale
        As for :func:`density_on_manifold`.
    """
    z = np.asarray(latents, dtype=np.float64)
    k = z.shape[1]
    u = np.asarray(points, dtype=np.float64)
    flat = u.reshape(-1, k)
    h = local_bandwidth(z, bandwidth_scale)
    centres = kde_centres(z, MAX_CENTRES)

    def stretch_at(v: np.ndarray) -> np.ndarray:
        return np.maximum(np.asarray(stretch(v), dtype=np.float64).reshape(len(v)), 1e-12)

    dens = latent_density(flat, centres, h)
    on_grid = stretch_at(flat)
    typical = float(np.median(latent_density(centres, centres, h) / stretch_at(centres)))
    on_m = dens / on_grid / typical
    shape = u.shape[:-1]
    return ManifoldReliability(
        points=u,
        stretch=on_grid.reshape(shape),
        latent_density=dens.reshape(shape),
        density_on_m=on_m.reshape(shape),
        reliability=reliability_from_density(on_m, 1.0, scale).reshape(shape),
    )


def manifold_reliability(
    run: Run, points: np.ndarray | None = None, snapshot: Snapshot | None = None
) -> ManifoldReliability:
    """:func:`density_on_manifold` of ``run`` at latent ``points``, with the run's own parameters.

    ``points`` default to the snapshot's latent grid, ``snapshot`` to the
    run's last one; ``bandwidth_scale`` and ``reliability_scale`` come from
    the run's config. The run needs ``normalization`` metadata (every run
    the trainer writes has it).
    """
    s = snapshot or run.final
    if run.meta.normalization is None:
        raise AecoreError(f"{run.source}: this run has no 'normalization' metadata; re-train it")
    return density_on_manifold(
        s.params,
        run.config.activation,
        run.meta.normalization.scale,
        s.latents,
        s.latent_grid if points is None else points,
        run.config.bandwidth_scale,
        run.config.reliability_scale,
    )
