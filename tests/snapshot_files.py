"""Hand-built snapshot files for the loader's tests: valid runs entry by entry, and raw zips.

Valid runs are built with numpy (no training), written entry by entry so that
one entry can be tampered with, or written as raw zip bytes so that the zip
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

from aecore import AecoreError, load_run
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
        "stretch": rng.uniform(0.0, 3.0, size=(s, *grid)),
        "density_on_m": rng.uniform(0.0, 2.0, size=(s, *grid)),
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
