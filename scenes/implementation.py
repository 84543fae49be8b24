"""The implementation picture built from a run: network, labels, one data point's values."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Brace, CurvedArrow, VGroup, config

from aecore import Run
from aecore.forward import layer_weights
from scenes.layout import Rect
from scenes.mobjects.network import NetworkDiagram
from scenes.picture2d import focus_index
from scenes.style import COLORS, text

__all__ = ["ImplementationPicture"]


def _fmt(v: float) -> str:
    return f"{v:+.2f}".replace("-", "−")


class ImplementationPicture(VGroup):
    """The network of ``run`` with its labels and one data point's real values.

    Parameters
    ----------
    run
        The trained run (its final weights colour the edges).
    rect
        Where the network sits (labels go around it).
    focus
        Index of the data point that flows through (default :func:`focus_index`).
    label_kind
        Text size of the labels (see :func:`scenes.style.text_size`).
    """

    def __init__(
        self, run: Run, rect: Rect | None = None, focus: int | None = None, label_kind: str = "label"
    ) -> None:
        super().__init__()
        w, h = config.frame_width, config.frame_height
        rect = rect or Rect(0.0, -0.03 * h, 0.56 * w, 0.44 * h)
        self.run = run
        self.focus = focus_index(run) if focus is None else focus
        sizes = run.layer_sizes
        self.network = NetworkDiagram(sizes, [wb[0] for wb in layer_weights(run.final.params)], rect)
        net = self.network
        self.bottleneck = sizes.index(min(sizes))
        x = run.data[self.focus : self.focus + 1]
        self.values = [v[0] for v in run.forward(x)]
        self.loss = float(np.sum((self.values[-1] - self.values[0]) ** 2))

        # Layer labels.
        self.x_label = text("input x", label_kind, color=COLORS["data"]).next_to(net.layers[0], UP, buff=0.3)
        self.xhat_label = text("output x̂", label_kind, color=COLORS["recon"]).next_to(
            net.layers[-1], UP, buff=0.3
        )
        for label in (self.x_label, self.xhat_label):
            label.add_background_rectangle(color=COLORS["background"], opacity=0.85, buff=0.05)
        enc = VGroup(*net.layers[: self.bottleneck + 1])
        dec = VGroup(*net.layers[self.bottleneck :])
        self.f_brace = Brace(enc, DOWN, color=COLORS["encoder"], buff=0.15)
        self.f_text = text("encoder f", label_kind, color=COLORS["encoder"]).next_to(
            self.f_brace, DOWN, buff=0.1
        )
        self.g_brace = Brace(dec, DOWN, color=COLORS["decoder"], buff=0.15)
        self.g_text = text("decoder g", label_kind, color=COLORS["decoder"]).next_to(
            self.g_brace, DOWN, buff=0.1
        )

        # The data point's numbers.
        self.x_values = VGroup(
            *(
                text(_fmt(v), "small", color=COLORS["data"], mono=True).next_to(n, LEFT, buff=0.15)
                for v, n in zip(self.values[0], net.layers[0], strict=True)
            )
        )
        self.xhat_values = VGroup(
            *(
                text(_fmt(v), "small", color=COLORS["recon"], mono=True).next_to(n, RIGHT, buff=0.15)
                for v, n in zip(self.values[-1], net.layers[-1], strict=True)
            )
        )
        self.z_value = text(
            _fmt(float(self.values[self.bottleneck][0])), "small", color=COLORS["latent"], mono=True
        )
        self.z_value.next_to(net.layers[self.bottleneck], UP, buff=0.12)
        self.z_value.add_background_rectangle(color=COLORS["background"], opacity=0.85, buff=0.05)
        self.z_label = text("latent z", label_kind, color=COLORS["latent"]).next_to(
            self.z_value, UP, buff=0.08
        )
        self.z_label.add_background_rectangle(color=COLORS["background"], opacity=0.85, buff=0.05)

        # Output compared with input.
        top = net.get_top()[1] + 0.25
        start = np.array([self.xhat_label.get_x(), max(top, self.xhat_label.get_top()[1] + 0.15), 0.0])
        end = np.array([self.x_label.get_x(), max(top, self.x_label.get_top()[1] + 0.15), 0.0])
        self.compare = CurvedArrow(start, end, angle=0.45, color=COLORS["text"], stroke_width=3)
        self.compare_label = text(f"compare: ‖x − x̂‖² = {self.loss:.4f}", "label", color=COLORS["text"])
        self.compare_label.next_to(self.compare, UP, buff=0.1)
        self.legend = text("edges: weights, blue +, purple −, width ∝ |w|", "small", color=COLORS["muted"])
        self.legend.to_corner(UP + LEFT, buff=0.3)
        self.add(self.network)

    def annotations(self) -> VGroup:
        """Every label, value and arrow drawn around the network."""
        return VGroup(
            self.legend,
            self.x_label,
            self.xhat_label,
            self.f_brace,
            self.f_text,
            self.z_label,
            self.g_brace,
            self.g_text,
            self.x_values,
            self.z_value,
            self.xhat_values,
            self.compare,
            self.compare_label,
        )
