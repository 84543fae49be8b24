"""The trained network evaluated with numpy alone, from a snapshot's weights.

Scenes use it to show real activations without importing torch; the tests
check that it reproduces the trainer's reconstructions.

For a VAE (``variant="vae"``) the encoder's last layer has 2k outputs, the
mean mu and the log-variance. :func:`layer_weights` and :func:`forward_layers`
keep only the mean half, so the network reads ``[n, *hidden, k, *hidden, n]``
for both variants and the bottleneck values are the mu's that g decodes;
:func:`logvar_weights` and :func:`encode` give the log-variance half.

:func:`forward`, :func:`encode` and :func:`decode` take a run
(:class:`aecore.snapshot.Run`, or anything with its :class:`Network` parts),
so this module sits below the snapshot file and never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np

from aecore.config import ACTIVATION_NAMES
from aecore.errors import AecoreError
from aecore.meta import RunConfig, RunMeta

__all__ = [
    "ACTIVATIONS_NP",
    "Network",
    "Weights",
    "decode",
    "decoder_layers",
    "decoder_weights",
    "encode",
    "forward",
    "forward_layers",
    "layer_weights",
    "logvar_weights",
]


class Weights(Protocol):
    """A snapshot's weights (:class:`aecore.snapshot.Snapshot`)."""

    @property
    def params(self) -> Mapping[str, np.ndarray]: ...


class Network(Protocol):
    """What :func:`forward`, :func:`encode` and :func:`decode` read of a run (an :class:`aecore.Run`)."""

    @property
    def config(self) -> RunConfig: ...

    @property
    def meta(self) -> RunMeta: ...

    @property
    def final(self) -> Weights: ...

    def require_weights(self, what: str = ...) -> None: ...


ACTIVATIONS_NP: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "silu": lambda a: a / (1.0 + np.exp(-a)),
    "tanh": np.tanh,
    "softplus": lambda a: np.logaddexp(0.0, a),
    "gelu": lambda a: 0.5 * a * (1.0 + _erf(a / np.sqrt(2.0))),
    "relu": lambda a: np.maximum(a, 0.0),
}
"""Each activation of :data:`aecore.config.ACTIVATION_NAMES` in numpy."""
assert tuple(ACTIVATIONS_NP) == ACTIVATION_NAMES


def _erf(a: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return np.asarray(erf(a))


def _part(params: Mapping[str, np.ndarray], part: str) -> list[tuple[np.ndarray, np.ndarray]]:
    idx = sorted({int(k.split(".")[1]) for k in params if k.startswith(part + ".")})
    return [(np.asarray(params[f"{part}.{i}.weight"]), np.asarray(params[f"{part}.{i}.bias"])) for i in idx]


def _split_vae_head(
    enc: list[tuple[np.ndarray, np.ndarray]], dec: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
    """The encoder's last layer as (mean rows, log-variance rows or None)."""
    w, b = enc[-1]
    k = dec[0][0].shape[1]
    if w.shape[0] == 2 * k:
        return (w[:k], b[:k]), (w[k:], b[k:])
    return (w, b), None


def decoder_weights(params: Mapping[str, np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(W, b)`` of the decoder's linear layers, from the latent input to the output."""
    return _part(params, "decoder")


def layer_weights(params: Mapping[str, np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(W, b)`` of every linear layer from input to output (encoder, then decoder).

    ``W`` has shape ``(out, in)`` as in torch. For a VAE the encoder's last
    layer is cut to its mean half (k rows), so consecutive layers always fit.
    """
    enc, dec = _part(params, "encoder"), _part(params, "decoder")
    mean_head, _ = _split_vae_head(enc, dec)
    return [*enc[:-1], mean_head, *dec]


def logvar_weights(params: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """``(W, b)`` of a VAE's log-variance head (input: the last encoder hidden layer), else ``None``."""
    return _split_vae_head(_part(params, "encoder"), _part(params, "decoder"))[1]


def forward_layers(
    params: Mapping[str, np.ndarray], activation: str, x: np.ndarray, mean: np.ndarray, scale: float
) -> list[np.ndarray]:
    """Values of every layer for inputs ``x`` ``(B, n)``: ``[x, h1, ..., z, ..., x̂]``.

    Hidden values are after the activation; z and x̂ are the linear outputs
    (x̂ mapped back to data units with ``mean`` and ``scale``, as the model does).
    For a VAE, z is the mean mu. Everything is float64: the input is
    standardised as ``(x - mean) / scale`` and the output mapped back as
    ``mean + scale * u`` in float64, as the trainer does, so data far from the
    origin (e.g. 1e8 + N(0, 1)) gives the trainer's x̂.
    """
    act = ACTIVATIONS_NP[activation]
    layers = layer_weights(params)
    n_enc = sum(1 for k in params if k.startswith("encoder.") and k.endswith(".weight"))
    mean, scale = _standardization(mean, scale)
    values = [np.asarray(x, dtype=np.float64)]
    h = (values[0] - mean) / scale
    for i, (w, b) in enumerate(layers):
        h = h @ w.T.astype(np.float64) + b.astype(np.float64)
        last_of_part = i == n_enc - 1 or i == len(layers) - 1
        if not last_of_part:
            h = act(h)
        values.append(h * scale + mean if i == len(layers) - 1 else h)
    return values


def decoder_layers(
    params: Mapping[str, np.ndarray], activation: str, z: np.ndarray, mean: np.ndarray, scale: float
) -> list[np.ndarray]:
    """Values of the decoder's layers for latents ``z`` ``(B, k)``: ``[z, h, ..., x̂]``.

    The second half of :func:`forward_layers`; the last entry is g(z) in data units.
    """
    act = ACTIVATIONS_NP[activation]
    dec = _part(params, "decoder")
    mean, scale = _standardization(mean, scale)
    values = [np.asarray(z, dtype=np.float64)]
    h = values[0]
    for i, (w, b) in enumerate(dec):
        h = h @ w.T.astype(np.float64) + b.astype(np.float64)
        if i < len(dec) - 1:
            h = act(h)
        values.append(h * scale + mean if i == len(dec) - 1 else h)
    return values


def _standardization(mean: np.ndarray, scale: float) -> tuple[np.ndarray, float]:
    """The run's ``normalization`` as float64, as the trainer applies it."""
    return np.asarray(mean, dtype=np.float64).reshape(-1), float(scale)


def _numpy_model(
    run: Network, snapshot: Weights | None, what: str = "evaluating the network with numpy"
) -> tuple[Mapping[str, np.ndarray], np.ndarray, float]:
    """The weights (of ``snapshot``, default the last), the standardisation's mean and scale.

    Raises one line if the run has no MLP weights (naming ``what`` needs them) or no standardisation.
    """
    run.require_weights(what)
    norm = run.meta.normalization
    if norm is None:
        raise AecoreError("this run has no 'normalization' metadata; re-train it to evaluate it with numpy")
    s = snapshot or run.final
    return s.params, np.array(norm.mean, dtype=np.float64), float(norm.scale)


def forward(run: Network, x: np.ndarray, snapshot: Weights | None = None) -> list[np.ndarray]:
    """Every layer's values for inputs ``x`` ``(B, n)`` with numpy (no torch): ``[x, h1, ..., z, ..., x̂]``.

    Uses the weights of ``snapshot`` (default: the run's last one); see
    :func:`forward_layers`. For a VAE the bottleneck values are the means mu
    (and the output is g(mu)).
    """
    params, mean, scale = _numpy_model(run, snapshot, "the network diagram")
    return forward_layers(params, run.config.activation, x, mean, scale)


def decode(run: Network, z: np.ndarray, snapshot: Weights | None = None) -> np.ndarray:
    """g(z) with numpy: latents ``(..., k)`` -> data points ``(..., n)``.

    Uses the weights of ``snapshot`` (default: the run's last one).
    """
    params, mean, scale = _numpy_model(run, snapshot)
    z = np.asarray(z, dtype=np.float64)
    k = run.config.latent_dim
    out = decoder_layers(params, run.config.activation, z.reshape(-1, k), mean, scale)[-1]
    return out.reshape(*z.shape[:-1], out.shape[-1])


def encode(
    run: Network, x: np.ndarray, snapshot: Weights | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The encoder with numpy: data ``(B, n)`` -> ``(mu, logvar)``, each ``(B, k)``.

    ``mu`` is f(x) (the latents); ``logvar`` is ``None`` for a plain autoencoder.
    """
    params, mean, scale = _numpy_model(run, snapshot)
    values = forward_layers(params, run.config.activation, x, mean, scale)
    n_hidden = len(run.config.hidden)
    mu = values[n_hidden + 1]
    head = logvar_weights(params)
    if head is None:
        return mu, None
    w, b = head
    return mu, values[n_hidden] @ w.T.astype(np.float64) + b.astype(np.float64)
