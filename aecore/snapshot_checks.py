"""The checks of a snapshot file's untrusted bytes, before and after reading them.

:func:`aecore.snapshot.load_run` documents every check and why its limits
are what they are; this module carries them out, so that the format module
holds only the format.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from aecore.errors import AecoreError
from aecore.snapshot_vectors import PROJECTION, VECTORS_VERSION, check_features, check_projection

__all__ = [
    "ENSEMBLE",
    "FLOAT64",
    "FORMAT_VERSION",
    "OPTIONAL_PER_SNAPSHOT",
    "PER_SNAPSHOT",
    "PROJECTION",
    "READABLE_VERSIONS",
    "V2_PER_SNAPSHOT",
    "VECTORS_VERSION",
    "check_arrays",
    "read_checked",
]

FORMAT_VERSION = 2
"""Version of the on-disk format that :func:`aecore.snapshot.write_run` writes for points and images."""

READABLE_VERSIONS = (1, 2, 3)
"""Versions the reader accepts; it refuses any other."""

PER_SNAPSHOT = ("step", "loss", "latents", "recon", "latent_grid", "manifold", "density", "reliability")
V2_PER_SNAPSHOT = ("stretch", "density_on_m")
"""Per-snapshot arrays that version 2 adds (required there, absent from version 1)."""
OPTIONAL_PER_SNAPSHOT = ("latent_logvar",)
ENSEMBLE = ("ensemble_manifold", "agreement", "ensemble_spread")
"""Version 2's optional arrays of the final snapshot's ensemble: all three or none."""
FLOAT64 = ("recon", "manifold", "ensemble_manifold")
"""Per-snapshot arrays kept in float64 (data space); other floating arrays are float32."""


# Limits of the reader (see load_run's docstring for why these numbers).
_MAX_TOTAL_BYTES = 2 * 1024**3
_RATIO_FLOOR_BYTES = 64 * 1024**2
_MAX_RATIO = 200
_MAX_META_BYTES = 1024**2
_MAX_MEMBERS = 4096
_MAX_HEADER_BYTES = 10_000
_MAX_DATA_DIM = 4096
_KNOWN = frozenset(
    {
        "meta",
        "data",
        "labels",
        *PER_SNAPSHOT,
        *V2_PER_SNAPSHOT,
        *OPTIONAL_PER_SNAPSHOT,
        *ENSEMBLE,
        *PROJECTION,
    }
)
_PARAM_NAME = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")


def read_checked(p: Path) -> tuple[str, dict[str, Any], dict[str, np.ndarray]]:
    """The metadata and arrays of the snapshot file ``p``, every check passed; see :func:`load_run`.

    Returns ``(where, meta, arrays)``: ``where`` is the file's name on one line.
    """
    where = _one_line(str(p))
    try:
        file_size = p.stat().st_size
        if file_size > _MAX_TOTAL_BYTES:
            raise AecoreError(f"{where}: {file_size} bytes is larger than a snapshot file may be")
        with zipfile.ZipFile(p) as zf:
            members = _check_directory(where, zf, file_size)
            meta = _parse_meta(where, _read_member(where, zf, members.pop("meta"), "meta"))
            required = ("data", *PER_SNAPSHOT, *(V2_PER_SNAPSHOT if meta["format_version"] >= 2 else ()))
            missing = [k for k in required if k not in members]
            if missing:
                raise AecoreError(f"{where}: snapshot file lacks arrays {missing}")
            arrays = {key: _read_member(where, zf, info, key) for key, info in members.items()}
    except AecoreError:
        raise
    except Exception as e:  # zipfile/zlib on untrusted bytes: any failure means the file is corrupt
        raise AecoreError(
            f"{where}: not a readable snapshot file (truncated or corrupt: {_short(e)})"
        ) from None
    check_arrays(where, meta, arrays)
    return where, meta, arrays


def _one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(text.split())


def _short(obj: object, limit: int = 80) -> str:
    """``str(obj)`` on one line, cut to ``limit`` characters."""
    text = _one_line(str(obj))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_directory(where: str, zf: zipfile.ZipFile, file_size: int) -> dict[str, zipfile.ZipInfo]:
    """Check the zip directory's names and declared sizes; return the members by array name."""
    infos = zf.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise AecoreError(
            f"{where}: {len(infos)} entries is more than a snapshot file holds ({_MAX_MEMBERS})"
        )
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        key = name[: -len(".npy")] if name.endswith(".npy") else ""
        known = key in _KNOWN or (key.startswith("param/") and _PARAM_NAME.fullmatch(key[6:]) is not None)
        if not known:
            raise AecoreError(
                f"{where}: unexpected entry {_short(repr(name))}; a snapshot file holds only its known"
                " arrays and param/<name>.npy"
            )
        if key in members:
            raise AecoreError(f"{where}: entry {name!r} appears twice")
        if info.flag_bits & 0x1:
            raise AecoreError(f"{where}: entry {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise AecoreError(
                f"{where}: entry {name!r} uses zip compression method {info.compress_type};"
                " expected stored (0) or deflated (8)"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise AecoreError(f"{where}: stored entry {name!r} declares two different sizes")
        members[key] = info
    total = sum(info.file_size for info in infos)
    budget = min(_MAX_TOTAL_BYTES, max(_RATIO_FLOOR_BYTES, _MAX_RATIO * file_size))
    if total > budget:
        raise AecoreError(
            f"{where}: its entries declare {total} bytes uncompressed, more than the {budget} bytes"
            f" a {file_size}-byte snapshot file can justify (a zip bomb or a corrupt file)"
        )
    if "meta" not in members:
        raise AecoreError(f"{where}: not a snapshot file (no 'meta' entry)")
    if members["meta"].file_size > _MAX_META_BYTES:
        raise AecoreError(
            f"{where}: its metadata declares {members['meta'].file_size} bytes, more than {_MAX_META_BYTES}"
        )
    return members


def _expected_dtype(key: str) -> str:
    """What dtype the array ``key`` may have, in words."""
    if key == "meta":
        return "uint8"
    if key in ("step", "labels"):
        return "an integer type"
    return "float32 or float64"


def _dtype_ok(key: str, dtype: np.dtype) -> bool:
    """Whether ``dtype`` is a plain numeric dtype allowed for the array ``key``."""
    if dtype.fields is not None or dtype.subdtype is not None or dtype.byteorder not in "=<|":
        return False
    if key == "meta":
        return dtype.kind == "u" and dtype.itemsize == 1
    if key in ("step", "labels"):
        return dtype.kind in "iu" and dtype.itemsize in (1, 2, 4, 8)
    return dtype.kind == "f" and dtype.itemsize in (4, 8)


def _read_member(where: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> np.ndarray:
    """Check a member's ``.npy`` header against its declared size, then read the array."""
    fmt = np.lib.format
    try:
        with zf.open(info) as fh:
            head = io.BytesIO(fh.read(min(info.file_size, 12 + _MAX_HEADER_BYTES)))
            version = fmt.read_magic(head)
            if version == (1, 0):
                shape, _, dtype = fmt.read_array_header_1_0(head, max_header_size=_MAX_HEADER_BYTES)
            elif version == (2, 0):
                shape, _, dtype = fmt.read_array_header_2_0(head, max_header_size=_MAX_HEADER_BYTES)
            else:
                raise AecoreError(f"{where}: {key!r} is .npy format {version}; expected 1.0 or 2.0")
            if not _dtype_ok(key, dtype):
                raise AecoreError(
                    f"{where}: {key!r} has dtype {dtype.str!r}; expected {_expected_dtype(key)}"
                )
            if len(shape) > 8 or any(d < 0 for d in shape):
                raise AecoreError(f"{where}: {key!r} declares an impossible shape {_short(shape)}")
            n_bytes = math.prod(shape) * dtype.itemsize
            held = info.file_size - head.tell()
            if n_bytes != held:
                raise AecoreError(
                    f"{where}: {key!r} declares shape {shape} of {dtype} ({n_bytes} bytes)"
                    f" but its entry holds {held} bytes of data"
                )
            fh.seek(0)
            array = fmt.read_array(fh, allow_pickle=False, max_header_size=_MAX_HEADER_BYTES)
            if fh.read(1):  # cannot happen (zipfile stops at the declared size); this checks the CRC
                raise AecoreError(f"{where}: {key!r} holds bytes after its array")
    except AecoreError:
        raise
    except Exception as e:  # zipfile/zlib/numpy parsers on untrusted bytes: any failure means corrupt
        raise AecoreError(
            f"{where}: {key!r} is not a readable array (truncated or corrupt: {_short(e)})"
        ) from None
    return np.asarray(array)


def _parse_meta(where: str, raw: np.ndarray) -> dict[str, Any]:
    """The metadata as a JSON object of this format version."""
    if raw.ndim != 1:
        raise AecoreError(f"{where}: its metadata has shape {raw.shape}; expected a 1-D byte string")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise AecoreError(f"{where}: its metadata is not valid JSON") from None
    if not isinstance(meta, dict):
        raise AecoreError(f"{where}: its metadata is a JSON {type(meta).__name__}; expected a JSON object")
    version = meta.get("format_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise AecoreError(
            f"{where}: format_version {_short(repr(version), 40)} is not supported; this aecore reads"
            f" versions {', '.join(map(str, READABLE_VERSIONS))} (re-train the run)"
        )
    return meta


def _is_int(v: object) -> bool:
    """A JSON integer (not a bool)."""
    return type(v) is int


def _is_real(v: object) -> bool:
    """A finite JSON number (not a bool)."""
    return type(v) in (int, float) and math.isfinite(v)  # type: ignore[arg-type]


def _check_meta(where: str, meta: dict[str, Any], n: int, k: int, param_keys: list[str]) -> None:
    """Check ``layer_sizes``, ``param_names`` and ``normalization`` against the arrays.

    A run without weights (no ``param/<name>`` arrays, e.g. recorded from a
    model that is no MLP, :class:`aecore.recorder.SnapshotRecorder`) may leave
    out ``layer_sizes`` and ``param_names``; a run with weights must have both.
    """
    if not param_keys and "layer_sizes" not in meta and "param_names" not in meta:
        _check_normalization(where, meta, n)
        return
    sizes = meta.get("layer_sizes")
    if not (
        isinstance(sizes, list)
        and len(sizes) >= 3
        and len(sizes) % 2 == 1
        and all(_is_int(v) and v >= 1 for v in sizes)
        and sizes[0] == sizes[-1] == n
        and sizes[len(sizes) // 2] == k
    ):
        raise AecoreError(
            f"{where}: meta 'layer_sizes' is {_short(repr(sizes), 60)}; expected a list [n, ..., k, ..., n]"
            f" of positive integers with n={n}, k={k}"
        )
    names = meta.get("param_names")
    if not (isinstance(names, list) and all(isinstance(v, str) for v in names)):
        raise AecoreError(
            f"{where}: meta 'param_names' is {_short(repr(names), 60)}; expected a list of names"
        )
    if len(set(names)) != len(names) or set(names) != set(param_keys):
        raise AecoreError(
            f"{where}: meta 'param_names' {_short(sorted(set(names)), 60)} does not match the"
            f" param/<name> arrays {_short(sorted(param_keys), 60)}"
        )
    _check_normalization(where, meta, n)


def _check_normalization(where: str, meta: dict[str, Any], n: int) -> None:
    """``normalization``, if present: n finite ``mean`` values and a positive ``scale``."""
    norm = meta.get("normalization")
    if norm is not None:
        ok = (
            isinstance(norm, dict)
            and isinstance(norm.get("mean"), list)
            and len(norm["mean"]) == n
            and all(_is_real(v) for v in norm["mean"])
            and _is_real(norm.get("scale"))
            and norm["scale"] > 0
        )
        if not ok:
            raise AecoreError(
                f"{where}: meta 'normalization' is {_short(repr(norm), 60)}; expected"
                f" {{'mean': [{n} finite numbers], 'scale': a positive number}}"
            )


def _check_ensemble(
    where: str, meta: dict[str, Any], arrays: dict[str, np.ndarray], g: tuple[int, ...], n: int
) -> None:
    """Version 2's ensemble arrays: all or none, one manifold per ``config['ensemble_seeds']``."""
    present = [key for key in ENSEMBLE if key in arrays]
    if not present:
        return
    if meta["format_version"] < 2 or len(present) != len(ENSEMBLE):
        raise AecoreError(
            f"{where}: ensemble arrays {present} without the rest of {list(ENSEMBLE)} (format version 2)"
        )
    seeds = meta["config"].get("ensemble_seeds")
    if not (isinstance(seeds, list) and seeds and all(_is_int(v) for v in seeds)):
        raise AecoreError(
            f"{where}: config 'ensemble_seeds' is {_short(repr(seeds), 40)}; the ensemble arrays need a"
            " non-empty list of seeds"
        )
    expected = {"ensemble_manifold": (len(seeds), *g, n), "agreement": g, "ensemble_spread": g}
    for key, shape in expected.items():
        if arrays[key].shape != shape:
            raise AecoreError(
                f"{where}: {key!r} has shape {arrays[key].shape}; expected {shape}"
                f" ({len(seeds)} ensemble seeds, G={g}, n={n})"
            )


def check_arrays(where: str, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Check every array against the metadata and the others (see :func:`aecore.snapshot.load_run`)."""
    config = meta.get("config")
    if not isinstance(config, dict):
        raise AecoreError(f"{where}: meta 'config' is a {type(config).__name__}; expected a JSON object")
    k = config.get("latent_dim")
    if not _is_int(k) or k not in (1, 2):
        raise AecoreError(f"{where}: config 'latent_dim' is {_short(repr(k), 40)}; expected 1 or 2")

    data = arrays["data"]
    if data.ndim != 2 or data.shape[0] < 1 or not 2 <= data.shape[1] <= _MAX_DATA_DIM:
        raise AecoreError(
            f"{where}: 'data' has shape {data.shape}; expected (N, n) with N >= 1"
            f" and 2 <= n <= {_MAX_DATA_DIM}"
        )
    n_points, n = data.shape
    step = arrays["step"]
    if step.ndim != 1:
        raise AecoreError(f"{where}: 'step' has shape {step.shape}; expected (S,), one step per snapshot")
    s = len(step)
    if s < 1:
        raise AecoreError(f"{where}: the run has no snapshots ('step' is empty)")

    grid = arrays["latent_grid"]
    g = grid.shape[1:-1]
    if grid.ndim != 2 + k or grid.shape[0] != s or grid.shape[-1] != k or min(g) < 2 or len(set(g)) != 1:
        side = "(G,)" if k == 1 else "(G, G)"
        raise AecoreError(
            f"{where}: 'latent_grid' has shape {grid.shape}; expected (S, *G, k) with S={s}, k={k},"
            f" G={side}, G >= 2"
        )
    legend = f"S={s} snapshots, N={n_points} points, n={n}, k={k}, G={g}"
    expected = {
        "loss": (s,),
        "latents": (s, n_points, k),
        "recon": (s, n_points, n),
        "manifold": (s, *g, n),
        "density": (s, *g),
        "reliability": (s, *g),
        "stretch": (s, *g),
        "density_on_m": (s, *g),
        "latent_logvar": (s, n_points, k),
    }
    _check_ensemble(where, meta, arrays, g, n)
    for key, shape in expected.items():
        if key in arrays and arrays[key].shape != shape:
            raise AecoreError(f"{where}: {key!r} has shape {arrays[key].shape}; expected {shape} ({legend})")
    params = {key[len("param/") :]: a for key, a in arrays.items() if key.startswith("param/")}
    for name, a in params.items():
        if a.ndim < 1 or a.shape[0] != s:
            raise AecoreError(f"{where}: 'param/{name}' has shape {a.shape}; expected (S, ...) with S={s}")

    for key, a in arrays.items():
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise AecoreError(f"{where}: {key!r} has NaN or infinite values")
    if (step < 0).any():
        raise AecoreError(f"{where}: 'step' has negative values")
    labels = arrays.get("labels")
    if labels is not None and (labels.shape != (n_points,) or (labels < 0).any() or (labels >= 2**31).any()):
        raise AecoreError(
            f"{where}: 'labels' has shape {labels.shape}; expected ({n_points},) whole numbers"
            " 0 <= label < 2**31"
        )
    image = meta.get("image_shape")
    if image is not None and not (
        isinstance(image, list)
        and len(image) == 2
        and all(_is_int(v) and v >= 1 for v in image)
        and image[0] * image[1] == n
    ):
        raise AecoreError(
            f"{where}: meta 'image_shape' is {_short(repr(image), 40)}; expected [H, W] with H x W = n = {n}"
        )
    for key in ("loss", "density", "stretch", "density_on_m", "ensemble_spread"):
        if key in arrays and (arrays[key] < 0).any():
            raise AecoreError(f"{where}: {key!r} has negative values")
    for key in ("reliability", "agreement"):
        if key in arrays and ((arrays[key] < 0) | (arrays[key] > 1)).any():
            raise AecoreError(f"{where}: {key!r} has values outside [0, 1]")
    _check_meta(where, meta, n, k, list(params))
    check_projection(where, meta, arrays, n, k)
    check_features(where, meta, n)
