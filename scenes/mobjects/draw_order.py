"""Fewer draw calls for a painter's order: overlays moved between M's primitives only where they must stay.

A 3-D view draws M's primitives (faces, or curve segments) and overlays
(dots, residuals, grid lines) back to front. Every overlay that falls between
two of M's primitives in that order splits M's run there, so a frame of a
surface holding a helix costs hundreds of draw calls. Yet an overlay needs to
stay after an earlier primitive of M, and before a later one, only where the
two overlap on screen. :func:`overlay_slots` finds, for each overlay, the
range of places it may go without changing which of two overlapping things
is painted over the other (by bounding boxes, binned on a coarse grid of
cells: conservative, never wrong), and then as few places as serve every
overlay (the classic interval stabbing, greedy by right ends). M is then
drawn in as few runs as there are places.

Overlays that share a place are drawn after M's run before it; the caller
decides their order among themselves.
"""

from __future__ import annotations

import numpy as np

__all__ = ["box_cells", "overlay_slots", "point_boxes"]


def box_cells(boxes: np.ndarray, cell: float, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """The grid cells each box ``(n, 4)`` ``x0, y0, x1, y1`` covers: pairs ``(item, cell id)``.

    Cells are ``cell`` wide, ``nx`` by ``ny`` of them from the origin; boxes
    are clamped to the grid (what lies outside shares the border cells).
    """
    b = np.asarray(boxes, dtype=np.float64)
    lo = np.floor(b[:, :2] / cell).astype(np.int64)
    hi = np.floor(b[:, 2:] / cell).astype(np.int64)
    top = np.array([nx - 1, ny - 1])
    lo, hi = np.clip(lo, 0, top), np.clip(hi, 0, top)
    w, h = hi[:, 0] - lo[:, 0] + 1, hi[:, 1] - lo[:, 1] + 1
    count = w * h
    item = np.repeat(np.arange(len(b)), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    x = lo[item, 0] + k % w[item]
    y = lo[item, 1] + k // w[item]
    return item, y * nx + x


def overlay_slots(
    m_boxes: np.ndarray, o_boxes: np.ndarray, o_slot: np.ndarray, cell: float, size: tuple[float, float]
) -> np.ndarray:
    """Where each overlay is drawn: the slot ``t`` (after M's primitives ``0 .. t-1``, before ``t ..``).

    Parameters
    ----------
    m_boxes
        ``(M, 4)`` pixel boxes ``x0, y0, x1, y1`` of M's primitives, in drawing order.
    o_boxes
        ``(O, 4)`` pixel boxes of the overlays.
    o_slot
        ``(O,)`` each overlay's place in the painter's order: the number of
        M's primitives drawn before it.
    cell
        Side of the grid's cells in pixels (coarser: fewer pairs to sort, more
        false overlaps).
    size
        Width and height of the area drawn into, in pixels, from the origin.

    Returns
    -------
    numpy.ndarray
        ``(O,)`` slots: an overlay keeps after every earlier primitive of M it
        overlaps and before every later one; there are as few distinct slots as
        that allows.
    """
    n_m, n_o = len(m_boxes), len(o_boxes)
    slot = np.asarray(o_slot, dtype=np.int64)
    if n_o == 0 or n_m == 0:
        return slot.copy()
    nx, ny = max(int(np.ceil(size[0] / cell)), 1), max(int(np.ceil(size[1] / cell)), 1)
    span = n_m + 1
    m_item, m_cell = box_cells(m_boxes, cell, nx, ny)
    keys = np.sort(m_cell * span + m_item)
    o_item, o_cell = box_cells(o_boxes, cell, nx, ny)
    i = np.searchsorted(keys, o_cell * span + slot[o_item])
    after = keys[np.minimum(i, len(keys) - 1)]
    before = keys[np.maximum(i - 1, 0)]
    b = np.where((i < len(keys)) & (after // span == o_cell), after % span, n_m)
    a = np.where((i > 0) & (before // span == o_cell), before % span, -1)
    lo = np.full(n_o, -1, dtype=np.int64)  # the last overlapping primitive before it
    hi = np.full(n_o, n_m, dtype=np.int64)  # the first overlapping primitive after it
    np.maximum.at(lo, o_item, a)
    np.minimum.at(hi, o_item, b)
    # Stab every interval (lo, hi] with as few slots as possible: greedy by right end.
    by_end = np.argsort(hi, kind="stable").tolist()
    lo_l, hi_l = lo.tolist(), hi.tolist()
    out = [0] * n_o
    cut = -1
    for p in by_end:
        if cut <= lo_l[p]:
            cut = hi_l[p]
        out[p] = cut
    return np.asarray(out, dtype=np.int64)


def point_boxes(
    kinds: np.ndarray, indices: np.ndarray, data_px: np.ndarray, recon_px: np.ndarray, pad: float
) -> np.ndarray:
    """``(n, 4)`` pixel boxes of point primitives (``KIND_DATA``, ``KIND_RECON``, ``KIND_RESIDUAL``).

    A dot's box is its centre ``± pad``; a residual's spans its data dot and
    its reconstruction dot, ``± pad`` (``pad``: the largest dot radius or half
    line width drawn).
    """
    from scenes.mobjects.points_view import KIND_RECON, KIND_RESIDUAL

    k, i = np.asarray(kinds), np.asarray(indices)
    d, r = data_px[i], recon_px[i]
    p0 = np.where((k == KIND_RECON)[:, None], r, d)
    p1 = np.where((k == KIND_RESIDUAL)[:, None], r, p0)
    return np.hstack([np.minimum(p0, p1) - pad, np.maximum(p0, p1) + pad])
