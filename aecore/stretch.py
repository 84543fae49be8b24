"""How much the decoder g stretches the latent space: its exact Jacobian and area element.

A latent interval of length du (k = 1), or a latent cell of area du (k = 2),
is mapped by g onto a piece of M of length, or area, ``stretch(u) * du``:

    k = 1:  stretch(u) = |g'(u)|                 (speed of the curve M)
    k = 2:  stretch(u) = sqrt(det(J(u)^T J(u)))  (area element of the surface M)

with J(u) = dg/du the ``n x k`` Jacobian, in data units per latent unit. It is
the volume element of the pull-back metric ``J^T J`` of Arvanitidis, Hansen
and Hauberg, "Latent Space Oddity: on the Curvature of Deep Generative
Models" (ICLR 2018). J is computed exactly, layer by layer (forward-mode
differentiation of the MLP with each activation's analytic derivative), not
by differences on the grid: a bridge of M that g throws across a gap between
two grid nodes is caught at any latent point.

Numpy only: the decoder's weights come from a snapshot's ``params``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from aecore.forward import ACTIVATIONS_NP, decoder_weights

__all__ = ["ACTIVATION_SLOPES", "decoder_jacobian", "stretch_from_jacobian"]


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * a)))


def _gelu_slope(a: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return np.asarray(0.5 * (1.0 + erf(a / np.sqrt(2.0))) + a * np.exp(-0.5 * a * a) / np.sqrt(2.0 * np.pi))


ACTIVATION_SLOPES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "silu": lambda a: _sigmoid(a) * (1.0 + a * (1.0 - _sigmoid(a))),
    "tanh": lambda a: 1.0 - np.tanh(a) ** 2,
    "softplus": _sigmoid,
    "gelu": _gelu_slope,
    "relu": lambda a: (a > 0).astype(np.float64),
}
"""The derivative of each activation of :data:`aecore.forward.ACTIVATIONS_NP`."""


def decoder_jacobian(
    params: Mapping[str, np.ndarray], activation: str, z: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """g(z) and its exact Jacobian at latents ``z`` ``(B, k)``.

    Returns ``(x, J)``: ``x`` ``(B, n)`` in *standardised* units (multiply by
    ``scale`` and add the mean for data units, as :func:`aecore.forward.decode`
    does) and ``J`` ``(B, n, k)`` in data units per latent unit (already
    multiplied by ``scale``). Forward mode: each layer maps the value ``h``
    and its Jacobian ``dh/dz`` on, so the cost is about ``k + 1`` forward passes.
    """
    act, slope = ACTIVATIONS_NP[activation], ACTIVATION_SLOPES[activation]
    layers = decoder_weights(params)
    h = np.asarray(z, dtype=np.float64)
    b, k = h.shape
    # The tangents dh/dz_i as rows: (B, k, width), so each layer is one matrix product.
    tan = np.broadcast_to(np.eye(k), (b, k, k)).copy()
    for i, (w, bias) in enumerate(layers):
        w64 = np.asarray(w, dtype=np.float64)
        pre = h @ w64.T + np.asarray(bias, dtype=np.float64)
        tan = (tan.reshape(b * k, -1) @ w64.T).reshape(b, k, -1)
        if i < len(layers) - 1:
            tan *= slope(pre)[:, None, :]
            h = act(pre)
        else:
            h = pre
    return h, np.swapaxes(tan, 1, 2) * float(scale)


def stretch_from_jacobian(jac: np.ndarray) -> np.ndarray:
    """The length (k = 1) or area (k = 2) element ``sqrt(det(J^T J))`` of Jacobians ``(..., n, k)``."""
    j = np.asarray(jac, dtype=np.float64)
    gram = np.einsum("...nk,...nl->...kl", j, j)
    return np.sqrt(np.clip(np.linalg.det(gram), 0.0, None))
