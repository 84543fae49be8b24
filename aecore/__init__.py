"""aecore: train small autoencoders and record what they represent.

The public API needs only numpy; torch is imported when a run is trained or
recorded (:class:`SnapshotRecorder`, snapshots from your own PyTorch model).

>>> import aecore
>>> run = aecore.load_run("tests/fixtures/run_v2.npz")
>>> run.snapshots[-1].manifold.shape  # M at the last snapshot: g on a grid of 21 latents, in R^2
(21, 2)
"""

from __future__ import annotations

from aecore.cache import cached_run, run_path, runs_dir
from aecore.config import VARIANTS, TrainConfig
from aecore.datasets import DATASETS, load_data, make_dataset
from aecore.errors import AecoreError
from aecore.forward import decode, encode, forward
from aecore.priors import PRIORS, RELIABLE_THRESHOLD, PriorDraw, draw_prior, prior_samples, reliable_fraction
from aecore.recorder import SnapshotRecorder
from aecore.residuals import Residuals, residuals
from aecore.snapshot import FORMAT_VERSION, Run, Snapshot, load_run, write_run

__all__ = [
    "DATASETS",
    "FORMAT_VERSION",
    "PRIORS",
    "RELIABLE_THRESHOLD",
    "VARIANTS",
    "AecoreError",
    "PriorDraw",
    "Residuals",
    "Run",
    "Snapshot",
    "SnapshotRecorder",
    "TrainConfig",
    "cached_run",
    "decode",
    "draw_prior",
    "encode",
    "forward",
    "load_data",
    "load_run",
    "make_dataset",
    "prior_samples",
    "reliable_fraction",
    "residuals",
    "run_path",
    "runs_dir",
    "write_run",
]
