"""Small data sets in R^2 and R^3 and images in R^64, by name, and user data from a file.

Every data set (generators: :mod:`aecore.generators`) takes ``n`` (points),
``noise`` (standard deviation of isotropic Gaussian noise added to each
coordinate) and ``seed``: the same arguments give the same ``(n, dim)`` array.

``digits`` is real data, not a generator: scikit-learn's handwritten digits
(:func:`sklearn.datasets.load_digits`, 1,797 images of 8 x 8 pixels with
values 0 to 16, from 13 writers), read from the CSV that ships inside the
scikit-learn wheel, so no network is needed. ``n`` of them are picked by a
permutation seeded with ``seed`` (all 1,797 when ``n`` is 1,797), kept in
their file order; their labels 0-9 come with them (:func:`load_dataset`),
for colouring only: training never sees them.

A user's images are a ``.npy`` file of shape ``N x H x W`` (flattened to ``N x HW``; the
shape is kept), or ``N x D`` with ``image_shape`` ``(H, W)``, ``H W = D`` (:class:`TrainConfig`).

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aecore.data_files import (
    MAX_CSV_BYTES,
    MAX_DIM,
    MAX_POINTS,
    MIN_POINTS,
    check_count,
    dimension_error,
    read_csv,
    read_npy,
)
from aecore.errors import AecoreError
from aecore.files import checked_path
from aecore.generators import GENERATORS
from aecore.vectors import MAX_VECTOR_DIM, default_feature_names, is_vector_data, standardize_features

__all__ = [
    "DATASETS",
    "DIGITS_COUNT",
    "IMAGE_DATASETS",
    "MAX_CSV_BYTES",
    "MAX_DIM",
    "MAX_NOISE",
    "MAX_POINTS",
    "MIN_POINTS",
    "MIN_RELATIVE_SPREAD",
    "Data",
    "check_data",
    "data_hash",
    "dataset_dim",
    "load_data",
    "load_dataset",
    "load_user_data",
    "make_dataset",
    "standardization",
]

MAX_NOISE = 1000.0
"""Largest ``--noise``: the built-in data sets span a few units, so more noise is only noise."""

DIGITS_COUNT = 1797
"""Images in scikit-learn's digits data set."""

MIN_RELATIVE_SPREAD = 1e-12
"""The points' RMS spread must be at least this times their largest magnitude (float64 precision)."""

_F32_MAX = float(np.finfo(np.float32).max)
_F32_TINY = float(np.finfo(np.float32).tiny)


IMAGE_DATASETS: dict[str, tuple[int, int]] = {"digits": (8, 8)}
"""Built-in image data sets and the shape (H, W) of their images."""

DATASETS: dict[str, str] = {
    **{name: desc for name, (_, _, desc) in GENERATORS.items()},
    "digits": "handwritten digits in R^64: 1,797 images of 8 x 8 pixels, labels 0-9 (scikit-learn)",
}
"""Built-in data set names and a one-line description of each."""


@dataclass(frozen=True)
class Data:
    """A run's data, with what is known of it besides the points.

    Attributes
    ----------
    x
        ``(N, n)`` float64 points (images flattened row by row).
    labels
        ``(N,)`` int64 class of each point (the digit of a ``digits`` image), or ``None``.
    image_shape
        ``(H, W)`` with ``H * W = n`` when each point is an image, else ``None``.
    feature_names
        The names of a vector's features (n >= 4, not images: a CSV's header, or ``f1 ... fn``),
        else ``None`` (:mod:`aecore.vectors`).
    """

    x: np.ndarray
    labels: np.ndarray | None = None
    image_shape: tuple[int, int] | None = None
    feature_names: tuple[str, ...] | None = None


def _digits(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` of scikit-learn's digit images (picked by ``rng``, kept in file order) and their labels."""
    from sklearn.datasets import load_digits  # reads the CSV inside the wheel: no network

    bunch = load_digits()
    x = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target, dtype=np.int64)
    if n < len(x):
        pick = np.sort(rng.permutation(len(x))[:n])
        x, y = x[pick], y[pick]
    return x, y


def dataset_dim(name: str) -> int:
    """Return the ambient dimension n of the built-in data set ``name``."""
    _check_name(name)
    if name in IMAGE_DATASETS:
        return math.prod(IMAGE_DATASETS[name])
    return GENERATORS[name][0]


def _check_name(name: str) -> None:
    if name not in DATASETS:
        known = ", ".join(sorted(GENERATORS))
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
    return _make(name, n, noise, seed).x


def _make(name: str, n: int, noise: float, seed: int) -> Data:
    """:func:`make_dataset` with the labels and image shape of the data set."""
    _check_name(name)
    top = DIGITS_COUNT if name in IMAGE_DATASETS else MAX_POINTS
    if not MIN_POINTS <= n <= top:
        unit = "images" if name in IMAGE_DATASETS else "points"
        raise AecoreError(f"--n-points: {n} is out of range; use {MIN_POINTS} to {top:,} {unit}")
    if not (0.0 <= noise <= MAX_NOISE):
        raise AecoreError(f"--noise: {noise} must be a number from 0 to {MAX_NOISE:g}")
    if not 0 <= seed < 2**32:
        raise AecoreError(f"--data-seed: {seed} is out of range; use a whole number 0 <= seed < 2**32")
    rng = np.random.default_rng(seed)
    if name in IMAGE_DATASETS:
        x, labels = _digits(n, rng)
        x = x + noise * rng.standard_normal(size=x.shape)
        return Data(np.ascontiguousarray(x, dtype=np.float64), labels, IMAGE_DATASETS[name])
    dim, gen, _ = GENERATORS[name]
    x = gen(n, rng)
    x = x + noise * rng.standard_normal(size=(n, dim))
    return Data(np.ascontiguousarray(x, dtype=np.float64))


def load_user_data(path: str | Path, image_shape: tuple[int, ...] = ()) -> np.ndarray:
    """The points of a user's ``.csv`` or ``.npy`` file (see :func:`load_user_dataset`)."""
    return load_user_dataset(path, image_shape).x


def load_user_dataset(path: str | Path, image_shape: tuple[int, ...] = ()) -> Data:
    """Read a ``.csv`` of ``N x 2``, ``N x 3`` or ``N x D`` finite floats, or a ``.npy`` of points or images.

    A CSV is UTF-8 text (a byte-order mark is allowed) with one point per
    line, values separated by commas, and at most one header line; blank
    lines are skipped. Error messages give the 1-based line number in the file.
    Rows of 4 to :data:`aecore.vectors.MAX_VECTOR_DIM` values are vectors: a
    header then names the features (one distinct, non-empty name per column),
    and without one they are ``f1 ... fD``; a constant column is refused
    naming it (:mod:`aecore.vectors`).

    A ``.npy`` file holds ``N x 2`` or ``N x 3`` points, ``N x H x W`` images
    (flattened row by row; the image shape is kept), or ``N x D`` images
    when ``image_shape`` gives ``(H, W)`` with ``H W = D`` (at most
    :data:`MAX_DIM` pixels). Its header is read first and checked (shape,
    dtype, and that the file really holds that many bytes) before anything
    is allocated; loading it never executes code (``allow_pickle=False``).

    Every file must hold :data:`MIN_POINTS` to :data:`MAX_POINTS` points whose
    values fit in float32 and differ (see :func:`check_data`).

    Raises
    ------
    AecoreError
        One line naming the file and what is wrong with it.
    """
    p = Path(path)
    checked_path(p, "--data", expect="give a .csv or .npy file or a data set name")
    suffix = p.suffix.lower()
    shape: tuple[int, int] | None = None
    names: tuple[str, ...] | None = None
    if suffix == ".npy":
        x, shape = read_npy(p, image_shape)
    elif suffix == ".csv":
        if image_shape:
            raise AecoreError(
                f"--image-shape: {p} is a CSV of points; images come as a .npy file (N x H x W, or N x D)"
            )
        x, names = read_csv(p)
    else:
        raise AecoreError(f"--data: {p} has suffix {suffix!r}; use a .csv or .npy file")
    if is_vector_data(x.shape[1], shape):
        names = names or default_feature_names(x.shape[1])
    check_data(x, f"--data: {p}", images=shape is not None, names=names)
    return Data(x, None, shape, names)


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


def check_data(
    x: np.ndarray,
    where: str,
    images: bool = False,
    names: tuple[str, ...] | None = None,
    constant_ok: bool = False,
) -> None:
    """Refuse data an autoencoder cannot be trained on, naming ``where`` (e.g. ``"--data: f.csv"``).

    The data must be a finite ``(N, 2)`` or ``(N, 3)`` array, ``(N, D)``
    vectors with 4 <= D <= :data:`aecore.vectors.MAX_VECTOR_DIM` and no
    constant column (named by ``names``; kept with ``constant_ok``) (``(N, n)`` with
    n up to :data:`MAX_DIM` for ``images``) of
    :data:`MIN_POINTS` to :data:`MAX_POINTS` points, every ``|x|`` at most the
    largest float32 (the scenes draw in float32), and the points must differ:
    their RMS spread around the mean must be positive, at least the smallest
    normal float32, and at least :data:`MIN_RELATIVE_SPREAD` times the largest
    ``|x|`` (below that, float64 resolves only a few thousand distinct values
    across the spread).
    """
    if images:
        dims_ok = x.ndim == 2 and 4 <= x.shape[1] <= MAX_DIM
    else:
        dims_ok = x.ndim == 2 and (x.shape[1] in (2, 3) or 4 <= x.shape[1] <= MAX_VECTOR_DIM)
    if not dims_ok:
        if x.ndim == 2 and not images:
            raise AecoreError(dimension_error(where, x.shape[0], x.shape[1]))
        raise AecoreError(f"{where} has shape {x.shape}; it must be N x 2 or N x 3 (one point per row)")
    check_count(x.shape[0], where)
    finite = np.isfinite(x)
    if not finite.all():
        i, j = (int(v) for v in np.argwhere(~finite)[0])
        raise AecoreError(
            f"{where} has a NaN or infinite value in row {i + 1} of {x.shape[0]}"
            f"{f' column {j + 1} ({names[j]!r})' if names else ''} (x[{i}, {j}] = {x[i, j]});"
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
    if not images and not constant_ok and is_vector_data(x.shape[1], None):
        standardize_features(x, names or default_feature_names(x.shape[1]), where)  # a constant column


def load_data(spec: str, n: int, noise: float, seed: int, image_shape: tuple[int, ...] = ()) -> np.ndarray:
    """Return the points named by ``spec``: a built-in data set name, or a file path."""
    return load_dataset(spec, n, noise, seed, image_shape).x


def load_dataset(spec: str, n: int, noise: float, seed: int, image_shape: tuple[int, ...] = ()) -> Data:
    """The data named by ``spec`` (a built-in data set name, or a file path) with its labels and image shape.

    ``n``, ``noise`` and ``seed`` sample a built-in data set (see :func:`make_dataset`);
    ``image_shape`` reads the rows of an ``N x D`` ``.npy`` file as images (:func:`load_user_dataset`).
    """
    if spec in DATASETS:
        return _make(spec, n, noise, seed)
    if spec.lower().endswith((".csv", ".npy")) or Path(spec).exists():
        return load_user_dataset(spec, image_shape)
    _check_name(spec)
    raise AssertionError("unreachable")


def data_hash(x: np.ndarray) -> str:
    """SHA-256 of the data's shape and little-endian float64 bytes."""
    a = np.ascontiguousarray(x, dtype="<f8")
    h = hashlib.sha256(repr(a.shape).encode())
    h.update(a.tobytes())
    return h.hexdigest()
