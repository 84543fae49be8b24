"""A cache of training runs keyed by a hash of their config and data.

Scenes ask for a run by config; the run is trained and written only when its
file is missing from the cache folder (``assets/runs/`` by default, or the
folder named by the ``AE_EXPLAINER_RUNS`` environment variable). Training
happens in a child process, so the caller (a Manim scene) never imports torch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from aecore.config import TrainConfig
from aecore.datasets import data_hash, load_data
from aecore.errors import AecoreError
from aecore.snapshot import Run, load_run

__all__ = ["cached_run", "run_path", "runs_dir"]


def runs_dir() -> Path:
    """The cache folder: ``$AE_EXPLAINER_RUNS`` or ``assets/runs`` in the repo."""
    env = os.environ.get("AE_EXPLAINER_RUNS")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "assets" / "runs"


def run_path(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where the run of ``cfg`` lives in the cache."""
    data = load_data(cfg.data, cfg.n_points, cfg.noise, cfg.data_seed)
    cfg.validate(data_dim=data.shape[1])
    stem = Path(cfg.data).stem if cfg.data.lower().endswith((".csv", ".npy")) else cfg.data
    return (root or runs_dir()) / f"{stem}-k{cfg.latent_dim}-{cfg.key(data_hash(data))}.npz"


def cached_run(cfg: TrainConfig, root: Path | None = None, quiet: bool = False) -> Run:
    """Load the run of ``cfg`` from the cache, training it first if missing.

    Parameters
    ----------
    cfg
        The training config.
    root
        Cache folder (default :func:`runs_dir`).
    quiet
        Do not print a line when training.
    """
    path = run_path(cfg, root)
    if not path.is_file():
        if not quiet:
            print(f"aecore: training {path.name} (not in the cache yet)", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "aecore.cache", json.dumps(cfg.to_dict()), str(path)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            msg = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise AecoreError(f"training {path.name} failed: {msg}")
    return load_run(path)


def _main(argv: list[str]) -> int:
    from aecore.train import train_to_file

    try:
        train_to_file(TrainConfig.from_dict(json.loads(argv[0])), argv[1])
    except AecoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
