"""A chapter stopped at its key frame without drawing, what the audit finds there, and its layout.

Shared by ``tests/test_look.py`` (English, every chapter, aspect and theme)
and ``tests/test_i18n.py`` (the same audit in every other language).

:func:`layout` is everything the audit (:func:`scenes.look.audit.audit_frame`
and :func:`scenes.look.frame.outside_safe_area`) reads of the frame: each
mobject's kind, points, stroke widths, opacities and text, and what a
pycairo layer would draw. Two key frames with equal layouts get the same
findings, whatever their colours. ``tests/test_look.py`` proves the layout
is the theme's to colour only (equal in both themes, for every chapter and
aspect), so ``tests/test_i18n.py`` audits each language's key frame in one
theme, not in both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["key_frame", "layout"]


def key_frame(cls: type, aspect: str) -> tuple[Any, list[str], list[str]]:
    """Chapter ``cls`` stopped at its key frame in ``aspect`` (nothing drawn): the scene, its parts outside
    the safe area and the audit's findings, in the theme and language of the environment."""
    from manim import config, tempconfig

    from scenes.look.audit import audit_frame
    from scenes.look.frame import frame_spec, outside_safe_area, platform_margins
    from tests.conftest import dry_renderer

    quiet = {"dry_run": True, "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}
    with tempconfig({**frame_spec(aspect, "low").manim_config(), **quiet}):
        scene = cls(renderer=dry_renderer())  # draws nothing: the audit reads the mobjects, not pixels
        scene.stop_at_key_frame = True
        scene.render()
        margins = platform_margins()
        findings = audit_frame(scene.mobjects, config.frame_width, config.frame_height, margin=margins)
        return scene, outside_safe_area(scene.mobjects), [str(f) for f in findings]


def _bytes(values: Any) -> bytes:
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64)).tobytes()


def layout(mobjects: list[Any]) -> list[tuple[Any, ...]]:
    """What the audit reads of ``mobjects`` and their families, member by member, exactly; no colour."""
    from manim import Text, VMobject

    from scenes.mobjects.cairo_drawn import CairoDrawn

    rows: list[tuple[Any, ...]] = []
    for top in mobjects:
        for m in top.get_family():
            row: tuple[Any, ...] = (type(m).__name__, _bytes(m.points))
            if isinstance(m, VMobject):
                row += (
                    float(m.get_stroke_width()),
                    float(m.get_stroke_width(background=True)),
                    _bytes(m.get_stroke_opacities()),
                    _bytes(m.get_stroke_opacities(background=True)),
                    _bytes(m.get_fill_opacities()),
                )
            if isinstance(m, Text):
                row += (m.text, m.original_text, float(m._font_size), float(m.initial_height))
            if isinstance(m, CairoDrawn):
                row += (_bytes(m.ink_points()),)
            rows.append(row)
    return rows
