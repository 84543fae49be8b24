"""A small MLP autoencoder with separately callable encoder f and decoder g."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from aecore.errors import AecoreError

__all__ = ["ACTIVATIONS", "Autoencoder", "mlp"]

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
    "softplus": nn.Softplus,
    "gelu": nn.GELU,
    "relu": nn.ReLU,
}
"""Activation names; all but ``relu`` are smooth, so M is a smooth curve or surface."""


def mlp(sizes: Sequence[int], activation: str) -> nn.Sequential:
    """Linear layers of ``sizes`` with ``activation`` between them (none after the last)."""
    if activation not in ACTIVATIONS:
        raise AecoreError(f"--activation: unknown {activation!r}; use one of {', '.join(ACTIVATIONS)}")
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """x -> f(x) = z in R^k -> g(z) = x̂ in R^n.

    The network sees standardised data ``u = (x - mean) / scale`` in float32;
    the standardisation and its inverse ``x = mean + scale * u`` are done in
    float64 with the fixed buffers ``mean`` and ``scale``, so data far from the
    origin (e.g. 1e8 + N(0, 1)) keeps its precision, and the same network
    sizes work for data of any scale. :meth:`f` and :meth:`g` act on data
    coordinates (``g`` returns float64); :meth:`encode_std` and
    :meth:`decode_std` act on standardised coordinates (what training uses).

    For ``variant="vae"`` the encoder's last layer has 2k outputs: the first k
    are the mean mu of q(z|x), the last k its log-variance. ``f`` returns mu
    (the deterministic code that the pictures show); :meth:`encode` returns
    both halves.

    Parameters
    ----------
    n
        Data dimension.
    k
        Latent dimension (``k < n``).
    hidden
        Hidden layer sizes of the encoder; the decoder mirrors them.
    activation
        Name from :data:`ACTIVATIONS`.
    mean, scale
        Standardisation of the data: ``(x - mean) / scale`` (stored as float64).
    variant
        ``"ae"`` or ``"vae"``.
    """

    mean: torch.Tensor
    scale: torch.Tensor

    def __init__(
        self,
        n: int,
        k: int,
        hidden: Sequence[int],
        activation: str,
        mean: torch.Tensor | np.ndarray,
        scale: torch.Tensor | np.ndarray | float,
        variant: str = "ae",
    ) -> None:
        super().__init__()
        if variant not in ("ae", "vae"):
            raise AecoreError(f"--variant: unknown {variant!r}; use one of ae, vae")
        self.n, self.k, self.variant = n, k, variant
        self.encoder = mlp([n, *hidden, 2 * k if variant == "vae" else k], activation)
        self.decoder = mlp([k, *reversed(hidden), n], activation)
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float64).reshape(1, n).clone())
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float64).reshape(1, 1).clone())

    def standardize(self, x: torch.Tensor) -> torch.Tensor:
        """Data ``(B, n)`` -> the network's float32 input ``(x - mean) / scale`` (computed in float64)."""
        return ((x.double() - self.mean) / self.scale).float()

    def unstandardize(self, u: torch.Tensor) -> torch.Tensor:
        """The network's output ``(B, n)`` -> float64 data units ``mean + scale * u``."""
        return u.double() * self.scale + self.mean

    def encode_std(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Encoder outputs for standardised data ``(B, n)``: ``(mu, logvar)``, each ``(B, k)``.

        ``logvar`` is ``None`` for a plain autoencoder (``mu`` is then z).
        """
        h = self.encoder(u)
        if self.variant == "vae":
            return h[:, : self.k], h[:, self.k :]
        return h, None

    def decode_std(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder in standardised units: latents ``(B, k)`` -> float32 ``(B, n)``."""
        return self.decoder(z)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Encoder outputs for data ``(B, n)``: ``(mu, logvar)``, each ``(B, k)``.

        ``logvar`` is ``None`` for a plain autoencoder (``mu`` is then z).
        """
        return self.encode_std(self.standardize(x))

    def f(self, x: torch.Tensor) -> torch.Tensor:
        """Encoder: data ``(B, n)`` -> latents ``(B, k)`` (the mean mu for a VAE)."""
        return self.encode(x)[0]

    def g(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder: latents ``(B, k)`` -> data space ``(B, n)``, float64."""
        return self.unstandardize(self.decoder(z))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction g(f(x)) in float64 data units."""
        return self.g(self.f(x))

    def layer_sizes(self) -> list[int]:
        """Neuron counts from input to output: ``[n, *hidden, k, *hidden, n]``.

        The bottleneck counts k neurons for both variants: for a VAE these are
        the means mu that g decodes (the log-variance half is not a layer the
        data flows through).
        """
        enc = [m for m in self.encoder if isinstance(m, nn.Linear)]
        dec = [m for m in self.decoder if isinstance(m, nn.Linear)]
        return (
            [enc[0].in_features]
            + [m.out_features for m in enc[:-1]]
            + [self.k]
            + [m.out_features for m in dec]
        )
