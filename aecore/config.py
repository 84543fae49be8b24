"""The training configuration: one dataclass, written into every snapshot file."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from aecore.datasets import DATASETS, MIN_POINTS, dataset_dim
from aecore.errors import AecoreError

__all__ = ["VARIANTS", "TrainConfig"]

VARIANTS: dict[str, str] = {
    "ae": "plain autoencoder: z = f(x), loss = reconstruction error",
    "vae": "variational autoencoder: f gives a mean and a log-variance, loss adds a KL term",
}
"""Model variants the trainer knows, with a one-line description of each."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run (and so its snapshot file).

    Attributes
    ----------
    data
        A built-in data set name (see :data:`aecore.datasets.DATASETS`) or a
        path to a ``.csv``/``.npy`` file of N x 2 or N x 3 floats.
    n_points, noise, data_seed
        Sampling of a built-in data set (ignored for a file).
    latent_dim
        k, the dimension of the latent space (1 or 2, and k < n).
    hidden
        Hidden layer sizes of the encoder; the decoder mirrors them.
    activation
        Name of the activation (smooth by default, so M is smooth).
    seed
        Seed of the weight initialisation.
    steps, lr
        Number of full-batch Adam steps and the learning rate.
    n_snapshots
        Snapshots to record, spaced geometrically in the step (dense early,
        sparse late); step 0 (the untrained model) and the last step are
        always recorded.
    grid_size
        Latent grid points per axis (a polyline of ``grid_size`` points for
        k=1; a ``grid_size x grid_size`` mesh for k=2).
    grid_margin
        The grid spans the latents' range widened by this fraction of it on
        every side, so M visibly extends past the data.
    reliability_scale, bandwidth_scale
        Parameters of :mod:`aecore.reliability`.
    variant
        ``"ae"`` (a plain autoencoder) or ``"vae"`` (a variational one: the
        encoder gives a mean mu and a log-variance per latent axis, training
        decodes ``z = mu + exp(logvar / 2) * eps``; see :mod:`aecore.train`).
    kl_weight
        Weight of the KL term KL(q(z|x) || N(0, I)) in the VAE loss (>= 0;
        ignored for ``"ae"``). The reconstruction term is in normalised data
        units (data divided by its RMS distance from the mean), so the weight
        does not depend on the data's scale.
    """

    data: str = "arc"
    n_points: int = 300
    noise: float = 0.05
    data_seed: int = 0
    latent_dim: int = 1
    hidden: tuple[int, ...] = (64, 64)
    activation: str = "silu"
    seed: int = 0
    steps: int = 3000
    lr: float = 3e-3
    n_snapshots: int = 48
    grid_size: int = 0
    grid_margin: float = 0.35
    reliability_scale: float = 0.25
    bandwidth_scale: float = 1.0
    variant: str = "ae"
    kl_weight: float = 0.03
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        if isinstance(self.kl_weight, int):  # 1 and 1.0 are one config (and one cache key)
            object.__setattr__(self, "kl_weight", float(self.kl_weight))
        if self.grid_size == 0:
            object.__setattr__(self, "grid_size", 241 if self.latent_dim == 1 else 33)

    @property
    def grid_shape(self) -> tuple[int, ...]:
        """Shape of the latent grid without its last axis: ``(G,)`` or ``(G, G)``."""
        return (self.grid_size,) * self.latent_dim

    def validate(self, data_dim: int | None = None) -> None:
        """Raise :class:`AecoreError` naming the first bad field.

        ``data_dim`` is the data's dimension n when known (a file); for a
        built-in data set it is looked up.
        """
        if data_dim is None:
            if self.data not in DATASETS:
                raise AecoreError(f"--data: unknown data set {self.data!r}; use one of {', '.join(DATASETS)}")
            data_dim = dataset_dim(self.data)
        if self.latent_dim not in (1, 2):
            raise AecoreError(f"--latent-dim: {self.latent_dim} is not supported; use 1 or 2")
        if self.latent_dim >= data_dim:
            raise AecoreError(
                f"--latent-dim: k={self.latent_dim} must be smaller than the data dimension n={data_dim}"
            )
        if self.n_points < MIN_POINTS:
            raise AecoreError(f"--n-points: {self.n_points} is too few; use at least {MIN_POINTS}")
        if not self.hidden or any(h < 1 for h in self.hidden):
            raise AecoreError(f"--hidden: {self.hidden} must be one or more positive sizes, e.g. 64,64")
        if self.steps < 1:
            raise AecoreError(f"--steps: {self.steps} must be at least 1")
        if not (self.lr > 0):
            raise AecoreError(f"--lr: {self.lr} must be positive")
        if self.n_snapshots < 2:
            raise AecoreError(f"--snapshots: {self.n_snapshots} must be at least 2")
        if self.grid_size < 3:
            raise AecoreError(f"--grid-size: {self.grid_size} must be at least 3")
        if self.variant not in VARIANTS:
            raise AecoreError(f"--variant: unknown {self.variant!r}; use one of {', '.join(VARIANTS)}")
        if not (math.isfinite(self.kl_weight) and self.kl_weight >= 0):
            raise AecoreError(f"--kl-weight: {self.kl_weight} must be a finite number >= 0")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (tuples become lists)."""
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise AecoreError(f"config: unknown field(s) {unknown}; known fields are {sorted(names)}")
        d = dict(d)
        if "hidden" in d:
            d["hidden"] = tuple(d["hidden"])
        return cls(**d)

    def key(self, data_sha256: str) -> str:
        """A short hash of the config and the data: the run's cache key."""
        blob = json.dumps({"config": self.to_dict(), "data": data_sha256}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]
