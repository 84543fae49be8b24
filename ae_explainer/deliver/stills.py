"""Stills for review: every chapter's key frame in each aspect and theme, and a sheet per chapter.

``ae-explainer stills --out renders/stills`` (``make stills``) writes

* ``<aspect>-<theme>/chNN-<Scene>.png``: the chapter's key frame (the moment
  :meth:`scenes.base.ChapterScene.key_frame` marks), with its caption, at
  ``--quality`` (default medium: 720 pixels on the short side);
* ``chNN-<Scene>.png``: one contact sheet per chapter, its stills side by side
  (every aspect, then every theme), so the whole look can be reviewed in one
  sitting.

Each still is made as ``ae-explainer render --still`` makes one
(:func:`ae_explainer.render.chapters.render_stills`): by the manim CLI in a
render job, reused while the chapter's code, its runs and the options are the
same, and written under a temporary name and renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ae_explainer.deliver.sheets import contact_sheet
from ae_explainer.options import RenderOptions
from ae_explainer.progress import LogProgress, RenderProgress
from scenes.settings import ASPECTS, THEMES

if TYPE_CHECKING:
    from scenes.chapters import ChapterInfo

__all__ = ["SHEET_HEIGHT", "review_stills", "variant_name"]

SHEET_HEIGHT = 360
"""The height of a chapter's contact sheet, in pixels."""


def variant_name(aspect: str, theme: str) -> str:
    """The folder of one aspect and theme, e.g. ``9x16-light``."""
    return f"{aspect.replace(':', 'x')}-{theme}"


def review_stills(
    infos: Sequence[ChapterInfo],
    out: Path,
    aspects: Sequence[str] = tuple(ASPECTS),
    themes: Sequence[str] = THEMES,
    quality: str = "medium",
    jobs: int = 2,
    progress: RenderProgress | None = None,
    language: str = "en",
) -> list[Path]:
    """Each chapter's key frame in each aspect and theme, and a contact sheet per chapter (returned).

    ``language``: the captions' and labels' (:data:`scenes.i18n.LANGUAGES`).
    """
    from PIL import Image

    from ae_explainer.render.chapters import render_stills

    report = progress or LogProgress()
    pairs = [(a, t) for a in aspects for t in themes]
    stills: dict[str, list[Path]] = {}
    for aspect, theme in pairs:
        report.stage(f"stills {variant_name(aspect, theme)}")
        opts = RenderOptions(aspect=aspect, theme=theme, quality=quality, language=language)
        folder = out / variant_name(aspect, theme)
        for still in render_stills(infos, opts, folder, jobs=jobs, progress=report, tagged=False):
            stills.setdefault(still.name, []).append(still)
    sheets = []
    for name, paths in stills.items():
        images = [Image.open(p) for p in paths]
        sheets.append(contact_sheet(images, out / name, height=SHEET_HEIGHT))
    return sheets
