"""The training configuration: one pydantic model, written into every snapshot file.

Every field carries its type, its limits and, in words, what a good value
is (:mod:`aecore.config_fields`), so a bad value is one :class:`ConfigError`
naming the field, raised when the config is made, before any data is made
or read; the checks that need the data's dimension run in
:meth:`TrainConfig.check_data`. No run can ask for unbounded time or memory:
seeds ``0 <= seed < 2**32``; at most :data:`MAX_STEPS` steps,
:data:`MAX_SNAPSHOTS` snapshots, :data:`MAX_HIDDEN_LAYERS` hidden layers of
at most :data:`MAX_WIDTH` units and :data:`MAX_PARAMS` parameters in all;
:data:`aecore.datasets.MAX_POINTS` points; and at most :data:`MAX_RUN_BYTES`
of snapshot arrays. The command line's flags (:class:`Option`) and a settings
file's ``[run]`` table (:class:`scenes.settings.RunOverrides`) are made from
these fields.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator
from pydantic.fields import FieldInfo

from aecore.config_fields import (
    MAX_ENSEMBLE,
    MAX_GRID_POINTS,
    MAX_HIDDEN_LAYERS,
    MAX_PARAMS,
    MAX_RUN_BYTES,
    MAX_SNAPSHOTS,
    MAX_STEPS,
    MAX_WIDTH,
    ConfigError,
    DataSpec,
    Explain,
    Factor,
    LatentDim,
    Margin,
    Option,
    Ref,
    Seed,
    Seeds,
    Steps,
    default_grid_size,
    one_of,
    whole,
)
from aecore.datasets import (
    DATASETS,
    DIGITS_COUNT,
    IMAGE_DATASETS,
    MAX_DIM,
    MAX_NOISE,
    MAX_POINTS,
    MIN_POINTS,
    dataset_dim,
)
from aecore.errors import AecoreError

__all__ = [
    "ACTIVATION_NAMES",
    "VARIANTS",
    "TrainConfig",
    "option_of",
    "parameter_count",
]

ACTIVATION_NAMES: tuple[str, ...] = ("silu", "tanh", "softplus", "gelu", "relu")
"""The activations a network may use (:data:`aecore.forward.ACTIVATIONS_NP`, :mod:`aecore.model`)."""

VARIANTS: dict[str, str] = {
    "ae": "plain autoencoder: z = f(x), loss = reconstruction error",
    "vae": "variational autoencoder: f gives a mean and a log-variance, loss adds a KL term",
}
"""Model variants the trainer knows, with a one-line description of each."""


def parameter_count(n: int, k: int, hidden: tuple[int, ...], variant: str = "ae") -> int:
    """Weights and biases of the encoder ``[n, *hidden, k or 2k]`` and decoder ``[k, *hidden[::-1], n]``."""
    enc = [n, *hidden, 2 * k if variant == "vae" else k]
    dec = [k, *reversed(hidden), n]
    return sum(a * b + b for sizes in (enc, dec) for a, b in itertools.pairwise(sizes))


def option_of(field: FieldInfo) -> Option | None:
    """The :class:`Option` (flag and help) of a :class:`TrainConfig` field, or ``None`` if it has no flag."""
    return next((m for m in field.metadata if isinstance(m, Option)), None)


class TrainConfig(BaseModel):
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
        Number of full-batch Adam steps (1 to 1,000,000) and the learning rate (finite, > 0).
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
        The grid spans the latents' range widened by this fraction of it on every side.
    reliability_scale, bandwidth_scale
        The reliability's ``scale`` (:mod:`aecore.manifold_density`) and a factor on the kernel width.
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

    model_config = ConfigDict(frozen=True, extra="forbid")

    data: Annotated[
        DataSpec,
        Option(
            "--data",
            "data set name (arc, spiral, circle, blob, clusters, helix, sheet, digits) or a .csv/.npy"
            " file (a .npy may hold images: N x H x W, or N x D with --image-shape)",
        ),
    ] = "arc"
    n_points: Annotated[
        int,
        Strict(),
        Field(ge=MIN_POINTS, le=MAX_POINTS),
        whole(f"{MIN_POINTS} to {MAX_POINTS:,} points"),
        Option(
            "--n-points",
            f"points of a built-in data set, {MIN_POINTS} to {MAX_POINTS:,} (default 300;"
            f" digits: all {DIGITS_COUNT:,} images)",
        ),
    ] = 300
    noise: Annotated[
        float,
        Strict(),
        Field(ge=0.0, le=MAX_NOISE),
        Explain(f"{{value!r}} must be a number from 0 to {MAX_NOISE:g}"),
        Option("--noise", "noise of a built-in data set"),
    ] = 0.05
    data_seed: Annotated[Seed, Option("--data-seed", "sampling seed of a built-in data set")] = 0
    latent_dim: Annotated[LatentDim, Option("--latent-dim", "k, the latent dimension (1 or 2, k < n)")] = 1
    hidden: Annotated[
        tuple[Annotated[int, Strict(), Field(ge=1)], ...],
        Field(min_length=1),
        Explain("'{value}' must be one or more positive sizes, e.g. 64,64"),
        Option(
            "--hidden",
            f"hidden sizes, e.g. 64,64 (at most {MAX_HIDDEN_LAYERS} layers, {MAX_PARAMS:,} parameters)",
            example="64,64",
        ),
    ] = (64, 64)
    activation: Annotated[
        str,
        Strict(),
        AfterValidator(one_of(ACTIVATION_NAMES)),
        Explain(f"unknown {{value!r}}; use one of {', '.join(ACTIVATION_NAMES)}"),
        Option("--activation", "silu (default), tanh, softplus, gelu, relu"),
    ] = "silu"
    seed: Annotated[Seed, Option("--seed", "weight initialisation seed, 0 <= S < 2**32")] = 0
    steps: Annotated[Steps, Option("--steps", f"training steps, 1 to {MAX_STEPS:,}")] = 3000
    lr: Annotated[
        float,
        Strict(),
        Field(gt=0, allow_inf_nan=False),
        Explain("{value} must be a finite number > 0, e.g. 3e-3"),
        Option("--lr", "Adam learning rate"),
    ] = 3e-3
    n_snapshots: Annotated[
        int,
        Strict(),
        Field(ge=2, le=MAX_SNAPSHOTS),
        whole(f"2 to {MAX_SNAPSHOTS:,} snapshots"),
        Option("--snapshots", f"number of snapshots to record, 2 to {MAX_SNAPSHOTS:,}"),
    ] = 48
    grid_size: Annotated[int, Strict(), Field(ge=0, le=MAX_GRID_POINTS), whole("at least 3")] = 0
    grid_margin: Margin = 0.35
    reliability_scale: Factor = 0.25
    bandwidth_scale: Factor = 1.0
    variant: Annotated[
        str,
        Strict(),
        AfterValidator(one_of(tuple(VARIANTS))),
        Explain(f"unknown {{value!r}}; use one of {', '.join(VARIANTS)}"),
        Option("--variant", "ae (plain autoencoder, default) or vae"),
    ] = "ae"
    kl_weight: Annotated[
        float,
        Strict(),
        Field(ge=0, allow_inf_nan=False),
        Explain("{value} must be a finite number >= 0"),
        Option("--kl-weight", "weight of the VAE's KL term, >= 0 (default 0.03; ignored for ae)"),
    ] = 0.03
    ensemble_seeds: Annotated[
        Seeds,
        Option(
            "--ensemble-seeds",
            "also train from these seeds, e.g. 1,2,3,4, and store their agreement with M (default: none)",
            example="1,2,3,4",
        ),
    ] = ()
    image_shape: Annotated[
        tuple[Annotated[int, Strict()], ...],
        Explain(f"'{{value}}' must be two sides H,W of at least 2 pixels, at most {MAX_DIM:,} pixels in all"),
        Option(
            "--image-shape",
            "read the rows of an N x D .npy file as images of H x W pixels (H W = D)",
            example="8,8",
            metavar="H,W",
        ),
    ] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _one_line(cls, data: Any, handler: Any) -> Any:
        """Field errors as one :class:`ConfigError`; the default grid size; the checks across fields."""
        if isinstance(data, dict) and type(data.get("grid_size", 0)) is int and data.get("grid_size", 0) == 0:
            data = {**data, "grid_size": default_grid_size(data)}
        try:
            cfg = handler(data)
        except ValidationError as e:
            first = e.errors()[0]
            field = ".".join(map(str, first["loc"][:1])) or "config"
            if first["type"] == "extra_forbidden":
                raise ConfigError(
                    field, f"unknown field; known fields are {', '.join(cls.model_fields)}"
                ) from None
            raise ConfigError(field, first["msg"]) from None
        assert isinstance(cfg, TrainConfig)
        cfg._check_fields()
        return cfg

    @property
    def grid_shape(self) -> tuple[int, ...]:
        """Shape of the latent grid without its last axis: ``(G,)`` or ``(G, G)``."""
        return (self.grid_size,) * self.latent_dim

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes``, validated as a new config (raises :class:`ConfigError`)."""
        return TrainConfig(**{**dict(self), **changes})

    def _check_fields(self) -> None:
        """The checks across fields that need no data (the hidden sizes with n at least its lower bound)."""
        if self.grid_size < 3:
            raise ConfigError("grid_size", f"{self.grid_size} is out of range; use at least 3")
        if self.grid_size**self.latent_dim > MAX_GRID_POINTS:
            raise ConfigError(
                "grid_size",
                f"{self.grid_size} gives {self.grid_size**self.latent_dim:,} latent grid points"
                f" for k={self.latent_dim}; at most {MAX_GRID_POINTS:,}"
                f" (grid_size <= {math.isqrt(MAX_GRID_POINTS) if self.latent_dim == 2 else MAX_GRID_POINTS})",
            )
        # n, or a lower bound on it (n >= 2) for a file not read yet: the parameter count grows with n.
        self._check_hidden(dataset_dim(self.data) if self.data in DATASETS else 2)
        self._check_ensemble()
        self._check_image_shape()

    def check_data(self, data_dim: int | None = None, n_data: int | None = None) -> None:
        """Raise :class:`ConfigError` if the config does not fit its data (or names no data at all).

        Cheap: reads no data, so it runs before any data is loaded or made.

        Parameters
        ----------
        data_dim
            The data's dimension n when known (a file that has been read); for
            a built-in data set it is looked up. For a file not read yet pass
            ``None``: the checks that need n then wait.
        n_data
            The number of points when known (a file); for a built-in data set
            it is ``n_points``.
        """
        if self.data in DATASETS:
            data_dim = data_dim or dataset_dim(self.data)
            n_data = n_data or self.n_points
        elif data_dim is None and not _looks_like_file(self.data):
            raise ConfigError(
                "data",
                f"unknown data set {self.data!r}; use one of {', '.join(DATASETS)}, or a .csv/.npy file",
            )
        if data_dim is None:
            return
        self._check_hidden(data_dim)
        if self.latent_dim >= data_dim:
            raise ConfigError(
                "latent_dim", f"k={self.latent_dim} must be smaller than the data dimension n={data_dim}"
            )
        if n_data is not None:
            params = parameter_count(data_dim, self.latent_dim, self.hidden, self.variant)
            per = self._snapshot_bytes(n_data, data_dim, params)
            if self.n_snapshots * per > MAX_RUN_BYTES:
                raise ConfigError(
                    "n_snapshots",
                    f"{self.n_snapshots} snapshots of {n_data:,} points would hold"
                    f" {self.n_snapshots * per / 1e9:.2f} GB of arrays, over {MAX_RUN_BYTES / 1e9:.2f} GB;"
                    f" use at most {max(MAX_RUN_BYTES // per, 2)} here (or fewer points or hidden units)",
                )

    def _check_hidden(self, n: int) -> None:
        """Layer count, sizes and the parameter count for data dimension ``n`` (or a lower bound on it)."""
        text = ",".join(map(str, self.hidden))
        params = parameter_count(n, self.latent_dim, self.hidden, self.variant)
        if params > MAX_PARAMS:
            raise ConfigError(
                "hidden",
                f"{text} gives an autoencoder of {params:,} parameters; at most {MAX_PARAMS:,}"
                " (64,64 has about 9,000)",
            )
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise ConfigError(
                "hidden", f"{len(self.hidden)} hidden layers; use 1 to {MAX_HIDDEN_LAYERS}, e.g. 64,64"
            )
        if max(self.hidden) > MAX_WIDTH:
            raise ConfigError(
                "hidden", f"{text} has a layer of {max(self.hidden):,} units; at most {MAX_WIDTH:,}"
            )

    def _check_ensemble(self) -> None:
        """``ensemble_seeds``: at most :data:`MAX_ENSEMBLE` distinct seeds, none the run's own."""
        seeds = self.ensemble_seeds
        if len(seeds) > MAX_ENSEMBLE:
            raise ConfigError(
                "ensemble_seeds", f"{len(seeds)} seeds; use at most {MAX_ENSEMBLE}, e.g. 1,2,3,4"
            )
        if len(set(seeds)) != len(seeds) or self.seed in seeds:
            raise ConfigError(
                "ensemble_seeds",
                f"{','.join(map(str, seeds))} must be distinct and differ from ",
                Ref("seed"),
                f" {self.seed}, e.g. 1,2,3,4",
            )

    def _check_image_shape(self) -> None:
        """``image_shape``: empty, or two sides of at least 2 pixels, at most :data:`MAX_DIM` in all."""
        shape = self.image_shape
        if not shape:
            return
        if len(shape) != 2 or min(shape) < 2 or shape[0] * shape[1] > MAX_DIM:
            raise ConfigError(
                "image_shape",
                f"{','.join(map(str, shape))!r} must be two sides H,W of at least 2 pixels, at most"
                f" {MAX_DIM:,} pixels in all, e.g. 8,8",
            )
        if self.data in DATASETS and tuple(shape) != IMAGE_DATASETS.get(self.data):
            raise ConfigError(
                "image_shape",
                f"{self.data} is a built-in data set and brings its own shape; give ",
                Ref("image_shape"),
                " only with a .npy file of N x D images",
            )

    def _snapshot_bytes(self, n_data: int, data_dim: int, params: int) -> int:
        """Upper bound on the bytes one snapshot holds (everything counted as float64)."""
        k, g = self.latent_dim, self.grid_size**self.latent_dim
        per_point = 2 * k + data_dim  # latents (+ log-variance) and recon
        per_grid = k + data_dim + 4  # latent grid, manifold, density, reliability, stretch, density on M
        per_grid += len(self.ensemble_seeds) * data_dim + 2  # the ensemble's manifolds (counted per snapshot)
        return 8 * (n_data * per_point + g * per_grid + params + 2)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (tuples become lists), as a snapshot file stores it.

        It also holds ``"extra": {}``, a key every snapshot file has had (and the cache key hashes).
        """
        d = {name: list(v) if isinstance(v, tuple) else v for name, v in self}
        d["extra"] = {}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        names = {*cls.model_fields, "extra"}
        unknown = sorted(set(d) - names)
        if unknown:
            raise AecoreError(f"config: unknown field(s) {unknown}; known fields are {sorted(names)}")
        return cls(**{k: v for k, v in d.items() if k != "extra"})

    def key(self, data_sha256: str) -> str:
        """A short hash of the config and the data: the run's cache key."""
        blob = json.dumps({"config": self.to_dict(), "data": data_sha256}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _looks_like_file(spec: str) -> bool:
    return spec.lower().endswith((".csv", ".npy")) or Path(spec).exists()
