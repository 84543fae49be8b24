"""Maths of a surface mesh over a latent grid (pure numpy, no Manim).

A k = 2 decoder's M is drawn as a mesh of vertices ``(G, G, 3)``: vertex
``(i, j)`` is g at the latent grid point ``grid[i, j] = (u_i, v_j)``, and the
mesh has ``(G - 1)^2`` quadrilateral faces, face ``(i, j)`` having the
corners ``(i, j)``, ``(i + 1, j)``, ``(i + 1, j + 1)``, ``(i, j + 1)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "face_average",
    "face_centers",
    "grid_extent",
    "latent_cells",
    "mesh_point",
    "neighbourhood",
    "vertex_average",
    "vertex_normals",
]


def face_average(vertex_values: np.ndarray) -> np.ndarray:
    """Per-face mean of the four corner values: ``(G, G, ...)`` -> ``(G-1, G-1, ...)``."""
    v = np.asarray(vertex_values, dtype=np.float64)
    return 0.25 * (v[:-1, :-1] + v[1:, :-1] + v[1:, 1:] + v[:-1, 1:])


def vertex_average(face_values: np.ndarray) -> np.ndarray:
    """Per-vertex mean of the faces that meet there: ``(G-1, G-1)`` -> ``(G, G)``.

    Inverse in spirit to :func:`face_average`: a vertex inside the mesh takes
    the mean of its four faces, an edge vertex of its two, a corner its one.
    """
    f = np.asarray(face_values, dtype=np.float64)
    g = f.shape[0] + 1
    total = np.zeros((g, g, *f.shape[2:]))
    count = np.zeros((g, g))
    for rows in (slice(None, -1), slice(1, None)):
        for cols in (slice(None, -1), slice(1, None)):
            total[rows, cols] += f
            count[rows, cols] += 1
    return total / count.reshape(count.shape + (1,) * (f.ndim - 2))


def face_centers(vertices: np.ndarray) -> np.ndarray:
    """Centres ``(G-1, G-1, 3)`` of the faces of a ``(G, G, 3)`` mesh (mean of the corners)."""
    return face_average(vertices)


def vertex_normals(vertices: np.ndarray) -> np.ndarray:
    """Unit normals ``(G, G, 3)`` of a ``(G, G, 3)`` mesh, from its grid derivatives.

    The sign follows the grid's orientation (``d/du x d/dv``); degenerate
    vertices get a zero normal.
    """
    v = np.asarray(vertices, dtype=np.float64)
    du = np.gradient(v, axis=0)
    dv = np.gradient(v, axis=1)
    n = np.cross(du, dv)
    norm = np.linalg.norm(n, axis=-1, keepdims=True)
    return np.where(norm > 1e-12, n / np.maximum(norm, 1e-300), 0.0)


def grid_extent(grid: np.ndarray) -> tuple[float, float, float, float]:
    """``(u0, u1, v0, v1)`` of an axis-aligned latent grid ``(G, G, 2)`` (``grid[i, j] = (u_i, v_j)``)."""
    g = np.asarray(grid, dtype=np.float64)
    return float(g[0, 0, 0]), float(g[-1, 0, 0]), float(g[0, 0, 1]), float(g[0, -1, 1])


def latent_cells(
    latents: np.ndarray, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The grid cell of each latent and its position in it.

    Parameters
    ----------
    latents
        ``(N, 2)`` latents.
    grid
        ``(G, G, 2)`` axis-aligned latent grid.

    Returns
    -------
    tuple of numpy.ndarray
        ``(i, j, s, t)``: face indices ``(N,)`` (clipped to the grid) and
        fractional coordinates in ``[0, 1]`` inside the face along u and v.
    """
    z = np.asarray(latents, dtype=np.float64)
    g = np.asarray(grid)
    n = g.shape[0] - 1
    u0, u1, v0, v1 = grid_extent(g)
    fu = np.clip((z[:, 0] - u0) / (u1 - u0) * n, 0.0, n)
    fv = np.clip((z[:, 1] - v0) / (v1 - v0) * n, 0.0, n)
    i = np.minimum(np.floor(fu).astype(int), n - 1)
    j = np.minimum(np.floor(fv).astype(int), n - 1)
    return i, j, fu - i, fv - j


def mesh_point(vertices: np.ndarray, grid: np.ndarray, latents: np.ndarray) -> np.ndarray:
    """Points ``(N, 3)`` of the drawn mesh over ``latents`` ``(N, 2)`` (bilinear in each face)."""
    v = np.asarray(vertices, dtype=np.float64)
    i, j, s, t = latent_cells(latents, grid)
    s, t = s[:, None], t[:, None]
    return (
        (1 - s) * (1 - t) * v[i, j]
        + s * (1 - t) * v[i + 1, j]
        + s * t * v[i + 1, j + 1]
        + (1 - s) * t * v[i, j + 1]
    )


def neighbourhood(values: np.ndarray, reduce: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """``reduce`` (``np.minimum`` or ``np.maximum``) of each cell's 3 x 3 neighbourhood of a 2-D array.

    Cells on the border repeat the edge values.
    """
    p = np.pad(values, 1, mode="edge")
    h, w = values.shape
    out = values.copy()
    for di in range(3):
        for dj in range(3):
            out = reduce(out, p[di : di + h, dj : dj + w])
    return out
