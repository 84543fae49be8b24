"""Text that changes over an animation without re-typesetting every frame."""

from __future__ import annotations

import numpy as np
from manim import LEFT, Text, VGroup

from scenes.style import text

__all__ = ["Readout"]


class Readout(VGroup):
    """A line of text aligned at ``anchor`` (by its ``edge``), set to one of many strings.

    Each distinct string is typeset once and kept, so an animation that
    steps through snapshots (a few dozen values) never re-typesets.
    """

    def __init__(
        self,
        value: str,
        anchor: np.ndarray,
        kind: str = "small",
        color: str | None = None,
        edge: np.ndarray = LEFT,
    ) -> None:
        super().__init__()
        self.anchor = np.asarray(anchor, dtype=np.float64)
        self.edge = edge
        self.kind, self.text_color = kind, color
        self._cache: dict[str, Text] = {}
        self.value = ""
        self.set_value(value)

    def set_value(self, value: str) -> Readout:
        """Show ``value`` in place of the current text."""
        if value == self.value:
            return self
        if value not in self._cache:
            t = text(value, self.kind, color=self.text_color, mono=True)
            self._cache[value] = t.move_to(self.anchor, aligned_edge=self.edge)
        # One child whose shape changes: swapping children mid-animation would
        # leave the old text in Manim's pre-rendered static background.
        # Its glyphs are replaced outright (``become`` would align them with the old text's,
        # keeping copies of surplus glyphs, so the pixels would depend on the values shown before).
        if self.submobjects:
            fresh = self._cache[value].copy()
            child = self.submobjects[0]
            child.points = fresh.points
            child.submobjects = fresh.submobjects
        else:
            self.add(self._cache[value].copy())
        self.value = value
        return self
