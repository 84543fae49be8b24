"""``load_run`` on hostile bytes: zip bombs, lying directories, truncations, random and flipped bytes.

Each gives one AecoreError line (or, for a harmless mutation, a run that
loads), never a crash, a hang or a blow-up in memory.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from tests.snapshot_files import (
    BLOCK,
    BOMB_BLOCKS,
    FIXTURE,
    PEAK_LIMIT,
    _entries,
    _npy,
    _npy_header,
    _npz,
    _peak_during,
    _raw_zip,
    _refused,
    _refused_or_loads,
    _tampered,
    _valid_members,
    _zeros_bomb,
)


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
