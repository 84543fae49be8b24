"""Your own scene: an autoencoder's M forming, x̂ landing on it, and M fading where the data is thin.

Self-contained: it trains its own small run with aecore on first use (a few seconds; then it is
read from the run cache), so this file alone renders, from any folder::

    manim -ql my_scene.py MyScene        # the video
    manim -ql -s my_scene.py MyScene     # its last frame only

Swap ``RUN`` for ``aecore.load_run("my_run.npz")`` to show a run of your own
(recorded from your PyTorch model with ``aecore.SnapshotRecorder``).
"""

from __future__ import annotations

from manim import Scene

import aecore
from scenes import DataView, LatentView, ManifoldView, Rect, Theme

__all__ = ["LATENT_RECT", "M_RECT", "RUN", "MyScene"]

RUN = aecore.cached_run(
    aecore.TrainConfig(data="arc", latent_dim=1, hidden=(16, 16), steps=1500, n_snapshots=16), quiet=True
)
"""Points on an arc in R^2, dense at one end and thin at the other; a k = 1 autoencoder trained on them."""

M_RECT = Rect(-2.6, 0.0, 7.5, 7.5)
"""Where data space (M, x, x̂) goes: the left of a 16:9 frame."""

LATENT_RECT = Rect(4.4, 0.0, 4.6, 3.2)
"""Where the latent line goes: the right."""


class MyScene(Scene):
    """M forms over the data during training, each x̂ lands on M, and M fades where the data is thin."""

    def construct(self) -> None:
        theme = Theme.named("dark")
        theme.paint_background(self)
        m = ManifoldView.from_run(RUN, snapshot=0, theme=theme, rect=M_RECT, fade=0.0)
        x = DataView.from_run(RUN, snapshot=0, theme=theme, like=m, landed=False)
        z = LatentView.from_run(RUN, snapshot=0, theme=theme, rect=LATENT_RECT)
        self.add(m, x, z)
        self.play(m.train(), x.train(), z.train())  # the snapshots in order: M forms
        self.play(x.land())  # each x̂ leaves its x and lands on M
        self.play(m.fade_to_reliability())  # M keeps only where the latents are dense
        self.wait()
