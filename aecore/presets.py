"""Named training configs for the lessons of chapters 9 and 10, and the numbers they show.

Chapter 9 (approximate, don't interpolate): :data:`OVERFIT` has few points, a
large network and long training, so M passes through every x_j and swings
between them; :data:`WELL_FIT` sees the same distribution (same noise) with
many points and a small network, so M passes near the x_j. :func:`residuals`
compares the mean residual on the training points with that on held-out points
from the same distribution.

Chapter 10 (new samples need a prior): :data:`PRIOR_AE` is the main 2-D run (a
plain autoencoder) and :data:`PRIOR_VAE` its VAE twin; see
:func:`aecore.priors.reliable_fraction`. :data:`PRIOR_THRESHOLD` is
:data:`aecore.priors.RELIABLE_THRESHOLD`, the one reliability above which a
sample counts as landing where M is reliable (for summary numbers only).

Numpy only: no torch (the runs come from :func:`aecore.cached_run`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from aecore.config import TrainConfig
from aecore.datasets import DATASETS, make_dataset
from aecore.errors import AecoreError
from aecore.priors import RELIABLE_THRESHOLD
from aecore.snapshot import Run, Snapshot

__all__ = [
    "OVERFIT",
    "PRIOR_AE",
    "PRIOR_THRESHOLD",
    "PRIOR_VAE",
    "WELL_FIT",
    "Residuals",
    "held_out_data",
    "residuals",
]

OVERFIT = TrainConfig(
    data="arc", latent_dim=1, n_points=12, noise=0.1, hidden=(256, 256), steps=6000, lr=2e-3, n_snapshots=32
)
"""12 noisy points, a 256-256 network, 6000 steps: M interpolates the points."""

WELL_FIT = TrainConfig(data="arc", latent_dim=1, n_points=300, noise=0.1, hidden=(16, 16))
"""The same distribution as :data:`OVERFIT` (same noise), 300 points, a 16-16 network."""

PRIOR_AE = TrainConfig(data="arc", latent_dim=1, hidden=(16, 16))
"""The main 2-D run (the arc, k=1), a plain autoencoder."""

PRIOR_VAE = replace(PRIOR_AE, variant="vae", kl_weight=0.03)
""":data:`PRIOR_AE` as a VAE; kl_weight 0.03 keeps M on the data and the latents' means near N(0, 1)."""

PRIOR_THRESHOLD = RELIABLE_THRESHOLD
"""Reliability above which a prior sample counts as landing where M is reliable.

The same constant as :data:`aecore.priors.RELIABLE_THRESHOLD` (0.5), under the
lesson's name: the chapter, its figures and these presets share one threshold.
"""


@dataclass(frozen=True)
class Residuals:
    """Mean residual ||x - g(f(x))|| on training and on held-out points.

    Attributes
    ----------
    train, held_out
        Mean residual (data units) over the run's data and over ``held_out_data``.
    held_out_data
        ``(M, n)`` held-out points, from the same data set with another seed.
    """

    train: float
    held_out: float
    held_out_data: np.ndarray

    @property
    def ratio(self) -> float:
        """``train / held_out``: near 1 for a good fit, near 0 for an interpolating one."""
        return self.train / self.held_out


def held_out_data(run: Run, n: int = 500, seed: int | None = None) -> np.ndarray:
    """``n`` fresh points from the distribution of a run's built-in data set.

    Same data set name and noise as the run, sampled with data seed ``seed``
    (default: the run's ``data_seed + 1``).

    Raises
    ------
    AecoreError
        If the run was trained on a file (there is no distribution to draw from).
    """
    cfg = run.config
    name = cfg.get("data")
    if name not in DATASETS:
        raise AecoreError(f"held-out data: the run was trained on {name!r}, not a built-in data set")
    if seed is None:
        seed = int(cfg.get("data_seed", 0)) + 1
    return make_dataset(name, n, float(cfg.get("noise", 0.0)), seed)


def residuals(
    run: Run, n_held_out: int = 500, seed: int | None = None, snapshot: Snapshot | None = None
) -> Residuals:
    """Mean ||x - g(f(x))|| on the training data and on held-out data (numpy forward).

    Parameters
    ----------
    run
        A run trained on a built-in data set.
    n_held_out, seed
        Held-out sample size and data seed (see :func:`held_out_data`).
    snapshot
        Whose weights to use (default: the run's last snapshot).
    """

    def mean_residual(x: np.ndarray) -> float:
        return float(np.linalg.norm(x - run.forward(x, snapshot)[-1], axis=1).mean())

    ho = held_out_data(run, n_held_out, seed)
    return Residuals(train=mean_residual(run.data), held_out=mean_residual(ho), held_out_data=ho)
