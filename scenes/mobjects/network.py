"""The implementation picture: a layered network drawn from real weights."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from manim import Circle, Line, VGroup

from scenes.look.layout import Rect
from scenes.look.style import COLORS
from scenes.look.theme import Theme, themed

__all__ = ["NetworkDiagram", "edge_style"]


def edge_style(
    weights: np.ndarray, reference: float, max_width: float = 4.0
) -> tuple[np.ndarray, np.ndarray]:
    """Stroke width and opacity of edges, both non-decreasing in ``|weight|``.

    ``strength = min(1, |w| / reference)``; width is ``0.3 + (max_width - 0.3)
    * strength`` and opacity ``0.12 + 0.88 * strength``.
    """
    s = np.minimum(1.0, np.abs(np.asarray(weights, dtype=np.float64)) / reference)
    return 0.3 + (max_width - 0.3) * s, 0.12 + 0.88 * s


class NetworkDiagram(VGroup):
    """Neurons in columns (or rows) and one edge per weight, coloured by the weight's sign.

    Parameters
    ----------
    layer_sizes
        Neurons per layer from input to output.
    weights
        One ``(out, in)`` matrix per pair of consecutive layers.
    rect
        Where the diagram sits: the centres of the first and last layers lie on
        its edges, and the widest layer spans it across.
    vertical
        ``False``: layers are columns, input on the left. ``True``: layers are
        rows, input at the top (for tall frames).
    positive_color, negative_color
        Colours of positive and negative weights and activations (default: the
        current theme's ``positive`` and ``negative``).
    neuron_color
        Outline of the neurons (default: the theme's text colour; they are
        filled with its background).

    Attributes
    ----------
    layers
        One :class:`~manim.VGroup` of neurons (circles) per layer; neuron 0 is
        the top one of a column, the left one of a row.
    edges
        One :class:`~manim.VGroup` of lines per weight matrix; line ``j * in + i``
        joins neuron i of the earlier layer to neuron j of the later one.
    """

    @themed
    def __init__(
        self,
        layer_sizes: Sequence[int],
        weights: Sequence[np.ndarray],
        rect: Rect,
        vertical: bool = False,
        positive_color: str | None = None,
        negative_color: str | None = None,
        neuron_color: str | None = None,
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        self.signs = (positive_color or COLORS["positive"], negative_color or COLORS["negative"])
        sizes = list(layer_sizes)
        if [w.shape for w in weights] != [(b, a) for a, b in itertools.pairwise(sizes)]:
            raise ValueError("weight shapes do not match the layer sizes")
        self.layer_sizes = sizes
        self.weights = [np.asarray(w, dtype=np.float64) for w in weights]
        self.vertical = vertical
        spacing, radius = self.geometry(sizes, rect, vertical)
        self.radius = radius
        n_layers = len(sizes)
        if vertical:
            depths, centre = np.linspace(rect.top, rect.bottom, n_layers), rect.cx
        else:
            depths, centre = np.linspace(rect.left, rect.right, n_layers), rect.cy
        self.positions: list[np.ndarray] = []
        self.layers = VGroup()
        for d, n in zip(depths, sizes, strict=True):
            offsets = spacing * (np.arange(n) - (n - 1) / 2)
            if vertical:
                pos = np.stack([centre + offsets, np.full(n, d), np.zeros(n)], axis=1)
            else:
                pos = np.stack([np.full(n, d), centre - offsets, np.zeros(n)], axis=1)
            self.positions.append(pos)
            col = VGroup(
                *(
                    Circle(radius=radius, stroke_color=neuron_color or COLORS["text"], stroke_width=2)
                    .set_fill(COLORS["background"], opacity=1.0)
                    .move_to(p)
                    for p in pos
                )
            )
            self.layers.add(col)
        reference = float(np.quantile(np.abs(np.concatenate([w.ravel() for w in self.weights])), 0.95))
        self.edges = VGroup()
        for k, w in enumerate(self.weights):
            widths, opacities = edge_style(w, reference)
            group = VGroup()
            src, dst = self.positions[k], self.positions[k + 1]
            for j in range(w.shape[0]):
                for i in range(w.shape[1]):
                    color = self.signs[0] if w[j, i] >= 0 else self.signs[1]
                    group.add(
                        Line(
                            src[i],
                            dst[j],
                            buff=radius,
                            stroke_color=color,
                            stroke_width=widths[j, i],
                            stroke_opacity=opacities[j, i],
                        )
                    )
            self.edges.add(group)
        self.add(self.edges, self.layers)

    @staticmethod
    def geometry(layer_sizes: Sequence[int], rect: Rect, vertical: bool = False) -> tuple[float, float]:
        """Distance between neighbouring neurons of a layer, and the neurons' radius.

        The widest layer spans ``rect`` across the flow (at most 0.9 apart);
        the radius is at most 0.14, and small enough to leave gaps between
        neighbours and between layers.
        """
        sizes = list(layer_sizes)
        across, along = (rect.width, rect.height) if vertical else (rect.height, rect.width)
        spacing = min(across / max(max(sizes) - 1, 1), 0.9)
        gap = along / max(len(sizes) - 1, 1)
        return spacing, min(0.14, 0.36 * spacing, 0.25 * gap)

    def set_activations(
        self, values: Sequence[np.ndarray], reveal: float | Sequence[float] | np.ndarray = 1.0
    ) -> NetworkDiagram:
        """Light each neuron by its value: fill opacity ``|v| / max |v|`` of its layer.

        ``reveal`` scales the lighting per layer (0: dark, 1: fully lit), so a
        signal can sweep through the network.
        """
        levels = np.broadcast_to(np.asarray(reveal, dtype=np.float64), (len(self.layers),))
        for col, v, level in zip(self.layers, values, levels, strict=True):
            v = np.asarray(v, dtype=np.float64).ravel()
            strength = np.abs(v) / max(float(np.abs(v).max()), 1e-12)
            for neuron, a, s in zip(col, v, strength, strict=True):
                color = self.signs[0] if a >= 0 else self.signs[1]
                neuron.set_fill(color, opacity=float(level * (0.15 + 0.85 * s)))
        return self

    def edge_widths(self, k: int) -> np.ndarray:
        """Stroke widths of the edges of weight matrix ``k``, shaped like it."""
        return np.array([e.stroke_width for e in self.edges[k]]).reshape(self.weights[k].shape)
