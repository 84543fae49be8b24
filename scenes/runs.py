"""The training runs the scenes show, loaded from aecore's cache (never torch here)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aecore import Run, TrainConfig, cached_run
from scenes.settings import current_settings

__all__ = ["MAIN_2D", "SEEDS_2D", "main_config_2d", "main_run_2d", "seed_configs_2d", "seed_runs_2d"]

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
