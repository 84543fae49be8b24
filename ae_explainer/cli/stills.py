"""``ae-explainer stills``: every chapter's key frame in each aspect and theme, for review.

The stills and sheets are made by :func:`ae_explainer.deliver.stills.review_stills`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from ae_explainer.cli.console import ConsoleProgress
from ae_explainer.cli.language import add_language_flag, use_language
from ae_explainer.cli.userconfig import MAX_JOBS
from ae_explainer.deliver.stills import review_stills
from aecore.errors import AecoreError
from scenes.settings import ASPECTS, THEMES

__all__ = ["add_stills_command"]

DEFAULT_OUT = "renders/stills"


def _listed(text: str, choices: tuple[str, ...], flag: str) -> list[str]:
    """The comma-separated ``text`` of ``flag``, each one of ``choices``."""
    picked = [x.strip() for x in text.split(",") if x.strip()]
    for x in picked or [""]:
        if x not in choices:
            raise AecoreError(f"{flag}: unknown {flag[2:-1]} {x!r}; use {', '.join(choices)}")
    return picked


def _cmd_stills(a: argparse.Namespace) -> int:
    from ae_explainer.cli.commands import chapter_keys, chapters_of

    aspects = _listed(a.aspects, tuple(ASPECTS), "--aspects")
    themes = _listed(a.themes, THEMES, "--themes")
    if not 1 <= a.jobs <= MAX_JOBS:
        raise AecoreError(f"--jobs {a.jobs}: use 1 to {MAX_JOBS} render jobs at once")
    infos = chapters_of(chapter_keys(a), "--chapters")
    t0 = time.monotonic()
    with use_language(a.language) as language, ConsoleProgress() as progress:
        sheets = review_stills(infos, Path(a.out), aspects, themes, a.quality, a.jobs, progress, language)
    print(f"{len(sheets)} contact sheet(s) in {a.out}/ ({time.monotonic() - t0:.0f} s)")
    return 0


def add_stills_command(sub: Any) -> None:
    """Add ``stills`` to the ``ae-explainer`` parser."""
    p = sub.add_parser(
        "stills",
        help="every chapter's key frame in each aspect and theme, and a contact sheet per chapter",
        description=(
            "Write OUT/<aspect>-<theme>/chNN-<Scene>.png for each chapter's key frame, and"
            " OUT/chNN-<Scene>.png: that chapter's stills side by side, to review the whole look at once."
        ),
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT}/)")
    p.add_argument("--aspects", default=",".join(ASPECTS), help="comma-separated (default: all three)")
    p.add_argument("--themes", default=",".join(THEMES), help="comma-separated (default: dark,light)")
    from ae_explainer.cli.commands import add_chapter_arguments

    add_chapter_arguments(p)
    p.add_argument("--quality", default="medium", choices=("low", "medium", "high"), help="default medium")
    p.add_argument("--jobs", type=int, default=2, help="render jobs at once (default 2)")
    add_language_flag(p, default="en")
    p.set_defaults(func=_cmd_stills)
