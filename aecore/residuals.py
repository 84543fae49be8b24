"""Residuals on training and held-out data: does M approximate the data or interpolate it?

:func:`residuals` compares the mean residual ||x - g(f(x))|| on a run's
training points with that on fresh points from the same distribution
(:func:`held_out_data`). Near 1 the model approximates; near 0 M passes through
every training point and swings between them. Numpy only: no torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aecore.datasets import DATASETS, make_dataset
from aecore.errors import AecoreError
from aecore.forward import forward
from aecore.snapshot import Run, Snapshot

__all__ = ["Residuals", "held_out_data", "residuals"]


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
    name = cfg.data
    if name not in DATASETS:
        raise AecoreError(f"held-out data: the run was trained on {name!r}, not a built-in data set")
    if seed is None:
        seed = (cfg.data_seed or 0) + 1
    return make_dataset(name, n, cfg.noise or 0.0, seed)


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
        return float(np.linalg.norm(x - forward(run, x, snapshot)[-1], axis=1).mean())

    ho = held_out_data(run, n_held_out, seed)
    return Residuals(train=mean_residual(run.data), held_out=mean_residual(ho), held_out_data=ho)
