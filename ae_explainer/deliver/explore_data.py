"""What the explorer page embeds from a run: weights per snapshot, the data, the stored grids.

The page runs the real model: it embeds every snapshot's weights and
evaluates f and g itself (``explore_assets/model.js``, the arithmetic of
:mod:`aecore.forward` in float64), so the latents z_j = f(x_j), the
reconstructions x̂_j = g(z_j), M = g(latent grid) and the probe are all
computed in the browser. What the model cannot give is embedded as stored:
the latent grid's axes, the reliability on it, the loss curve, and the other
seeds' final manifolds.

Arrays travel as base64 of little-endian bytes: the weights, the grids and
the reliability as float32 (their dtype in the snapshot file, so nothing is
rounded), the data as float64. The page widens everything to float64.

**Image runs** (``meta["image_shape"]``, e.g. the digits in R^64) are shown
as images: M as a mosaic of decoded images g(u) over the latent plane, each
tile faded by its reliability, and the data's latents coloured by label. The
page gets the image shape, the labels and the pixel range besides the above.

**Vectors** (a run with a projection P, :mod:`aecore.vectors`) are drawn through
P: the page gets P (``projection``: its rows, the per-feature mean and scale,
float64, and the variance each direction shows) and the feature names, and
projects the data, x̂ and M itself; hovering a point shows x and x̂ feature by
feature, and the probe is lifted to R^D along P around the data mean.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import numpy as np

from aecore.errors import AecoreError
from aecore.meta import Normalization
from aecore.snapshot import Run

__all__ = [
    "MAX_DATA_DIM",
    "PAGE_BYTES",
    "PAGE_FRAME_BYTES",
    "SNAPSHOT_BUDGET",
    "b64",
    "page_data",
    "snapshot_indices",
]

log = logging.getLogger(__name__)

MAX_DATA_DIM = 3
"""The page draws points in R^2 and R^3; higher-dimensional data must be images (``image_shape``)."""


SNAPSHOT_BUDGET = 4_000_000
"""Bytes of base64 the page spends on snapshots at most (it stays under 5 MB).

Every run the video shows fits whole (the largest, the sheet with k = 1 and a
2401-point grid, needs 1.9 MB). A run with a large network (e.g. 256-256, 0.7 MB
of weights per snapshot) gets evenly spaced snapshots, the first and the last
always among them; the page says how many of how many it holds.
"""


def b64(a: np.ndarray, dtype: str) -> str:
    """``a`` flattened (C order) as base64 of little-endian ``dtype`` (``"f4"`` or ``"f8"``) bytes."""
    return base64.b64encode(
        np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
    ).decode("ascii")


def _parts(names: list[str]) -> list[dict[str, Any]]:
    """Layer records ``{part, index}`` of the encoder then the decoder, in layer order."""
    out = []
    for part in ("encoder", "decoder"):
        idx = sorted({int(n.split(".")[1]) for n in names if n.startswith(part + ".")})
        out += [{"part": part, "index": i} for i in idx]
    return out


def _grid_axes(grid: np.ndarray, k: int) -> list[np.ndarray] | None:
    """The axes whose ``ij`` mesh is ``grid`` exactly (as the trainer builds it), else ``None``."""
    if k == 1:
        return [grid[:, 0]]
    axes = [grid[:, 0, 0], grid[0, :, 1]]
    u, v = np.meshgrid(axes[0], axes[1], indexing="ij")
    return axes if np.array_equal(u, grid[..., 0]) and np.array_equal(v, grid[..., 1]) else None


def _check(run: Run, where: str) -> tuple[int, int, Normalization]:
    n = int(run.data.shape[1])
    k = run.config.latent_dim
    if n > MAX_DATA_DIM and run.image_shape is None and run.projection is None:
        raise AecoreError(
            f"{where}: the explorer draws points in R^2 or R^3, images, or vectors through their projection;"
            f" this run's data is in R^{n} with neither an image shape (train it with --image-shape H,W)"
            " nor a projection (re-train or re-record it with this version)"
        )
    if run.image_shape is not None and k != 2:
        raise AecoreError(
            f"{where}: the explorer shows an image run's M as a mosaic over a latent plane; this run"
            f" has k = {k} (train it with --latent-dim 2)"
        )
    if not run.has_weights:
        raise AecoreError(
            f"{where}: the explorer runs the network and draws its diagram, which needs an MLP's weights;"
            " this run has none (recorded from a model that is not an nn.Sequential MLP)"
        )
    norm = run.meta.normalization
    if norm is None:
        raise AecoreError(
            f"{where}: this run has no 'normalization' metadata (an older file); re-train it to explore it"
        )
    return n, k, norm


def _projection(run: Run) -> dict[str, Any] | None:
    """A vector run's projection P for the page (float64), or ``None``."""
    p = run.projection
    if p is None:
        return None
    return {
        "m": p.dim,
        "components": b64(p.components, "f8"),
        "mean": b64(p.mean, "f8"),
        "scale": b64(p.scale, "f8"),
        "variance": [float(v) for v in p.variance],
    }


def _digit_palettes() -> dict[str, list[str]]:
    """The video's colour of each digit class, per theme (:data:`scenes.look.style.DIGIT_PALETTES`)."""
    from scenes.look.style import DIGIT_PALETTES

    return {theme: list(colors) for theme, colors in DIGIT_PALETTES.items()}


PAGE_BYTES = 5_000_000
"""The page's size at most, everything inlined (the README's promise)."""

PAGE_FRAME_BYTES = 100_000
"""Room kept for the page around its data: the HTML, the script and the styles (about 58 kB today)."""


def snapshot_indices(count: int, each: int, budget: int = SNAPSHOT_BUDGET) -> list[int]:
    """Which of ``count`` snapshots of ``each`` bytes fit ``budget``: all, or evenly spaced (at least 2)."""
    fit = max(2, budget // max(each, 1))
    if fit >= count:
        return list(range(count))
    return sorted({round(i * (count - 1) / (fit - 1)) for i in range(fit)})


def _room(run: Run, snaps: list[dict[str, Any]], each: int, where: str) -> int:
    """Bytes left for snapshots under :data:`PAGE_BYTES`; one line if not even two snapshots fit.

    The data, the labels and the ensemble go in whole; a run whose data alone
    fills the page (many large images) cannot keep the promise, and is refused.
    """
    fixed = PAGE_FRAME_BYTES + 4 * (run.data.size * 8 + 2) // 3  # the data as base64 of float64
    if run.labels is not None:
        fixed += len(json.dumps([int(v) for v in run.labels]))
    if run.ensemble is not None:
        fixed += 4 * (run.ensemble.manifolds.size + run.ensemble.agreement.size) * 4 // 3
    room = PAGE_BYTES - fixed
    if room < 2 * each:
        shape = run.image_shape
        what = (
            f"{len(run.data):,} images of {shape[0]} x {shape[1]} pixels"
            if shape is not None
            else f"{len(run.data):,} points in R^{run.data.shape[1]}"
        )
        raise AecoreError(
            f"{where}: the explorer page would be {(fixed + 2 * each) / 1e6:.1f} MB with its {what} and"
            f" two snapshots; a page holds at most {PAGE_BYTES / 1e6:.0f} MB: record fewer or smaller"
            " images, or a smaller network"
        )
    return room


def page_data(run: Run, where: str = "run") -> dict[str, Any]:
    """The page's data for ``run``: a JSON-ready dict (see the module docstring).

    Parameters
    ----------
    run
        A loaded run (:func:`aecore.load_run`).
    where
        How errors name the run (its file, or ``--config FILE``).

    Raises
    ------
    AecoreError
        If the run's data is not in R^2 or R^3, or the file has no normalization (version 1 files).
    """
    n, k, norm = _check(run, where)
    first = run.snapshots[0]
    layers = _parts(list(first.params))
    shapes = [list(first.params[f"{r['part']}.{r['index']}.weight"].shape) for r in layers]
    order = [f"{r['part']}.{r['index']}.{w}" for r in layers for w in ("weight", "bias")]
    grid_shape = list(first.latent_grid.shape[:-1])
    snaps = []
    for i, s in enumerate(run.snapshots):
        axes = _grid_axes(s.latent_grid, k)
        grid = (
            {"axes": [b64(a, "f4") for a in axes]} if axes is not None else {"full": b64(s.latent_grid, "f4")}
        )
        snaps.append(
            {
                "index": i,
                "step": int(s.step),
                "loss": float(s.loss),
                "params": b64(np.concatenate([s.params[name].ravel() for name in order]), "f4"),
                "grid": grid,
                "reliability": b64(s.reliability, "f4"),
            }
        )
    each = max(len(json.dumps(s)) for s in snaps)
    keep = snapshot_indices(len(snaps), each, min(SNAPSHOT_BUDGET, _room(run, snaps, each, where)))
    if len(keep) < len(snaps):
        log.info("explore: %d of %d snapshots fit the page (%d kB each)", len(keep), len(snaps), each // 1000)
        snaps = [snaps[i] for i in keep]
    ensemble = None
    if run.ensemble is not None:
        ensemble = {
            "seeds": list(run.ensemble.seeds),
            "manifolds": b64(run.ensemble.manifolds, "f4"),
            "agreement": b64(run.ensemble.agreement, "f4"),
        }
    c = run.config
    data = {
        "name": c.data,
        "n": n,
        "k": k,
        "count": int(run.data.shape[0]),
        "variant": run.variant,
        "activation": c.activation,
        "layerSizes": run.layer_sizes,
        "layers": [{**r, "shape": sh} for r, sh in zip(layers, shapes, strict=True)],
        "mean": [float(v) for v in norm.mean],
        "scale": norm.scale,
        "data": b64(run.data, "f8"),
        "gridShape": grid_shape,
        "snapshots": snaps,
        "recorded": len(run.snapshots),
        "ensemble": ensemble,
        "seed": c.seed,
        "steps": c.steps,
        "image": None if run.image_shape is None else list(run.image_shape),
        "labels": None if run.labels is None else [int(v) for v in run.labels],
        "pixelRange": [float(run.data.min()), float(run.data.max())],
        "digitPalettes": _digit_palettes(),
        "projection": _projection(run),
        "features": None if run.feature_names is None else list(run.feature_names),
    }
    log.debug("explore: %d snapshots, %d points in R^%d, k = %d", len(snaps), data["count"], n, k)
    return data
