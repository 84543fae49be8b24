"""Small data sets in R^2 and R^3, by name, and user data from a file.

Every generator takes ``n`` (number of points), ``noise`` (standard deviation
of isotropic Gaussian noise added to each coordinate) and ``seed``, and returns
a ``(n, dim)`` float64 array. The same arguments give the same array.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from aecore.errors import AecoreError

__all__ = [
    "DATASETS",
    "MIN_POINTS",
    "data_hash",
    "dataset_dim",
    "load_data",
    "load_user_data",
    "make_dataset",
]

MIN_POINTS = 8
"""Fewer points than this cannot train an autoencoder worth drawing."""


def _arc(n: int, rng: np.random.Generator) -> np.ndarray:
    # Density along the arc falls off as exp(-3 t): dense at one end, sparse at the other.
    u = rng.uniform(size=n)
    a = 3.0
    t = -np.log1p(-u * (1.0 - np.exp(-a))) / a
    theta = np.pi * (1.15 - 1.3 * t)
    return np.stack([1.6 * np.cos(theta), 1.6 * np.sin(theta) - 0.6], axis=1)


def _spiral(n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.sqrt(rng.uniform(0.04, 1.0, size=n))
    theta = 3.0 * np.pi * t
    r = 0.25 + 1.5 * t
    return np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)


def _circle(n: int, rng: np.random.Generator) -> np.ndarray:
    theta = rng.uniform(0.0, 2.0 * np.pi, size=n)
    return np.stack([1.4 * np.cos(theta), 1.4 * np.sin(theta)], axis=1)


def _blob(n: int, rng: np.random.Generator) -> np.ndarray:
    cov = np.array([[1.0, 0.45], [0.45, 0.5]])
    return rng.multivariate_normal([0.0, 0.0], cov, size=n)


def _helix(n: int, rng: np.random.Generator) -> np.ndarray:
    t = rng.uniform(0.0, 1.0, size=n)
    theta = 4.0 * np.pi * t
    return np.stack([np.cos(theta), np.sin(theta), 2.0 * t - 1.0], axis=1)


def _sheet(n: int, rng: np.random.Generator) -> np.ndarray:
    # A curved patch (a gentle taco); points thin out towards the u = +1 edge.
    u = 2.0 * rng.beta(1.3, 2.2, size=n) - 1.0
    v = rng.uniform(-1.0, 1.0, size=n)
    return np.stack([1.5 * u, 1.5 * v, 0.9 * np.cos(1.6 * u) - 0.45], axis=1)


_GENERATORS: dict[str, tuple[int, Callable[[int, np.random.Generator], np.ndarray], str]] = {
    "arc": (2, _arc, "open arc in R^2, dense at one end and sparse at the other"),
    "spiral": (2, _spiral, "open spiral in R^2"),
    "circle": (2, _circle, "closed curve (circle) in R^2"),
    "blob": (2, _blob, "2-D Gaussian blob in R^2 (intrinsic dimension 2)"),
    "helix": (3, _helix, "helix in R^3 (intrinsic dimension 1)"),
    "sheet": (3, _sheet, "curved sheet patch in R^3 (intrinsic dimension 2)"),
}

DATASETS: dict[str, str] = {name: desc for name, (_, _, desc) in _GENERATORS.items()}
"""Built-in data set names and a one-line description of each."""


def dataset_dim(name: str) -> int:
    """Return the ambient dimension n of the built-in data set ``name``."""
    _check_name(name)
    return _GENERATORS[name][0]


def _check_name(name: str) -> None:
    if name not in _GENERATORS:
        known = ", ".join(sorted(_GENERATORS))
        raise AecoreError(f"--data: unknown data set {name!r}; use one of {known}, or a .csv/.npy file")


def make_dataset(name: str, n: int, noise: float, seed: int) -> np.ndarray:
    """Sample the built-in data set ``name``.

    Parameters
    ----------
    name
        One of :data:`DATASETS`.
    n
        Number of points (at least :data:`MIN_POINTS`).
    noise
        Standard deviation of the Gaussian noise added to every coordinate.
    seed
        Seed of the random generator; equal arguments give equal arrays.

    Returns
    -------
    numpy.ndarray
        ``(n, dim)`` float64 array.
    """
    _check_name(name)
    if n < MIN_POINTS:
        raise AecoreError(f"--n-points: {n} is too few points; use at least {MIN_POINTS}")
    if not (noise >= 0.0 and np.isfinite(noise)):
        raise AecoreError(f"--noise: {noise} is not a finite number >= 0")
    rng = np.random.default_rng(seed)
    dim, gen, _ = _GENERATORS[name]
    x = gen(n, rng)
    x = x + noise * rng.standard_normal(size=(n, dim))
    return np.ascontiguousarray(x, dtype=np.float64)


def load_user_data(path: str | Path) -> np.ndarray:
    """Read a ``.csv`` or ``.npy`` file of ``N x 2`` or ``N x 3`` finite floats.

    A CSV may have one header line; values are separated by commas.
    Loading a ``.npy`` never executes code (``allow_pickle=False``).
    """
    p = Path(path)
    if not p.is_file():
        raise AecoreError(f"--data: no such file {str(p)!r}; give a .csv or .npy file or a data set name")
    suffix = p.suffix.lower()
    if suffix == ".npy":
        try:
            x = np.load(p, allow_pickle=False)
        except (ValueError, OSError, EOFError) as e:
            raise AecoreError(
                f"--data: {p} is not a readable .npy array of floats ({_first_line(e)})"
            ) from None
    elif suffix == ".csv":
        x = _read_csv(p)
    else:
        raise AecoreError(f"--data: {p} has suffix {suffix!r}; use a .csv or .npy file")
    if x.dtype.kind not in "fiu":
        raise AecoreError(f"--data: {p} holds {x.dtype} values; it must hold numbers")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] not in (2, 3):
        raise AecoreError(f"--data: {p} has shape {x.shape}; it must be N x 2 or N x 3 (one point per row)")
    if not np.all(np.isfinite(x)):
        bad = int(np.argwhere(~np.isfinite(x))[0, 0])
        raise AecoreError(f"--data: {p} has a NaN or infinite value in row {bad}; every value must be finite")
    if x.shape[0] < MIN_POINTS:
        raise AecoreError(f"--data: {p} has {x.shape[0]} points; at least {MIN_POINTS} are needed")
    return np.ascontiguousarray(x)


def _read_csv(p: Path) -> np.ndarray:
    try:
        lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as e:
        raise AecoreError(f"--data: cannot read {p} as text ({_first_line(e)})") from None
    lines = [ln for ln in lines if ln]
    if lines and not _is_numeric_row(lines[0]):
        lines = lines[1:]  # a header line
    rows = []
    for i, ln in enumerate(lines):
        try:
            rows.append([float(v) for v in ln.split(",")])
        except ValueError:
            raise AecoreError(
                f"--data: {p} line {i + 1} is not comma-separated numbers: {ln[:40]!r}"
            ) from None
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise AecoreError(f"--data: {p} rows have different numbers of columns {sorted(widths)}")
    if not rows:
        raise AecoreError(f"--data: {p} holds no rows of numbers")
    return np.array(rows, dtype=np.float64)


def _is_numeric_row(line: str) -> bool:
    try:
        [float(v) for v in line.split(",")]
    except ValueError:
        return False
    return True


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def load_data(spec: str, n: int, noise: float, seed: int) -> np.ndarray:
    """Return the data named by ``spec``: a built-in data set name, or a file path."""
    if spec in _GENERATORS:
        return make_dataset(spec, n, noise, seed)
    if spec.lower().endswith((".csv", ".npy")) or Path(spec).exists():
        return load_user_data(spec)
    _check_name(spec)
    raise AssertionError("unreachable")


def data_hash(x: np.ndarray) -> str:
    """SHA-256 of the data's shape and little-endian float64 bytes."""
    a = np.ascontiguousarray(x, dtype="<f8")
    h = hashlib.sha256(repr(a.shape).encode())
    h.update(a.tobytes())
    return h.hexdigest()
