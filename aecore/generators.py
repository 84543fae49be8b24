"""The generators of the built-in point clouds in R^2 and R^3 (see :mod:`aecore.datasets`).

Each takes ``n`` and a numpy generator and returns ``(n, dim)`` float64 points
without noise; :func:`aecore.datasets.make_dataset` adds the noise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["GENERATORS"]


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


GENERATORS: dict[str, tuple[int, Callable[[int, np.random.Generator], np.ndarray], str]] = {
    "arc": (2, _arc, "open arc in R^2, dense at one end and sparse at the other"),
    "spiral": (2, _spiral, "open spiral in R^2"),
    "circle": (2, _circle, "closed curve (circle) in R^2"),
    "blob": (2, _blob, "2-D Gaussian blob in R^2 (intrinsic dimension 2)"),
    "clusters": (2, _clusters, "two arcs in R^2 with an empty gap between them"),
    "helix": (3, _helix, "helix in R^3 (intrinsic dimension 1)"),
    "sheet": (3, _sheet, "curved sheet patch in R^3 (intrinsic dimension 2)"),
}
"""Each data set's dimension, generator and one-line description, by name."""
