"""Text that changes over an animation without re-typesetting every frame."""

from __future__ import annotations

import numpy as np
from manim import LEFT, Text, VGroup, VMobject

from scenes.look.style import text

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
        # One child, one set of points: its glyphs are flattened into the child itself, and only
        # its points change. Swapping children mid-animation would leave the old text in Manim's
        # pre-rendered static background; swapping the child's glyph submobjects would leave the old
        # glyphs in the animation's list of moving mobjects (drawn with the new ones); ``become``
        # would keep copies of surplus glyphs, so the pixels would depend on the values shown before.
        fresh = self._cache[value]
        glyphs = [g for g in fresh.family_members_with_points() if isinstance(g, VMobject)]
        if not self.submobjects:
            self.add(fresh.copy())
        child = self.submobjects[0]
        child.submobjects = []
        child.points = np.concatenate([g.points for g in glyphs]) if glyphs else np.zeros((0, 3))
        if glyphs:
            child.match_style(glyphs[0])
        self.value = value
        return self
