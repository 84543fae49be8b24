"""The implementation picture: a layered network drawn from real weights."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from manim import Circle, Dot, Line, VGroup

from scenes.look.layout import Rect
from scenes.look.style import COLORS
from scenes.look.theme import Theme, themed

__all__ = [
    "ELIDED_HEAD",
    "ELIDED_TAIL",
    "WIDE_LAYER",
    "NetworkDiagram",
    "edge_style",
    "shown_neurons",
    "slots",
]

WIDE_LAYER = 16
"""Layers with more neurons than this (a vector run's input and output, say) are drawn elided:
their first :data:`ELIDED_HEAD` neurons, a row of three dots, their last :data:`ELIDED_TAIL`."""

ELIDED_HEAD = 3
"""Neurons drawn before the dots of an elided layer."""

ELIDED_TAIL = 2
"""Neurons drawn after the dots of an elided layer."""


def shown_neurons(n: int) -> np.ndarray:
    """Indices of the neurons drawn of a layer of ``n``: all of them, or the ends of a wide layer."""
    if n <= WIDE_LAYER:
        return np.arange(n)
    return np.r_[np.arange(ELIDED_HEAD), np.arange(n - ELIDED_TAIL, n)]


def slots(n: int) -> int:
    """Places a layer of ``n`` neurons takes along its column: ``n``, or the ends and the dots."""
    return n if n <= WIDE_LAYER else ELIDED_HEAD + 1 + ELIDED_TAIL


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
        One :class:`~manim.VGroup` of the neurons drawn (circles) per layer;
        neuron 0 is the top one of a column, the left one of a row. A layer
        wider than :data:`WIDE_LAYER` draws only :func:`shown_neurons`.
    shown
        Per layer, the indices of the neurons drawn (:func:`shown_neurons`).
    ellipses
        Per layer, the three dots standing for the neurons not drawn (empty
        for a layer drawn whole).
    edges
        One :class:`~manim.VGroup` of lines per weight matrix, between the
        neurons drawn; line ``a * len(shown[k]) + b`` joins drawn neuron
        ``b`` of layer ``k`` to drawn neuron ``a`` of layer ``k + 1``.
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
        self.shown = [shown_neurons(n) for n in sizes]
        self.ellipses = VGroup()
        n_layers = len(sizes)
        if vertical:
            depths, centre = np.linspace(rect.top, rect.bottom, n_layers), rect.cx
        else:
            depths, centre = np.linspace(rect.left, rect.right, n_layers), rect.cy
        self.positions: list[np.ndarray] = []
        self.layers = VGroup()
        widest = max(slots(n) for n in sizes)
        for d, size in zip(depths, sizes, strict=True):
            n = slots(size)
            offsets = spacing * (np.arange(n) - (n - 1) / 2)
            if n != size:  # an elided layer spreads over the widest one's span
                offsets *= (widest - 1) / (n - 1)
            if vertical:
                pos = np.stack([centre + offsets, np.full(n, d), np.zeros(n)], axis=1)
            else:
                pos = np.stack([np.full(n, d), centre - offsets, np.zeros(n)], axis=1)
            dots = VGroup()
            if n != size:  # the dots in the slot after the head, the rest of the layer's neurons
                gap = pos[ELIDED_HEAD + 1] - pos[ELIDED_HEAD]
                dots.add(
                    *(
                        Dot(pos[ELIDED_HEAD] + t * gap / 3, radius=0.3 * radius, color=COLORS["muted"])
                        for t in (-1, 0, 1)
                    )
                )
                pos = np.delete(pos, ELIDED_HEAD, axis=0)
            self.ellipses.add(dots)
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
            for a, j in enumerate(self.shown[k + 1]):
                for b, i in enumerate(self.shown[k]):
                    color = self.signs[0] if w[j, i] >= 0 else self.signs[1]
                    group.add(
                        Line(
                            src[b],
                            dst[a],
                            buff=radius,
                            stroke_color=color,
                            stroke_width=widths[j, i],
                            stroke_opacity=opacities[j, i],
                        )
                    )
            self.edges.add(group)
        self.add(self.edges, self.layers)
        if any(len(dots) for dots in self.ellipses):
            self.add(self.ellipses)

    @staticmethod
    def geometry(layer_sizes: Sequence[int], rect: Rect, vertical: bool = False) -> tuple[float, float]:
        """Distance between neighbouring neurons of a layer, and the neurons' radius.

        The widest layer spans ``rect`` across the flow (at most 0.9 apart);
        the radius is at most 0.14, and small enough to leave gaps between
        neighbours and between layers. A layer wider than :data:`WIDE_LAYER`
        counts as the :func:`slots` it takes.
        """
        sizes = [slots(n) for n in layer_sizes]
        across, along = (rect.width, rect.height) if vertical else (rect.height, rect.width)
        spacing = min(across / max(max(sizes) - 1, 1), 0.9)
        gap = along / max(len(sizes) - 1, 1)
        return spacing, min(0.14, 0.36 * spacing, 0.25 * gap)

    def set_activations(
        self, values: Sequence[np.ndarray], reveal: float | Sequence[float] | np.ndarray = 1.0
    ) -> NetworkDiagram:
        """Light each neuron by its value: fill opacity ``|v| / max |v|`` of its layer.

        ``reveal`` scales the lighting per layer (0: dark, 1: fully lit), so a
        signal can sweep through the network. ``values`` holds every neuron's
        value; an elided layer lights the neurons drawn, against its largest.
        """
        levels = np.broadcast_to(np.asarray(reveal, dtype=np.float64), (len(self.layers),))
        for col, full, shown, level in zip(self.layers, values, self.shown, levels, strict=True):
            full = np.asarray(full, dtype=np.float64).ravel()
            v = full[shown]
            strength = np.abs(v) / max(float(np.abs(full).max()), 1e-12)
            for neuron, a, s in zip(col, v, strength, strict=True):
                color = self.signs[0] if a >= 0 else self.signs[1]
                neuron.set_fill(color, opacity=float(level * (0.15 + 0.85 * s)))
        return self

    def edge_widths(self, k: int) -> np.ndarray:
        """Stroke widths of the edges of weight matrix ``k``, shaped like its rows and columns drawn."""
        shape = (len(self.shown[k + 1]), len(self.shown[k]))
        return np.array([e.stroke_width for e in self.edges[k]]).reshape(shape)
