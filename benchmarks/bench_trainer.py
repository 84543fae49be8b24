"""Benchmark the snapshotting trainer against a bare training loop.

What is measured, for each default run (arc k=1, spiral, circle, sheet k=2,
helix k=2) and for the scenes' main 2-D run with its ensemble of four other
seeds (``arc +4 seeds``):

* ``bare s``     -- a bare training loop: the same data (:func:`aecore.datasets.load_data`),
  the same model construction and seed, one thread, the same Adam, loss and
  per-step finiteness check as :func:`aecore.train.train`, but no snapshots;
  for a run with ``ensemble_seeds``, one bare loop per seed.
* ``trainer s``  -- :func:`aecore.train.train` in-process (snapshots, no file).
* ``ratio``      -- trainer s / bare s: the cost of recording snapshots
  (latents, reconstruction, manifold on the latent grid, g's exact Jacobian
  and stretch there, the density on M and its reliability, weights; and for
  an ensemble its agreement) on top of training.
* ``to-file s``  -- :func:`aecore.train.train_to_file` into a temporary directory
  (training, snapshots and writing the ``.npz``).
* ``write s``    -- :func:`aecore.snapshot.write_run` alone, on the arrays of a
  finished :func:`~aecore.train.train` call.

Every timing is the best of ``--repeats`` (default 2) to cut noise; a short
warm-up run comes first so one-off torch start-up costs are not counted.

Targets: ratio <= 1.3 and a trainer wall time (``to-file s``, which includes
writing, so the stricter of the two) under 10 s on a 2-core machine. A row
reads ``OK`` when both hold and ``OVER`` otherwise.

Run::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_trainer.py          # full (default steps)
    PYTHONPATH=. .venv/bin/python benchmarks/bench_trainer.py --quick  # steps=300 sanity run

This is a benchmark, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import torch

from aecore.config import TrainConfig
from aecore.datasets import load_data, standardization
from aecore.model import Autoencoder
from aecore.snapshot import write_run
from aecore.train import snapshot_steps, train, train_to_file

RATIO_TARGET = 1.3
"""Maximum acceptable trainer / bare-loop wall-time ratio."""

WALL_TARGET_S = 10.0
"""Maximum acceptable wall time of one run written to file (on 2 cores)."""

QUICK_STEPS = 300

T = TypeVar("T")

RUNS: list[tuple[str, TrainConfig]] = [
    ("arc k=1", TrainConfig()),
    ("spiral k=1", TrainConfig(data="spiral")),
    ("circle k=1", TrainConfig(data="circle")),
    ("sheet k=2", TrainConfig(data="sheet", latent_dim=2)),
    ("helix k=2", TrainConfig(data="helix", latent_dim=2)),
    ("arc +4 seeds", TrainConfig(hidden=(16, 16), ensemble_seeds=(1, 2, 3, 4))),
]
"""The default runs the scenes use: (name, config)."""


@dataclasses.dataclass
class Result:
    """Timings of one run (seconds, best of the repeats)."""

    name: str
    steps: int
    snapshots: int
    bare_s: float
    trainer_s: float
    to_file_s: float
    write_s: float

    @property
    def ratio(self) -> float:
        return self.trainer_s / self.bare_s if self.bare_s > 0 else math.inf

    @property
    def ok(self) -> bool:
        return self.ratio <= RATIO_TARGET and self.to_file_s < WALL_TARGET_S


def bare_train(cfg: TrainConfig) -> float:
    """Train as :func:`aecore.train.train` does, without snapshots, once per seed; the last loss."""
    loss = math.nan
    for seed in (cfg.seed, *cfg.ensemble_seeds):
        loss = _bare_once(cfg.replace(seed=seed, ensemble_seeds=()))
    return loss


def _bare_once(cfg: TrainConfig) -> float:
    """One bare training loop of ``cfg``; the final loss."""
    x_np = load_data(cfg.data, cfg.n_points, cfg.noise, cfg.data_seed)
    n = x_np.shape[1]
    cfg.check_data(data_dim=n)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(cfg.seed)
        mean, scale = standardization(x_np)
        model = Autoencoder(n, cfg.latent_dim, cfg.hidden, cfg.activation, mean, scale)
        u = model.standardize(torch.from_numpy(x_np))  # the trainer's float32 standardised data
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        loss_val = math.nan
        for step in range(1, cfg.steps + 1):
            uh, _ = model.encode_std(u)
            loss = (u - model.decode_std(uh)).pow(2).sum(dim=1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_val = loss.item()
            if not math.isfinite(loss_val):
                raise RuntimeError(f"bare loop diverged at step {step}")
    finally:
        torch.set_num_threads(threads)
    return loss_val


def best_of(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Best wall time (s) of ``repeats`` calls of ``fn``, and the last call's result."""
    best = math.inf
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def measure(name: str, cfg: TrainConfig, repeats: int, tmp: Path) -> Result:
    """Time the bare loop, :func:`train`, :func:`train_to_file` and :func:`write_run` for ``cfg``."""
    out = tmp / f"{name.replace(' ', '_').replace('=', '')}.npz"
    bare_s, _ = best_of(lambda: bare_train(cfg), repeats)
    trainer_s, (data, meta, arrays) = best_of(lambda: train(cfg), repeats)
    to_file_s, _ = best_of(lambda: train_to_file(cfg, out), repeats)
    write_s, _ = best_of(lambda: write_run(tmp / "write_only.npz", data, meta, arrays), repeats)
    return Result(
        name=name,
        steps=cfg.steps,
        snapshots=len(snapshot_steps(cfg.steps, cfg.n_snapshots)),
        bare_s=bare_s,
        trainer_s=trainer_s,
        to_file_s=to_file_s,
        write_s=write_s,
    )


def format_table(results: list[Result]) -> str:
    """The results as a fixed-width text table."""
    header = (
        f"{'run':<12} {'steps':>6} {'snaps':>5} {'bare s':>8} {'trainer s':>10} {'ratio':>6} "
        f"{'to-file s':>10} {'write s':>8}  status"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.name:<12} {r.steps:>6d} {r.snapshots:>5d} {r.bare_s:>8.3f} {r.trainer_s:>10.3f} "
            f"{r.ratio:>5.2f}x {r.to_file_s:>10.3f} {r.write_s:>8.3f}  {'OK' if r.ok else 'OVER'}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"use steps={QUICK_STEPS} for a fast sanity run")
    parser.add_argument("--repeats", type=int, default=2, help="best of this many timings (default 2)")
    args = parser.parse_args(argv)
    repeats = max(1, args.repeats)

    runs = [(name, cfg.replace(steps=QUICK_STEPS) if args.quick else cfg) for name, cfg in RUNS]

    print(
        f"bench_trainer: {'quick' if args.quick else 'full'}, best of {repeats}, "
        f"cpus={os.cpu_count()}, torch {torch.__version__}, python {sys.version.split()[0]}",
        flush=True,
    )
    print(
        f"targets: ratio trainer/bare <= {RATIO_TARGET}x and to-file wall time < {WALL_TARGET_S:.0f} s "
        "(on 2 cores)",
        flush=True,
    )

    t_start = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench_trainer.") as d:
        tmp = Path(d)
        # Warm-up: first torch calls pay one-off start-up costs.
        warm = RUNS[0][1].replace(steps=50, n_snapshots=4)
        bare_train(warm)
        train(warm)
        for name, cfg in runs:
            try:
                results.append(measure(name, cfg, repeats, tmp))
            except Exception as e:  # a benchmark reports, it does not fail
                print(f"{name}: failed: {type(e).__name__}: {e}", flush=True)
            else:
                print(f"  measured {name}", file=sys.stderr, flush=True)

    print()
    print(format_table(results))
    n_over = sum(not r.ok for r in results)
    print()
    print(
        f"{len(results) - n_over}/{len(results)} OK, {n_over} OVER; "
        f"benchmark wall time {time.perf_counter() - t_start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    from _report import report_only

    report_only(main)
