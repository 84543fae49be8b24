"""The arrays a picture of a run shows at one moment of training, interpolated between snapshots."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aecore import Run, Snapshot

__all__ = ["PictureState", "interpolate_states", "state_at"]


@dataclass(frozen=True)
class PictureState:
    """The arrays the picture shows at one moment of training."""

    latents: np.ndarray  # (N, 1)
    recon: np.ndarray  # (N, 2)
    latent_grid: np.ndarray  # (G, 1)
    manifold: np.ndarray  # (G, 2)
    density: np.ndarray  # (G,)
    reliability: np.ndarray  # (G,)
    depth: np.ndarray | None = None  # (G,) a vector run's M: distance from the picture's plane in R^D

    @classmethod
    def of(cls, s: Snapshot) -> PictureState:
        """The state recorded in snapshot ``s`` (a shadow snapshot's, :mod:`scenes.pictures.shadow`)."""
        depth = getattr(s, "depth", None)
        return cls(s.latents, s.recon, s.latent_grid, s.manifold, s.density, s.reliability, depth)


def interpolate_states(a: PictureState, b: PictureState, t: float) -> PictureState:
    """Linear interpolation of every array between two states."""
    depth = None if a.depth is None or b.depth is None else (1.0 - t) * a.depth + t * b.depth

    def mix(f: str) -> np.ndarray:
        return (1.0 - t) * np.asarray(getattr(a, f), dtype=np.float64) + t * np.asarray(
            getattr(b, f), dtype=np.float64
        )

    return PictureState(
        mix("latents"),
        mix("recon"),
        mix("latent_grid"),
        mix("manifold"),
        mix("density"),
        mix("reliability"),
        depth,
    )


def state_at(run: Run, u: float) -> PictureState:
    """The state at fractional snapshot index ``u`` in ``[0, S-1]``."""
    s = run.snapshots
    u = float(np.clip(u, 0.0, len(s) - 1))
    i = min(int(np.floor(u)), len(s) - 2)
    if len(s) == 1:
        return PictureState.of(s[0])
    return interpolate_states(PictureState.of(s[i]), PictureState.of(s[i + 1]), u - i)
