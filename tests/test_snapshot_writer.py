"""One snapshot writer: the trainer and :class:`aecore.SnapshotRecorder` record a model state alike.

Both build a snapshot with :func:`aecore.recording.snapshot_row`. Given the
same model state (an MLP whose standardisation is the identity, so the
trainer's float32 network sees exactly what the recorder feeds it), every
array of the two files is the same, byte for byte.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from aecore import SnapshotRecorder, TrainConfig, make_dataset, write_run
from aecore.model import Autoencoder
from aecore.train import model_snapshot


def _members(path: Path) -> dict[str, bytes]:
    """The ``.npy`` bytes of every array of a run file but its metadata."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name != "meta.npy"}


@pytest.mark.parametrize(("data", "k"), [("arc", 1), ("sheet", 2)])
def test_the_trainer_and_the_recorder_write_the_same_snapshot(data: str, k: int, tmp_path: Path) -> None:
    cfg = TrainConfig(data=data, latent_dim=k, n_points=200, hidden=(8, 8), grid_size=17)
    x = make_dataset(data, cfg.n_points, cfg.noise, cfg.data_seed)
    n = x.shape[1]
    torch.manual_seed(3)
    model = Autoencoder(n, k, cfg.hidden, cfg.activation, np.zeros(n), 1.0)
    with torch.no_grad():  # a few steps' worth of change, so the state is not the initial one
        for p in model.parameters():
            p.add_(0.1 * torch.randn(p.shape))
    u = model.standardize(torch.from_numpy(x))

    row, loss = model_snapshot(model, cfg, x, u, 1.0, step=7)
    trained = write_run(
        tmp_path / "trainer.npz",
        x,
        {"config": cfg.to_dict()},
        {key: np.asarray(a)[None] for key, a in row.items()},
        float32_data_space=True,  # the precision the recorder stores (its model computes in float32)
    )
    rec = SnapshotRecorder(
        model.encoder,
        model.decoder,
        x,
        out=tmp_path / "recorder.npz",
        grid_size=cfg.grid_size,
        grid_margin=cfg.grid_margin,
        bandwidth_scale=cfg.bandwidth_scale,
        reliability_scale=cfg.reliability_scale,
    )
    rec.record(7, loss)
    recorded = rec.close()

    a, b = _members(trained), _members(recorded)
    assert sorted(a) == sorted(b)
    assert {"latents.npy", "manifold.npy", "reliability.npy", "param/decoder.0.weight.npy"} <= set(a)
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"arrays that differ: {differ}"
    manifold = np.load(io.BytesIO(a["manifold.npy"]))
    assert manifold.shape == (1, *cfg.grid_shape, n) and np.ptp(manifold) > 0  # a real M was compared
