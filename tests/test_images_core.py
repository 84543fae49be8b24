"""Images in aecore: the digits, image .npy files, and runs recorded from the user's own torch model.

Cheap: every training here is a few dozen steps. The default ``DIGITS`` run
(3,000 steps, about 35 s on a loaded 2-core machine) is not trained here;
its file size is bounded exactly instead: the arrays' shapes do not depend
on the number of steps, so the same config with 40 steps writes the same
members with the same uncompressed sizes, and a deflated member is at most
its raw size plus deflate's per-block overhead.
"""

from __future__ import annotations

import socket
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import aecore
from aecore import AecoreError, SnapshotRecorder, TrainConfig, load_run
from aecore.datasets import load_dataset
from aecore.forward import forward
from aecore.train import train_to_file
from scenes.runs import DIGITS

MAX_FILE_BYTES = 25 * 10**6
"""The issue's limit on a run file: 25 MB."""


def _one_line(e: pytest.ExceptionInfo[AecoreError]) -> str:
    text = str(e.value)
    assert "\n" not in text and text, text
    return text


# The digits ---------------------------------------------------------------------------------------


def test_digits_load_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the digits reached for the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    d = load_dataset("digits", 1797, 0.0, 0)
    assert d.x.shape == (1797, 64) and d.image_shape == (8, 8)
    assert d.labels is not None and sorted(set(d.labels.tolist())) == list(range(10))
    assert d.x.min() == 0.0 and d.x.max() == 16.0


def test_training_on_digits_is_deterministic_byte_for_byte(tmp_path: Path) -> None:
    cfg = TrainConfig(data="digits", n_points=300, latent_dim=2, hidden=(16,), steps=30, n_snapshots=4)
    a, b = train_to_file(cfg, tmp_path / "a.npz"), train_to_file(cfg, tmp_path / "b.npz")
    assert a.read_bytes() == b.read_bytes()
    run = load_run(a)
    assert run.image_shape == (8, 8) and run.labels is not None and run.final.manifold.shape == (25, 25, 64)
    assert run.final.recon.dtype == np.float32


@pytest.mark.slow  # the digits' 32 snapshots in R^64
def test_the_default_digits_run_file_stays_under_25_mb(tmp_path: Path) -> None:
    # Same config as DIGITS but 40 steps: the same 32 snapshots of the same arrays (see the docstring).
    cfg = DIGITS.replace(steps=40)
    path = train_to_file(cfg, tmp_path / "d.npz")
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    raw = sum(i.file_size for i in infos)
    # deflate adds at most 5 bytes per 16 KiB block (stored blocks) plus its own framing; zip adds
    # a local header and a directory entry per member (under 200 bytes each with these names).
    bound = raw + 5 * (raw // 16384 + len(infos)) + 200 * len(infos) + 22
    assert len(load_run(path).snapshots) == DIGITS.n_snapshots
    assert path.stat().st_size <= bound <= MAX_FILE_BYTES, (path.stat().st_size, bound)


# Image .npy files ---------------------------------------------------------------------------------


def _images(n: int = 40, h: int = 4, w: int = 5) -> np.ndarray:
    return np.random.default_rng(0).uniform(0, 1, size=(n, h, w))


def test_npy_images_n_by_h_by_w_and_n_by_d_with_an_image_shape(tmp_path: Path) -> None:
    imgs = _images()
    np.save(tmp_path / "hw.npy", imgs)
    np.save(tmp_path / "d.npy", imgs.reshape(40, 20))
    a = load_dataset(str(tmp_path / "hw.npy"), 0, 0.0, 0)
    b = load_dataset(str(tmp_path / "d.npy"), 0, 0.0, 0, (4, 5))
    assert a.image_shape == b.image_shape == (4, 5)
    np.testing.assert_array_equal(a.x, b.x)
    run = load_run(
        train_to_file(
            TrainConfig(
                data=str(tmp_path / "d.npy"), image_shape=(4, 5), latent_dim=2, steps=5, n_snapshots=2
            ),
            tmp_path / "r.npz",
        )
    )
    assert run.image_shape == (4, 5) and run.final.manifold.shape == (25, 25, 20)


@pytest.mark.parametrize(
    ("name", "array", "shape", "needle"),
    [
        ("d.npy", _images().reshape(40, 20), (5, 5), "image"),
        ("w.npy", np.random.default_rng(0).uniform(size=(40, 2000)), (), "at most 1,024 features"),
        ("hw.npy", _images(), (2, 10), "image"),
    ],
)
def test_bad_image_npy_files_are_one_line(
    tmp_path: Path, name: str, array: np.ndarray, shape: tuple[int, ...], needle: str
) -> None:
    np.save(tmp_path / name, array)
    cfg = TrainConfig(data=str(tmp_path / name), image_shape=shape, latent_dim=2, steps=5, n_snapshots=2)
    with pytest.raises(AecoreError) as e:
        train_to_file(cfg, tmp_path / "r.npz")
    assert name in _one_line(e) and needle in str(e.value)


# The recorder -------------------------------------------------------------------------------------


class Encoder(nn.Module):
    """A user's own encoder: not an nn.Sequential, its own forward."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(n, 16), nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.b(torch.tanh(self.a(x)))


class Decoder(nn.Module):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(2, 16), nn.Linear(16, n)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.b(torch.tanh(self.a(z))))


def _digits(n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    d = load_dataset("digits", n, 0.0, 0)
    assert d.labels is not None
    return (d.x / 16.0).astype(np.float32), d.labels


def _train_and_record(
    enc: object, dec: object, x: np.ndarray, out: Path, steps: int = 30, **kw: object
) -> Path:
    params = [p for m in (enc, dec) if isinstance(m, nn.Module) for p in m.parameters()]
    opt = torch.optim.Adam(params, lr=1e-2)
    xt = torch.from_numpy(x)
    rec = SnapshotRecorder(enc, dec, x, out=out, **kw)  # type: ignore[arg-type]
    for step in range(steps + 1):
        loss = ((dec(enc(xt)) - xt) ** 2).sum(dim=1).mean()  # type: ignore[operator]
        if step in (0, 1, 3, 10, steps):
            rec.record(step, loss)
        if step == steps:  # the last snapshot is the model as it ends
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    return rec.close()


def test_a_run_recorded_from_a_users_own_model_loads_and_its_pixels_are_the_decoders(tmp_path: Path) -> None:
    x, labels = _digits()
    torch.manual_seed(0)
    enc, dec = Encoder(64), Decoder(64)
    run = load_run(_train_and_record(enc, dec, x, tmp_path / "mine.npz", image_shape=(8, 8), labels=labels))
    assert not run.has_weights and "layer_sizes" not in run.meta and not run.final.params
    assert run.image_shape == (8, 8) and np.array_equal(run.labels, labels)
    assert run.steps.tolist() == [0, 1, 3, 10, 30] and run.config.data == "recorded"
    assert run.final.latent_grid.shape == (25, 25, 2)  # the trainer's default grid for images
    with torch.no_grad():
        z = torch.from_numpy(run.final.latents)
        np.testing.assert_allclose(run.final.recon, dec(z).numpy(), rtol=0, atol=1e-6)  # x̂ = g(z): on M
        np.testing.assert_allclose(run.final.latents, enc(torch.from_numpy(x)).numpy(), rtol=0, atol=1e-6)
        i, j = 7, 18  # one tile of the mosaic
        tile = dec(torch.from_numpy(run.final.latent_grid[i, j][None]))[0].numpy()
    np.testing.assert_allclose(run.final.manifold[i, j], tile, rtol=0, atol=1e-6)
    rel = run.final.reliability
    assert rel.max() > 0.9 and rel.min() < 0.1  # high over the data, low past it
    with pytest.raises(AecoreError) as e:
        forward(run, run.data)
    assert "mine.npz" in _one_line(e) and "network diagram needs an MLP's weights" in str(e.value)


def test_a_sequential_mlp_keeps_its_weights_and_both_stretches_agree(tmp_path: Path) -> None:
    x, _ = _digits()
    torch.manual_seed(1)
    enc = nn.Sequential(nn.Linear(64, 16), nn.Tanh(), nn.Linear(16, 2))
    dec = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 64))
    run = load_run(_train_and_record(enc, dec, x, tmp_path / "mlp.npz", image_shape=(8, 8)))
    assert run.has_weights and run.layer_sizes == [64, 16, 2, 16, 64] and run.config.activation == "tanh"
    np.testing.assert_allclose(forward(run, run.data)[-1], run.final.recon, rtol=0, atol=1e-5)
    # The same decoder as a plain function: no weights, so its stretch comes from torch autograd.
    rec = SnapshotRecorder(enc, lambda z: dec(z), x, out=tmp_path / "fn.npz", image_shape=(8, 8))
    rec.record(30, 0.5)
    other = load_run(rec.close())
    assert not other.has_weights
    np.testing.assert_allclose(other.final.stretch, run.final.stretch, rtol=1e-3)
    np.testing.assert_allclose(other.final.reliability, run.final.reliability, rtol=0, atol=1e-3)


def test_the_same_model_state_gives_the_same_bytes_and_recording_changes_nothing(tmp_path: Path) -> None:
    x, _ = _digits(100)
    torch.manual_seed(2)
    enc, dec = Encoder(64), Decoder(64)
    enc.train()
    dropout = nn.Sequential(nn.Dropout(0.5), dec)
    before = [p.detach().clone() for p in enc.parameters()]
    rng = torch.get_rng_state()
    threads = torch.get_num_threads()
    paths = []
    for name in ("a.npz", "b.npz"):
        rec = SnapshotRecorder(enc, dropout, x, out=tmp_path / name)
        rec.record(0, torch.tensor(1.0))
        paths.append(rec.close())
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert enc.training and dropout.training and torch.get_num_threads() == threads
    assert torch.equal(torch.get_rng_state(), rng)
    assert all(torch.equal(a, b) for a, b in zip(before, enc.parameters(), strict=True))


def _recorder(tmp_path: Path, **kw: object) -> SnapshotRecorder:
    x, _ = _digits(50)
    torch.manual_seed(0)
    args: dict[str, object] = {
        "encoder": Encoder(64),
        "decoder": Decoder(64),
        "data": x,
        "out": tmp_path / "r.npz",
    }
    return SnapshotRecorder(**{**args, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"data": np.zeros((50, 8, 8))}, "flatten images"),
        ({"data": np.zeros(50)}, "N x n"),
        ({"data": np.full((50, 64), np.nan)}, "NaN"),
        ({"data": "pixels"}, "N x n"),
        ({"image_shape": (8, 7)}, "H x W = n = 64"),
        ({"labels": np.arange(3)}, "labels"),
        ({"encoder": lambda t: t[:, :3]}, "k = 1 or 2"),
        ({"data": np.random.default_rng(0).uniform(size=(50, 63))}, "encoder failed"),
        ({"encoder": lambda t: t[:1, :2]}, "expected a tensor of 2 rows"),
        ({"decoder": lambda z: z.repeat(1, 5)}, "expected 64"),
        ({"grid_size": 2}, "grid_size"),
        ({"max_snapshots": 0}, "max_snapshots"),
        ({"out": "run.txt"}, ".npz"),
    ],
)
def test_bad_recorder_inputs_are_one_line(tmp_path: Path, kw: dict[str, object], needle: str) -> None:
    with pytest.raises(AecoreError) as e:
        _recorder(tmp_path, **kw)
    assert needle in _one_line(e)


def test_bad_records_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _recorder(tmp_path, max_snapshots=2)
    for loss, needle in ((float("nan"), "finite"), (float("inf"), "finite"), (-1.0, ">= 0"), ("x", "number")):
        with pytest.raises(AecoreError) as e:
            rec.record(0, loss)
        assert needle in _one_line(e)
    rec.record(5, 1.0)
    with pytest.raises(AecoreError) as e:
        rec.record(5, 1.0)
    assert "increase" in _one_line(e)
    rec.record(6, 1.0)
    with pytest.raises(AecoreError) as e:
        rec.record(7, 1.0)
    assert "max_snapshots" in _one_line(e)
    rec.close()
    for call in (lambda: rec.record(8, 1.0), rec.close):
        with pytest.raises(AecoreError) as e:
            call()
        assert "close" in _one_line(e)
    with pytest.raises(AecoreError) as e:
        _recorder(tmp_path).close()
    assert "nothing recorded" in _one_line(e)
    monkeypatch.setattr(aecore.recorder, "MAX_RUN_BYTES", 10**6)
    with pytest.raises(AecoreError) as e:
        _recorder(tmp_path, max_snapshots=100)
    assert "max_snapshots=" in _one_line(e) and "GB" in str(e.value)
