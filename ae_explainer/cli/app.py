"""The ``ae-explainer`` command line: train and inspect runs, list and render chapters.

This module holds the parser, ``train`` and ``inspect``; the render commands
are :mod:`ae_explainer.cli.commands`. Only these two modules print: the library
returns values, reports progress through callbacks
(:mod:`ae_explainer.cli.console` draws them) and logs (to stderr, one line per
record). Every user error is one line on stderr and exit status 2; no
traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from ae_explainer.cli.console import ConsoleProgress, logging_to_stderr
from aecore.config import TrainConfig, option_of
from aecore.config_fields import ConfigError
from aecore.datasets import DIGITS_COUNT, IMAGE_DATASETS
from aecore.errors import AecoreError, printable, shown_path

if TYPE_CHECKING:
    from aecore.snapshot import Run

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _whole_numbers(example: str) -> Callable[[str], tuple[int, ...]]:
    """A parser of ``1,2,3``-style flags (empty parts skipped); its error shows ``example``."""

    def parse(text: str) -> tuple[int, ...]:
        try:
            return tuple(int(v) for v in text.split(",") if v.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a comma-separated list of whole numbers, e.g. {example}"
            ) from None

    return parse


_REQUIRED = ("data", "latent_dim")
"""Fields of the config that ``train`` requires (the others default to the config's defaults)."""


def _add_config_flags(t: argparse.ArgumentParser) -> None:
    """One flag per field of :class:`TrainConfig` that has an :class:`Option`, with its help and default."""
    for name, field in TrainConfig.model_fields.items():
        opt = option_of(field)
        if opt is None:
            continue
        kind = field.annotation
        parse: Callable[[str], Any] = (
            _whole_numbers(opt.example) if typing.get_origin(kind) is tuple else kind  # type: ignore[assignment]
        )
        default = None if name in _REQUIRED or name == "n_points" else field.default  # n_points: per data set
        t.add_argument(
            opt.flag,
            dest=name,
            type=parse,
            required=name in _REQUIRED,
            default=default,
            help=opt.help,
            metavar=opt.metavar or opt.flag.removeprefix("--").replace("-", "_").upper(),
        )


_FLAGS = {name: opt.flag for name, f in TrainConfig.model_fields.items() if (opt := option_of(f))}
"""The flag of each field of the config that has one."""


def _flag(field: str) -> str:
    """How the command line names a config field: its flag (or the field's name, if it has none)."""
    return _FLAGS.get(field, field)


def _cmd_train(a: argparse.Namespace) -> int:
    given = {name: getattr(a, name) for name in _FLAGS if getattr(a, name) is not None}
    if "n_points" not in given and a.data in IMAGE_DATASETS:
        given["n_points"] = DIGITS_COUNT  # every image of the digits
    try:  # a bad value is one line naming its flag
        cfg = TrainConfig(**given)  # every flag, before any data is made or read
        cfg.check_data()
        out = _check_out(Path(a.out))
        from aecore.train import train_to_file  # torch: imported once the flags are known to be good

        if a.quiet:
            train_to_file(cfg, out)
        else:
            with ConsoleProgress(sys.stderr) as bars:  # stdout holds the result: the file's name
                train_to_file(
                    cfg, out, progress=lambda step, total, loss: bars.training(out.name, step, total, loss)
                )
    except ConfigError as e:
        raise AecoreError(e.line(_flag)) from None
    print(out)
    return 0


def _check_out(out: Path) -> Path:
    """``--out`` must name a ``.npz`` file in a folder that exists or can be made, and can be written."""
    if out.suffix != ".npz":
        raise AecoreError(f"--out: {out} must end in .npz")
    try:
        return _check_out_path(out)
    except OSError as e:  # e.g. a name too long for the file system
        raise AecoreError(f"--out: cannot use {out} ({e.strerror or e})") from None


def _check_out_path(out: Path) -> Path:
    if out.is_dir():
        raise AecoreError(f"--out: {out} is a folder; give a file name ending in .npz")
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise AecoreError(f"--out: {parent} is not a folder; give a path inside a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise AecoreError(f"--out: cannot write into {parent}; give a path in a writable folder")
    return out


def _cmd_inspect(a: argparse.Namespace) -> int:
    from aecore.snapshot import load_run

    path = Path(a.run)
    if path.suffix != ".npz":
        raise AecoreError(f"{path}: a snapshot file ends in .npz; give one written by 'ae-explainer train'")
    run = load_run(path)
    c = run.config
    final = run.final
    rel = final.reliability
    n_points, n = run.data.shape
    rows = [
        ("file", shown_path(path)),
        ("format", f"version {run.meta.format_version}, written by aecore {_version_of(run)}"),
        (
            "data",
            f"{c.data}: {n_points} points in R^{n} (sha256 {run.meta.data_sha256[:12]})",
        ),
        ("model", _model_summary(run)),
        ("training", _training_summary(run)),
        ("snapshots", f"{len(run.snapshots)}, steps {run.snapshots[0].step} to {final.step}"),
        ("loss", f"{run.snapshots[0].loss:.5g} at step {run.snapshots[0].step} -> {final.loss:.5g}"),
        (
            "latent grid",
            f"{'x'.join(map(str, final.latent_grid.shape[:-1]))} points in R^{final.latent_grid.shape[-1]}",
        ),
        ("reliability", f"{rel.min():.3f} to {rel.max():.3f} on the grid (mean {rel.mean():.3f})"),
        ("ensemble", _ensemble_summary(run)),
    ]
    if run.image_shape is not None:
        h, w = run.image_shape
        rows.insert(3, ("images", f"{h} x {w} pixels each (n = {h * w})"))
    if run.projection is not None:
        rows[3:3] = _vector_rows(run)
    if run.labels is not None:
        classes = np.unique(run.labels)
        shown = ", ".join(map(str, classes[:12])) + (", ..." if len(classes) > 12 else "")
        rows.insert(
            4 if run.image_shape else 3, ("labels", f"{len(classes)} classes ({shown}), for colour only")
        )
    width = max(len(k) for k, _ in rows)
    for key, value in rows:  # the file's text is escaped: no control code reaches the terminal
        print(f"{key.ljust(width)}  {printable(value)}")
    return 0


def _vector_rows(run: Run) -> list[tuple[str, str]]:
    """A vector run's features (near-constant ones flagged) and its picture's projection P."""
    assert run.projection is not None and run.meta.features is not None
    names = run.meta.features.names
    shown = ", ".join(names[:8]) + (f", ... ({len(names)} in all)" if len(names) > 8 else "")
    standardised = " (standardised per feature)" if run.meta.features.std else ""
    rows = [("features", f"{shown}{standardised}")]
    near = run.meta.features.near_constant
    if near:
        listed = ", ".join(names[i] for i in near[:6]) + (", ..." if len(near) > 6 else "")
        rows.append(
            ("near-constant", f"{len(near)} feature(s) barely vary: {listed} (their noise is magnified)")
        )
    p = run.projection
    rows.append(
        (
            "projection",
            f"PCA to R^{p.dim}: {100 * p.explained:.0f}% of the variance"
            f" ({', '.join(f'{100 * v:.0f}%' for v in p.variance)}), fitted on the data",
        )
    )
    return rows


def _model_summary(run: Run) -> str:
    """The network in one line: its layers, or what recorded it when the run holds no weights."""
    c = run.config
    if run.has_weights:
        return f"{run.variant}, layers {'-'.join(map(str, run.layer_sizes))}, {c.activation}"
    rec = run.meta.recorder
    made = f"{rec.encoder} / {rec.decoder}" if rec is not None else "an unknown model"
    return f"{made}, k = {c.latent_dim}; no MLP weights (the network diagram needs an MLP)"


def _training_summary(run: Run) -> str:
    c = run.config
    if run.meta.recorder is not None:
        return f"recorded from the user's own training loop, {c.steps} steps"
    return f"{c.steps} steps, lr {c.lr}, seed {c.seed}"


def _ensemble_summary(run: Run) -> str:
    """The ensemble's agreement and where it and the density-based reliability disagree, in one line."""
    e = run.ensemble
    if e is None:
        return "none (train with --ensemble-seeds to compare decoders from other seeds)"
    from scipy.stats import spearmanr

    rel, agr = run.final.reliability.ravel(), e.agreement.ravel()
    rho = float(spearmanr(rel, agr).statistic) if np.ptp(rel) > 0 and np.ptp(agr) > 0 else float("nan")
    apart = float(np.mean(np.abs(rel - agr) > 0.5))
    return (
        f"{len(e.seeds)} other seeds ({','.join(map(str, e.seeds))}); agreement {agr.min():.3f} to"
        f" {agr.max():.3f}; rank correlation with reliability {rho:.2f};"
        f" the two differ by more than 0.5 on {100 * apart:.0f}% of the grid"
    )


def _version_of(run: Run) -> str:
    return run.meta.versions.get("ae-explainer", "?")


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ae-explainer", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train an autoencoder and write a snapshot file")
    _add_config_flags(t)
    t.add_argument("--out", required=True, help="snapshot file to write (.npz)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(func=_cmd_train)

    i = sub.add_parser("inspect", help="check a snapshot file and summarise its run (never executes code)")
    i.add_argument("run", metavar="RUN.npz", help="a snapshot file")
    i.set_defaults(func=_cmd_inspect)

    from ae_explainer.cli.commands import add_commands
    from ae_explainer.cli.explore import add_explore_command
    from ae_explainer.cli.script import add_script_command
    from ae_explainer.cli.stills import add_stills_command

    add_commands(sub)
    add_script_command(sub)
    add_explore_command(sub)
    add_stills_command(sub)
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it stops as it does on Ctrl-C (SIGINT).

    A service manager, a CI runner or ``kill`` sends SIGTERM: every temporary
    file is then removed and every render job stopped, exactly as for an
    interrupt, and the exit status is 143 (128 + 15).
    """


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated


def _os_error_line(e: OSError) -> str:
    """An operating-system failure nobody foresaw, as one line naming the file (a full disk says so)."""
    where = shown_path(e.filename) + ": " if e.filename else ""
    if e.errno == errno.ENOSPC:
        return f"{where}the disk is full (no space left on device); free some space and run again"
    return f"{where}{e.strerror or e}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ae-explainer``; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if main_thread else None
    try:
        with logging_to_stderr():
            return int(args.func(args))
    except AecoreError as e:
        print(f"ae-explainer: error: {printable(str(e))}", file=sys.stderr)
        return 2
    except Terminated:
        print("ae-explainer: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("ae-explainer: interrupted", file=sys.stderr)
        return 130
    except OSError as e:
        print(f"ae-explainer: error: {printable(_os_error_line(e))}", file=sys.stderr)
        return 2
    except RecursionError:
        print("ae-explainer: error: an input is nested too deeply to read", file=sys.stderr)
        return 2
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
