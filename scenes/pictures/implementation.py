"""The implementation picture built from a run: network, labels, one data point's values.

A landscape or square frame shows the network flowing left to right, the
encoder and decoder braced below it and the comparison of output with input
arching above. A portrait frame turns the network to flow top to bottom,
braces the two halves on the right and runs the comparison up the left side.
"""

from __future__ import annotations

import itertools

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, Brace, CurvedArrow, VGroup, config

from aecore import Run
from aecore.forward import forward, layer_weights
from scenes.i18n import _
from scenes.look.layout import Rect, content_area, is_landscape
from scenes.look.style import COLORS, text
from scenes.look.theme import Theme, themed
from scenes.mobjects.network import WIDE_LAYER, NetworkDiagram, shown_neurons, slots
from scenes.pictures.picture2d import focus_index

__all__ = ["ImplementationPicture"]

_BRACE_DEPTH = 0.28
"""How far a :class:`~manim.Brace` reaches out from what it braces (scene units)."""


def _fmt(v: float) -> str:
    return f"{v:+.2f}".replace("-", "−")


class ImplementationPicture(VGroup):
    """The network of ``run`` with its labels and one data point's real values.

    Parameters
    ----------
    run
        The trained run (its final weights colour the edges).
    rect
        Where the network sits (labels go around it). By default the layout
        of the whole frame: see the module's docstring.
    focus
        Index of the data point that flows through (default :func:`focus_index`).
    label_kind
        Text size of the labels (see :func:`scenes.look.style.text_size`).
    vertical
        Whether the network flows top to bottom; by default it does when
        ``rect`` is taller than wide.
    """

    compare_angle: float = 0.45
    """How far the comparison arrow above a left-to-right network bends (radians)."""

    theme: Theme

    @themed
    def __init__(
        self,
        run: Run,
        rect: Rect | None = None,
        focus: int | None = None,
        label_kind: str = "label",
        vertical: bool | None = None,
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        self.run = run
        self.focus = focus_index(run) if focus is None else focus
        sizes = run.layer_sizes
        self.bottleneck = sizes.index(min(sizes))
        x = run.data[self.focus : self.focus + 1]
        self.values = [v[0] for v in forward(run, x)]
        self.loss = float(np.sum((self.values[-1] - self.values[0]) ** 2))

        # Every text first: the frame's layout makes room for them.
        self.wide = sizes[0] > WIDE_LAYER  # vectors in R^D: the outer layers are drawn elided
        self.x_label = text(_("input x"), label_kind, color=COLORS["data"])
        self.xhat_label = text(_("output x̂"), label_kind, color=COLORS["recon"])
        shown_in, shown_out = shown_neurons(sizes[0]), shown_neurons(sizes[-1])
        self.f_text = text(_("encoder f"), label_kind, color=COLORS["encoder"])
        self.g_text = text(_("decoder g"), label_kind, color=COLORS["decoder"])
        self.z_label = text(_("latent z"), label_kind, color=COLORS["latent"])
        self.z_value = text(
            _fmt(float(self.values[self.bottleneck][0])), "small", color=COLORS["latent"], mono=True
        )
        self.x_values = VGroup(
            *(text(_fmt(v), "small", color=COLORS["data"], mono=True) for v in self.values[0][shown_in])
        )
        self.xhat_values = VGroup(
            *(text(_fmt(v), "small", color=COLORS["recon"], mono=True) for v in self.values[-1][shown_out])
        )
        names = run.feature_names
        self.x_names = VGroup(
            *(text(names[i], "small", color=COLORS["muted"]) for i in shown_in) if names else ()
        )
        """The names of the input features drawn, left of their values (vectors, left-to-right networks
        with room for them; empty otherwise)."""
        self.more = [
            text(_("{n} more", n=n - len(shown)), "small", color=COLORS["muted"])
            for n, shown in ((sizes[0], shown_in), (sizes[-1], shown_out))
            if n > WIDE_LAYER
        ]
        """How many neurons the dots of the outer layers stand for (elided layers only)."""
        self.compare_label = text(
            _("compare: {formula}", formula=f"‖x − x̂‖² = {self.loss:.4f}"), "label", color=COLORS["text"]
        )
        legend = _("edges: weights, blue +, pink −, width ∝ |w|")
        self.legend = text(legend, "small", color=COLORS["muted"])
        if rect is None:
            rect = self._frame_rect()
        self.vertical = rect.height > rect.width if vertical is None else vertical
        if self.vertical and self.wide:  # the count of features in the outer layers' labels
            self.x_label = text(_("input x: {n} features", n=sizes[0]), label_kind, color=COLORS["data"])
            self.xhat_label = text(
                _("output x̂: {n} features", n=sizes[-1]), label_kind, color=COLORS["recon"]
            )
        weights = [wb[0] for wb in layer_weights(run.final.params)]
        self.network = NetworkDiagram(sizes, weights, rect, vertical=self.vertical)
        if self.vertical:
            self._arrange_vertical()
        else:
            self._arrange_horizontal()
        self.add(self.network)

    def _frame_rect(self) -> Rect:
        """Where the network goes in the whole current frame (texts placed at the top)."""
        w, h = config.frame_width, config.frame_height
        if is_landscape():
            corner = content_area()
            self.legend.move_to(np.array([corner.left, corner.top, 0.0]), aligned_edge=UL)
            width = 0.56 * w
            if len(self.x_names):  # narrower, to make room for the features' names
                values = max(v.width for v in (*self.x_values, *self.xhat_values))
                room = max(n.width for n in self.x_names) + 0.12 + values + 0.15 + 0.2
                width = min(width, 2 * (corner.width / 2 - room))
                if width < 0.4 * w:  # names too long: the values alone
                    self.x_names, width = VGroup(), 0.56 * w
            return Rect(0.0, -0.05 * h, width, 0.38 * h)
        sizes = [slots(n) for n in self.run.layer_sizes]
        area = content_area()
        row = self.x_values.height + 0.15 if self.wide else 0.0  # an elided row's values sit in a row
        if h >= 1.2 * w:
            # Portrait: the legend on two lines, then the comparison, then the network downwards.
            self.legend = text(
                _("edges: weights\nblue +, pink −, width ∝ |w|"), "small", color=COLORS["muted"]
            )
            self.legend.move_to(np.array([area.left, area.top, 0.0]), aligned_edge=UL)
            self.compare_label.next_to(self.legend, DOWN, buff=0.2).set_x(0.0)
            arc_room = 0.7  # left of the widest layers, for the comparison arrow
            brace_room = 0.15 + _BRACE_DEPTH + 0.1 + max(self.f_text.width, self.g_text.width)
            spacing = (area.width - arc_room - brace_room) / (max(sizes) - 1 + 0.72)
            radius = NetworkDiagram.geometry(sizes, Rect(0, 0, spacing * (max(sizes) - 1), h), True)[1]
            top = self.compare_label.get_bottom()[1] - 0.2 - self.x_label.height - 0.3 - radius - row
            bottom = area.bottom + self.xhat_label.height + 0.3 + radius + row
            width = spacing * (max(sizes) - 1)
            cx = area.left + arc_room + radius + width / 2
            return Rect(cx, (top + bottom) / 2, width, top - bottom)
        # Square: the legend, the comparison above the network, the braces below it.
        self.legend.move_to(np.array([area.left, area.top, 0.0]), aligned_edge=UL)
        if self.legend.width > area.width:
            self.legend.move_to(np.array([0.0, area.top, 0.0]), aligned_edge=UP)
        self.compare_label.next_to(self.legend, DOWN, buff=0.15).set_x(0.0)
        values = max(v.width for v in (*self.x_values, *self.xhat_values, *self.more))
        width = area.width - 2 * (values + 0.15 + 0.1)
        sagitta = width / 2 * np.tan(self.compare_angle / 4)
        top = self.compare_label.get_bottom()[1] - 0.1 - sagitta - 0.05 - 0.25
        top -= self._label_row_height() + 0.12 - 0.05  # the row of layer names above the network
        bottom = area.bottom + self.f_text.height + 0.1 + _BRACE_DEPTH + 0.15
        spacing = (top - bottom) / (max(sizes) - 1 + 0.72)
        height = spacing * (max(sizes) - 1)
        return Rect(0.0, (top + bottom) / 2, width, height)

    def _label_row_height(self) -> float:
        """Height of the row of layer labels above a network whose columns are too close for them."""
        labels = (self.x_label, self.z_label, self.xhat_label)
        return max(m.get_top()[1] - m[0].get_bottom()[1] for m in labels)

    def _wedge_clearance(self, flow: int, half_size: float) -> float:
        """How far across the flow from the bottleneck's neuron a label ``2 * half_size`` wide clears it.

        The edges to the neighbouring layers leave a wedge free on each side
        of the neuron, across the direction the network flows (``flow``: 0
        left to right, 1 top to bottom); it widens with the distance from the
        neuron, and a label centred on the wedge fits where it is as wide as
        the label.
        """
        centre = self.network.positions[self.bottleneck][0, :2]
        near = [self.network.positions[k][:, :2] - centre for k in (self.bottleneck - 1, self.bottleneck + 1)]
        along = min(float(np.abs(p[:, flow]).min()) for p in near)
        across = max(float(np.abs(p[:, 1 - flow]).max()) for p in near)
        return half_size * across / max(along, 1e-9) + 0.06

    def _arrange_horizontal(self) -> None:
        """Labels around a network that flows left to right.

        The labels of the input, bottleneck and output layers go in a row
        above the network, where no edge runs; the bottleneck's value goes
        above its neuron, in the wedge its edges leave free.
        """
        net = self.network
        self.f_brace = Brace(
            VGroup(*net.layers[: self.bottleneck + 1]), DOWN, color=COLORS["encoder"], buff=0.15
        )
        self.f_text.next_to(self.f_brace, DOWN, buff=0.1)
        self.g_brace = Brace(VGroup(*net.layers[self.bottleneck :]), DOWN, color=COLORS["decoder"], buff=0.15)
        self.g_text.next_to(self.g_brace, DOWN, buff=0.1)
        overlap = self.f_text.get_right()[0] + 0.15 - self.g_text.get_left()[0]
        if overlap > 0:  # a narrow network (wide values beside it): the two names apart
            self.f_text.shift(overlap / 2 * LEFT)
            self.g_text.shift(overlap / 2 * RIGHT)
        for values, layer, side in (
            (self.x_values, net.layers[0], LEFT),
            (self.xhat_values, net.layers[-1], RIGHT),
        ):
            for v, n in zip(values, layer, strict=True):
                v.next_to(n, side, buff=0.15)
            if any(a.get_bottom()[1] < b.get_top()[1] for a, b in itertools.pairwise(values)):
                values.arrange(DOWN, buff=0.05, aligned_edge=-side).next_to(layer, side, buff=0.15)
        for values, k, side, more in zip(
            (self.x_values, self.xhat_values), (0, -1), (LEFT, RIGHT), self.more, strict=False
        ):  # how many the dots stand for, beside them
            values.add(more.next_to(net.ellipses[k], side, buff=0.15))
        if len(self.x_names):
            for name, v in zip(self.x_names, self.x_values, strict=False):
                name.next_to(v, LEFT, buff=0.12)
            if self.x_names.get_left()[0] < content_area().left:  # no room: the values alone
                self.x_names = VGroup()
        z = net.layers[self.bottleneck]
        # z's value sits above its neuron in the wedge the edges leave free there.
        zx, zy = net.positions[self.bottleneck][0, :2]
        clear = self._wedge_clearance(flow=0, half_size=self.z_value.width / 2)
        self.z_value.move_to(np.array([zx, zy + clear, 0.0]), aligned_edge=DOWN)
        # The layers' names in a row above the network, where no edge runs.
        baseline = net.get_top()[1] + 0.12
        if self.wide:  # the outer layers' top values reach as high as the network: the row clears them too
            baseline = max(baseline, self.x_values.get_top()[1] + 0.08, self.xhat_values.get_top()[1] + 0.08)
        for label, layer in zip(
            (self.x_label, self.z_label, self.xhat_label), (net.layers[0], z, net.layers[-1]), strict=True
        ):
            label.set_x(layer.get_x()).shift((baseline - label[0].get_bottom()[1]) * UP)
        top = max(net.get_top()[1] + 0.25, self.z_label.get_top()[1] + 0.2)
        start = np.array([self.xhat_label.get_x(), max(top, self.xhat_label.get_top()[1] + 0.2), 0.0])
        end = np.array([self.x_label.get_x(), max(top, self.x_label.get_top()[1] + 0.2), 0.0])
        self.compare = CurvedArrow(start, end, angle=self.compare_angle, color=COLORS["text"], stroke_width=3)
        self.compare_label.next_to(self.compare, UP, buff=0.1)

    def _arrange_vertical(self) -> None:
        """Labels around a network that flows top to bottom.

        The values of the first half of an outer layer's neurons go left of
        it, the rest right (for data in R^2: one value on each side).
        """
        net = self.network
        self.x_label.next_to(net.layers[0], UP, buff=0.3)
        self.xhat_label.next_to(net.layers[-1], DOWN, buff=0.3)
        enc, dec = VGroup(*net.layers[: self.bottleneck + 1]), VGroup(*net.layers[self.bottleneck :])
        self.f_brace = Brace(enc, RIGHT, color=COLORS["encoder"], buff=0.15)
        self.f_text.next_to(self.f_brace, RIGHT, buff=0.1)
        self.g_brace = Brace(dec, RIGHT, color=COLORS["decoder"], buff=0.15)
        self.g_text.next_to(self.g_brace, RIGHT, buff=0.1)
        self.x_names = VGroup()  # no room beside a row of neurons
        if self.wide:  # the values of an elided row in a row of their own, between it and its label
            self.x_values.arrange(RIGHT, buff=0.15).next_to(net.layers[0], UP, buff=0.15)
            self.xhat_values.arrange(RIGHT, buff=0.15).next_to(net.layers[-1], DOWN, buff=0.15)
            for values, label, side in (
                (self.x_values, self.x_label, UP),
                (self.xhat_values, self.xhat_label, DOWN),
            ):
                # Wider than the network: from its left edge, clear of the comparison arrow.
                values.shift(max(0.0, net.get_left()[0] - values.get_left()[0]) * RIGHT)
                label.next_to(values, side, buff=0.15).set_x(net.layers[0].get_x())
        for values, layer in ((self.x_values, net.layers[0]), (self.xhat_values, net.layers[-1])):
            for i, (v, n) in enumerate(zip(values, layer, strict=True)):
                if self.wide:
                    break
                v.next_to(n, LEFT if 2 * i < len(layer) - 1 else RIGHT, buff=0.15)
        # Beside the bottleneck's neuron, in the wedge its edges leave free.
        zx, zy = net.positions[self.bottleneck][0, :2]
        for label, side in ((self.z_value, RIGHT), (self.z_label, LEFT)):
            clear = self._wedge_clearance(flow=1, half_size=label.height / 2)
            label.move_to(np.array([zx, zy, 0.0]) + side * clear, aligned_edge=-side)
        # Up the left side, from the output's label to the input's, bowing out to the free margin.
        # Each end left of its label and of the values beside it (a short label, e.g. Japanese, would
        # put the arrow through the values).
        start, end = (
            np.array([min(label.get_left()[0], values.get_left()[0]) - 0.15, label.get_left()[1], 0.0])
            for label, values in ((self.xhat_label, self.xhat_values), (self.x_label, self.x_values))
        )
        chord = float(np.linalg.norm(end - start))
        outer = net.get_left()[0] - 0.6
        bulge = (start[0] + end[0]) / 2 - outer
        angle = -4 * np.arctan(2 * bulge / chord)
        self.compare = CurvedArrow(start, end, angle=angle, color=COLORS["text"], stroke_width=3)

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
            self.x_names,
            self.x_values,
            self.z_value,
            self.xhat_values,
            self.compare,
            self.compare_label,
        )
