"""Parse each SVG path string once per process.

Typesetting a :class:`~manim.Text` parses the SVG Pango writes for it, and
every text repeats its glyphs' outlines as path strings: most of the time it
takes to build a text, and so most of a chapter's dry run, goes into parsing
the same few thousand glyph outlines again and again.

:func:`parse_svg_paths_once` makes ``svgelements.Path.parse`` remember the
segments of a path string parsed into an empty path, and give every later
parse of that string fresh copies of them (copying a segment makes new
points), so nothing parsed is shared between mobjects or changed by another.
A path that already has segments, or a path definition that is not a plain
string, is parsed as before. Key-frame layouts of every chapter, in two
aspects and both themes, are byte-identical with and without it.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["parse_svg_paths_once"]

_installed = False


def parse_svg_paths_once() -> None:
    """Make ``svgelements.Path.parse`` parse each path string once per process (idempotent)."""
    global _installed
    if _installed:
        return
    import svgelements

    parse = svgelements.Path.parse
    parsed: dict[str, list[Any]] = {}

    def memoized(self: Any, pathdef: Any) -> None:
        if self._segments or not isinstance(pathdef, str):
            parse(self, pathdef)
            return
        segments = parsed.get(pathdef)
        if segments is None:
            parse(self, pathdef)
            parsed[pathdef] = [copy.copy(seg) for seg in self._segments]
            return
        self._segments = [copy.copy(seg) for seg in segments]
        self._length = None
        self._lengths = None

    svgelements.Path.parse = memoized
    _installed = True
