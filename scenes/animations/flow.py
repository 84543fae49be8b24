"""One data point's values sweep through the network, layer by layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import Animation, linear

from scenes.mobjects.network import NetworkDiagram

__all__ = ["FlowThrough", "reveal_levels"]


def reveal_levels(alpha: float, n_layers: int, width: float = 1.0) -> np.ndarray:
    """How lit each layer is at ``alpha``: a front that passes layer k at ``alpha = k / (n - 1)``.

    Layers behind the front are fully lit (1), ahead of it dark (0), with a
    linear ramp ``width`` layers wide.
    """
    front = alpha * (n_layers - 1 + width)
    return np.clip(front - np.arange(n_layers), 0.0, width) / width


class FlowThrough(Animation):
    """Light the neurons of a :class:`NetworkDiagram` with ``values``, input first.

    Only the neurons change, so only they are the animation's mobject: the
    edges (hundreds of lines) stay in Manim's static background instead of
    being redrawn every frame.
    """

    def __init__(self, network: NetworkDiagram, values: Sequence[np.ndarray], **kwargs: Any) -> None:
        self.network = network
        self.values = [np.asarray(v, dtype=np.float64) for v in values]
        kwargs.setdefault("rate_func", linear)
        kwargs.setdefault("run_time", 3.0)
        super().__init__(network.layers, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        levels = reveal_levels(self.rate_func(alpha), len(self.network.layers))
        self.network.set_activations(self.values, levels)
