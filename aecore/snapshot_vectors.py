"""The checks of a vector run's projection P and feature names in a snapshot file (version 3).

:func:`aecore.snapshot.load_run` documents the format; :mod:`aecore.snapshot_checks` calls these
after the common checks, so a file whose projection is missing or inconsistent is refused in one line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from aecore.errors import AecoreError

__all__ = ["PROJECTION", "VECTORS_VERSION", "check_features", "check_projection"]

VECTORS_VERSION = 3
"""Version written for vectors in R^D (D >= 4, not images): version 2 and the projection P."""

PROJECTION = ("projection", "projection_mean", "projection_scale", "projection_variance")
"""Version 3's arrays of the picture's projection P (:mod:`aecore.vectors`): all four, always float64."""


def _is_int(v: object) -> bool:
    return type(v) is int


def _is_real(v: object) -> bool:
    return type(v) in (int, float) and math.isfinite(v)  # type: ignore[arg-type]


def _short(obj: object, limit: int = 60) -> str:
    text = " ".join(str(obj).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_projection(where: str, meta: dict[str, Any], arrays: dict[str, np.ndarray], n: int, k: int) -> None:
    """Version 3 (vectors) has the projection P, consistent with the data; other versions have none."""
    present = [key for key in PROJECTION if key in arrays]
    vectors = n >= 4 and meta.get("image_shape") is None
    if meta["format_version"] < VECTORS_VERSION:
        if present:
            raise AecoreError(
                f"{where}: {present[0]!r} is an array of format version 3; this file is version"
                f" {meta['format_version']}"
            )
        return
    if not vectors:
        raise AecoreError(
            f"{where}: format version 3 holds vectors in R^4 or more that are not images; this run's data"
            f" is {'images' if meta.get('image_shape') is not None else f'in R^{n}'}"
        )
    if len(present) != len(PROJECTION):
        missing = [key for key in PROJECTION if key not in arrays]
        raise AecoreError(
            f"{where}: the projection is missing ({', '.join(missing)}); re-train or re-record the run"
        )
    m = k + 1
    w, _, scale, var = (arrays[key] for key in PROJECTION)
    expected = {
        "projection": (m, n),
        "projection_mean": (n,),
        "projection_scale": (n,),
        "projection_variance": (m,),
    }
    for key, shape in expected.items():
        if arrays[key].shape != shape:
            raise AecoreError(
                f"{where}: {key!r} has shape {arrays[key].shape}; expected {shape} (the projection to"
                f" R^{m} of k={k}, n={n})"
            )
    w64 = w.astype(np.float64)
    if not np.allclose(w64 @ w64.T, np.eye(m), atol=1e-6):
        raise AecoreError(f"{where}: 'projection' is inconsistent (its {m} directions are not orthonormal)")
    if (scale <= 0).any():
        raise AecoreError(f"{where}: 'projection_scale' has values <= 0")
    if (var < 0).any() or float(var.sum()) > 1 + 1e-6:
        raise AecoreError(f"{where}: 'projection_variance' is not fractions of the variance (>= 0, sum <= 1)")


def check_features(where: str, meta: dict[str, Any], n: int) -> None:
    """``features`` (vectors), if present: n distinct names, n means and deviations, near-constant indices."""
    feats = meta.get("features")
    if feats is None:
        return
    names = feats.get("names") if isinstance(feats, dict) else None
    ok = (
        isinstance(names, list)
        and len(names) == n
        and all(isinstance(v, str) and v.strip() and len(v) <= 64 for v in names)
        and len(set(names)) == n
    )
    for key in ("mean", "std"):
        v = feats.get(key) if isinstance(feats, dict) else None
        ok = ok and (v is None or (isinstance(v, list) and len(v) == n and all(_is_real(a) for a in v)))
    near = feats.get("near_constant", []) if isinstance(feats, dict) else None
    ok = ok and isinstance(near, list) and all(_is_int(i) and 0 <= i < n for i in near)
    if not ok:
        raise AecoreError(
            f"{where}: meta 'features' is {_short(repr(feats), 60)}; expected {{'names': [{n} distinct"
            " names], 'mean' and 'std': [n numbers], 'near_constant': [column indices]}"
        )
