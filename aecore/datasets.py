"""Small data sets in R^2 and R^3, by name, and user data from a file.

Every generator takes ``n`` (number of points), ``noise`` (standard deviation
of isotropic Gaussian noise added to each coordinate) and ``seed``, and returns
a ``(n, dim)`` float64 array. The same arguments give the same array.

A run holds :data:`MIN_POINTS` to :data:`MAX_POINTS` points, from a built-in
data set (``--n-points``) or a file. The upper limit keeps a run's time and
memory reasonable: the trainer's cost is linear in N (full-batch steps and a
KDE with a bounded number of kernel centres, see :mod:`aecore.reliability`).
Measured on two cores, a default run (3,000 steps, 64,64 hidden units, 48
snapshots) of 50,000 points takes about 5.5 minutes and 0.8 GB of memory
(30,000 points: under 4 minutes); time scales with N times ``--steps``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from aecore.errors import AecoreError

__all__ = [
    "DATASETS",
    "MAX_CSV_BYTES",
    "MAX_NOISE",
    "MAX_POINTS",
    "MIN_POINTS",
    "MIN_RELATIVE_SPREAD",
    "check_data",
    "data_hash",
    "dataset_dim",
    "load_data",
    "load_user_data",
    "make_dataset",
    "standardization",
]

MIN_POINTS = 8
"""Fewer points than this cannot train an autoencoder worth drawing."""

MAX_POINTS = 50_000
"""The most points a run takes (``--n-points`` or a file): time and memory stay linear and bounded."""

MAX_CSV_BYTES = 64 * 2**20
"""Largest CSV file read (64 MiB; 50,000 points of three values take a few MiB)."""

MAX_NOISE = 1000.0
"""Largest ``--noise``: the built-in data sets span a few units, so more noise is only noise."""

MIN_RELATIVE_SPREAD = 1e-12
"""The points' RMS spread must be at least this times their largest magnitude (float64 precision)."""

_F32_MAX = float(np.finfo(np.float32).max)
_F32_TINY = float(np.finfo(np.float32).tiny)


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


def _clusters(n: int, rng: np.random.Generator) -> np.ndarray:
    # Two arcs side by side (each 2 wide) with an empty strip 2 wide between them:
    # a trained k = 1 curve must cross the strip on a bridge where no data lies.
    half = n // 2
    t1, t2 = rng.uniform(0.0, np.pi, half), rng.uniform(0.0, np.pi, n - half)
    left = np.stack([np.cos(t1) - 2.0, np.sin(t1)], axis=1)
    right = np.stack([np.cos(t2) + 2.0, 0.3 - np.sin(t2)], axis=1)
    return np.concatenate([left, right])


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
    "clusters": (2, _clusters, "two arcs in R^2 with an empty gap between them"),
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
        Number of points, :data:`MIN_POINTS` to :data:`MAX_POINTS`.
    noise
        Standard deviation of the Gaussian noise added to every coordinate
        (0 to :data:`MAX_NOISE`).
    seed
        Seed of the random generator; equal arguments give equal arrays.

    Returns
    -------
    numpy.ndarray
        ``(n, dim)`` float64 array.
    """
    _check_name(name)
    if not MIN_POINTS <= n <= MAX_POINTS:
        raise AecoreError(f"--n-points: {n} is out of range; use {MIN_POINTS} to {MAX_POINTS:,} points")
    if not (0.0 <= noise <= MAX_NOISE):
        raise AecoreError(f"--noise: {noise} must be a number from 0 to {MAX_NOISE:g}")
    if not 0 <= seed < 2**32:
        raise AecoreError(f"--data-seed: {seed} is out of range; use a whole number 0 <= seed < 2**32")
    rng = np.random.default_rng(seed)
    dim, gen, _ = _GENERATORS[name]
    x = gen(n, rng)
    x = x + noise * rng.standard_normal(size=(n, dim))
    return np.ascontiguousarray(x, dtype=np.float64)


def load_user_data(path: str | Path) -> np.ndarray:
    """Read a ``.csv`` or ``.npy`` file of ``N x 2`` or ``N x 3`` finite floats.

    A CSV is UTF-8 text (a byte-order mark is allowed) with one point per
    line, values separated by commas, and at most one header line; blank
    lines are skipped. Error messages give the 1-based line number in the file.

    A ``.npy`` file's header is read first and checked (shape, dtype, and that
    the file really holds that many bytes) before anything is allocated;
    loading it never executes code (``allow_pickle=False``).

    Every file must hold :data:`MIN_POINTS` to :data:`MAX_POINTS` points whose
    values fit in float32 and differ (see :func:`check_data`).

    Raises
    ------
    AecoreError
        One line naming the file and what is wrong with it.
    """
    p = Path(path)
    if p.is_dir():
        raise AecoreError(f"--data: {str(p)!r} is a folder; give a .csv or .npy file or a data set name")
    if not p.is_file():
        raise AecoreError(f"--data: no such file {str(p)!r}; give a .csv or .npy file or a data set name")
    suffix = p.suffix.lower()
    if suffix == ".npy":
        x = _read_npy(p)
    elif suffix == ".csv":
        x = _read_csv(p)
    else:
        raise AecoreError(f"--data: {p} has suffix {suffix!r}; use a .csv or .npy file")
    check_data(x, f"--data: {p}")
    return x


def _read_npy(p: Path) -> np.ndarray:
    """The array of a ``.npy`` file, after checking its header against the limits and the file size."""
    try:
        with p.open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            else:  # 2.0 and 3.0 share the header layout (a 4-byte length)
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            offset = fh.tell()
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as e:
        raise AecoreError(f"--data: {p} is not a readable .npy file ({_first_line(e)})") from None
    if dtype.hasobject:
        raise AecoreError(f"--data: {p} holds Python objects; save an N x 2 or N x 3 array of floats")
    if dtype.kind not in "fiu" or dtype.fields is not None or dtype.subdtype is not None:
        raise AecoreError(f"--data: {p} holds {dtype} values; it must hold numbers (floats or integers)")
    if len(shape) != 2 or shape[1] not in (2, 3):
        raise AecoreError(f"--data: {p} has shape {shape}; it must be N x 2 or N x 3 (one point per row)")
    _check_count(shape[0], f"--data: {p}")
    need = offset + math.prod(shape) * dtype.itemsize
    have = p.stat().st_size
    if have < need:
        raise AecoreError(
            f"--data: {p} is truncated: its header declares shape {shape} ({need} bytes)"
            f" but the file has {have}"
        )
    try:
        x = np.load(p, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise AecoreError(f"--data: {p} is not a readable .npy array of floats ({_first_line(e)})") from None
    with np.errstate(over="ignore", invalid="ignore"):
        return np.ascontiguousarray(x, dtype=np.float64)


def _read_csv(p: Path) -> np.ndarray:
    """The rows of numbers of a CSV file; errors name the 1-based line in the file."""
    size = p.stat().st_size
    if size > MAX_CSV_BYTES:
        raise AecoreError(
            f"--data: {p} is {size / 2**20:.0f} MiB; a CSV may be at most {MAX_CSV_BYTES // 2**20} MiB"
            f" (at most {MAX_POINTS:,} points)"
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise AecoreError(f"--data: cannot read {p} as UTF-8 text ({_first_line(e)})") from None
    rows: list[list[float]] = []
    first_row_line = 0
    seen_header = False
    # read_text turns \r\n and \r into \n, so splitting on \n counts lines as editors do.
    for lineno, raw in enumerate(text.split("\n"), start=1):
        ln = raw.strip()
        if not ln:
            continue
        try:
            row = [float(v) for v in ln.split(",")]
        except ValueError:
            if not rows and not seen_header:
                seen_header = True  # one header line before the numbers
                continue
            raise AecoreError(
                f"--data: {p} line {lineno} is not comma-separated numbers: {ln[:40]!r}"
            ) from None
        if not rows:
            first_row_line = lineno
            if len(row) not in (2, 3):
                raise AecoreError(
                    f"--data: {p} line {lineno} has {len(row)} value(s); rows must be N x 2 or N x 3"
                    " (x,y or x,y,z)"
                )
        elif len(row) != len(rows[0]):
            raise AecoreError(
                f"--data: {p} line {lineno} has {len(row)} values but line {first_row_line} has"
                f" {len(rows[0])}; every row needs the same number"
            )
        if not all(math.isfinite(v) for v in row):
            raise AecoreError(
                f"--data: {p} line {lineno} has a NaN or infinite value ({ln[:40]!r});"
                " every value must be finite"
            )
        rows.append(row)
        if len(rows) > MAX_POINTS:
            _check_count(len(rows), f"--data: {p}", or_more=True)
    if not rows:
        raise AecoreError(f"--data: {p} holds no rows of numbers; give one point per line, e.g. 0.5,1.2")
    return np.array(rows, dtype=np.float64)


def _check_count(n: int, where: str, or_more: bool = False) -> None:
    if n > MAX_POINTS:
        raise AecoreError(
            f"{where} has {n:,} points{' or more' if or_more else ''}; at most {MAX_POINTS:,} are supported"
            " (subsample it)"
        )
    if n < MIN_POINTS:
        raise AecoreError(f"{where} has {n} points; at least {MIN_POINTS} are needed")


def standardization(x: np.ndarray) -> tuple[np.ndarray, float]:
    """The data's mean and RMS distance from the mean, both computed in float64.

    The mean is refined by a second pass (the mean of the residuals), so data
    far from the origin (e.g. 1e8 + N(0, 1)) keeps its full float64 precision.

    Returns
    -------
    (mean, scale)
        ``(n,)`` float64 mean and the float scale ``sqrt(mean_j ||x_j - mean||^2)``.
    """
    a = np.asarray(x, dtype=np.float64)
    mean = a.mean(axis=0)
    mean = mean + (a - mean).mean(axis=0)
    scale = float(np.sqrt(np.mean(np.sum((a - mean) ** 2, axis=1))))
    return mean, scale


def check_data(x: np.ndarray, where: str) -> None:
    """Refuse data an autoencoder cannot be trained on, naming ``where`` (e.g. ``"--data: f.csv"``).

    The data must be a finite ``(N, 2)`` or ``(N, 3)`` array of
    :data:`MIN_POINTS` to :data:`MAX_POINTS` points, every ``|x|`` at most the
    largest float32 (the scenes draw in float32), and the points must differ:
    their RMS spread around the mean must be positive, at least the smallest
    normal float32, and at least :data:`MIN_RELATIVE_SPREAD` times the largest
    ``|x|`` (below that, float64 resolves only a few thousand distinct values
    across the spread).
    """
    if x.ndim != 2 or x.shape[1] not in (2, 3):
        raise AecoreError(f"{where} has shape {x.shape}; it must be N x 2 or N x 3 (one point per row)")
    _check_count(x.shape[0], where)
    finite = np.isfinite(x)
    if not finite.all():
        i, j = (int(v) for v in np.argwhere(~finite)[0])
        raise AecoreError(
            f"{where} has a NaN or infinite value in row {i + 1} of {x.shape[0]} (x[{i}, {j}] = {x[i, j]});"
            " every value must be finite"
        )
    mag = float(np.max(np.abs(x)))
    if mag > _F32_MAX:
        i = int(np.argmax(np.max(np.abs(x), axis=1)))
        raise AecoreError(
            f"{where} has a value of magnitude {mag:.3g} in row {i + 1}; values must fit in float32"
            f" (|x| <= {_F32_MAX:.3g}): rescale the data"
        )
    _, scale = standardization(x)
    if scale == 0.0:
        raise AecoreError(
            f"{where}: all {x.shape[0]} points are equal (zero variance); the points must differ"
        )
    if scale < _F32_TINY or scale < MIN_RELATIVE_SPREAD * mag:
        raise AecoreError(
            f"{where}: the points spread only {scale:.3g} (RMS) at magnitude {mag:.3g}, too little for float"
            f" precision; the spread must be at least {MIN_RELATIVE_SPREAD:g} x the magnitude and"
            f" {_F32_TINY:.3g}: subtract a common offset or rescale"
        )


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
