"""``ae-explainer script``: the narration script, one row per caption, for a lecturer to record.

Each row is a cue: its stable id (:func:`scenes.captions.cue_id`), its
chapter, when it appears and how long it is on screen today, the caption as
shown and the words to say (the caption itself, or its spoken variant where
its symbols read badly). A lecturer records one WAV per cue, named by the id.
The table is CSV (for a spreadsheet) or Markdown (to read or print),
chosen by the output file's suffix; without ``--out`` Markdown goes to stdout.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from ae_explainer.cli.language import add_language_flag, use_language
from ae_explainer.media.cues import Cue, chapter_cues
from aecore.errors import AecoreError
from aecore.files import atomic_write

__all__ = ["Cue", "add_script_command", "chapter_cues", "script_csv", "script_markdown"]

COLUMNS = ("cue", "chapter", "start", "seconds", "caption", "spoken")
"""The script's columns, in order."""


def script_csv(cues: Sequence[Cue]) -> str:
    """The script as CSV with a header row (RFC 4180 quoting, ``\\n`` line ends)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows(c.row() for c in cues)
    return out.getvalue()


def script_markdown(cues: Sequence[Cue]) -> str:
    """The script as a Markdown table (``|`` in a cell escaped)."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rows = [line(COLUMNS), line(["---"] * len(COLUMNS)), *(line(c.row()) for c in cues)]
    return "\n".join(rows) + "\n"


_WRITERS = {".csv": script_csv, ".md": script_markdown}


def _out_path(out: str) -> Path:
    p = Path(out)
    if p.suffix.lower() not in _WRITERS:
        raise AecoreError(f"--out: {out} must end in .csv or .md (the table's format)")
    if p.is_dir():
        raise AecoreError(f"--out: {out} is a folder; give a file name ending in .csv or .md")
    if not p.parent.is_dir():
        raise AecoreError(f"--out: {p.parent} is not a folder; give a path inside an existing folder")
    return p


def _cmd_script(a: argparse.Namespace) -> int:
    from ae_explainer.cli.console import ConsoleProgress
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import prepare_runs
    from scenes.chapters import SCENES_IN_ORDER, chapter_infos

    out = _out_path(a.out) if a.out else None  # a bad --out fails before anything is trained
    with ConsoleProgress(sys.stderr) as bars:  # the runs the chapters show, trained first
        prepare_runs(chapter_infos(), RenderOptions(quality="low", language=a.language), bars.training)
    with use_language(a.language):  # the captions' language; their cue ids are the English ones
        cues = [cue for cls in SCENES_IN_ORDER for cue in chapter_cues(cls)]
    if out is None:
        sys.stdout.write(script_markdown(cues))
        return 0
    atomic_write(out, _WRITERS[out.suffix.lower()](cues))
    print(f"{len(cues)} cues in {out}")
    return 0


def add_script_command(sub: argparse._SubParsersAction) -> None:
    """Add ``script`` to the ``ae-explainer`` parser."""
    p = sub.add_parser(
        "script",
        help="the narration script: one row per caption (cue id, chapter, start, seconds, caption, spoken)",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    p.add_argument(
        "--out", metavar="FILE", help="write FILE.csv or FILE.md (default: Markdown to standard output)"
    )
    add_language_flag(p, default="en")
    p.set_defaults(func=_cmd_script)
