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
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from ae_explainer.cli.console import ConsoleProgress, logging_to_stderr
from aecore.config import MAX_HIDDEN_LAYERS, MAX_PARAMS, MAX_SNAPSHOTS, MAX_STEPS, TrainConfig
from aecore.datasets import DIGITS_COUNT, IMAGE_DATASETS, MAX_POINTS, MIN_POINTS
from aecore.errors import AecoreError, printable, shown_path

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _hidden(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of sizes, e.g. 64,64"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must list positive sizes, e.g. 64,64")
    return sizes


def _seeds(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of seeds, e.g. 1,2,3,4"
        ) from None


def _image_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not H,W (two whole numbers), e.g. 8,8") from None
    return shape


def _n_points(a: argparse.Namespace) -> int:
    """``--n-points``, or its default: every image of the digits, else the config's default."""
    if a.n_points is not None:
        return int(a.n_points)
    return DIGITS_COUNT if a.data in IMAGE_DATASETS else TrainConfig().n_points


def _cmd_train(a: argparse.Namespace) -> int:
    cfg = TrainConfig(
        data=a.data,
        n_points=_n_points(a),
        noise=a.noise,
        data_seed=a.data_seed,
        latent_dim=a.latent_dim,
        hidden=a.hidden,
        activation=a.activation,
        seed=a.seed,
        steps=a.steps,
        lr=a.lr,
        n_snapshots=a.snapshots,
        variant=a.variant,
        kl_weight=a.kl_weight,
        ensemble_seeds=a.ensemble_seeds,
        image_shape=a.image_shape,
    )
    cfg.validate()  # every flag, before any data is made or read
    out = _check_out(Path(a.out))
    from aecore.train import train_to_file

    if a.quiet:
        train_to_file(cfg, out)
    else:
        with ConsoleProgress(sys.stderr) as bars:  # stdout holds the result: the file's name
            train_to_file(
                cfg, out, progress=lambda step, total, loss: bars.training(out.name, step, total, loss)
            )
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
        ("format", f"version {run.meta['format_version']}, written by aecore {_version_of(run)}"),
        (
            "data",
            f"{c.get('data')}: {n_points} points in R^{n} (sha256 {str(run.meta.get('data_sha256'))[:12]})",
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


def _model_summary(run: Any) -> str:
    """The network in one line: its layers, or what recorded it when the run holds no weights."""
    c = run.config
    if run.has_weights:
        return f"{run.variant}, layers {'-'.join(map(str, run.layer_sizes))}, {c.get('activation')}"
    rec = run.meta.get("recorder")
    made = f"{rec.get('encoder')} / {rec.get('decoder')}" if isinstance(rec, dict) else "an unknown model"
    return f"{made}, k = {c.get('latent_dim')}; no MLP weights (the network diagram needs an MLP)"


def _training_summary(run: Any) -> str:
    c = run.config
    if isinstance(run.meta.get("recorder"), dict):
        return f"recorded from the user's own training loop, {c.get('steps')} steps"
    return f"{c.get('steps')} steps, lr {c.get('lr')}, seed {c.get('seed')}"


def _ensemble_summary(run: Any) -> str:
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


def _version_of(run: Any) -> str:
    versions = run.meta.get("versions")
    return str(versions.get("ae-explainer", "?")) if isinstance(versions, dict) else "?"


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ae-explainer", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    d = TrainConfig()

    t = sub.add_parser("train", help="train an autoencoder and write a snapshot file")
    t.add_argument(
        "--data",
        required=True,
        help="data set name (arc, spiral, circle, blob, clusters, helix, sheet, digits) or a .csv/.npy"
        " file (a .npy may hold images: N x H x W, or N x D with --image-shape)",
    )
    t.add_argument(
        "--image-shape",
        type=_image_shape,
        default=(),
        metavar="H,W",
        help="read the rows of an N x D .npy file as images of H x W pixels (H W = D)",
    )
    t.add_argument("--latent-dim", type=int, required=True, help="k, the latent dimension (1 or 2, k < n)")
    t.add_argument("--seed", type=int, default=d.seed, help="weight initialisation seed, 0 <= S < 2**32")
    t.add_argument("--steps", type=int, default=d.steps, help=f"training steps, 1 to {MAX_STEPS:,}")
    t.add_argument(
        "--hidden",
        type=_hidden,
        default=d.hidden,
        help=f"hidden sizes, e.g. 64,64 (at most {MAX_HIDDEN_LAYERS} layers, {MAX_PARAMS:,} parameters)",
    )
    t.add_argument("--activation", default=d.activation, help="silu (default), tanh, softplus, gelu, relu")
    t.add_argument("--lr", type=float, default=d.lr, help="Adam learning rate")
    t.add_argument(
        "--n-points",
        type=int,
        help=f"points of a built-in data set, {MIN_POINTS} to {MAX_POINTS:,} (default {d.n_points};"
        f" digits: all {DIGITS_COUNT:,} images)",
    )
    t.add_argument("--noise", type=float, default=d.noise, help="noise of a built-in data set")
    t.add_argument("--data-seed", type=int, default=d.data_seed, help="sampling seed of a built-in data set")
    t.add_argument(
        "--snapshots",
        type=int,
        default=d.n_snapshots,
        help=f"number of snapshots to record, 2 to {MAX_SNAPSHOTS:,}",
    )
    t.add_argument("--variant", default=d.variant, help="ae (plain autoencoder, default) or vae")
    t.add_argument(
        "--kl-weight",
        type=float,
        default=d.kl_weight,
        help=f"weight of the VAE's KL term, >= 0 (default {d.kl_weight}; ignored for ae)",
    )
    t.add_argument(
        "--ensemble-seeds",
        type=_seeds,
        default=d.ensemble_seeds,
        help="also train from these seeds, e.g. 1,2,3,4, and store their agreement with M (default: none)",
    )
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
