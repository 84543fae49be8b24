"""A snapshot file's ``meta`` object as typed models: what :func:`aecore.snapshot.load_run` builds.

The file stores ``meta`` as one JSON object (:mod:`aecore.snapshot`).
:func:`aecore.snapshot_checks.read_checked` checks it against the arrays
(shapes, ``layer_sizes``, ``normalization``, ...); :func:`run_meta` then
builds :class:`RunMeta` from it, so the rest of the code reads attributes
(``run.meta.normalization.scale``, ``run.config.activation``), never string
keys. Building it reads only the parsed JSON (at most 1 MiB, checked before
it is inflated) and executes nothing.

Every model accepts what older files hold: keys a version did not write
take the value that version meant (a run without ``variant`` is a plain
autoencoder), and keys this version does not know are ignored, so a file
keeps loading as the format grows.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from aecore.errors import AecoreError

__all__ = ["Features", "Normalization", "RecorderInfo", "RunConfig", "RunMeta", "run_meta"]

Int = Annotated[int, Strict()]
"""A JSON integer (not a bool, not a float)."""

Real = Annotated[float, Field(allow_inf_nan=False)]
"""A finite JSON number."""

_FROZEN = ConfigDict(frozen=True, extra="ignore", strict=False)


class RunConfig(BaseModel):
    """The run's ``config``: the :class:`aecore.config.TrainConfig` that trained it, as stored.

    A run recorded from the user's own model (:class:`aecore.recorder.SnapshotRecorder`)
    leaves out what it cannot know (``lr``, ``seed``, ``data_seed``,
    ``kl_weight``: ``None`` here) and has ``data == "recorded"``; its
    ``hidden`` is empty and its ``activation`` ``""`` when the model is no MLP.
    Version 1 files lack ``variant`` (``"ae"``), ``kl_weight`` and
    ``ensemble_seeds`` (none), and ``image_shape`` (points).
    """

    model_config = _FROZEN

    latent_dim: Literal[1, 2]
    data: str = ""
    n_points: Int | None = None
    noise: Real | None = None
    data_seed: Int | None = None
    hidden: tuple[Int, ...] = ()
    activation: str = ""
    seed: Int | None = None
    steps: Int | None = None
    lr: Real | None = None
    n_snapshots: Int | None = None
    grid_size: Int | None = None
    grid_margin: Real | None = None
    reliability_scale: Real = 0.25
    bandwidth_scale: Real = 1.0
    variant: Literal["ae", "vae"] = "ae"
    kl_weight: Real | None = None
    ensemble_seeds: tuple[Int, ...] = ()
    image_shape: tuple[Int, ...] = ()


class Normalization(BaseModel):
    """The model's fixed standardisation: it sees ``(x - mean) / scale`` (:mod:`aecore.forward`)."""

    model_config = _FROZEN

    mean: tuple[Real, ...]
    scale: Real


class Features(BaseModel):
    """A vector run's features (:mod:`aecore.vectors`): names, and how a trained run standardised them.

    ``mean`` and ``std`` are the original units of each feature (the trained run's data is
    ``(x - mean) / std``); a recorded run keeps the user's data and leaves them empty.
    """

    model_config = _FROZEN

    names: tuple[str, ...]
    mean: tuple[Real, ...] = ()
    std: tuple[Real, ...] = ()
    near_constant: tuple[Int, ...] = ()


class RecorderInfo(BaseModel):
    """What recorded a run from the user's own model (:class:`aecore.recorder.SnapshotRecorder`)."""

    model_config = _FROZEN

    encoder: str = "?"
    decoder: str = "?"
    weights: bool = False


class RunMeta(BaseModel):
    """A snapshot file's ``meta``, typed (see :mod:`aecore.snapshot` for each key).

    Attributes
    ----------
    format_version
        The file's format version (:data:`aecore.snapshot_checks.READABLE_VERSIONS`).
    config
        The training config (:class:`RunConfig`).
    data_sha256
        The hash of the data the run was trained on (``""`` if not stored).
    versions
        Library versions that wrote it (``python``, ``numpy``, ``torch``, ``ae-explainer``).
    layer_sizes, param_names
        The MLP's neurons per layer and its weights' names; ``None`` for a run without weights.
    normalization
        The model's standardisation; ``None`` in files from before aecore 0.1.
    image_shape
        ``(H, W)`` when each point is an image, else ``None``.
    recorder
        What recorded the run, for a run recorded from the user's own model, else ``None``.
    features
        A vector run's feature names (and standardisation), else ``None``.
    """

    model_config = _FROZEN

    format_version: Int
    config: RunConfig
    data_sha256: str = ""
    versions: dict[str, str] = Field(default_factory=dict)
    layer_sizes: tuple[Int, ...] | None = None
    param_names: tuple[str, ...] | None = None
    normalization: Normalization | None = None
    image_shape: tuple[Int, Int] | None = None
    recorder: RecorderInfo | None = None
    features: Features | None = None


def run_meta(where: str, meta: object) -> RunMeta:
    """The typed :class:`RunMeta` of a checked ``meta`` object; one line naming ``where`` if it does not fit.

    Raises
    ------
    AecoreError
        ``<where>: meta '<key>' ...`` for the first value of the wrong type.
    """
    try:
        return RunMeta.model_validate(meta)
    except ValidationError as e:
        first = e.errors()[0]
        key = " ".join(map(str, first["loc"])) or "meta"
        value = repr(first.get("input"))
        value = value if len(value) <= 40 else value[:37] + "..."
        raise AecoreError(f"{where}: meta '{key}' is {value}: {first['msg']}") from None
    except RecursionError:
        raise AecoreError(f"{where}: its metadata is nested too deeply") from None
