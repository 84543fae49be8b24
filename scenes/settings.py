"""What a viewer's copy of the video changes: theme, captions, pacing, and the main run.

The ``ae-explainer`` command renders every chapter with the ``manim`` CLI in a
child process and passes these settings as environment variables; they work
the same way when you call ``manim`` yourself::

    AE_EXPLAINER_THEME=light AE_EXPLAINER_CAPTIONS=0 manim -ql scenes/ch04_manifold_forms.py ManifoldForms

``AE_EXPLAINER_RUN`` holds JSON with ``data``, ``latent_dim``, ``seed`` and
``steps`` for the run behind chapters 1-6 and 11 (:data:`scenes.runs.MAIN_2D`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ASPECTS", "ENV", "PACE_RANGE", "QUALITIES", "THEMES", "VideoSettings", "current_settings"]

ASPECTS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}
"""``--aspect`` names and their width : height."""

QUALITIES: dict[str, tuple[int, int]] = {
    "low": (480, 15),
    "medium": (720, 30),
    "high": (1080, 60),
    "4k": (2160, 60),
}
"""``--quality`` names: pixels along the shorter side, and frames per second."""

THEMES = ("dark", "light")
"""``dark``: for screens; ``light``: a white background for printed notes and bright rooms."""

ENV = {
    "theme": "AE_EXPLAINER_THEME",
    "captions": "AE_EXPLAINER_CAPTIONS",
    "pace": "AE_EXPLAINER_PACE",
    "run": "AE_EXPLAINER_RUN",
}
"""The environment variable of each setting."""

PACE_RANGE = (0.1, 4.0)
"""Smallest and largest ``pace``."""

RUN_KEYS = ("data", "latent_dim", "seed", "steps")
"""Fields of the main run a viewer may change."""


@dataclass(frozen=True)
class VideoSettings:
    """The settings of one render.

    Parameters
    ----------
    theme
        One of :data:`THEMES`.
    captions
        Whether the bottom caption line is drawn (subtitle files are written either way).
    pace
        Scales every pause between animations (captions always stay up for their reading time).
    run
        Overrides of the main run's config, keys from :data:`RUN_KEYS`.
    """

    theme: str = "dark"
    captions: bool = True
    pace: float = 0.5
    run: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise ValueError(f"theme {self.theme!r}: choose from {', '.join(THEMES)}")
        if not PACE_RANGE[0] <= self.pace <= PACE_RANGE[1]:
            raise ValueError(f"pace {self.pace}: give a number from {PACE_RANGE[0]:g} to {PACE_RANGE[1]:g}")
        unknown = set(self.run) - set(RUN_KEYS)
        if unknown:
            raise ValueError(f"run: unknown key(s) {', '.join(sorted(unknown))}; use {', '.join(RUN_KEYS)}")

    def env(self) -> dict[str, str]:
        """These settings as environment variables (see :data:`ENV`)."""
        return {
            ENV["theme"]: self.theme,
            ENV["captions"]: "1" if self.captions else "0",
            ENV["pace"]: repr(self.pace),
            ENV["run"]: json.dumps(self.run, sort_keys=True),
        }


def current_settings() -> VideoSettings:
    """The settings from the environment (defaults where a variable is unset)."""
    e = os.environ
    try:
        return VideoSettings(
            theme=e.get(ENV["theme"], "dark") or "dark",
            captions=e.get(ENV["captions"], "1") not in ("0", "false", "no", "off"),
            pace=float(e.get(ENV["pace"], "0.5") or 0.5),
            run=json.loads(e.get(ENV["run"], "{}") or "{}"),
        )
    except (ValueError, json.JSONDecodeError) as err:
        raise SystemExit(f"error: AE_EXPLAINER_* environment: {err}") from None
