"""Overlays moved in a painter's order only past what they do not overlap (scenes.mobjects.draw_order)."""

from __future__ import annotations

import numpy as np

from scenes.mobjects.draw_order import overlay_slots


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(len(a), len(b))``: do boxes overlap (closed)."""
    return (
        (a[:, None, 0] <= b[None, :, 2])
        & (b[None, :, 0] <= a[:, None, 2])
        & (a[:, None, 1] <= b[None, :, 3])
        & (b[None, :, 1] <= a[:, None, 3])
    )


def test_overlays_keep_their_order_against_what_they_overlap_and_share_few_places() -> None:
    rng = np.random.default_rng(3)
    lo = rng.uniform(0, 380, (400, 2))
    m = np.hstack([lo, lo + rng.uniform(4, 20, (400, 2))])
    c = rng.uniform(0, 395, (150, 2))
    o = np.hstack([c, c + 5.0])
    slot = np.sort(rng.integers(0, 401, 150))
    out = overlay_slots(m, o, slot, 8.0, (400.0, 400.0))
    hit = _overlap(o, m)
    for p in range(len(o)):
        for j in np.flatnonzero(hit[p]):
            # M's primitive j was drawn before overlay p (j < slot) if and only if it still is (j < out).
            assert (j < slot[p]) == (j < out[p]), (p, j, slot[p], out[p])
    assert len(np.unique(out)) < len(np.unique(slot)) / 2


def test_overlays_that_overlap_nothing_go_to_one_place() -> None:
    m = np.array([[0.0, 0.0, 10.0, 10.0]] * 5)
    o = np.array([[50.0, 50.0, 55.0, 55.0]] * 4)
    out = overlay_slots(m, o, np.array([0, 2, 3, 5]), 8.0, (100.0, 100.0))
    assert len(set(out.tolist())) == 1
