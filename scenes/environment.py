"""The boundary: the one module of :mod:`scenes` that reads the process environment.

A chapter started by the ``manim`` CLI (by hand, or as the child process
``ae-explainer render`` starts with the settings in ``AE_EXPLAINER_*``
variables, :data:`scenes.settings.ENV`) reads its settings through here once,
when it starts to render (:meth:`scenes.base.ChapterScene.render`), and from
then on passes them around as objects (:func:`scenes.settings.settings_in_force`,
:class:`scenes.look.theme.Theme`). Code outside a chapter (a view in a scene
of your own, a test) falls back to the environment too, through
:func:`scenes.settings.current_settings`. No other module of :mod:`scenes`
reads ``os.environ`` (``tests/test_architecture.py`` checks it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["STOP_AT_KEY_FRAME", "read_variables", "stop_at_key_frame"]

STOP_AT_KEY_FRAME = "AE_EXPLAINER_STOP_AT_KEY_FRAME"
"""``1``: a chapter ends at its key frame (:meth:`scenes.base.ChapterScene.key_frame`), for stills."""


def read_variables(names: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``(name, value)`` of each of ``names`` that is set in the process environment, in that order."""
    return tuple((name, value) for name in names if (value := os.environ.get(name)) is not None)


def stop_at_key_frame() -> bool:
    """Whether ``AE_EXPLAINER_STOP_AT_KEY_FRAME=1`` asks a chapter to stop at its key frame."""
    return os.environ.get(STOP_AT_KEY_FRAME) == "1"
