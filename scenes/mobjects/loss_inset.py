"""A small loss curve with a playhead, a step counter and the loss value."""

from __future__ import annotations

import numpy as np
from manim import RIGHT, Dot, Line, VGroup, VMobject

from scenes.i18n import _
from scenes.look.layout import Rect
from scenes.look.style import COLORS, text
from scenes.look.theme import Theme, themed
from scenes.mobjects.panels import panel_frame
from scenes.mobjects.readout import Readout

__all__ = ["LossInset"]


class LossInset(VGroup):
    """Loss against training step, both on log scales, with a moving playhead.

    The loss value sits beside the title when the inset is wide enough, else
    under it; the step counter then moves under the step axis.

    Parameters
    ----------
    rect
        Where the inset sits.
    steps, losses
        The recorded snapshots' steps and losses (same length).
    """

    pad = 0.12
    """Space between the frame and the texts inside it."""

    @themed
    def __init__(
        self, rect: Rect, steps: np.ndarray, losses: np.ndarray, theme: Theme | str | None = None
    ) -> None:
        super().__init__()
        self.rect = rect
        self.steps = np.asarray(steps, dtype=np.float64)
        self.losses = np.asarray(losses, dtype=np.float64)
        self.frame, self.title = panel_frame(rect, _("loss ‖x − x̂‖²"))
        total = int(self.steps[-1])
        value_size = text(f"{self.losses.max():.4f}", "small", mono=True)
        step_size = text(_("step {step}/{total}", step=str(total), total=str(total)), "small", mono=True)
        self.x0, self.x1 = rect.left + 0.08 * rect.width, rect.right - 0.06 * rect.width
        if self.title.width + 0.15 + value_size.width <= rect.width - 2 * self.pad:
            # Wide: the value beside the title, the step counter right-aligned under
            # the title's row, above the plot (the curve starts at the plot's top).
            step_y = self.title.get_bottom()[1] - 0.06 - step_size.height / 2
            self.y0 = rect.bottom + 0.12 * rect.height
            self.y1 = min(rect.top - 0.36 * rect.height, step_y - step_size.height / 2 - 0.1)
            value_anchor = self.title.get_right() + np.array([0.15, 0.0, 0.0])
            step_anchor = np.array([rect.right - self.pad, step_y, 0.0])
        else:
            # Narrow: the value under the title, the step counter under the step axis.
            value_y = self.title.get_bottom()[1] - 0.1 - value_size.height / 2
            step_y = rect.bottom + self.pad + step_size.height / 2
            self.y1 = value_y - value_size.height / 2 - 0.18
            self.y0 = step_y + step_size.height / 2 + 0.12
            value_anchor = np.array([self.title.get_left()[0], value_y, 0.0])
            step_anchor = np.array([rect.right - self.pad, step_y, 0.0])
        lx = np.log10(self.steps + 1.0)
        ly = np.log10(self.losses)
        self._lx = (lx.min(), max(lx.max(), lx.min() + 1e-9))
        self._ly = (ly.min(), max(ly.max(), ly.min() + 1e-9))
        self.axes = VGroup(
            Line((self.x0, self.y0, 0.0), (self.x1, self.y0, 0.0), color=COLORS["muted"], stroke_width=2),
            Line((self.x0, self.y0, 0.0), (self.x0, self.y1, 0.0), color=COLORS["muted"], stroke_width=2),
        )
        self.curve_points = self.point_at(self.steps, self.losses)
        self.curve = VMobject(stroke_color=COLORS["text"], stroke_width=3).set_points_as_corners(
            self.curve_points
        )
        self.playhead = Dot(
            self.point_at(self.steps[:1], self.losses[:1])[0], radius=0.07, color=COLORS["recon"]
        )
        self.loss_readout = Readout("", value_anchor)
        self.step_readout = Readout("", step_anchor, edge=RIGHT)
        self.add(
            self.frame, self.title, self.axes, self.curve, self.playhead, self.loss_readout, self.step_readout
        )
        self.set_position(0.0)

    def point_at(self, steps: np.ndarray, losses: np.ndarray) -> np.ndarray:
        """Scene points ``(N, 3)`` of (step, loss) pairs on the inset's log axes."""
        lx = (np.log10(np.asarray(steps, dtype=np.float64) + 1.0) - self._lx[0]) / (self._lx[1] - self._lx[0])
        ly = (np.log10(np.asarray(losses, dtype=np.float64)) - self._ly[0]) / (self._ly[1] - self._ly[0])
        out = np.zeros((len(lx), 3))
        out[:, 0] = self.x0 + lx * (self.x1 - self.x0)
        out[:, 1] = self.y0 + ly * (self.y1 - self.y0)
        return out

    def set_position(self, u: float) -> LossInset:
        """Put the playhead at fractional snapshot index ``u`` (0 .. S-1).

        The playhead moves along the plotted curve; the readout shows the step
        and loss of the latest snapshot reached.
        """
        u = float(np.clip(u, 0.0, len(self.steps) - 1))
        i = min(int(np.floor(u)), len(self.steps) - 2) if len(self.steps) > 1 else 0
        frac = u - i
        pts = self.curve_points
        if len(pts) > 1:
            self.playhead.move_to((1 - frac) * pts[i] + frac * pts[i + 1])
        j = int(np.floor(u + 1e-9))
        total = int(self.steps[-1])
        self.step_readout.set_value(
            _("step {step}/{total}", step=f"{int(self.steps[j]):>{len(str(total))}d}", total=str(total))
        )
        self.loss_readout.set_value(f"{self.losses[j]:.4f}")
        return self
