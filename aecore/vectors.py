"""Vectors in R^D (4 <= D <= 1,024): feature names, per-feature standardisation, and the projection P.

Rows of a table, embeddings and windows of a signal are points in R^D with
D far above the three a picture can show. A run of such *vectors* (points
with D >= 4 that are not images) keeps what a picture and a reader need:

* **Feature names** (a CSV's header, or ``f1 ... fD``), checked by
  :func:`check_feature_names`: as many as the columns, none empty, none twice.
* **Per-feature standardisation** in float64 (:func:`standardize_features`):
  each column minus its mean over its standard deviation, so features in
  different units weigh alike. A constant column is refused in one line
  naming it; a *near-constant* one (its spread under
  :data:`NEAR_CONSTANT` times its magnitude, where float64 keeps only a few
  digits of it) is kept and listed, and ``inspect`` flags it.
* **The projection** P (:func:`fit_projection`): principal component analysis
  of the standardised data, fitted once, on the data (never on M), and stored
  in the run: ``P(x) = W ((x - mean) / scale)`` with ``W`` the top ``m``
  principal directions (``m = 2`` for k = 1, ``m = 3`` for k = 2), rows
  orthonormal. Each direction's sign is fixed so that its entry of largest
  magnitude is positive (the first such entry on a tie), so the same data
  gives the same P, byte for byte. :meth:`Projection.lift` maps a point of the
  picture back to R^D around the data mean: ``P(lift(p)) = p``.

The trainer trains on the standardised data (the run's ``data`` is it, and
``meta["features"]`` keeps the names, the original means and deviations, and
the near-constant columns); :class:`aecore.recorder.SnapshotRecorder` keeps the
user's data as the user's model sees it, and P standardises on its own.
Numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aecore.errors import AecoreError

__all__ = [
    "MAX_VECTOR_DIM",
    "MIN_VECTOR_DIM",
    "NEAR_CONSTANT",
    "Projection",
    "check_feature_names",
    "default_feature_names",
    "fit_projection",
    "is_vector_data",
    "projection_dim",
    "standardize_features",
]

MIN_VECTOR_DIM = 4
"""Vectors have at least 4 features (2 and 3 are drawn as they are)."""

MAX_VECTOR_DIM = 1024
"""The most features a vector run takes: the trainer's first layer, the per-feature bars of the
explorer and its page size all grow with D (at D = 1,024 and N = 10,000 a training step costs
about what D = 2 does, ``benchmarks/bench_vectors.py``). Reduce wider data first (e.g. by PCA)."""

NEAR_CONSTANT = 1e-6
"""A feature whose standard deviation is below this times its largest magnitude is near-constant."""

_MAX_NAME = 64


def is_vector_data(n: int, image_shape: object) -> bool:
    """Whether points in R^``n`` (images when ``image_shape`` is set) are vectors shown through P."""
    return n >= MIN_VECTOR_DIM and not image_shape


def projection_dim(k: int) -> int:
    """The picture's dimension for latent dimension ``k``: 2 (a plane) for k = 1, 3 for k = 2."""
    return k + 1


def default_feature_names(d: int) -> tuple[str, ...]:
    """``f1, ..., fD``: the names of features that came without a header."""
    return tuple(f"f{i}" for i in range(1, d + 1))


def check_feature_names(names: Sequence[str], d: int, where: str) -> tuple[str, ...]:
    """The header's names, stripped, checked against ``d`` columns; one line naming ``where`` if wrong.

    Raises
    ------
    AecoreError
        A header longer or shorter than the rows, an empty name, a name given twice, or one longer
        than 64 characters.
    """
    out = tuple(str(v).strip() for v in names)
    if len(out) != d:
        longer = "longer" if len(out) > d else "shorter"
        raise AecoreError(
            f"{where}: the header names {len(out):,} columns but the rows have {d:,} values (a header"
            f" {longer} than the data); give one name per column"
        )
    seen: dict[str, int] = {}
    for i, name in enumerate(out, start=1):
        if not name:
            raise AecoreError(f"{where}: column {i} has an empty name in the header; name every column")
        if len(name) > _MAX_NAME:
            raise AecoreError(f"{where}: column {i}'s name is longer than {_MAX_NAME} characters")
        if name in seen:
            raise AecoreError(
                f"{where}: column {i} is named {name!r} like column {seen[name]}; feature names must differ"
            )
        seen[name] = i
    return out


def standardize_features(
    x: np.ndarray, names: Sequence[str], where: str, refuse_constant: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...]]:
    """Each column minus its mean over its standard deviation, in float64.

    The mean is refined by a second pass (so data far from the origin keeps its precision).
    With ``refuse_constant=False`` (a model that already exists, :class:`aecore.recorder.SnapshotRecorder`)
    a constant column is kept (divided by 1) and listed with the near-constant ones.

    Returns
    -------
    (standardised, mean, std, near_constant)
        ``(N, D)`` float64 data, ``(D,)`` means and deviations, and the indices of near-constant
        columns (:data:`NEAR_CONSTANT`).

    Raises
    ------
    AecoreError
        ``<where>: column <i> (<name>) is constant ...`` for the first constant column.
    """
    a = np.asarray(x, dtype=np.float64)
    mean = a.mean(axis=0)
    mean = mean + (a - mean).mean(axis=0)
    std = np.sqrt(np.mean((a - mean) ** 2, axis=0))
    mag = np.max(np.abs(a), axis=0)
    constant = (std == 0.0) | (std <= 1e-12 * mag)
    if constant.any() and refuse_constant:
        i = int(np.flatnonzero(constant)[0])
        raise AecoreError(
            f"{where}: column {i + 1} ({names[i]!r}) is constant ({a[0, i]:g} in every row); drop it,"
            " it carries no information"
        )
    near = tuple(int(i) for i in np.flatnonzero(constant | (std < NEAR_CONSTANT * mag)))
    std = np.where(constant, 1.0, std)
    return (a - mean) / std, mean, std, near


@dataclass(frozen=True)
class Projection:
    """The linear picture of R^D: ``P(x) = W ((x - mean) / scale)``.

    Attributes
    ----------
    components
        ``(m, D)`` float64 ``W``: the top ``m`` principal directions of the standardised data,
        orthonormal rows, each with its largest-magnitude entry positive.
    mean, scale
        ``(D,)`` float64: the data's per-feature mean and standard deviation.
    variance
        ``(m,)`` float64: the fraction of the standardised data's variance along each direction.
    """

    components: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    variance: np.ndarray

    @property
    def dim(self) -> int:
        """``m``, the picture's dimension."""
        return int(self.components.shape[0])

    @property
    def explained(self) -> float:
        """The fraction of the variance the picture shows (the sum of :attr:`variance`)."""
        return float(np.sum(self.variance))

    def apply(self, x: np.ndarray) -> np.ndarray:
        """``P(x)`` of points ``(..., D)`` -> ``(..., m)`` float64."""
        a = np.asarray(x, dtype=np.float64)
        return np.asarray(((a - self.mean) / self.scale) @ self.components.T)

    def lift(self, p: np.ndarray) -> np.ndarray:
        """The point of R^D around the data mean that shows at ``p`` ``(..., m)``: ``P(lift(p)) = p``."""
        return np.asarray(self.mean + self.scale * (np.asarray(p, dtype=np.float64) @ self.components))

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays a snapshot file stores (:mod:`aecore.snapshot`)."""
        return {
            "projection": self.components,
            "projection_mean": self.mean,
            "projection_scale": self.scale,
            "projection_variance": self.variance,
        }


def fit_projection(x: np.ndarray, k: int) -> Projection:
    """PCA of the per-feature standardised ``x`` ``(N, D)``, top ``k + 1`` directions, signs fixed.

    Deterministic: the covariance is formed in float64 and decomposed by
    :func:`numpy.linalg.eigh`; the same data gives the same bytes.
    """
    a = np.asarray(x, dtype=np.float64)
    mean = a.mean(axis=0)
    mean = mean + (a - mean).mean(axis=0)
    scale = np.sqrt(np.mean((a - mean) ** 2, axis=0))
    scale = np.where(scale > 0, scale, 1.0)
    u = (a - mean) / scale
    cov = (u.T @ u) / len(u)
    vals, vecs = np.linalg.eigh(cov)
    m = projection_dim(k)
    order = np.argsort(-vals, kind="stable")[:m]
    w = vecs[:, order].T.copy()
    for row in w:
        if row[int(np.argmax(np.abs(row)))] < 0:
            row *= -1.0
    total = float(np.sum(np.clip(vals, 0.0, None)))
    variance = np.clip(vals[order], 0.0, None) / (total if total > 0 else 1.0)
    return Projection(np.ascontiguousarray(w), mean, scale, variance)
