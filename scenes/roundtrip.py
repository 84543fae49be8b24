"""The network reduced to its idea: x -> f -> z -> g -> x̂, as a line or a loop."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, CurvedArrow, VGroup, VMobject, config

from scenes.implementation import ImplementationPicture
from scenes.style import COLORS, text

__all__ = ["RoundTrip"]


class RoundTrip(VGroup):
    """The input, bottleneck and output layers of a network joined by f and g.

    Parameters
    ----------
    imp
        The implementation picture whose layers are reused (copied).
    bent
        ``False``: the layers stay where the network has them, joined by
        straight arrows. ``True``: they sit on a loop, x̂ next to x, with
        ``≈`` between them: the output is compared with the input itself.

    Attributes
    ----------
    x_node, z_node, xhat_node
        Copies of the input, bottleneck and output layers.
    f_arrow, g_arrow, f_label, g_label, x_label, z_label, xhat_label, approx
        The arrows and labels.
    """

    node_scale: float = 2.2

    def __init__(self, imp: ImplementationPicture, bent: bool) -> None:
        super().__init__()
        net = imp.network
        self.x_node = net.layers[0].copy()
        self.z_node = net.layers[imp.bottleneck].copy()
        self.xhat_node = net.layers[-1].copy()
        for node in (self.x_node, self.z_node, self.xhat_node):
            node.scale(self.node_scale)
        if bent:
            h = config.frame_height
            centre, radius = np.array([0.0, 0.03 * h, 0.0]), 0.27 * h
            at = {"x": 205.0, "z": 0.0, "xhat": 155.0}
            for node, key in ((self.x_node, "x"), (self.z_node, "z"), (self.xhat_node, "xhat")):
                a = np.deg2rad(at[key])
                node.move_to(centre + radius * np.array([np.cos(a), np.sin(a), 0.0]))
            self.f_arrow: VMobject = CurvedArrow(
                self.x_node.get_bottom() + 0.1 * DOWN, self.z_node.get_bottom() + 0.15 * DOWN, angle=1.6
            )
            self.g_arrow: VMobject = CurvedArrow(
                self.z_node.get_top() + 0.15 * UP, self.xhat_node.get_top() + 0.1 * UP, angle=1.6
            )
        else:
            self.f_arrow = Arrow(self.x_node.get_right(), self.z_node.get_left(), buff=0.2)
            self.g_arrow = Arrow(self.z_node.get_right(), self.xhat_node.get_left(), buff=0.2)
        self.f_arrow.set_color(COLORS["encoder"]).set_stroke(width=5)
        self.g_arrow.set_color(COLORS["decoder"]).set_stroke(width=5)
        self.f_label = text("f", "label", color=COLORS["encoder"], slant="ITALIC")
        self.g_label = text("g", "label", color=COLORS["decoder"], slant="ITALIC")
        f_mid = self.f_arrow.point_from_proportion(0.5)
        g_mid = self.g_arrow.point_from_proportion(0.5)
        self.f_label.next_to(f_mid, DOWN if bent else UP, buff=0.15)
        self.g_label.next_to(g_mid, UP, buff=0.15)
        self.x_label = text("x", "title", color=COLORS["data"], slant="ITALIC")
        self.z_label = text("z", "title", color=COLORS["latent"], slant="ITALIC")
        self.xhat_label = text("x̂", "title", color=COLORS["recon"], slant="ITALIC")
        self.x_label.next_to(self.x_node, LEFT, buff=0.3)
        self.z_label.next_to(self.z_node, RIGHT, buff=0.3)
        self.xhat_label.next_to(self.xhat_node, LEFT if bent else RIGHT, buff=0.3)
        self.approx = text("≈", "title", color=COLORS["text"])
        self.approx.move_to((self.x_label.get_center() + self.xhat_label.get_center()) / 2)
        self.add(self.f_arrow, self.g_arrow, self.x_node, self.z_node, self.xhat_node)
        self.add(self.f_label, self.g_label, self.x_label, self.z_label, self.xhat_label)
        if bent:
            self.add(self.approx)

    def node_centres(self) -> dict[str, np.ndarray]:
        """Centres of the x, z and x̂ nodes."""
        return {
            "x": self.x_node.get_center(),
            "z": self.z_node.get_center(),
            "xhat": self.xhat_node.get_center(),
        }
