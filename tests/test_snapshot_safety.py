"""``load_run`` is a security boundary: a hostile entry gives one AecoreError line, never a crash.

Each entry of a valid hand-built run (``tests/snapshot_files.py``) is tampered
with in turn; the committed version-1 fixture keeps loading; a run round-trips.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aecore import AecoreError, load_run, write_run
from aecore.meta import RunConfig, RunMeta
from aecore.snapshot import FORMAT_VERSION
from tests.snapshot_files import FIXTURE, _entries, _meta_array, _npy, _npz, _refused, _tampered, _valid


def _with(index: tuple[Any, ...], value: float) -> Any:
    def edit(a: np.ndarray) -> np.ndarray:
        a = a.copy()
        a[index] = value
        return a

    return edit


def _meta(**update: Any) -> np.ndarray:
    meta = json.loads(_entries()["meta"].tobytes())
    meta.update(update)
    return _meta_array(meta)


BAD_ENTRIES: dict[str, tuple[dict[str, Any], str]] = {
    "config is a list": ({"meta": _meta(config=[1, 2])}, "meta 'config' is a list; expected a JSON object"),
    "config is a string": ({"meta": _meta(config="ae")}, "meta 'config' is a str"),
    "latent_dim 3": ({"meta": _meta(config={"latent_dim": 3})}, "'latent_dim' is 3"),
    "latent_dim a bool": ({"meta": _meta(config={"latent_dim": True})}, "'latent_dim' is True"),
    "meta not JSON": ({"meta": np.frombuffer(b'{"config": ', dtype=np.uint8)}, "not valid JSON"),
    "meta not UTF-8": ({"meta": np.frombuffer(b"\xff\xfe{}", dtype=np.uint8)}, "not valid JSON"),
    "meta a JSON list": ({"meta": _meta_array([1, 2])}, "is a JSON list; expected a JSON object"),
    "meta deeply nested": ({"meta": np.frombuffer(b"[" * 100_000, dtype=np.uint8)}, "not valid JSON"),
    "meta 2-D": ({"meta": _meta().reshape(1, -1)}, "metadata has shape"),
    "meta floats": ({"meta": _meta().astype(np.float32)}, "'meta' has dtype '<f4'; expected uint8"),
    "other format_version": ({"meta": _meta(format_version=4)}, "format_version 4 is not supported"),
    "format_version 1.0": ({"meta": _meta(format_version=1.0)}, "format_version 1.0 is not supported"),
    "step 0-d": ({"step": np.array(5)}, r"'step' has shape \(\); expected \(S,\)"),
    "step 2-D": ({"step": lambda a: a.reshape(-1, 1)}, r"'step' has shape \(3, 1\)"),
    "step floats": ({"step": lambda a: a.astype(float)}, "'step' has dtype '<f8'; expected an integer"),
    "negative step": ({"step": _with((0,), -1)}, "'step' has negative values"),
    "string losses": ({"loss": np.array(["1.0", "0.5", "0.1"])}, "'loss' has dtype '<U3'"),
    "byte-string losses": ({"loss": np.array([b"1.0", b"0.5", b"0.1"])}, r"'loss' has dtype '\|S3'"),
    "object losses": ({"loss": np.array([1.0, None, 0.1], dtype=object)}, r"'loss' has dtype '\|O'"),
    "structured losses": ({"loss": np.zeros(3, dtype=[("a", "<f4")])}, r"'loss' has dtype '\|V4'"),
    "big-endian losses": ({"loss": lambda a: a.astype(">f8")}, "'loss' has dtype '>f8'"),
    "float16 losses": ({"loss": lambda a: a.astype("<f2")}, "'loss' has dtype '<f2'"),
    "complex losses": ({"loss": lambda a: a.astype(complex)}, "'loss' has dtype '<c16'"),
    "infinite loss": ({"loss": _with((1,), np.inf)}, "'loss' has NaN or infinite values"),
    "negative loss": ({"loss": _with((1,), -0.5)}, "'loss' has negative values"),
    "latents of the wrong N": ({"latents": lambda a: a[:, :-1]}, r"'latents' has shape \(3, 9, 1\)"),
    "recon of the wrong n": ({"recon": lambda a: a[..., :1]}, r"'recon' has shape \(3, 10, 1\)"),
    "NaN manifold": ({"manifold": _with((1, 3, 0), np.nan)}, "'manifold' has NaN or infinite values"),
    "manifold on another grid": ({"manifold": lambda a: a[:, :-1]}, r"'manifold' has shape \(3, 6, 2\)"),
    "grid without its k axis": ({"latent_grid": lambda a: a[..., 0]}, "'latent_grid' has shape"),
    "negative density": ({"density": _with((0, 0), -1.0)}, "'density' has negative values"),
    "reliability above 1": (
        {"reliability": _with((2, 4), 1.5)},
        r"'reliability' has values outside \[0, 1\]",
    ),
    "snapshot counts disagree": ({"density": lambda a: a[:2]}, r"'density' has shape \(2, 7\)"),
    "param of another S": ({"param__decoder.0.bias": lambda a: a[:1]}, "'param/decoder.0.bias' has shape"),
    "param not listed": ({"param__extra.0.bias": np.zeros((3, 2))}, "'param_names'"),
    "listed param missing": ({"param__decoder.2.bias": None}, "'param_names'"),
    "NaN weight": ({"param__encoder.0.weight": _with((0, 0, 0), np.nan)}, "'param/encoder.0.weight' has NaN"),
    "logvar of the wrong N": (
        {"latent_logvar": np.zeros((3, 4, 1))},
        r"'latent_logvar' has shape \(3, 4, 1\)",
    ),
    "a missing array": ({"density": None}, r"lacks arrays \['density'\]"),
    "no meta": ({"meta": None}, "no 'meta' entry"),
    "data 1-D": ({"data": lambda a: a[:, 0]}, "'data' has shape"),
    "data too wide": ({"data": np.zeros((10, 5000))}, "'data' has shape"),
    "layer sizes of another n": ({"meta": _meta(layer_sizes=[3, 4, 1, 4, 3])}, "'layer_sizes'"),
    "layer sizes a string": ({"meta": _meta(layer_sizes="2,4,1,4,2")}, "'layer_sizes'"),
    "param names not strings": ({"meta": _meta(param_names=[1, 2])}, "'param_names'"),
    "scale not positive": (
        {"meta": _meta(normalization={"mean": [0.0, 0.0], "scale": -1.0})},
        "normalization",
    ),
    "mean of another n": ({"meta": _meta(normalization={"mean": [0.0], "scale": 1.0})}, "normalization"),
    "header longer than its data": ({"loss": lambda a: _npy(a) + bytes(8)}, "'loss' declares shape"),
    "npy format 3.0": ({"loss": lambda a: b"\x93NUMPY\x03\x00" + _npy(a)[8:]}, r"format \(3, 0\)"),
    "not an npy member": ({"loss": b"PK\x03\x04 not numpy"}, "'loss' is not a readable array"),
    "empty member": ({"loss": b""}, "'loss' is not a readable array"),
}


@pytest.mark.parametrize("case", list(BAD_ENTRIES))
def test_bad_entry_is_one_line_naming_it(case: str, tmp_path: Path) -> None:
    changes, match = BAD_ENTRIES[case]
    _refused(_tampered(tmp_path, **changes), match)


def test_zero_snapshots_refused(tmp_path: Path) -> None:
    _refused(_npz(tmp_path / "run.npz", _entries(s=0)), "no snapshots")


def test_unknown_or_duplicate_members_refused(tmp_path: Path) -> None:
    for name in [
        "evil.npy",
        "param/../x.npy",
        "param/.npy",
        "meta.pkl",
        "data.npy.npy",
        "../meta.npy",
        "dir/",
    ]:
        path = _tampered(tmp_path)
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr(name, _npy(np.zeros(3)))
        _refused(path, "unexpected entry")
    dup = _npz(tmp_path / "dup.npz", [*_entries().items(), ("loss", np.zeros(3))])
    _refused(dup, "'loss.npy' appears twice")
    bz = tmp_path / "bz.npz"
    with zipfile.ZipFile(bz, "w", zipfile.ZIP_BZIP2) as zf:
        for name, a in _entries().items():
            zf.writestr(name + ".npy", _npy(a))
    _refused(bz, "compression method 12")


def test_k2_run_loads_and_a_non_square_grid_is_refused(tmp_path: Path) -> None:
    run = load_run(_npz(tmp_path / "ok.npz", _entries(k=2)))
    assert run.final.latent_grid.shape == (7, 7, 2) and run.final.manifold.shape == (7, 7, 2)
    entries = _entries(k=2)
    for key in ("latent_grid", "manifold", "density", "reliability"):
        entries[key] = entries[key][:, :, :5]
    _refused(_npz(tmp_path / "bad.npz", entries), "'latent_grid' has shape")


def test_missing_file_and_a_directory(tmp_path: Path) -> None:
    with pytest.raises(AecoreError, match="does not exist"):
        load_run(tmp_path / "none.npz")
    with pytest.raises(AecoreError, match="is a folder"):
        load_run(tmp_path)


def test_round_trip_gives_equal_arrays_and_identical_bytes(tmp_path: Path) -> None:
    data, meta, arrays = _valid()
    data = 1e8 + data  # far from the origin: float32 would round the residuals away
    noise = arrays["recon"]
    arrays["recon"] = data + 1e-3 * noise
    a = write_run(tmp_path / "a.npz", data, meta, arrays)
    b = write_run(tmp_path / "sub" / "b.npz", data, meta, arrays)
    assert a.read_bytes() == b.read_bytes()
    run = load_run(a)
    assert run.meta == RunMeta.model_validate({"format_version": FORMAT_VERSION, **meta})
    assert run.config == RunConfig.model_validate(meta["config"]) == run.meta.config
    np.testing.assert_array_equal(run.data, data)
    assert run.steps.tolist() == arrays["step"].tolist()
    for i, s in enumerate(run.snapshots):
        assert s.recon.dtype == s.manifold.dtype == np.float64
        np.testing.assert_array_equal(s.recon, arrays["recon"][i])
        np.testing.assert_array_equal(s.manifold, arrays["manifold"][i])
        assert s.latents.dtype == s.reliability.dtype == np.float32
        for key in ("latents", "latent_grid", "density", "reliability"):
            np.testing.assert_array_equal(getattr(s, key), arrays[key][i].astype(np.float32))
        assert s.loss == np.float32(arrays["loss"][i])
        assert s.params.keys() == set(meta["param_names"])
        for name, w in s.params.items():
            np.testing.assert_array_equal(w, arrays["param/" + name][i].astype(np.float32))
    resid = run.final.recon - run.data
    assert np.abs(resid).max() > 1e-4 and np.allclose(resid, 1e-3 * noise[-1], atol=1e-6)
    assert not list(tmp_path.glob("*.tmp"))


def test_committed_float32_fixture_still_loads() -> None:
    run = load_run(FIXTURE)
    assert run.final.recon.dtype == run.final.manifold.dtype == np.float32
    assert run.final.recon.shape == run.data.shape and run.steps[0] == 0
