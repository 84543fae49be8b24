"""The training configuration: one dataclass, written into every snapshot file.

:meth:`TrainConfig.validate` checks every field against the limits below
before any data is made or read, so a bad flag (or ``[run]`` key of a config
file) is one line naming it, and no run can ask for unbounded time or memory:
seeds ``0 <= seed < 2**32``; at most :data:`MAX_STEPS` steps,
:data:`MAX_SNAPSHOTS` snapshots, :data:`MAX_HIDDEN_LAYERS` hidden layers of
at most :data:`MAX_WIDTH` units and :data:`MAX_PARAMS` parameters in all;
:data:`aecore.datasets.MAX_POINTS` points; and at most :data:`MAX_RUN_BYTES`
of snapshot arrays.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aecore.datasets import DATASETS, IMAGE_DATASETS, MAX_DIM, MAX_NOISE, MAX_POINTS, MIN_POINTS, dataset_dim
from aecore.errors import AecoreError
from aecore.forward import ACTIVATIONS_NP

__all__ = [
    "MAX_ENSEMBLE",
    "MAX_GRID_POINTS",
    "MAX_HIDDEN_LAYERS",
    "MAX_PARAMS",
    "MAX_RUN_BYTES",
    "MAX_SNAPSHOTS",
    "MAX_STEPS",
    "MAX_WIDTH",
    "SEED_LIMIT",
    "VARIANTS",
    "TrainConfig",
    "parameter_count",
]

VARIANTS: dict[str, str] = {
    "ae": "plain autoencoder: z = f(x), loss = reconstruction error",
    "vae": "variational autoencoder: f gives a mean and a log-variance, loss adds a KL term",
}
"""Model variants the trainer knows, with a one-line description of each."""

SEED_LIMIT = 2**32
"""Seeds (``--seed``, ``--data-seed``) are whole numbers with ``0 <= seed < SEED_LIMIT``."""

MAX_STEPS = 1_000_000
"""Most training steps (a default run of 3,000 steps takes seconds; a million, about 20 minutes)."""

MAX_SNAPSHOTS = 1000
"""Most snapshots a run records."""

MAX_PARAMS = 2_000_000
"""Most parameters of the whole autoencoder (encoder and decoder); 64,64 has about 9,000."""

MAX_HIDDEN_LAYERS = 8
"""Most hidden layers of the encoder (the decoder mirrors them)."""

MAX_WIDTH = 1024
"""Most units in one hidden layer (full-batch activations are N x width)."""

MAX_GRID_POINTS = 40_000
"""Most latent grid points (``grid_size ** k``); each snapshot decodes them and evaluates the KDE there."""

MAX_ENSEMBLE = 8
"""Most other-seed decoders trained alongside a run (each costs one more training)."""

MAX_RUN_BYTES = 2**30
"""Most bytes of arrays a run may hold (snapshots x (points + grid + weights)), about 1.07 GB."""


def parameter_count(n: int, k: int, hidden: tuple[int, ...], variant: str = "ae") -> int:
    """Weights and biases of the encoder ``[n, *hidden, k or 2k]`` and decoder ``[k, *hidden[::-1], n]``."""
    enc = [n, *hidden, 2 * k if variant == "vae" else k]
    dec = [k, *reversed(hidden), n]
    return sum(a * b + b for sizes in (enc, dec) for a, b in itertools.pairwise(sizes))


def _check_int(flag: str, value: object, lo: int, hi: int, right: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AecoreError(f"{flag}: {value!r} must be a whole number; use {right}")
    if not lo <= value <= hi:
        raise AecoreError(f"{flag}: {value} is out of range; use {right}")


def _check_float(flag: str, value: object, lo: float, hi: float, right: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise AecoreError(f"{flag}: {value!r} must be {right}")


def _looks_like_file(spec: str) -> bool:
    return spec.lower().endswith((".csv", ".npy")) or Path(spec).exists()


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run (and so its snapshot file).

    Attributes
    ----------
    data
        A built-in data set name (see :data:`aecore.datasets.DATASETS`) or a
        path to a ``.csv``/``.npy`` file of N x 2 or N x 3 floats, or a
        ``.npy`` of images (N x H x W, or N x D with ``image_shape``).
    image_shape
        ``(H, W)``: read the rows of an N x D ``.npy`` file as images of
        H x W pixels (H W = D). Empty: points, or the shape the data set or
        file gives (``digits`` is 8 x 8).
    n_points, noise, data_seed
        Sampling of a built-in data set (ignored for a file): 8 to 50,000
        points, noise 0 to 1000, seed ``0 <= data_seed < 2**32``.
    latent_dim
        k, the dimension of the latent space (1 or 2, and k < n).
    hidden
        Hidden layer sizes of the encoder; the decoder mirrors them (1 to 8
        layers of 1 to 1024 units; at most 2,000,000 parameters in all).
    activation
        Name of the activation (smooth by default, so M is smooth).
    seed
        Seed of the weight initialisation, ``0 <= seed < 2**32``.
    steps, lr
        Number of full-batch Adam steps (1 to 1,000,000) and the learning
        rate (finite, > 0).
    n_snapshots
        Snapshots to record (2 to 1000), spaced geometrically in the step
        (dense early, sparse late); step 0 (the untrained model) and the last
        step are always recorded.
    grid_size
        Latent grid points per axis (a polyline of ``grid_size`` points for
        k=1; a ``grid_size x grid_size`` mesh for k=2). 0 picks the default:
        241 for k=1, 33 for k=2, and 25 for k=2 on images (M is then
        25 x 25 decoded images, a mosaic, which keeps the file small).
    grid_margin
        The grid spans the latents' range widened by this fraction of it on
        every side, so M visibly extends past the data.
    reliability_scale, bandwidth_scale
        Parameters of the reliability (:mod:`aecore.manifold_density`):
        ``scale`` of the map to [0, 1] and a factor on the kernel width.
    ensemble_seeds
        Seeds of other decoders to train alongside (at most
        :data:`MAX_ENSEMBLE`, distinct, none equal to ``seed``): the same
        config from each seed, whose final manifolds are stored with the
        run's ensemble agreement (:mod:`aecore.ensemble`). Empty: none.
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
    ensemble_seeds: tuple[int, ...] = ()
    image_shape: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        object.__setattr__(self, "ensemble_seeds", tuple(self.ensemble_seeds))
        object.__setattr__(self, "image_shape", tuple(self.image_shape))
        if isinstance(self.kl_weight, int):  # 1 and 1.0 are one config (and one cache key)
            object.__setattr__(self, "kl_weight", float(self.kl_weight))
        if self.grid_size == 0:
            images = self.data in IMAGE_DATASETS or bool(self.image_shape)
            object.__setattr__(self, "grid_size", 241 if self.latent_dim == 1 else 25 if images else 33)

    @property
    def grid_shape(self) -> tuple[int, ...]:
        """Shape of the latent grid without its last axis: ``(G,)`` or ``(G, G)``."""
        return (self.grid_size,) * self.latent_dim

    def validate(self, data_dim: int | None = None, n_data: int | None = None) -> None:
        """Raise :class:`AecoreError` naming the first bad field and what would be right.

        Cheap: reads no data, so it runs before any data is loaded or made.

        Parameters
        ----------
        data_dim
            The data's dimension n when known (a file that has been read); for
            a built-in data set it is looked up. For a file not read yet pass
            ``None``: the checks that need n then use a lower bound or wait.
        n_data
            The number of points when known (a file); for a built-in data set
            it is ``n_points``.
        """
        if isinstance(self.latent_dim, bool) or self.latent_dim not in (1, 2):
            raise AecoreError(f"--latent-dim: {self.latent_dim} is not supported; use 1 or 2")
        _check_int("--seed", self.seed, 0, SEED_LIMIT - 1, "a whole number 0 <= seed < 2**32")
        _check_int("--data-seed", self.data_seed, 0, SEED_LIMIT - 1, "a whole number 0 <= seed < 2**32")
        _check_int(
            "--n-points", self.n_points, MIN_POINTS, MAX_POINTS, f"{MIN_POINTS} to {MAX_POINTS:,} points"
        )
        _check_float("--noise", self.noise, 0.0, MAX_NOISE, f"a number from 0 to {MAX_NOISE:g}")
        builtin = self.data in DATASETS
        # n, or a lower bound on it (n >= 2) for a file not read yet: the parameter count grows with n.
        self._check_hidden(data_dim or (dataset_dim(self.data) if builtin else 2))
        if self.activation not in ACTIVATIONS_NP:
            raise AecoreError(
                f"--activation: unknown {self.activation!r}; use one of {', '.join(ACTIVATIONS_NP)}"
            )
        _check_int("--steps", self.steps, 1, MAX_STEPS, f"1 to {MAX_STEPS:,} steps")
        if isinstance(self.lr, bool) or not isinstance(self.lr, int | float) or not (0 < self.lr < math.inf):
            raise AecoreError(f"--lr: {self.lr} must be a finite number > 0, e.g. 3e-3")
        _check_int("--snapshots", self.n_snapshots, 2, MAX_SNAPSHOTS, f"2 to {MAX_SNAPSHOTS:,} snapshots")
        _check_int("--grid-size", self.grid_size, 3, MAX_GRID_POINTS, "at least 3")
        if self.grid_size**self.latent_dim > MAX_GRID_POINTS:
            raise AecoreError(
                f"--grid-size: {self.grid_size} gives {self.grid_size**self.latent_dim:,} latent grid points"
                f" for k={self.latent_dim}; at most {MAX_GRID_POINTS:,}"
                f" (grid_size <= {math.isqrt(MAX_GRID_POINTS) if self.latent_dim == 2 else MAX_GRID_POINTS})"
            )
        _check_float("grid_margin", self.grid_margin, 0.0, 10.0, "a number from 0 to 10")
        _check_float("reliability_scale", self.reliability_scale, 1e-6, 1e6, "a number from 1e-6 to 1e6")
        _check_float("bandwidth_scale", self.bandwidth_scale, 1e-6, 1e6, "a number from 1e-6 to 1e6")
        if self.variant not in VARIANTS:
            raise AecoreError(f"--variant: unknown {self.variant!r}; use one of {', '.join(VARIANTS)}")
        if (
            isinstance(self.kl_weight, bool)
            or not isinstance(self.kl_weight, int | float)
            or not (math.isfinite(self.kl_weight) and self.kl_weight >= 0)
        ):
            raise AecoreError(f"--kl-weight: {self.kl_weight} must be a finite number >= 0")
        self._check_ensemble()
        self._check_image_shape()

        # Checks that need the data's dimension n (and its size N).
        if builtin:
            data_dim = data_dim or dataset_dim(self.data)
            n_data = n_data or self.n_points
        elif data_dim is None and not _looks_like_file(self.data):
            raise AecoreError(
                f"--data: unknown data set {self.data!r}; use one of {', '.join(DATASETS)},"
                " or a .csv/.npy file"
            )
        if data_dim is not None and self.latent_dim >= data_dim:
            raise AecoreError(
                f"--latent-dim: k={self.latent_dim} must be smaller than the data dimension n={data_dim}"
            )
        if data_dim is not None and n_data is not None:
            params = parameter_count(data_dim, self.latent_dim, self.hidden, self.variant)
            per = self._snapshot_bytes(n_data, data_dim, params)
            if self.n_snapshots * per > MAX_RUN_BYTES:
                raise AecoreError(
                    f"--snapshots: {self.n_snapshots} snapshots of {n_data:,} points would hold"
                    f" {self.n_snapshots * per / 1e9:.2f} GB of arrays, over {MAX_RUN_BYTES / 1e9:.2f} GB;"
                    f" use at most {max(MAX_RUN_BYTES // per, 2)} here (or fewer points or hidden units)"
                )

    def _check_hidden(self, n: int) -> None:
        """Layer count, sizes and the parameter count for data dimension ``n`` (or a lower bound on it)."""
        text = ",".join(map(str, self.hidden))
        if not self.hidden or any(isinstance(h, bool) or h < 1 for h in self.hidden):
            raise AecoreError(f"--hidden: {text!r} must be one or more positive sizes, e.g. 64,64")
        params = parameter_count(n, self.latent_dim, self.hidden, self.variant)
        if params > MAX_PARAMS:
            raise AecoreError(
                f"--hidden: {text} gives an autoencoder of {params:,} parameters; at most {MAX_PARAMS:,}"
                " (64,64 has about 9,000)"
            )
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise AecoreError(
                f"--hidden: {len(self.hidden)} hidden layers; use 1 to {MAX_HIDDEN_LAYERS}, e.g. 64,64"
            )
        if max(self.hidden) > MAX_WIDTH:
            raise AecoreError(
                f"--hidden: {text} has a layer of {max(self.hidden):,} units; at most {MAX_WIDTH:,}"
            )

    def _check_ensemble(self) -> None:
        """``ensemble_seeds``: at most :data:`MAX_ENSEMBLE` distinct valid seeds, none the run's own."""
        seeds = self.ensemble_seeds
        text = ",".join(map(str, seeds))
        if len(seeds) > MAX_ENSEMBLE:
            raise AecoreError(
                f"--ensemble-seeds: {len(seeds)} seeds; use at most {MAX_ENSEMBLE}, e.g. 1,2,3,4"
            )
        for v in seeds:
            _check_int(
                "--ensemble-seeds", v, 0, SEED_LIMIT - 1, "whole numbers 0 <= seed < 2**32, e.g. 1,2,3,4"
            )
        if len(set(seeds)) != len(seeds) or self.seed in seeds:
            raise AecoreError(
                f"--ensemble-seeds: {text} must be distinct and differ from --seed {self.seed}, e.g. 1,2,3,4"
            )

    def _check_image_shape(self) -> None:
        """``image_shape``: empty, or two sides of at least 2 pixels, at most :data:`MAX_DIM` in all."""
        shape = self.image_shape
        if not shape:
            return
        text = ",".join(map(str, shape))
        if (
            len(shape) != 2
            or any(isinstance(v, bool) or not isinstance(v, int) or v < 2 for v in shape)
            or shape[0] * shape[1] > MAX_DIM
        ):
            raise AecoreError(
                f"--image-shape: {text!r} must be two sides H,W of at least 2 pixels, at most"
                f" {MAX_DIM:,} pixels in all, e.g. 8,8"
            )
        if self.data in DATASETS and tuple(shape) != IMAGE_DATASETS.get(self.data):
            raise AecoreError(
                f"--image-shape: {self.data} is a built-in data set and brings its own shape;"
                " give --image-shape only with a .npy file of N x D images"
            )

    def _snapshot_bytes(self, n_data: int, data_dim: int, params: int) -> int:
        """Upper bound on the bytes one snapshot holds (everything counted as float64)."""
        k, g = self.latent_dim, self.grid_size**self.latent_dim
        per_point = 2 * k + data_dim  # latents (+ log-variance) and recon
        per_grid = k + data_dim + 4  # latent grid, manifold, density, reliability, stretch, density on M
        per_grid += len(self.ensemble_seeds) * data_dim + 2  # the ensemble's manifolds (counted per snapshot)
        return 8 * (n_data * per_point + g * per_grid + params + 2)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (tuples become lists)."""
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        d["ensemble_seeds"] = list(self.ensemble_seeds)
        d["image_shape"] = list(self.image_shape)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise AecoreError(f"config: unknown field(s) {unknown}; known fields are {sorted(names)}")
        d = dict(d)
        for name in ("hidden", "ensemble_seeds", "image_shape"):
            if name in d:
                d[name] = tuple(d[name])
        return cls(**d)

    def key(self, data_sha256: str) -> str:
        """A short hash of the config and the data: the run's cache key."""
        blob = json.dumps({"config": self.to_dict(), "data": data_sha256}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]
