"""The trained network evaluated with numpy alone, from a snapshot's weights.

Scenes use it to show real activations without importing torch; the tests
check that it reproduces the trainer's reconstructions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["ACTIVATIONS_NP", "forward_layers", "layer_weights"]

ACTIVATIONS_NP: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "silu": lambda a: a / (1.0 + np.exp(-a)),
    "tanh": np.tanh,
    "softplus": lambda a: np.logaddexp(0.0, a),
    "gelu": lambda a: 0.5 * a * (1.0 + _erf(a / np.sqrt(2.0))),
    "relu": lambda a: np.maximum(a, 0.0),
}


def _erf(a: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return np.asarray(erf(a))


def layer_weights(params: Mapping[str, np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(W, b)`` of every linear layer from input to output (encoder, then decoder).

    ``W`` has shape ``(out, in)`` as in torch.
    """
    out = []
    for part in ("encoder", "decoder"):
        idx = sorted({int(k.split(".")[1]) for k in params if k.startswith(part + ".")})
        out += [
            (np.asarray(params[f"{part}.{i}.weight"]), np.asarray(params[f"{part}.{i}.bias"])) for i in idx
        ]
    return out


def forward_layers(
    params: Mapping[str, np.ndarray], activation: str, x: np.ndarray, mean: np.ndarray, scale: float
) -> list[np.ndarray]:
    """Values of every layer for inputs ``x`` ``(B, n)``: ``[x, h1, ..., z, ..., x̂]``.

    Hidden values are after the activation; z and x̂ are the linear outputs
    (x̂ mapped back to data units with ``mean`` and ``scale``, as the model does).
    """
    act = ACTIVATIONS_NP[activation]
    layers = layer_weights(params)
    n_enc = sum(1 for k in params if k.startswith("encoder.") and k.endswith(".weight"))
    values = [np.asarray(x, dtype=np.float64)]
    h = (values[0] - mean) / scale
    for i, (w, b) in enumerate(layers):
        h = h @ w.T.astype(np.float64) + b.astype(np.float64)
        last_of_part = i == n_enc - 1 or i == len(layers) - 1
        if not last_of_part:
            h = act(h)
        values.append(h * scale + mean if i == len(layers) - 1 else h)
    return values
