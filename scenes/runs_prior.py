"""The runs of chapter 8, loaded from aecore's cache (never torch here).

The same trainer, the same network size, two data sets whose true dimension
disagrees with the latent dimension k chosen for them.
"""

from __future__ import annotations

from functools import cache

from aecore import Run, TrainConfig, cached_run

__all__ = ["HELIX_K2", "SHEET_K1", "helix_k2_run", "sheet_k1_run"]

SHEET_K1 = TrainConfig(data="sheet", latent_dim=1, hidden=(32, 32), grid_size=2401)
"""A curved sheet in R^3 (a 2-D cloud) squeezed through a 1-D latent space.

M is a polyline of 241 points that snakes back and forth across the sheet;
trains in about 8 s. The mean residual is about 0.24 against a sheet 3 units
wide (six times that of the k = 2 fit of the same sheet).
"""

HELIX_K2 = TrainConfig(data="helix", latent_dim=2, hidden=(32, 32), grid_size=49)
"""A helix in R^3 (a 1-D cloud) given a 2-D latent space.

M is a 33 x 33 mesh, a surface that the helix lies on; trains in about 8 s.
The mean residual is about 0.04, the data's own noise.
"""


@cache
def sheet_k1_run() -> Run:
    """The sheet trained with k = 1 (trained on first use, then read from the cache)."""
    return cached_run(SHEET_K1)


@cache
def helix_k2_run() -> Run:
    """The helix trained with k = 2 (trained on first use, then read from the cache)."""
    return cached_run(HELIX_K2)
