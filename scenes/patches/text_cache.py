"""Manim's cache of typeset text, safe for processes that share it.

Manim typesets a :class:`~manim.Text` into an SVG file named by its content
in ``config.text_dir`` and reads it back: it writes the file in place, then
rewrites it in place (``PangoUtils.remove_last_M``) every time the text is
made, even when the file was already there; and to parse any SVG it writes
a modified copy next to it under a fixed name, then deletes it. Two processes
that share the folder (the dry runs of a render, in forks of one process; two
commands run at once in one checkout) can then read a file another is
writing (an XML parse error) or delete another's copy (file not found).
:func:`share_text_cache_safely` makes the writes atomic (each goes to a file
of its own in the same folder and is renamed over the final name; a rewrite
that changes nothing writes nothing) and parses the modified copy in memory.

It also builds a text's glyphs without the SVG's group structure: Manim
makes a :class:`~manim.VGroup` of every element of an SVG (each ``<g>``
and ``<use>``, about three per glyph of a text) and adds each shape to all
the groups above it, to look parts up by their SVG ids; only ``Tex`` and
``Typst`` do that. A :class:`~manim.Text` gets the same glyphs in the same
order without those groups: about a third less time per text, and cheaper
copies. Key-frame layouts of every chapter in every aspect are
byte-identical.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

__all__ = ["share_text_cache_safely"]

_LAST_M = re.compile(r'Z M [^A-Za-z]*? "\/>')
"""What ``PangoUtils.remove_last_M`` takes out of a typeset SVG (its pattern, unchanged)."""


def _replace(path: Path, write: Any) -> None:
    """Call ``write(temporary_path)``, then rename that file over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".svg", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_last_m(file_name: str) -> None:
    with open(file_name, encoding="utf-8") as fh:
        content = fh.read()
    fixed = _LAST_M.sub('Z "/>', content)
    if fixed == content:
        return  # already done (by this process or another): nothing to write
    _replace(Path(file_name), lambda tmp: Path(tmp).write_text(fixed, encoding="utf-8"))


class _AtomicPango:
    """Manim's ``manimpango`` module as :mod:`manim.mobject.text.text_mobject` sees it, writing atomically."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def text2svg(self, settings: Any, size: float, line_spacing: float, disable_liga: bool, file_name: str,
                 *args: Any) -> str:  # fmt: skip
        def write(tmp: str) -> None:
            self._module.text2svg(settings, size, line_spacing, disable_liga, tmp, *args)

        _replace(Path(file_name), write)
        return file_name


def _generate_mobject(self: Any) -> Any:
    """``SVGMobject.generate_mobject`` with the modified copy parsed in memory, not written beside the
    file; a text's glyphs without the SVG's groups (:func:`_shapes`)."""
    import svgelements as se
    from manim import RIGHT, MarkupText, Text

    new_tree = self.modify_xml_tree(ElementTree.parse(self.get_file_path()))
    buffer = io.BytesIO()
    new_tree.write(buffer)
    buffer.seek(0)
    svg = se.SVG.parse(buffer)
    if isinstance(self, (Text, MarkupText)):
        mobjects = _shapes(self, svg)
        self.id_to_vgroup_dict = {}  # only Tex and Typst read it, to colour parts by their SVG groups
    else:
        mobjects, self.id_to_vgroup_dict = self.get_mobjects_from(svg)
    self.add(*mobjects)
    self.flip(RIGHT)  # SVG's y axis points down
    return self


def _shapes(self: Any, svg: Any) -> list[Any]:
    """The mobjects of ``svg``'s shapes in document order: ``SVGMobject.get_mobjects_from``'s list,
    without the group of every SVG element it builds beside it."""
    import svgelements as se
    from manim import logger

    kinds = (se.Path, se.SimpleLine, se.Rect, se.Circle, se.Ellipse, se.Polygon, se.Polyline, se.Text)
    out = []
    stack = [svg]
    while stack:
        element = stack.pop()
        if isinstance(element, (se.Group, se.Use)):
            stack.extend(element[::-1])
        try:
            if isinstance(element, kinds) and (mob := self.get_mob_from_shape_element(element)) is not None:
                out.append(mob)
        except Exception as e:  # as Manim does: the shape is left out, with a log line
            logger.error(f"Exception occurred in 'get_mobjects_from'. Details: {e}")
    return out


def share_text_cache_safely() -> None:
    """Make Manim's text and SVG files safe to share between processes (idempotent, once per process)."""
    import manimpango
    from manim import SVGMobject
    from manim.mobject.text import text_mobject

    if isinstance(text_mobject.manimpango, _AtomicPango):
        return
    text_mobject.manimpango = _AtomicPango(text_mobject.manimpango)
    manimpango.utils.PangoUtils.remove_last_M = staticmethod(_remove_last_m)
    SVGMobject.generate_mobject = _generate_mobject  # type: ignore[method-assign]
