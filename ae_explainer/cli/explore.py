"""``ae-explainer explore``: its flags, and the page written for a run file or the main run.

The page itself is built in :mod:`ae_explainer.deliver.explore`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ae_explainer.cli.console import ConsoleProgress
from ae_explainer.cli.language import add_language_flag, use_language
from ae_explainer.cli.userconfig import load_user_config
from ae_explainer.deliver.explore import DEFAULT_OUT, main_run, write_page
from ae_explainer.outputs import prepare_out
from aecore.errors import AecoreError
from aecore.snapshot import load_run

__all__ = ["add_explore_command"]


def _cmd_explore(a: argparse.Namespace) -> int:
    theme, language = a.theme, a.language
    if a.run_file:  # the flag the render commands take, for the same thing
        if a.run:
            raise AecoreError(f"--run-file {a.run_file}: give RUN.npz or --run-file, not both")
        a.run = a.run_file
    if a.run and a.config:
        raise AecoreError(f"{a.run}: give a run file or --config, not both")
    if a.run:
        path = Path(a.run)
        if path.suffix != ".npz":
            raise AecoreError(
                f"{path}: a snapshot file ends in .npz; give one written by 'ae-explainer train'"
            )
        run, where = load_run(path), str(path)
    else:
        overrides: dict[str, Any] = {}
        where = "the main run"
        if a.config:
            user = load_user_config(a.config)
            overrides, where = user.run, f"--config {a.config} [run]"
            theme = theme or user.video.get("theme")
            language = language or user.video.get("language")
        prepare_out(Path(a.out))  # a bad --out is reported before any training
        with ConsoleProgress(sys.stderr) as bars:
            run = main_run(overrides, bars.training)
    with use_language(language or "en"):
        page = write_page(run, Path(a.out), theme or "dark", where)
    size = page.stat().st_size
    print(f"explorer page: {page} ({size / 1e6:.1f} MB); open it in a browser, or copy it anywhere")
    return 0


def add_explore_command(sub: Any) -> None:
    """Add ``explore`` to the ``ae-explainer`` parser."""
    p = sub.add_parser(
        "explore",
        help="write the interactive explorer page (one self-contained HTML file)",
        description=(
            "Write DIR/index.html: the trained model running in the browser, with a training scrubber,"
            " a probe p -> f(p) -> g(f(p)) and linked data and latent views. Without RUN.npz or"
            " --config it shows the main run the video uses."
        ),
    )
    p.add_argument("run", nargs="?", metavar="RUN.npz", help="a snapshot file (default: the main run)")
    p.add_argument("--run-file", metavar="RUN.npz", help="the same as RUN.npz (as render and video take it)")
    p.add_argument("--config", metavar="FILE.toml", help="a settings file: its [run] and [video] theme")
    p.add_argument("--theme", choices=("dark", "light"), help="the theme the page opens in (default dark)")
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT}/)")
    add_language_flag(p)
    p.set_defaults(func=_cmd_explore)
