"""Every training run the video shows, in one place (loaded from aecore's cache; never torch here).

Each chapter lists the configs it shows in :meth:`scenes.base.ChapterScene.run_configs`;
``ae-explainer`` trains them once before rendering. The loaders train a run on
first use and then read it from the run cache (:func:`aecore.cached_run`).

========================  =====================================================
config                    shown in
========================  =====================================================
:data:`MAIN_2D`           chapters 1-6 and 11 (the viewer may override it)
:data:`SEEDS_2D`          chapter 6: the same config from other seeds
:data:`MAIN_3D`           chapter 7
:data:`SHEET_K1`,         chapter 8: k disagrees with the data's dimension
:data:`HELIX_K2`
:data:`OVERFIT`,          chapter 9: interpolating against approximating
:data:`WELL_FIT`
:data:`PRIOR_AE`,         chapter 10: a plain autoencoder and its VAE twin
:data:`PRIOR_VAE`
========================  =====================================================
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aecore import Run, TrainConfig, cached_run
from scenes.settings import current_settings

__all__ = [
    "HELIX_K2",
    "MAIN_2D",
    "MAIN_3D",
    "OVERFIT",
    "PRIOR_AE",
    "PRIOR_VAE",
    "SEEDS_2D",
    "SHEET_K1",
    "WELL_FIT",
    "helix_k2_run",
    "main_config_2d",
    "main_run_2d",
    "main_run_3d",
    "seed_configs_2d",
    "seed_runs_2d",
    "sheet_k1_run",
]

# The 2-D story (chapters 1-6 and 11).

MAIN_2D = TrainConfig(data="arc", latent_dim=1, hidden=(16, 16))
"""The 2-D story: an arc dense at one end and sparse at the other, k = 1."""

SEEDS_2D = (1, 2, 3, 4)
"""Other initialisation seeds of the same config, to show where decoders disagree."""


def main_config_2d() -> TrainConfig:
    """:data:`MAIN_2D` with the viewer's overrides (``[run]`` of ``--config``, see :mod:`scenes.settings`)."""
    return replace(MAIN_2D, **current_settings().run)


def seed_configs_2d() -> tuple[TrainConfig, ...]:
    """:func:`main_config_2d` with each of :data:`SEEDS_2D` as its seed."""
    return tuple(replace(main_config_2d(), seed=s) for s in SEEDS_2D)


@cache
def main_run_2d() -> Run:
    """The main 2-D run (trained on first use, then read from the cache)."""
    return cached_run(main_config_2d())


@cache
def seed_runs_2d() -> tuple[Run, ...]:
    """The main 2-D config trained from each of :data:`SEEDS_2D`."""
    return tuple(cached_run(cfg) for cfg in seed_configs_2d())


# The 3-D story (chapter 7).

MAIN_3D = TrainConfig(data="sheet", latent_dim=2, hidden=(32, 32))
"""A curved sheet in R^3 that thins out towards one edge, k = 2.

Trains in a few seconds; the default grid for k = 2 is 33 x 33 latent points,
so M is drawn with 32 x 32 faces. The trained M follows the sheet to within
the data's noise (mean residual about 0.04 against a sheet 3 units wide).
"""


@cache
def main_run_3d() -> Run:
    """The main 3-D run (trained on first use, then read from the cache)."""
    return cached_run(MAIN_3D)


# The latent dimension is a prior (chapter 8): the same trainer and network
# size, two data sets whose true dimension disagrees with the k chosen for them.

SHEET_K1 = TrainConfig(data="sheet", latent_dim=1, hidden=(32, 32), grid_size=2401)
"""A curved sheet in R^3 (a 2-D cloud) squeezed through a 1-D latent space.

M is a polyline that snakes back and forth across the sheet; trains in about
8 s. The mean residual is about 0.24 against a sheet 3 units wide (six times
that of the k = 2 fit of the same sheet).
"""

HELIX_K2 = TrainConfig(data="helix", latent_dim=2, hidden=(32, 32), grid_size=49)
"""A helix in R^3 (a 1-D cloud) given a 2-D latent space.

M is a mesh, a surface that the helix lies on; trains in about 8 s. The mean
residual is about 0.04, the data's own noise.
"""


@cache
def sheet_k1_run() -> Run:
    """The sheet trained with k = 1 (trained on first use, then read from the cache)."""
    return cached_run(SHEET_K1)


@cache
def helix_k2_run() -> Run:
    """The helix trained with k = 2 (trained on first use, then read from the cache)."""
    return cached_run(HELIX_K2)


# Approximate, don't interpolate (chapter 9): the same distribution (same noise).

OVERFIT = TrainConfig(
    data="arc", latent_dim=1, n_points=12, noise=0.1, hidden=(256, 256), steps=6000, lr=2e-3, n_snapshots=32
)
"""12 noisy points, a 256-256 network, 6000 steps: M passes through every x_j and swings between them."""

WELL_FIT = TrainConfig(data="arc", latent_dim=1, n_points=300, noise=0.1, hidden=(16, 16))
"""The same distribution as :data:`OVERFIT`, 300 points, a 16-16 network: M passes near the x_j."""


# New samples need a prior (chapter 10).

PRIOR_AE = MAIN_2D
"""The main 2-D run (the arc, k = 1), a plain autoencoder (without the viewer's overrides)."""

PRIOR_VAE = replace(PRIOR_AE, variant="vae", kl_weight=0.03)
""":data:`PRIOR_AE` as a VAE; kl_weight 0.03 keeps M on the data and the latents' means near N(0, 1)."""
