"""The training runs the 3-D chapter shows, loaded from aecore's cache (never torch here)."""

from __future__ import annotations

from functools import cache

from aecore import Run, TrainConfig, cached_run

__all__ = ["MAIN_3D", "main_run_3d"]

MAIN_3D = TrainConfig(data="sheet", latent_dim=2, hidden=(32, 32))
"""The 3-D story: a curved sheet in R^3 that thins out towards one edge, k = 2.

Trains in a few seconds; the default grid for k = 2 is 33 x 33 latent points,
so M is drawn with 32 x 32 faces. The trained M follows the sheet to within
the data's noise (mean residual about 0.04 against a sheet 3 units wide).
"""


@cache
def main_run_3d() -> Run:
    """The main 3-D run (trained on first use, then read from the cache)."""
    return cached_run(MAIN_3D)
