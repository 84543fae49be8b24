"""Sampling new latents from a naive prior, and how many land where g is reliable.

A decoder makes new data from latents drawn from some distribution p(z). The
pictures say when that works: g is reliable only where many reconstructions
lie per unit of M (:mod:`aecore.manifold_density`). This module draws latents from a
prior, evaluates the reliability there (against the training latents of a
snapshot, with the run's own reliability parameters) and decodes them with
numpy (:func:`aecore.forward.decode`), so a scene can draw them.

Numpy only: no torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aecore.errors import AecoreError
from aecore.forward import decode
from aecore.manifold_density import manifold_reliability
from aecore.snapshot import Run, Snapshot

__all__ = ["PRIORS", "RELIABLE_THRESHOLD", "PriorDraw", "draw_prior", "prior_samples", "reliable_fraction"]

PRIORS: dict[str, str] = {
    "normal": "standard normal N(0, I) in R^k",
    "uniform": "uniform over the bounding box of the training latents",
}
"""Prior names and a one-line description of each."""

RELIABLE_THRESHOLD = 0.5
"""Reliability above which a sample counts as landing where g is reliable: the one threshold.

Only for summary numbers and for colouring samples (chapter 11 counts and
draws in red the samples at or below it); reliability itself is smooth. At
0.5 the density of reconstructions on M is ``0.25 * ln 2``, about 0.17, of
its typical value at the data (default ``reliability_scale``), and M is
drawn at half opacity: a sample below it lands on the visibly faded part of
M, where few reconstructions lie. A higher value (say 0.9, density 0.58 of
typical) would call samples on M's nearly opaque part unreliable.
"""


def prior_samples(kind: str, n: int, seed: int, latents: np.ndarray) -> np.ndarray:
    """Draw ``n`` latents from the prior ``kind``.

    Parameters
    ----------
    kind
        ``"normal"`` (standard normal) or ``"uniform"`` (uniform over the
        bounding box of ``latents``).
    n
        Number of samples (at least 1).
    seed
        Seed of the numpy generator; equal arguments give equal samples.
    latents
        ``(N, k)`` training latents; they fix k (and the box for ``"uniform"``).

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` float64 samples.
    """
    if kind not in PRIORS:
        raise AecoreError(f"prior: unknown kind {kind!r}; use one of {', '.join(PRIORS)}")
    if n < 1:
        raise AecoreError(f"prior: n={n} must be at least 1")
    z = np.asarray(latents, dtype=np.float64)
    k = z.shape[1]
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.standard_normal(size=(n, k))
    return rng.uniform(z.min(axis=0), z.max(axis=0), size=(n, k))


@dataclass(frozen=True)
class PriorDraw:
    """Latents drawn from a prior, their reliability and their decoded points.

    Attributes
    ----------
    kind
        The prior's name (see :data:`PRIORS`).
    z
        ``(n, k)`` sampled latents.
    x
        ``(n, n_data)`` decoded points g(z) (data units).
    reliability
        ``(n,)`` reliability of g at each z, in [0, 1].
    """

    kind: str
    z: np.ndarray
    x: np.ndarray
    reliability: np.ndarray

    def reliable(self, threshold: float = RELIABLE_THRESHOLD) -> np.ndarray:
        """``(n,)`` bool: whether each sample's reliability exceeds ``threshold``.

        Raises
        ------
        AecoreError
            If ``threshold`` is not in [0, 1).
        """
        if not 0.0 <= threshold < 1.0:
            raise AecoreError(f"threshold: {threshold} must be in [0, 1)")
        return np.asarray(self.reliability > threshold)

    def fraction(self, threshold: float = RELIABLE_THRESHOLD) -> float:
        """Fraction of the samples whose reliability exceeds ``threshold`` (see :meth:`reliable`).

        The threshold is only for this summary number; reliability itself is smooth.
        """
        return float(np.mean(self.reliable(threshold)))


def draw_prior(
    run: Run, kind: str, n: int = 2000, seed: int = 0, snapshot: Snapshot | None = None
) -> PriorDraw:
    """Draw ``n`` prior latents, evaluate g's reliability there and decode them.

    Parameters
    ----------
    run
        A trained run (plain autoencoder or VAE; for a VAE the training latents
        are the means mu).
    kind
        ``"normal"`` or ``"uniform"`` (see :func:`prior_samples`).
    n, seed
        Number of samples and their seed.
    snapshot
        Whose latents and weights to use (default: the run's last snapshot).
    """
    s = snapshot or run.final
    latents = np.asarray(s.latents, dtype=np.float64)
    z = prior_samples(kind, n, seed, latents)
    rel = manifold_reliability(run, z, s).reliability
    return PriorDraw(kind=kind, z=z, x=decode(run, z, s), reliability=rel)


def reliable_fraction(
    run: Run, kind: str, n: int = 2000, seed: int = 0, threshold: float = RELIABLE_THRESHOLD
) -> float:
    """Fraction of ``n`` latents from the prior ``kind`` where g's reliability exceeds ``threshold``.

    Reliability is :func:`aecore.manifold_density.manifold_reliability` at
    each sample (the density of reconstructions on M there), for the final
    snapshot, with the run's ``bandwidth_scale`` and ``reliability_scale``.

    Examples
    --------
    >>> reliable_fraction(vae_run, "normal") > reliable_fraction(ae_run, "normal")  # doctest: +SKIP
    True
    """
    return draw_prior(run, kind, n, seed).fraction(threshold)
