"""``load_run`` is a security boundary: hostile bytes give one AecoreError line, never a crash or a blow-up.

Valid runs are built by hand with numpy (no training), written entry by entry so
that one entry can be tampered with, or written as raw zip bytes so that the zip
directory itself can lie.
"""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aecore import AecoreError, load_run, write_run
from aecore.snapshot import FORMAT_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "run_v1.npz"
HIDDEN = 4
BLOCK = 1 << 24  # 16 MiB of zeros: one repeated deflate block of a zip bomb
BOMB_BLOCKS = 238  # 238 x 16 MiB = 3.99 GB inflated
PEAK_LIMIT = 200 * 1024**2


# Building runs.


def _valid(
    s: int = 3, n_points: int = 10, n: int = 2, k: int = 1, g: int = 7
) -> tuple[np.ndarray, dict[str, Any], dict[str, np.ndarray]]:
    """``(data, meta, arrays)`` of a small consistent run, as :func:`write_run` takes them."""
    rng = np.random.default_rng(0)
    shapes = {
        "encoder.0.weight": (HIDDEN, n),
        "encoder.0.bias": (HIDDEN,),
        "encoder.2.weight": (k, HIDDEN),
        "encoder.2.bias": (k,),
        "decoder.0.weight": (HIDDEN, k),
        "decoder.0.bias": (HIDDEN,),
        "decoder.2.weight": (n, HIDDEN),
        "decoder.2.bias": (n,),
    }
    grid = (g,) * k
    arrays = {
        "step": np.arange(s) * 10,
        "loss": np.linspace(1.0, 0.1, s),
        "latents": rng.normal(size=(s, n_points, k)),
        "recon": rng.normal(size=(s, n_points, n)),
        "latent_grid": rng.normal(size=(s, *grid, k)),
        "manifold": rng.normal(size=(s, *grid, n)),
        "density": rng.uniform(0.0, 2.0, size=(s, *grid)),
        "reliability": rng.uniform(0.0, 1.0, size=(s, *grid)),
        **{"param/" + name: rng.normal(size=(s, *shape)) for name, shape in shapes.items()},
    }
    meta = {
        "config": {"latent_dim": k, "activation": "silu", "grid_size": g},
        "data_sha256": "0" * 64,
        "versions": {},
        "layer_sizes": [n, HIDDEN, k, HIDDEN, n],
        "param_names": list(shapes),
        "normalization": {"mean": [0.0] * n, "scale": 1.0},
    }
    return rng.normal(size=(n_points, n)), meta, arrays


def _meta_array(meta: Any) -> np.ndarray:
    return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


def _entries(s: int = 3, k: int = 1, **meta_update: Any) -> dict[str, Any]:
    """The entries of a valid run (name without ``.npy`` -> array), ready to tamper with."""
    data, meta, arrays = _valid(s=s, k=k)
    meta = {"format_version": FORMAT_VERSION, **meta, **meta_update}
    return {"meta": _meta_array(meta), "data": data, **arrays}


def _npy_header(shape: tuple[int, ...], descr: str) -> bytes:
    """A ``.npy`` 1.0 header alone, declaring ``shape`` of ``descr``."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _npy(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(a), allow_pickle=True)
    return buf.getvalue()


def _npz(path: Path, entries: dict[str, Any] | Iterable[tuple[str, Any]]) -> Path:
    """Write ``entries`` (array or raw bytes per name) as a deflated zip of ``<name>.npy`` members."""
    items = entries.items() if isinstance(entries, dict) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, value in items:
                zf.writestr(name + ".npy", value if isinstance(value, bytes) else _npy(value))
    return path


def _tampered(tmp_path: Path, k: int = 1, **changes: Any) -> Path:
    """A valid run with some entries replaced (``None`` removes one); names use ``__`` for ``/``."""
    entries = _entries(k=k)
    for name, value in changes.items():
        name = name.replace("__", "/")
        if value is None:
            del entries[name]
        else:
            entries[name] = value(entries[name]) if callable(value) else value
    return _npz(tmp_path / "run.npz", entries)


def _refused(path: Path, match: str | None = None) -> str:
    """Load ``path``, expect one AecoreError line naming the file, return the message."""
    with pytest.raises(AecoreError, match=match) as err:
        load_run(path)
    msg = str(err.value)
    assert "\n" not in msg and "\r" not in msg, msg
    assert str(path) in msg, msg
    return msg


def _refused_or_loads(path: Path) -> bool:
    """True if refused with one line; False if it loads (then as a consistent run)."""
    try:
        run = load_run(path)
    except AecoreError as e:
        assert "\n" not in str(e) and str(path) in str(e), str(e)
        return True
    assert len(run.snapshots) >= 1 and run.final.recon.shape == run.data.shape
    return False


# Raw zips: a directory that may lie, and a deflate stream that may be a bomb.


def _deflate(raw: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(raw) + c.flush()


def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written by hand: ``(name, raw deflate stream, crc32, declared size)`` per member."""
    out, central = bytearray(), bytearray()
    for name, stream, crc, size in members:
        nb = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(stream), size, len(nb), 0)
        out += nb + stream
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(nb), 0, 0, 0, 0,
            0o644 << 16, offset,
        )  # fmt: skip
        central += nb
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + eocd))
    return path


def _zeros_bomb(prefix: bytes) -> bytes:
    """A raw deflate stream of ``prefix`` then 238 x 16 MiB of zeros (~4 MB for ~4 GB), built in ~0.1 s.

    After a full flush deflate forgets its history, so one compressed block of
    zeros can be repeated; the first blocks are inflated to check the stream.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(BLOCK)) + c.flush(zlib.Z_FULL_FLUSH)
    stream = head + block * BOMB_BLOCKS + c.flush()
    d = zlib.decompressobj(-15)
    start = d.decompress(stream[: len(head) + 3 * len(block)], len(prefix) + 2 * BLOCK)
    assert start == prefix + bytes(2 * BLOCK)
    return stream


def _valid_members() -> list[tuple[str, bytes, int, int]]:
    members = []
    for name, a in sorted(_entries().items()):
        raw = _npy(a)
        members.append((name + ".npy", _deflate(raw), zlib.crc32(raw), len(raw)))
    return members


def _peak_during(fn: Any) -> tuple[Any, int, float]:
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        out = fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return out, peak, time.perf_counter() - t0


# Tests, fastest first.


def test_zip_bomb_is_refused_from_its_directory_without_inflating(tmp_path: Path) -> None:
    data_bytes = BOMB_BLOCKS * BLOCK
    header = _npy_header((1, data_bytes // 16, 2), "<f8")
    stream = _zeros_bomb(header)
    members = [m for m in _valid_members() if m[0] != "manifold.npy"]
    members.append(("manifold.npy", stream, 0, len(header) + data_bytes))
    path = _raw_zip(tmp_path / "bomb.npz", members)
    assert path.stat().st_size < 10 * 1024**2
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("manifold.npy").file_size > 3.9e9  # a real bomb: it does inflate to that
    msg, peak, _ = _peak_during(lambda: _refused(path, "zip bomb"))
    declared = int(msg.split("declare ")[1].split(" bytes")[0])
    assert declared > len(header) + data_bytes
    assert peak < PEAK_LIMIT, peak  # memory, not time: inflating would take 4 GB


def test_member_inflating_past_its_declared_size_stops_at_that_size(tmp_path: Path) -> None:
    manifold = _npy(_entries()["manifold"])
    members = [m for m in _valid_members() if m[0] != "manifold.npy"]
    members.append(("manifold.npy", _zeros_bomb(manifold), zlib.crc32(manifold), len(manifold)))
    path = _raw_zip(tmp_path / "lying.npz", members)
    _, peak, _ = _peak_during(lambda: _refused_or_loads(path))
    assert peak < PEAK_LIMIT, peak  # memory, not time: inflating would take 4 GB


def test_npy_header_declaring_1e11_elements_is_refused_without_allocating(tmp_path: Path) -> None:
    path = _tampered(tmp_path, manifold=_npy_header((10**11,), "<f4") + bytes(64))
    msg, peak, _ = _peak_during(lambda: _refused(path, "'manifold' declares shape"))
    assert "400000000000 bytes" in msg and peak < PEAK_LIMIT


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
    "other format_version": ({"meta": _meta(format_version=2)}, "format_version 2 is not supported"),
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
    with pytest.raises(AecoreError, match="does not exist"):
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
    assert run.meta == {"format_version": FORMAT_VERSION, **meta} and run.config == meta["config"]
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


def test_every_truncation_is_refused(tmp_path: Path) -> None:
    blob = FIXTURE.read_bytes()
    path = tmp_path / "cut.npz"
    cuts = sorted({*range(0, len(blob), max(1, len(blob) // 150)), *range(len(blob) - 30, len(blob))})
    for cut in cuts:
        path.write_bytes(blob[:cut])
        _refused(path, "truncated or corrupt|not a snapshot file")


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    path = tmp_path / "noise.npz"
    tail = FIXTURE.read_bytes()[-22:]  # a real end-of-directory record pointing into noise
    for i in range(80):
        blob = rng.integers(0, 256, size=int(rng.integers(0, 9000)), dtype=np.uint8).tobytes()
        path.write_bytes(blob + tail if i % 2 else blob)
        _refused(path)


def test_each_member_replaced_is_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    names = list(_entries())
    for i, name in enumerate(names):
        replacements = {
            "random bytes": rng.integers(0, 256, size=200, dtype=np.uint8).tobytes(),
            "nothing": b"",
            "a 0-d array": np.array(1.5),
            "an empty array": np.zeros(0, dtype=np.uint8 if name != "meta" else np.float32),
        }
        for what, value in replacements.items():
            path = _tampered(tmp_path, **{name.replace("/", "__"): value})
            msg = _refused(path)
            assert name in msg or "metadata" in msg or "JSON" in msg, (name, what, msg)
        other = names[(i + 1) % len(names)]
        _refused_or_loads(_tampered(tmp_path, **{name.replace("/", "__"): _entries()[other]}))


def test_npy_header_mutations_load_or_give_one_line(tmp_path: Path) -> None:
    """Corrupt the ``.npy`` headers themselves (rezipped with good CRCs, so numpy's parser sees them)."""
    rng = np.random.default_rng(4)
    base = {name: _npy(a) for name, a in _entries().items()}
    path = tmp_path / "hdr.npz"
    refused = 0
    for _ in range(200):
        entries = dict(base)
        name = list(entries)[int(rng.integers(len(entries)))]
        b = bytearray(entries[name])
        for pos in rng.integers(0, min(len(b), 128), size=int(rng.integers(1, 4))):
            b[pos] = int(rng.integers(0, 256))
        entries[name] = bytes(b)
        refused += _refused_or_loads(_npz(path, entries))
    assert refused > 100


def test_bit_flips_load_or_give_one_line(tmp_path: Path) -> None:
    blob = bytearray(FIXTURE.read_bytes())
    rng = np.random.default_rng(2)
    path = tmp_path / "flip.npz"
    refused = 0
    for _ in range(300):
        b = bytearray(blob)
        for pos in rng.integers(0, len(b), size=int(rng.integers(1, 4))):
            b[pos] ^= 1 << int(rng.integers(0, 8))
        path.write_bytes(bytes(b))
        refused += _refused_or_loads(path)
    assert refused > 150  # most flips land in CRC-checked data or in headers
