"""The network reduced to its idea: x -> f -> z -> g -> x̂, as a line or a loop.

The loop is laid out like the representation picture it turns into in
chapter 3 (:func:`scenes.look.layout.current_layout`): where that picture puts
the latent panel beside the data panel, x and x̂ sit on the left and z on the
right; where it stacks the latent panel above the data panel (portrait), z
sits on top and x, x̂ at the bottom, with f and g on the sides where that
picture draws its arrows. Outside landscape frames the loop takes as much of
the free part of the frame as it can.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    CurvedArrow,
    ReplacementTransform,
    VGroup,
    VMobject,
    config,
)

from scenes.animations.collapse import CollapseOnto
from scenes.look.layout import content_area, current_layout, is_landscape
from scenes.look.style import COLORS, text
from scenes.look.theme import Theme
from scenes.mobjects.network import ELIDED_HEAD
from scenes.pictures.implementation import ImplementationPicture

__all__ = ["RoundTrip"]


class RoundTrip(VGroup):
    """The input, bottleneck and output layers of a network joined by f and g.

    Parameters
    ----------
    imp
        The implementation picture whose layers are reused (copied).
    bent
        ``False``: x, z and x̂ in a row, joined by straight arrows (where the
        network has them if it flows left to right, else across the middle
        of the frame). ``True``: they sit on a loop, x̂ next to x, with ``≈``
        between them: the output is compared with the input itself.
    theme
        The theme it is drawn in (a :class:`~scenes.look.theme.Theme` or its
        name); default: ``imp``'s, so the round trip matches the network it
        reduces, whatever theme is in force around it.

    Attributes
    ----------
    x_node, z_node, xhat_node
        Copies of the input, bottleneck and output layers.
    f_arrow, g_arrow, f_label, g_label, x_label, z_label, xhat_label, approx
        The arrows and labels.
    """

    node_radius: float = 0.186
    """Radius of the neurons of the x, z and x̂ nodes (scene units)."""

    wide_radius: float = 0.09
    """Radius of the neurons of a node standing for an elided layer (its dots between them)."""

    fill: float = 0.9
    """Fraction of the free part of a portrait or square frame the loop may take, in each direction."""

    f_arrow: VMobject
    g_arrow: VMobject

    def __init__(self, imp: ImplementationPicture, bent: bool, theme: Theme | str | None = None) -> None:
        super().__init__()
        self.theme = Theme.of(imp.theme if theme is None else theme)
        with self.theme.in_force():
            self._build(imp, bent)

    def _build(self, imp: ImplementationPicture, bent: bool) -> None:
        """Copy ``imp``'s x, z and x̂ layers and lay them out with f, g and their labels."""
        net = imp.network
        self.x_node, self.z_node, self.xhat_node = (_layer(imp, k).copy() for k in (0, imp.bottleneck, -1))
        nodes = (
            (self.x_node, "data", 0),
            (self.z_node, "latent", imp.bottleneck),
            (self.xhat_node, "recon", -1),
        )
        for node, role, k in nodes:
            node.scale(self.node_radius / net.radius)
            if len(net.ellipses[k]):  # an elided layer: its neurons and dots closer together
                _compact(node, self.wide_radius)
            node.set_color(COLORS[role])  # x, z and x̂ in their own colours, not the activations'
        self.f_label = text("f", "label", color=COLORS["encoder"], slant="ITALIC")
        self.g_label = text("g", "label", color=COLORS["decoder"], slant="ITALIC")
        self.x_label = text("x", "title", color=COLORS["data"], slant="ITALIC")
        self.z_label = text("z", "title", color=COLORS["latent"], slant="ITALIC")
        self.xhat_label = text("x̂", "title", color=COLORS["recon"], slant="ITALIC")
        self.approx = text("≈", "title", color=COLORS["text"])
        fa, fb = current_layout().f_arrow()
        ga, _ = current_layout().g_arrow()
        upright = abs(fb[1] - fa[1]) > abs(fb[0] - fa[0])
        side = LEFT if fa[0] <= ga[0] else RIGHT
        if bent and is_landscape():
            h = config.frame_height
            self._loop(upright, side, np.array([0.0, 0.03 * h, 0.0]), 0.27 * h)
        elif bent:
            self._fit_loop(upright, side)
        else:
            self._line(across=imp.vertical)
        self.f_arrow.set_color(COLORS["encoder"]).set_stroke(width=5)
        self.g_arrow.set_color(COLORS["decoder"]).set_stroke(width=5)
        self.add(self.f_arrow, self.g_arrow, self.x_node, self.z_node, self.xhat_node)
        self.add(self.f_label, self.g_label, self.x_label, self.z_label, self.xhat_label)
        if bent:
            self.add(self.approx)

    def _line(self, across: bool) -> None:
        """x -> z -> x̂ left to right; ``across``: moved to a row across the middle, labels above."""
        if across:
            area = content_area()
            reach = area.width / 2 - max(self.x_node.width, self.xhat_node.width) / 2 - 0.3
            y = area.cy
            self.x_node.move_to(np.array([-reach, y, 0.0]))
            self.z_node.move_to(np.array([0.0, y, 0.0]))
            self.xhat_node.move_to(np.array([reach, y, 0.0]))
        self.f_arrow = Arrow(self.x_node.get_right(), self.z_node.get_left(), buff=0.2)
        self.g_arrow = Arrow(self.z_node.get_right(), self.xhat_node.get_left(), buff=0.2)
        if across:
            self.f_label.next_to(self.f_arrow, DOWN, buff=0.15)
            self.g_label.next_to(self.g_arrow, DOWN, buff=0.15)
            for label, node in (
                (self.x_label, self.x_node),
                (self.z_label, self.z_node),
                (self.xhat_label, self.xhat_node),
            ):
                label.next_to(node, UP, buff=0.25)
            return
        self.f_label.next_to(self.f_arrow.point_from_proportion(0.5), UP, buff=0.15)
        self.g_label.next_to(self.g_arrow.point_from_proportion(0.5), UP, buff=0.15)
        self.x_label.next_to(self.x_node, LEFT, buff=0.3)
        self.z_label.next_to(self.z_node, UP, buff=0.25)  # right of z it would sit on g
        self.xhat_label.next_to(self.xhat_node, RIGHT, buff=0.3)

    def _loop(self, upright: bool, side: np.ndarray, centre: np.ndarray, radius: float) -> None:
        """Put x, z and x̂ on a circle and draw f and g along it, bowing outwards.

        ``upright``: z on top, x and x̂ side by side at the bottom, f up the
        ``side`` (LEFT or RIGHT) of the loop. Otherwise z on the right, x
        lower left and x̂ upper left, f along the bottom.
        """
        if upright:
            s = float(side[0])  # -1: f on the left, and the loop runs clockwise
            angles = {"x": 270.0 + 25.0 * s, "z": 90.0, "xhat": 270.0 - 25.0 * s}
            f_out, g_out, turn = side, -side, 1.6 * s
            anchors = (side, side, -side, -side)
        else:
            angles = {"x": 205.0, "z": 0.0, "xhat": 155.0}
            f_out, g_out, turn = DOWN, UP, 1.6
            anchors = (DOWN, DOWN, UP, UP)
        for node, key in ((self.x_node, "x"), (self.z_node, "z"), (self.xhat_node, "xhat")):
            a = np.deg2rad(angles[key])
            node.move_to(centre + radius * np.array([np.cos(a), np.sin(a), 0.0]))
        self.f_arrow = CurvedArrow(
            self.x_node.get_edge_center(anchors[0]) + 0.1 * anchors[0],
            self.z_node.get_edge_center(anchors[1]) + 0.15 * anchors[1],
            angle=turn,
        )
        self.g_arrow = CurvedArrow(
            self.z_node.get_edge_center(anchors[2]) + 0.15 * anchors[2],
            self.xhat_node.get_edge_center(anchors[3]) + 0.1 * anchors[3],
            angle=turn,
        )
        self.f_label.next_to(self.f_arrow.point_from_proportion(0.5), f_out, buff=0.15)
        self.g_label.next_to(self.g_arrow.point_from_proportion(0.5), g_out, buff=0.15)
        if upright:  # below the nodes, clear of the arrows' ends
            self.x_label.next_to(self.x_node, DOWN, buff=0.2)
            self.z_label.next_to(self.z_node, UP, buff=0.25)
            self.xhat_label.next_to(self.xhat_node, DOWN, buff=0.2)
            self.xhat_label.align_to(self.x_label, DOWN)
        else:
            self.x_label.next_to(self.x_node, LEFT, buff=0.3)
            self.z_label.next_to(self.z_node, RIGHT, buff=0.3)
            self.xhat_label.next_to(self.xhat_node, LEFT, buff=0.3)
        self.approx.move_to((self.x_label.get_center() + self.xhat_label.get_center()) / 2)

    def _loop_parts(self) -> VGroup:
        return VGroup(
            self.f_arrow,
            self.g_arrow,
            self.x_node,
            self.z_node,
            self.xhat_node,
            self.f_label,
            self.g_label,
            self.x_label,
            self.z_label,
            self.xhat_label,
            self.approx,
        )

    def _fit_loop(self, upright: bool, side: np.ndarray) -> None:
        """The largest loop that fits :data:`fill` of the free part of the frame, centred in it.

        Its width and height grow linearly with the radius (the labels keep
        their size), so two trial radii give the one that fits.
        """
        area = content_area()
        extents = []
        for radius in (1.0, 2.0):
            self._loop(upright, side, np.zeros(3), radius)
            parts = self._loop_parts()
            extents.append((parts.width, parts.height))
        (w1, h1), (w2, h2) = extents
        radius = 1.0 + min(
            (self.fill * area.width - w1) / (w2 - w1), (self.fill * area.height - h1) / (h2 - h1)
        )
        self._loop(upright, side, np.zeros(3), radius)
        parts = self._loop_parts()
        parts.shift(area.center - parts.get_center())

    def collapse(self, imp: ImplementationPicture) -> tuple[list[Animation], VGroup]:
        """The network of ``imp`` collapsing onto this line: layers into x, z and x̂, halves into f and g.

        Returns the animations, to play together, and the network's collapsed
        halves (the encoder's and decoder's edges and hidden layers), which
        the scene removes once they have played: the line stands in for them.
        """
        net, bn = imp.network, imp.bottleneck
        encoder = VGroup(*net.edges[:bn], *net.layers[1:bn])
        decoder = VGroup(*net.edges[bn:], *net.layers[bn + 1 : -1])
        animations: list[Animation] = [
            CollapseOnto(encoder, self.f_arrow),
            CollapseOnto(decoder, self.g_arrow),
            ReplacementTransform(_layer(imp, 0), self.x_node),
            ReplacementTransform(_layer(imp, bn), self.z_node),
            ReplacementTransform(_layer(imp, -1), self.xhat_node),
        ]
        return animations, VGroup(encoder, decoder)

    def node_centres(self) -> dict[str, np.ndarray]:
        """Centres of the x, z and x̂ nodes."""
        return {
            "x": self.x_node.get_center(),
            "z": self.z_node.get_center(),
            "xhat": self.xhat_node.get_center(),
        }


def _layer(imp: ImplementationPicture, k: int) -> VMobject:
    """Layer ``k`` of ``imp``'s network as drawn: its neurons, with its dots if it is elided."""
    net = imp.network
    if len(net.ellipses[k]) == 0:
        return net.layers[k]
    return VGroup(net.layers[k], net.ellipses[k])


def _compact(node: VMobject, radius: float) -> None:
    """Lay out an elided layer's copy ``node`` (its neurons, then its dots) along its line, closer together.

    The neurons get ``radius`` and sit 2.6 radii apart; the dots take the
    place of one more neuron, where they were.
    """
    circles, dots = node.submobjects
    first, last = circles[0].get_center(), circles[-1].get_center()
    direction = (last - first) / max(float(np.linalg.norm(last - first)), 1e-9)
    centre, pitch = node.get_center(), 2.6 * radius
    n = len(circles) + 1
    ellipsis = ELIDED_HEAD
    places = [i for i in range(n) if i != ellipsis]
    for c, i in zip(circles, places, strict=True):
        c.scale(radius / (c.width / 2)).move_to(centre + (i - (n - 1) / 2) * pitch * direction)
    middle = centre + (ellipsis - (n - 1) / 2) * pitch * direction
    for t, d in zip((-1, 0, 1), dots, strict=True):
        d.scale(0.3 * radius / (d.width / 2)).move_to(middle + t * pitch / 3 * direction)
